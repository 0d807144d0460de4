/**
 * The GP bands widget in a real browser: adding a point by clicking shrinks the band there,
 * dragging moves a point, keyboard editing, switching kernels, URL state of points + kernel,
 * hostile points, the visible hyperparameter fit, the finite-network overlay (WASM/CPU, no WebGL),
 * and the static posterior with JavaScript off. No console errors.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, newContext, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout } from './support/widget.ts';

const s = site();
const EMBED = `${s.url}embed/gp-bands/`;
const nogl = useBrowser('none');

const open = (url: string, opts: Parameters<typeof openPage>[2] = {}) => openPage(nogl(), url, opts);
const sdAt = (r: { xTest: number[]; sd: number[] }, x: number) => r.sd[r.xTest.findIndex((t) => t >= x)];

/** Page coordinates of data point (x, y) in the main plot. */
async function toPage(page: Page, x: number, y: number) {
  return page.evaluate(
    ([x, y]) => {
      const svg = (document.querySelector('#embed .iw-points-editor') as SVGGElement).ownerSVGElement!;
      const vb = svg.viewBox.baseVal;
      const hit = svg.querySelector('.iw-hit') as SVGRectElement;
      const [l, t, w, h] = [hit.x.baseVal.value, hit.y.baseVal.value, hit.width.baseVal.value, hit.height.baseVal.value];
      const sx = l + ((x + 5) / 10) * w;
      const sy = t + ((3.5 - y) / 7) * h;
      const rect = svg.getBoundingClientRect();
      return { x: rect.left + (sx / vb.width) * rect.width, y: rect.top + (sy / vb.height) * rect.height };
    },
    [x, y],
  );
}

describe('GP bands widget', () => {
  test('clicking adds a point and the band shrinks there; dragging moves it; kernels switch; no tfjs without the overlay', async () => {
    const { context, page, errors, requests } = await open(`${EMBED}?preset=gap`);
    await hydrated(page);
    let r = await readout(page);
    expect(r.points).toHaveLength(10);
    const before = sdAt(r, 0);
    const at = await toPage(page, 0, 0.5);
    await page.mouse.click(at.x, at.y);
    await expect.poll(async () => (await readout(page)).points.length).toBe(11);
    r = await readout(page);
    expect(sdAt(r, 0)).toBeLessThan(before / 2);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('points=');
    // Drag the new point to x = 1.
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    const to = await toPage(page, 1, 0.5);
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await readout(page)).points.some((p: number[]) => Math.abs(p[0] - 1) < 0.1)).toBe(true);
    // Switch kernels: the readout and the summary follow.
    await page.locator('#embed-kernel').selectOption('periodic');
    await expect.poll(async () => (await readout(page)).kernel).toBe('periodic');
    expect((await readout(page)).hyper).toHaveProperty('period');
    await expect.poll(() => page.locator('#embed .iw-summary').textContent()).toMatch(/periodic kernel/);
    expect(requests.filter((u) => /tfjs|backend-wasm|\.wasm$/.test(u))).toEqual([]);
    assertNoProblems(errors.take(), 'GP click, drag and kernels');
    await context.close();
  });

  test('keyboard: choose, move, add and delete points in the plot', async () => {
    const { context, page, errors } = await open(`${EMBED}?preset=few`);
    await hydrated(page);
    const editor = page.locator('#embed .iw-points-editor');
    await editor.focus();
    const r0 = await readout(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => JSON.stringify((await readout(page)).points)).not.toBe(JSON.stringify(r0.points));
    await page.keyboard.press('+');
    await expect.poll(async () => (await readout(page)).points.length).toBe(7);
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await readout(page)).points.length).toBe(6);
    assertNoProblems(errors.take(), 'GP keyboard');
    await context.close();
  });

  test('URL state of points and kernel round-trips; hostile points give notices', async () => {
    const { context, page, errors } = await open(`${EMBED}?kernel=linear&variance=0.5&points=-2:0.5,0:1,1.5:-0.3&noise=0.1`);
    await hydrated(page);
    let r = await readout(page);
    expect(r.kernel).toBe('linear');
    expect(r.points).toEqual([[-2, 0.5], [0, 1], [1.5, -0.3]]);
    expect(r.hyper.variance).toBe(0.5);
    // Move a point by keyboard: the address follows, and opening it reproduces the state.
    await page.locator('#embed .iw-points-editor').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => decodeURIComponent(page.url()), { timeout: 10_000 }).toMatch(/points=-2(\.0\d*)?:0\.5,0\.05:1,1\.5:-0\.3|points=-1\.95:0\.5,0:1,1\.5:-0\.3/);
    r = await readout(page);
    const again = await context.newPage();
    await again.goto(page.url());
    await again.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r2 = await again.evaluate(() => (window as any).infiniteWidth.readout('embed'));
    expect(r2.points).toEqual(r.points);
    expect(r2.kernel).toBe('linear');
    expect(r2.hyper.variance).toBe(0.5);
    await again.close();
    await page.goto(`${EMBED}?points=1:2,oops,9:9,NaN:1`);
    await hydrated(page);
    r = await readout(page);
    expect(r.points).toEqual([[1, 2], [5, 3]]);
    await expect.poll(() => page.locator('#embed .iw-notices').textContent()).toMatch(/Training points: left out entry 2/);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    assertNoProblems(errors.take(), 'GP URL state');
    await context.close();
  });

  test('fitting visibly climbs the log marginal likelihood', async () => {
    const { context, page, errors } = await open(`${EMBED}?preset=step&lengthscale=3`);
    await hydrated(page);
    const before = (await readout(page)).logMarginalLikelihood;
    await page.locator('#embed button', { hasText: 'Fit hyperparameters' }).click();
    await expect.poll(() => page.locator('#embed .iw-fit-status').textContent(), { timeout: 30_000 }).toMatch(/Fitted in \d+ steps/);
    const after = (await readout(page)).logMarginalLikelihood;
    expect(after).toBeGreaterThan(before + 1);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('lengthscale=');
    assertNoProblems(errors.take(), 'GP fit');
    await context.close();
  });

  test('finite networks: the covariance error shrinks from width 16 to 1024 (no WebGL); a compute worker shares the work and the sample stays the same', async () => {
    const { context, page, errors, requests } = await open(`${EMBED}?preset=few&kernel=nngp&depth=3&width=16`);
    await hydrated(page);
    await expect.poll(async () => (await readout(page)).covarianceError, { timeout: 60_000 }).not.toBeNull();
    const narrow = (await readout(page)).covarianceError;
    const field = page.locator('#embed input[aria-label^="Finite networks: width"]');
    await field.fill('1024');
    await field.press('Enter');
    await expect.poll(async () => (await readout(page)).width).toBe(1024);
    await expect.poll(async () => (await readout(page)).covarianceError, { timeout: 60_000 }).not.toBeNull();
    const wide = (await readout(page)).covarianceError;
    expect(wide).toBeLessThan(narrow);
    expect(await page.locator('#embed .iw-gp-error').textContent()).toMatch(/Relative error/);
    expect(await page.locator('#embed .iw-backend').textContent()).toMatch(/Running on/);
    // 2,000 networks of width 1,024 are split between the page and a compute worker (a second
    // core): the worker's script loads, and the sample is the one a page without workers draws.
    expect(requests.some((u) => /compute\.worker[^/]*\.js/.test(u))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const stats = await page.evaluate(() => (window as any).infiniteWidth.compute.workerStats());
    expect(stats.failures).toEqual([]);
    expect(stats.blocks).toBeGreaterThan(0);
    const single = await openPage(nogl(), `${EMBED}?preset=few&kernel=nngp&depth=3&width=1024`, {}, () => {
      delete (window as { Worker?: unknown }).Worker;
    });
    await hydrated(single.page);
    await expect.poll(async () => (await readout(single.page)).covarianceError, { timeout: 60_000 }).not.toBeNull();
    expect((await readout(single.page)).covarianceError).toBe(wide);
    expect(single.requests.some((u) => /compute\.worker/.test(u))).toBe(false);
    assertNoProblems(single.errors.take(), 'GP overlay without workers');
    await single.context.close();
    assertNoProblems(errors.take(), 'GP overlay');
    await context.close();
  });

  test('JavaScript off: the static posterior with its band and points', async () => {
    const context = await newContext(nogl(), { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${EMBED}`);
    expect(await page.locator('#embed path.iw-posterior').count()).toBe(1);
    expect(await page.locator('#embed path.iw-gp-band2').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('#embed .iw-points-editor circle.iw-datum').count()).toBe(6);
    expect(await page.locator('#embed .iw-summary').textContent()).toMatch(/posterior of the RBF/);
    await context.close();
  });
});
