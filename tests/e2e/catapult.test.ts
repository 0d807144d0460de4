/**
 * The catapult widget in a real browser (its embed route): presets, URL state and keyboard, the
 * divergence message, the networks on the measured fallback and on WebGL (SwiftShader) with a
 * forced context loss mid-run, the batched sweep, and the server-rendered map with JavaScript off.
 * No console errors anywhere. (Hostile URL values: tests/e2e/hostile.test.ts, for every widget.)
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout, summary } from './support/widget.ts';

const s = site();
const EMBED = `${s.url}embed/catapult/`;
const gl = useBrowser('swiftshader');
const nogl = useBrowser('none');

const open = openPage;

const running = (page: Page) => expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(/Running on/);

/** Every path's d attribute in the widget: none may hold NaN, Infinity or undefined. */
async function badPaths(page: Page): Promise<string[]> {
  const ds = await page.locator('#embed path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
  return ds.filter((d) => /NaN|Infinity|undefined/.test(d));
}

describe('Catapult widget', () => {
  test('presets set the state and the address; the divergent one says where it diverged; no NaN anywhere', async () => {
    const { context, page, errors } = await open(nogl(), `${EMBED}?steps=60&members=4`);
    await hydrated(page);
    await running(page);
    for (const [label, phase, key] of [
      ['Lazy', 'lazy', 'eta=1.5'],
      ['Catapult', 'catapult', 'eta=3'],
      ['Divergent', 'divergent', 'eta=4.5'],
      ['Wider is sharper', 'catapult', 'width=100000'],
    ] as const) {
      await page.locator('#embed .iw-presets button', { hasText: label }).click();
      await expect.poll(async () => (await readout(page))?.phase, { timeout: 10_000 }).toBe(phase);
      expect(await page.locator('#embed .iw-presets button[aria-pressed="true"]').textContent()).toBe(label);
      await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(key);
      expect(await summary(page)).toContain(`${phase} phase`);
      if (phase === 'divergent') {
        await expect.poll(() => page.locator('#embed .iw-cat-diverged').textContent()).toMatch(/The closed map diverged at step \d+\./);
        // the networks run until they diverge too, and say so
        await expect.poll(() => page.locator('#embed .iw-cat-diverged').textContent(), { timeout: 60_000 }).toMatch(/Every network diverged \(the first at step \d+\)/);
        const r = await readout(page);
        expect(r.divergedAt).toBeGreaterThan(0);
        expect(r.f.slice(r.divergedAt).every((x: unknown) => x === null)).toBe(true);
        expect(r.f.slice(0, r.divergedAt).every((x: unknown) => typeof x === 'number')).toBe(true);
        expect(r.netDivergedAt.every((d: unknown) => typeof d === 'number')).toBe(true);
      } else expect(await page.locator('#embed .iw-cat-diverged').count()).toBe(0);
      expect(await badPaths(page)).toEqual([]);
      expect(await summary(page)).not.toMatch(/NaN|Infinity|undefined/);
    }
    assertNoProblems(errors.take(), 'catapult presets');
    await context.close();
  });

  test('URL state round trip, keyboard: fine steps near 2, coarse elsewhere, Space and → drive the run', async () => {
    const { context, page, errors } = await open(nogl(), `${EMBED}?eta=2&width=500&members=3&steps=400&examples=3`);
    await hydrated(page);
    await running(page);
    const r0 = await readout(page);
    expect([r0.eta, r0.width, r0.members, r0.steps, r0.examples]).toEqual([2, 500, 3, 400, 3]);
    expect(r0.lossFloor).toBeGreaterThan(0);
    expect(await summary(page)).toContain('ηλ₀ = 2: on the boundary 2, labelled catapult by convention');
    expect(await summary(page)).toContain('the loss cannot go below L*');
    // The learning-rate slider: one notch is 0.005 near 2 and 4, 0.02 elsewhere.
    const slider = page.locator('#embed-eta-range');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readout(page)).eta).toBe(2.005);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('eta=2.005');
    const box = page.locator('#embed input[aria-label="Learning rate ηλ₀, exact value"]');
    await box.fill('3.1');
    await box.press('Enter');
    await expect.poll(async () => (await readout(page)).eta).toBe(3.1);
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readout(page)).eta).toBe(3.12);
    // A value off the step grid is rounded, with a notice.
    await box.fill('3.1234');
    await box.press('Enter');
    await expect.poll(() => page.locator('#embed .iw-notices').textContent()).toContain('not a multiple of the step');
    await expect.poll(async () => (await readout(page)).eta).toBe(3.125);
    // Space pauses and plays; → takes one step.
    await page.locator('#embed [role="group"][aria-label="Catapult dynamics"]').focus();
    await expect.poll(async () => (await readout(page)).k ?? -1, { timeout: 30_000 }).toBeGreaterThan(2);
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('#embed button', { hasText: /^(Play|Replay)$/ }).count()).toBe(1);
    const k = (await readout(page)).k;
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await readout(page)).k).toBe(k + 1);
    // Reopen the address in a fresh page (once the debounced address has caught up): the same state.
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('eta=3.125');
    const again = await context.newPage();
    await again.goto(page.url());
    await hydrated(again);
    const r1 = await readout(again);
    expect([r1.eta, r1.width, r1.members, r1.steps, r1.examples]).toEqual([3.125, 500, 3, 400, 3]);
    assertNoProblems(errors.take(), 'catapult URL state and keyboard');
    await context.close();
  });

  for (const [name, which, query] of [
    ['the measured fallback (no WebGL)', nogl, ''],
    ['WebGL (SwiftShader), forced', gl, '&backend=webgl'],
  ] as const) {
    test(`networks on ${name}: one network follows the map; the 256-rate sweep runs in one batch`, async () => {
      const { context, page, errors } = await open(which(), `${EMBED}?members=1&steps=60&eta=1.5${query}`);
      await hydrated(page);
      await running(page);
      await expect.poll(async () => (await readout(page)).k, { timeout: 90_000 }).toBe(60);
      const r = await readout(page);
      // m = 1: network 0 is the map, to float32 round-off (lazy: nothing amplifies it).
      for (const t of [0, 5, 20, 60]) expect(Math.abs(r.netLambda[t] / r.lambda[t] - 1), `λ at step ${t}`).toBeLessThan(1e-4);
      expect(Math.abs(r.netLoss[5] / r.loss[5] - 1)).toBeLessThan(1e-3);
      await expect.poll(async () => (await readout(page)).sweep?.eta?.length ?? 0, { timeout: 90_000 }).toBe(256);
      const sw = (await readout(page)).sweep;
      expect(sw.width).toBe(1000);
      sw.eta.forEach((k: number, i: number) => {
        if (k < 1.9) expect(Math.abs(sw.finalLambda[i] / sw.lambda0 - 1)).toBeLessThan(0.02);
        if (k > 4.05) expect(sw.finalLambda[i]).toBeNull();
      });
      const status = (await page.locator('#embed .iw-cat-sweep-controls').textContent()) ?? '';
      const ms = Number(/(\d+) ms/.exec(status)?.[1]);
      console.log(`catapult sweep (256 rates × n = 1,000 × 60 steps) on ${name}: ${ms} ms [${(await page.locator('#embed .iw-backend').textContent())?.trim()}]`);
      expect(await page.locator('#embed circle').count()).toBeGreaterThan(200); // the sweep's dots are drawn
      expect(await badPaths(page)).toEqual([]);
      assertNoProblems(errors.take(), `catapult on ${name}`);
      await context.close();
    });
  }

  test('a forced WebGL context loss mid-run is recovered: the networks continue from where they were', async () => {
    const { context, page, errors } = await open(gl(), `${EMBED}?steps=300&members=2&eta=1.2&backend=webgl`);
    await hydrated(page);
    await expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(/WebGL/);
    await expect.poll(async () => (await readout(page)).k ?? 0, { timeout: 60_000 }).toBeGreaterThan(10);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(await page.evaluate(() => (window as any).infiniteWidth.compute.simulateContextLoss())).toBe(true);
    const k = (await readout(page)).k;
    await expect.poll(async () => (await readout(page)).k ?? 0, { timeout: 60_000 }).toBeGreaterThan(k + 10);
    const r = await readout(page);
    expect(r.netLambda.length).toBe(r.k + 1);
    expect(r.netLambda.every((x: unknown) => typeof x === 'number')).toBe(true);
    assertNoProblems(errors.take(), 'catapult context loss');
    await context.close();
  });

  test('with JavaScript off the server-rendered map is there: curves, the sweep, the summary; no controls', async () => {
    const { context, page } = await open(nogl(), EMBED, { javaScriptEnabled: false });
    const maps = await page.locator('#embed path.iw-cat-map').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
    expect(maps.length).toBe(5); // loss, λ, the (f, λ) plane, and the two sweeps
    for (const d of maps) {
      expect(d.length).toBeGreaterThan(100);
      expect(d).not.toMatch(/NaN|Infinity/);
    }
    expect(await page.locator('#embed path.iw-cat-catapult').count()).toBe(2); // the phases are shaded
    const text = await summary(page);
    expect(text).toContain('catapult phase (2 ≤ ηλ₀ < 4)');
    expect(text).toMatch(/The closed map over 100 steps: the loss grows/);
    expect(await page.locator('#embed .iw-controls').isVisible()).toBe(false);
    await context.close();
  });
});
