/**
 * The NTK trajectories widget in a real browser (no WebGL: WASM or CPU): the ensemble trains to t
 * and its mean sits near the NTK-GP mean; a width change re-runs it; presets (the too-large step
 * warns and links to the catapult chapter); URL state round-trips; the width sweep on demand; and
 * with JavaScript off a static figure (the NTK-GP band and the theory loss). No console errors.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, newContext, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout } from './support/widget.ts';

const s = site();
const EMBED = `${s.url}embed/ntk-trajectories/`;
const nogl = useBrowser('none');

async function open(url: string) {
  const opened = await openPage(nogl(), url);
  await hydrated(opened.page);
  return opened;
}
/** Waits until the networks have been trained to step t. */
const trainedTo = (page: Page, t: number) => expect.poll(async () => { const r = await readout(page); return r?.memberMean ? r.t : -1; }, { timeout: 90_000 }).toBe(t);

describe('NTK trajectories widget', () => {
  test('trains to t near the NTK-GP mean; a width change re-runs the ensemble', async () => {
    const { context, page, errors } = await open(`${EMBED}?t=20&width=64`);
    await trainedTo(page, 20);
    let r = await readout(page);
    expect(r.width).toBe(64);
    expect(r.trainLoss).toHaveLength(8);
    expect(r.theoryLoss).toBeGreaterThan(0);
    expect(r.ntkError).toBeGreaterThan(0);
    expect(r.backend).toMatch(/wasm|cpu/);
    const narrowError = r.ntkError;
    const field = page.locator('#embed input[aria-label^="Width n"]');
    await field.fill('1024');
    await field.press('Enter');
    await expect.poll(async () => (await readout(page)).width).toBe(1024);
    await expect.poll(async () => (await readout(page)).ntkError, { timeout: 60_000 }).not.toBe(narrowError);
    await trainedTo(page, 20);
    r = await readout(page);
    expect(r.ntkError).toBeLessThan(narrowError);
    const gap = Math.max(...r.memberMean.map((m: number, i: number) => Math.abs(m - r.ntkGpMean[i]) / (4 * r.ntkGpSd[i] / Math.sqrt(8) + 0.1)));
    expect(gap).toBeLessThan(1);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    await expect.poll(() => page.url()).toContain('width=1024');
    assertNoProblems(errors.take(), 'NTK width change');
    await context.close();
  });

  test('presets: narrow and wide set the width; too large a step warns, links to the catapult and never shows NaN', async () => {
    // "Wide" is clicked the moment the backend badge names a backend, that is while the first
    // (narrow) run is still building: the replacing run must still autoplay (it once sat at step 0).
    const { context, page, errors } = await openPage(nogl(), `${EMBED}?preset=narrow&t=5`, {}, () => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('#embed .iw-backend[data-backend]')) return;
        observer.disconnect();
        const w = window as unknown as { widthAtClick?: number; infiniteWidth?: { readout(id: string): { width: number } | null } };
        w.widthAtClick = w.infiniteWidth?.readout('embed')?.width;
        [...document.querySelectorAll<HTMLButtonElement>('#embed .iw-presets button')].find((b) => b.textContent?.includes('Wide'))?.click();
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await hydrated(page);
    await expect.poll(async () => (await readout(page)).width).toBe(2048);
    expect(await page.evaluate(() => (window as unknown as { widthAtClick?: number }).widthAtClick)).toBe(32);
    await expect.poll(async () => { const r = await readout(page); return r?.memberMean ? r.t : -1; }, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.locator('#embed .iw-ntk-warning').count()).toBe(0);
    // From the wide run straight to the large step, by the button (the new run trains to t = 200).
    await page.locator('#embed .iw-presets button', { hasText: 'Too large a step' }).click();
    await expect.poll(async () => (await readout(page)).lr).toBe(1.5);
    expect((await readout(page)).width).toBe(512);
    const warning = page.locator('#embed .iw-ntk-warning');
    await expect.poll(() => warning.textContent()).toMatch(/outside|leave the kernel regime/);
    expect(await warning.locator('a').getAttribute('href')).toMatch(/chapters\/catapult-phase\/$/);
    await trainedTo(page, 200).catch(async (e) => {
      // Every network may diverge first: then the run stops there, and says so.
      const r = await readout(page);
      if (r.divergedAt === null) throw new Error(`neither trained to t = 200 nor diverged: shown t = ${r.t}, backend ${r.backend}`, { cause: e });
    });
    const r = await readout(page);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    if (r.divergedAt !== null) expect(await page.locator('#embed .iw-ntk-diverged').textContent()).toMatch(/Diverged at step \d+/);
    assertNoProblems(errors.take(), 'NTK presets');
    await context.close();
  });

  test('URL state round-trips; the width sweep runs on demand', async () => {
    const { context, page, errors } = await open(`${EMBED}?points=-1:0.5,1:-0.5,2:0.25&lr=0.5&t=10&members=3&seed=4&activation=relu&width=oops`);
    let r = await readout(page);
    expect([r.lr, r.members, r.activation, r.width]).toEqual([0.5, 3, 'relu', 512]);
    await expect.poll(() => page.locator('#embed .iw-notices').textContent()).toMatch(/Width n/);
    await trainedTo(page, 10);
    r = await readout(page);
    expect(r.trainLoss).toHaveLength(3);
    const again = await context.newPage();
    await again.goto(`${EMBED}?points=-1:0.5,1:-0.5,2:0.25&lr=0.5&t=10&members=3&seed=4&activation=relu`);
    await again.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'));
    await trainedTo(again, 10);
    const r2 = await readout(again);
    r2.memberMean.forEach((m: number, i: number) => expect(m).toBeCloseTo(r.memberMean[i], 4));
    await again.close();
    // The sweep: 4 networks at each width for t = 10 steps; the relative change falls with width.
    await page.locator('#embed button', { hasText: 'Measure across widths' }).click();
    await expect.poll(async () => (await readout(page)).relWeightChange, { timeout: 120_000 }).not.toBeNull();
    const sweep = (await readout(page)).relWeightChange;
    expect(sweep.widths[0]).toBe(64);
    expect(sweep.slope).toBeLessThan(-0.3);
    assertNoProblems(errors.take(), 'NTK URL state and sweep');
    await context.close();
  });

  test('JavaScript off: the static NTK-GP band, the theory loss and the summary', async () => {
    const context = await newContext(nogl(), { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(EMBED);
    expect(await page.locator('#embed path.iw-ntk-band').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('#embed path.iw-theory').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#embed .iw-summary').textContent()).toMatch(/expected training loss/);
    await context.close();
  });
});
