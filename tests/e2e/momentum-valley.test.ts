/**
 * The momentum valley widget in a real browser (its embed route): presets set the state, the
 * address and the readout (the chapter's 95/691 and 321/6908 step counts, divergence as
 * "diverges" with no NaN); URL state round-trips; keyboard (T tunes, G turns momentum off, the α
 * slider's arrows); the static figure with JavaScript off. No console errors.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, newContext, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout, summary } from './support/widget.ts';

const s = site();
const EMBED = `${s.url}embed/momentum-valley/`;
const nogl = useBrowser('none');

async function open(url: string) {
  const opened = await openPage(nogl(), url);
  await hydrated(opened.page);
  return opened;
}
async function badPaths(page: Page): Promise<string[]> {
  const ds = await page.locator('#embed path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
  return ds.filter((d) => /NaN|Infinity|undefined/.test(d));
}

describe('Momentum valley widget', () => {
  test('presets set the state, the address and the counts; divergence reads "diverges"; no tfjs, no NaN', async () => {
    const { context, page, errors, requests } = await open(EMBED);
    let r = await readout(page);
    expect(r).toMatchObject({ widget: 'momentum-valley', lambda: 100, stepsGd: 691, stepsHeavyBall: 95 });
    // ε and α are rounded to 9 decimals; at a double root that moves the radius by about √(10⁻⁹·λ).
    expect(r.rateHeavyBall).toBeCloseTo(9 / 11, 4);
    expect(r.rateGd).toBeCloseTo(99 / 101, 12);
    expect(r.pathHeavyBall[0]).toEqual([-3, 1]);
    expect(await page.locator('#embed .iw-presets button[aria-pressed="true"]').textContent()).toBe('Tuned (λ = 100)');
    for (const [label, key, check] of [
      ['Tuned (λ = 1000)', 'lambda=1000', (x: typeof r) => expect([x.stepsGd, x.stepsHeavyBall]).toEqual([6908, 321])],
      ['No momentum', 'alpha=0', (x: typeof r) => expect(x.stepsHeavyBall).toBe(x.stepsGd)],
      ['Too much momentum', 'alpha=0.95', (x: typeof r) => expect(x.rateHeavyBall).toBeCloseTo(Math.sqrt(0.95), 9)],
      ['Step too large', 'eps=0.04', (x: typeof r) => expect([x.stepsHeavyBall, x.divergesHeavyBall, x.rateHeavyBall > 1]).toEqual([null, true, true])],
    ] as const) {
      await page.locator('#embed .iw-presets button', { hasText: label }).click();
      await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(key);
      r = await readout(page);
      check(r);
      expect(await page.locator('#embed .iw-presets button[aria-pressed="true"]').textContent()).toBe(label);
      expect(await badPaths(page)).toEqual([]);
      expect(await summary(page)).not.toMatch(/NaN|Infinity|undefined/);
    }
    expect(await summary(page)).toMatch(/heavy ball .*diverges/);
    expect(await page.locator('#embed .iw-mv-table').textContent()).toMatch(/diverges/);
    expect(requests.filter((u) => /tfjs|backend-wasm|\.wasm$/.test(u))).toEqual([]);
    assertNoProblems(errors.take(), 'momentum presets');
    await context.close();
  });

  test('URL state round-trips; keyboard: T tunes, G turns momentum off, arrows move α', async () => {
    const { context, page, errors } = await open(`${EMBED}?lambda=400&eps=0.002&alpha=0.5&steps=300`);
    let r = await readout(page);
    expect([r.lambda, r.eps, r.alpha, r.steps]).toEqual([400, 0.002, 0.5, 300]);
    // T on the widget: the tuned ε = 4/21², α = (19/21)² for λ = 400.
    await page.locator('#embed .iw-widget').focus();
    await page.keyboard.press('t');
    await expect.poll(async () => (await readout(page)).alpha).toBeCloseTo((19 / 21) ** 2, 8);
    r = await readout(page);
    expect(r.eps).toBeCloseTo(4 / 441, 8);
    expect(r.rateHeavyBall).toBeCloseTo(19 / 21, 3);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('eps=0.009070295');
    // Reopening the address reproduces the state.
    const again = await context.newPage();
    await again.goto(page.url());
    await again.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r2 = await again.evaluate(() => (window as any).infiniteWidth.readout('embed'));
    expect([r2.lambda, r2.eps, r2.alpha, r2.steps, r2.stepsHeavyBall]).toEqual([r.lambda, r.eps, r.alpha, r.steps, r.stepsHeavyBall]);
    await again.close();
    // G: no momentum at gradient descent's step; then the α slider's arrow keys.
    await page.locator('#embed .iw-widget').focus();
    await page.keyboard.press('g');
    await expect.poll(async () => (await readout(page)).alpha).toBe(0);
    expect((await readout(page)).stepsHeavyBall).toBe((await readout(page)).stepsGd);
    await page.locator('#embed-alpha-range').focus();
    for (let i = 0; i < 100; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readout(page)).alpha).toBeCloseTo(1 - 10 ** -0.6, 2);
    // A hostile value gives a notice, not a broken figure.
    await page.goto(`${EMBED}?eps=1e999&alpha=2`);
    await page.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'));
    await expect.poll(() => page.locator('#embed .iw-notices').textContent()).toMatch(/Step ε .*not a finite number/);
    expect((await readout(page)).alpha).toBe(0.999);
    expect(await badPaths(page)).toEqual([]);
    assertNoProblems(errors.take(), 'momentum URL and keyboard');
    await context.close();
  });

  test('JavaScript off: the static paths, contours, error panel and summary', async () => {
    const context = await newContext(nogl(), { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${EMBED}?preset=tuned`);
    expect(await page.locator('#embed path.iw-mv-hb').count()).toBe(2);
    expect(await page.locator('#embed path.iw-mv-gd').count()).toBe(2);
    expect(await page.locator('#embed path.iw-mv-hb').first().getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('#embed path.iw-mv-contour').count()).toBeGreaterThan(3);
    expect(await page.locator('#embed .iw-summary').textContent()).toMatch(/needs 95 steps/);
    expect(await page.locator('#embed .iw-mv-table').textContent()).toMatch(/691/);
    await context.close();
  });
});
