/**
 * The widget kit in a real browser, through the two widgets built on it: the readout
 * (window.infiniteWidth.readout) against closed forms, preset links, controls shown by
 * `visibleWhen`, the points editor by pointer and by its table, and step rounding of URL values.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, collectErrors, newContext, site, useBrowser } from './support/site.ts';

const s = site();
const CHAPTER = `${s.url}chapters/estimating-probability/`;
const nogl = useBrowser('none');

async function open(url: string) {
  const context = await newContext(nogl());
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, errors };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const readout = (page: Page, id: string) => page.evaluate((id) => (window as any).infiniteWidth?.readout?.(id) ?? null, id) as Promise<any>;

async function hydrate(page: Page, id: string) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.waitForFunction((id) => !!document.querySelector(`#${id} [data-hydrated="true"]`), id, { timeout: 20_000 });
}

describe('widget kit', () => {
  test('readout: null before hydration, then the posterior’s exact numbers; a preset link sets the state', async () => {
    const { context, page, errors } = await open(`${CHAPTER}?coin.preset=machineB#coin`);
    await hydrate(page, 'coin');
    const r = await readout(page, 'coin');
    expect(r).toMatchObject({ widget: 'beta-binomial', heads: 81, tails: 40, alpha: 2, beta: 2, posterior: { a: 83, b: 42 } });
    // Beta(83, 42): mean a/(a+b), sd sqrt(ab/((a+b)²(a+b+1))), MAP (a−1)/(a+b−2), MLE 81/121.
    expect(r.mean).toBeCloseTo(83 / 125, 12);
    expect(r.sd).toBeCloseTo(Math.sqrt((83 * 42) / (125 ** 2 * 126)), 12);
    expect(r.map).toBeCloseTo(82 / 123, 12);
    expect(r.mle).toBeCloseTo(81 / 121, 12);
    expect(r.interval[0]).toBeLessThan(r.mean);
    expect(r.interval[1]).toBeGreaterThan(r.mean);
    expect(await page.locator('#coin button[aria-pressed="true"]').textContent()).toContain('Machine B');
    assertNoProblems(errors.take(), 'readout and preset link');
    await context.close();

    const fresh = await open(`${s.url}chapters/stochastic-gradient-descent/`);
    const ids = await fresh.page.evaluate(() => [...document.querySelectorAll('[data-widget]')].map((e) => e.id));
    expect(ids.length).toBeGreaterThan(0);
    // Below the fold, not hydrated yet: no readout. Scrolled into view and hydrated: a readout.
    for (const id of ids) expect(await readout(fresh.page, id)).toBeNull();
    await hydrate(fresh.page, ids[0]);
    await expect.poll(async () => (await readout(fresh.page, ids[0]))?.widget).toBe('sgd-variance');
    await fresh.context.close();
  });

  test('SGD readout: the chains against the exact moments; preset plus override in the URL; k0 shown only for its schedule; URL values rounded to the step', async () => {
    const { context, page, errors } = await open(`${s.url}embed/sgd-variance/?preset=eps01&steps=80&chains=3000&theta0=2.04`);
    await hydrate(page, 'embed');
    await expect.poll(async () => (await readout(page, 'embed'))?.k ?? 0, { timeout: 60_000 }).toBeGreaterThan(30);
    const r = await readout(page, 'embed');
    expect(r.widget).toBe('sgd-variance');
    expect(['wasm', 'cpu']).toContain(r.backend); // WebGL is off in this browser
    expect(r.stationaryVariance).toBeCloseTo(0.1 / 1.9, 10);
    // Exact theory at step k for ε = 0.1, M = 1, data mean 0 and variance 1: E θ_k = 0.9^k θ₀.
    expect(r.theory.mean).toBeCloseTo(0.9 ** r.k * 2, 10);
    // 3000 chains: the sample variance is within ~4·sqrt(2/K) of the exact one.
    expect(Math.abs(r.empirical.variance - r.theory.variance) / r.theory.variance).toBeLessThan(4 * Math.sqrt(2 / 3000));
    expect(await page.locator('#embed-eps-range').inputValue()).toBe('0.1');
    expect(await page.locator('#embed-steps-range').inputValue()).toBe('80');
    // The generated controls: k₀ only for the ε₀/(1 + k/k₀) schedule.
    expect(await page.locator('#embed-k0-range').count()).toBe(0);
    await page.locator('#embed-schedule').selectOption('inverse-k0');
    await expect.poll(() => page.locator('#embed-k0-range').count()).toBe(1);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('schedule=inverse-k0');
    assertNoProblems(errors.take(), 'SGD readout');
    await context.close();

    const off = await open(`${s.url}embed/sgd-variance/?eps=0.12345`);
    await hydrate(off.page, 'embed');
    await expect.poll(() => off.page.locator('#embed .iw-notices').textContent()).toContain('not a multiple of the step 0.001; using 0.123');
    expect(await off.page.locator('#embed-eps-range').inputValue()).toBe('0.123');
    assertNoProblems(off.errors.take(), 'step rounding');
    await off.context.close();
  });

  test('points editor: click adds a point, drag moves one, Shift+click removes one; the table edits them with validation', async () => {
    const { context, page, errors } = await open(`${s.url}embed/sgd-variance/?chains=200&steps=20`);
    await hydrate(page, 'embed');
    const data = async () => (await readout(page, 'embed'))?.data;
    expect(await data()).toMatchObject({ n: 20, edited: false });
    const hit = page.locator('#embed .iw-strip .iw-hit');
    const box = (await hit.boundingBox())!;
    // Far right of the strip is empty (the data are standard normal, the axis runs to 4): a click adds a point there.
    await page.mouse.click(box.x + box.width * 0.97, box.y + box.height / 2);
    await expect.poll(async () => (await data())?.n).toBe(21);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('data=');
    // Drag the new point to the left: the data mean falls.
    const before = (await data()).mean;
    await page.mouse.move(box.x + box.width * 0.97, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await data())?.mean).toBeLessThan(before);
    // Shift+click on it removes it again.
    await page.keyboard.down('Shift');
    await page.mouse.click(box.x + box.width * 0.85, box.y + box.height / 2);
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await data())?.n).toBe(20);
    // The table: a bad entry is refused with a notice naming it; a good one is taken.
    await page.locator('#embed .iw-points-table summary').click();
    const first = page.locator('#embed-data-p0-x');
    await first.fill('abc');
    await first.press('Enter');
    await expect.poll(() => page.locator('#embed .iw-notices').textContent()).toMatch(/left out entry 1 \("abc"\)/);
    expect((await data()).n).toBe(19);
    await page.locator('#embed-data-p0-x').fill('9.5');
    await page.locator('#embed-data-p0-x').press('Enter');
    await expect.poll(async () => (await data())?.mean).toBeGreaterThan(0.3);
    assertNoProblems(errors.take(), 'points editor');
    await context.close();
  });
});
