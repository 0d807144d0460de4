/**
 * Faults: every tensor widget without WebGL and without WebAssembly (the global removed before the
 * page's scripts run) falls to the CPU backend, still computes, and tells the reader which backend
 * runs and why; the WASM binary failing to download does the same; the NTK ensemble survives a lost
 * WebGL context mid-run (the SGD and catapult widgets' own tests lose theirs). No console errors.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { widgets } from '../../widgets/registry.ts';
import { assertNoProblems, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout } from './support/widget.ts';

const s = site();
const nogl = useBrowser('none');
const gl = useBrowser('swiftshader');

/** How to make each tensor widget compute, and how to see that it did (from its readout). */
const SETUPS: Record<string, { query: string; start?: (page: Page) => Promise<void>; computed: (r: any) => boolean }> = {
  'sgd-variance': { query: '?chains=500&steps=200', computed: (r) => r.k > 5 },
  catapult: { query: '?steps=100&members=2', computed: (r) => r.k > 5 },
  'ntk-trajectories': { query: '?width=64&members=2&t=20', computed: (r) => !!r.memberMean && r.t > 0 },
  'gp-bands': { query: '?preset=few&kernel=nngp&depth=2&width=64', computed: (r) => r.covarianceError !== null },
  'phase-diagram': {
    query: '?depth=6&width=64',
    start: (page) => page.getByRole('button', { name: 'Draw random networks' }).click(),
    computed: (r) => (r.empiricalC?.length ?? 0) > 0,
  },
};

const noWasm = () => {
  delete (window as { WebAssembly?: unknown }).WebAssembly;
};

describe('faults: no WebGL and no WebAssembly', () => {
  test('every tensor widget has a fault setup here', () => {
    expect(widgets.filter((w) => w.usesTensors).map((w) => w.slug).sort()).toEqual(Object.keys(SETUPS).sort());
  });

  for (const [slug, setup] of Object.entries(SETUPS)) {
    test(`${slug}: falls to the CPU backend, computes, and says so`, async () => {
      const { context, page, errors } = await openPage(nogl(), `${s.url}embed/${slug}/${setup.query}`, {}, noWasm);
      await hydrated(page);
      await setup.start?.(page);
      await expect.poll(async () => setup.computed(await readout(page)), { timeout: 90_000 }).toBe(true);
      const badge = (await page.locator('#embed .iw-backend').textContent()) ?? '';
      expect(badge).toMatch(/Running on CPU — the only backend that works here/);
      expect(badge).toMatch(/WASM unavailable/);
      expect(badge).toMatch(/WebGL unavailable/);
      expect(JSON.stringify(await readout(page))).not.toMatch(/NaN|Infinity/);
      expect(await page.locator('#embed .iw-failure, #embed [role="alert"]').count()).toBe(0);
      assertNoProblems(errors.take(), `${slug} without WebGL and WASM`);
      await context.close();
    });
  }

  test('the WASM binary failing to download: the CPU backend runs and the badge says why', async () => {
    const { context, page, errors } = await openPage(nogl(), 'about:blank');
    await context.route(/\.wasm(\?|$)/, (route) => route.abort('failed'));
    await page.goto(`${s.url}embed/sgd-variance/${SETUPS['sgd-variance'].query}`);
    await hydrated(page);
    await expect.poll(async () => (await readout(page))?.k ?? 0, { timeout: 90_000 }).toBeGreaterThan(5);
    expect(await page.locator('#embed .iw-backend').textContent()).toMatch(/Running on CPU .*WASM unavailable/);
    // The aborted download is the fault under test, not a problem of the page.
    assertNoProblems(errors.take().filter((e) => !/\.wasm|wasm|WebAssembly|Failed to load resource/i.test(String(e))), 'SGD with the WASM download failing');
    await context.close();
  });
});

describe('faults: WebGL context lost mid-run', () => {
  test('ntk-trajectories: the ensemble replays to where it was and trains on', async () => {
    const { context, page, errors } = await openPage(gl(), `${s.url}embed/ntk-trajectories/?width=64&members=2&t=400&backend=webgl`);
    await hydrated(page);
    await expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(/WebGL/);
    const shown = async () => {
      const r = await readout(page);
      return r?.memberMean ? r.t : 0;
    };
    await expect.poll(shown, { timeout: 60_000 }).toBeGreaterThan(10);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(await page.evaluate(() => (window as any).infiniteWidth.compute.simulateContextLoss())).toBe(true);
    const t = await shown();
    await expect.poll(shown, { timeout: 90_000 }).toBeGreaterThan(t + 10);
    // Still playing, and no failure left on show (a step in flight when the context went fails first).
    await expect.poll(() => page.locator('#embed button', { hasText: /^(Play|Pause|Replay)$/ }).first().textContent()).toBe('Pause');
    expect(await page.locator('#embed .iw-backend').textContent()).toMatch(/^Running on /);
    const r = await readout(page);
    expect(r.trainLoss).toHaveLength(2);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    assertNoProblems(errors.take(), 'NTK context loss');
    await context.close();
  });
});
