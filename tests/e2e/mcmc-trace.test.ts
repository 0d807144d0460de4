/**
 * The MCMC trace widget in a real browser (its embed route): presets set the proposal, the address
 * and the readout (acceptance falls as the step grows); URL state round-trips and reproduces the
 * seeded chain; the N key draws a new chain; the static figure with JavaScript off. No console
 * errors.
 */
import { describe, expect, test } from 'vitest';
import { assertNoProblems, newContext, site, useBrowser } from './support/site.ts';
import { hydrated, openPage, readout } from './support/widget.ts';

const s = site();
const EMBED = `${s.url}embed/mcmc-trace/`;
const nogl = useBrowser('none');

async function open(url: string) {
  const opened = await openPage(nogl(), url);
  await hydrated(opened.page);
  return opened;
}

describe('MCMC trace widget', () => {
  test('presets: acceptance falls from too small to good to too large; τ is smallest for the good step; no tfjs', async () => {
    const { context, page, errors, requests } = await open(EMBED);
    const r0 = await readout(page);
    expect(r0).toMatchObject({ widget: 'mcmc-trace', posterior: { a: 5, b: 3 }, proposal: 0.2, steps: 20000 });
    expect(Math.abs(r0.mean - 0.625)).toBeLessThan(4 * r0.mcse);
    expect(r0.acf).toHaveLength(50);
    const seen: Record<string, { acceptance: number; tau: number }> = {};
    for (const [label, name, key] of [['Too small', 'too-small', 'proposal=0.05'], ['Too large', 'too-large', 'proposal=2'], ['Good step', 'good-step', '']] as const) {
      await page.locator('#embed .iw-presets button', { hasText: label }).click();
      if (key) await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(key);
      else await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain('proposal=');
      await expect.poll(async () => (await readout(page)).proposal).toBe(name === 'too-small' ? 0.05 : name === 'too-large' ? 2 : 0.2);
      const r = await readout(page);
      seen[name] = { acceptance: r.acceptance, tau: r.tau };
      expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    }
    expect(seen['too-small'].acceptance).toBeGreaterThan(seen['good-step'].acceptance);
    expect(seen['good-step'].acceptance).toBeGreaterThan(seen['too-large'].acceptance);
    expect(seen['good-step'].tau).toBeLessThan(Math.min(seen['too-small'].tau, seen['too-large'].tau));
    expect(await page.locator('#embed .iw-summary').textContent()).toMatch(/Geyer/);
    expect(requests.filter((u) => /tfjs|backend-wasm|\.wasm$/.test(u))).toEqual([]);
    assertNoProblems(errors.take(), 'mcmc presets');
    await context.close();
  });

  test('URL state round-trips and reproduces the chain; N draws a new one', async () => {
    const { context, page, errors } = await open(`${EMBED}?heads=81&tails=40&proposal=0.05&steps=5000&burnin=200&seed=9`);
    const r = await readout(page);
    expect(r).toMatchObject({ heads: 81, tails: 40, proposal: 0.05, steps: 5000, burnin: 200, seed: 9, posterior: { a: 83, b: 42 } });
    const again = await context.newPage();
    await again.goto(page.url());
    await again.waitForFunction(() => !!document.querySelector('#embed [data-hydrated="true"]'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r2 = await again.evaluate(() => (window as any).infiniteWidth.readout('embed'));
    expect(r2).toEqual(r);
    await again.close();
    await page.locator('#embed .iw-widget').focus();
    await page.keyboard.press('n');
    await expect.poll(async () => (await readout(page)).seed).toBe(10);
    expect((await readout(page)).mean).not.toBe(r.mean);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('seed=10');
    assertNoProblems(errors.take(), 'mcmc URL state');
    await context.close();
  });

  test('JavaScript off: the static trace, histogram over the density, ACF and summary', async () => {
    const context = await newContext(nogl(), { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${EMBED}`);
    expect(await page.locator('#embed path.iw-mcmc-trace').first().getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('#embed path.iw-posterior').count()).toBeGreaterThan(0);
    expect(await page.locator('#embed rect.iw-bar').count()).toBeGreaterThan(40);
    expect(await page.locator('#embed rect.iw-mcmc-acf').count()).toBeGreaterThan(10);
    expect(await page.locator('#embed .iw-summary').textContent()).toMatch(/accepted/);
    await context.close();
  });
});
