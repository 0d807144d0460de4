/**
 * Widgets in a real browser: lazy hydration, URL state round trip, Share, StateLink, keyboard
 * operation, hostile URL values, the embed route, the static figure with JavaScript off, and the
 * tensor widget on both backends (WebGL via SwiftShader, and the CPU fallback) including a forced
 * WebGL context loss mid-run. No console errors anywhere.
 */
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { assertNoProblems, site, useBrowser } from './support/site.ts';
import { openPage } from './support/widget.ts';

const s = site();
const CHAPTER = `${s.url}chapters/estimating-probability/`;
const gl = useBrowser('swiftshader');
const nogl = useBrowser('none');

const open = openPage;

const summary = (page: Page, id: string) => page.locator(`#${id} .iw-summary`);

async function hydrated(page: Page, id: string) {
  const island = page.locator(`#${id}`);
  await island.scrollIntoViewIfNeeded();
  await page.waitForFunction((id) => !document.querySelector(`#${id} astro-island[ssr]`), id, { timeout: 20_000 });
}

describe('Beta–Binomial widget (chapter 1)', () => {
  test('hydrates only when scrolled into view, and the page never downloads tfjs', async () => {
    const { context, page, errors, requests } = await open(nogl(), CHAPTER);
    await page.waitForTimeout(500);
    expect(requests.some((u) => /BetaBinomial\.[\w-]+\.js$/.test(u)), 'widget code fetched before it was visible').toBe(false);
    expect(await page.locator('#coin astro-island[ssr]').count()).toBe(1);
    await hydrated(page, 'coin');
    expect(requests.some((u) => /BetaBinomial\.[\w-]+\.js$/.test(u))).toBe(true);
    await page.locator('#coin button', { hasText: '+ Heads' }).click();
    await page.waitForTimeout(300);
    expect(requests.filter((u) => /engine\.[\w-]+\.js|tfjs|compute\.[\w-]+\.js/.test(u))).toEqual([]);
    assertNoProblems(errors.take(), 'chapter 1 with the widget');
    await context.close();
  });

  test('URL state round trip, Share and StateLink', async () => {
    const { context, page, errors } = await open(gl(), `${CHAPTER}?coin.heads=81&coin.tails=40#coin`, { permissions: ['clipboard-read', 'clipboard-write'] });
    await hydrated(page, 'coin');
    await expect.poll(() => summary(page, 'coin').textContent()).toContain('posterior Beta(83, 42)');
    await page.locator('#coin button', { hasText: '+ Tails' }).click();
    await expect.poll(() => page.url(), { timeout: 5_000 }).toContain('coin.tails=41');
    await page.locator('#coin button', { hasText: 'Share' }).click();
    await expect.poll(() => page.locator('#coin .iw-share-status').textContent()).toMatch(/copied|Copy this link/);
    const shared = (await page.evaluate(() => navigator.clipboard.readText().catch(() => ''))) || (await page.locator('#coin .iw-share-url').inputValue());
    expect(shared).toContain('coin.heads=81');
    expect(shared).toContain('coin.tails=41');
    expect(shared).toContain('#coin');
    // Reopen the shared link in a fresh page: same state.
    const again = await context.newPage();
    await again.goto(shared);
    await hydrated(again, 'coin');
    await expect.poll(() => summary(again, 'coin').textContent()).toContain('posterior Beta(83, 43)');
    // A StateLink in the prose sets the state and scrolls to the widget.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('a.state-link', { hasText: 'Machine A' }).first().click();
    await expect.poll(() => summary(page, 'coin').textContent()).toContain('posterior Beta(5, 3)');
    // Machine A is the default state, so the address loses its query altogether.
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain('coin.heads=81');
    assertNoProblems(errors.take(), 'state round trip');
    await context.close();
  });

  test('is operable by keyboard alone', async () => {
    const { context, page, errors } = await open(nogl(), `${CHAPTER}#coin`);
    await hydrated(page, 'coin');
    const heads = page.locator('#coin button', { hasText: '+ Heads' });
    await heads.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => summary(page, 'coin').textContent()).toContain('4 heads and 1 tail');
    await page.keyboard.press('t');
    await page.keyboard.press('h');
    await expect.poll(() => summary(page, 'coin').textContent()).toContain('5 heads and 2 tails');
    // Tab reaches the α slider; arrow keys move it by one step.
    const alpha = page.locator('#coin-alpha-range');
    await alpha.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => summary(page, 'coin').textContent()).toContain('Prior Beta(2.1, 2)');
    // The exact-value box accepts typed input and validates it like a URL value.
    const box = page.locator('#coin input[aria-label="Prior β, exact value"]');
    await box.fill('1e9');
    await box.press('Enter');
    await expect.poll(() => summary(page, 'coin').textContent()).toContain('Prior Beta(2.1, 50)');
    await expect.poll(() => page.locator('#coin .iw-notices').textContent()).toContain('above the maximum');
    // Every control can be reached with Tab from the first button.
    await heads.focus();
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => !!document.activeElement?.closest('#coin'));
      if (!inside) break;
      seen.add(await page.evaluate(() => (document.activeElement as HTMLElement).outerHTML.slice(0, 60)));
    }
    expect(seen.size).toBeGreaterThan(15);
    assertNoProblems(errors.take(), 'keyboard');
    await context.close();
  });

  test('hostile URL values are clamped or ignored with a notice, never injected', async () => {
    let dialogs = 0;
    const hostile = new URLSearchParams();
    hostile.append('coin.alpha', 'NaN');
    hostile.append('coin.beta', '-Infinity');
    hostile.append('coin.heads', '1e308');
    hostile.append('coin.heads', '5');
    hostile.append('coin.tails', '<img src=x onerror=alert(1)>');
    hostile.append('coin.level', '');
    hostile.append('coin.prior', '"><script>alert(2)</script>');
    hostile.append('coin.__proto__', '{"polluted":1}');
    hostile.append('coin.constructor', 'x');
    hostile.append('coin.likelihood', '😀'.repeat(200) + 'x'.repeat(3000));
    const { context, page, errors } = await open(nogl(), `${CHAPTER}?${hostile}#coin`);
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await hydrated(page, 'coin');
    const text = await summary(page, 'coin').textContent();
    expect(text).toContain('Prior Beta(2, 2), 1000 heads and 1 tail');
    const notices = await page.locator('#coin .iw-notices').textContent();
    for (const word of ['Prior α', 'Prior β', 'Heads', 'more than once', 'and 5 more']) expect(notices).toContain(word);
    // Nothing from the URL became markup: no <img>, no script carrying the payload, no handler attribute.
    expect(await page.locator('#coin img, #coin [onerror]').count()).toBe(0);
    expect(await page.evaluate(() => [...document.scripts].some((s) => s.textContent?.includes('alert(')))).toBe(false);
    // Checked in the page itself (an object returned by evaluate is serialised and could never show it).
    expect(await page.evaluate(() => 'polluted' in Object.prototype || 'polluted' in ({} as object))).toBe(false);
    expect(dialogs).toBe(0);
    assertNoProblems(errors.take(), 'hostile URL');
    await context.close();
  });

  test('embed route: chromeless, reads un-prefixed state, links back to its chapter', async () => {
    const { context, page, errors } = await open(nogl(), `${s.url}embed/beta-binomial/?heads=81&tails=40&alpha=1e999`);
    await hydrated(page, 'embed');
    await expect.poll(() => summary(page, 'embed').textContent()).toContain('posterior Beta(83, 42)');
    expect(await page.locator('header.site-header, nav.book-nav').count()).toBe(0);
    const back = page.locator('.embed-credit a').first();
    expect(await back.getAttribute('href')).toContain('chapters/estimating-probability/');
    expect(await back.getAttribute('target')).toBe('_top');
    await page.setViewportSize({ width: 360, height: 700 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361);
    assertNoProblems(errors.take(), 'embed');
    await context.close();
  });

  test('with JavaScript off the server-rendered figure is there: curves, markers and the text summary', async () => {
    const { context, page } = await open(nogl(), CHAPTER, { javaScriptEnabled: false });
    const d = await page.locator('#coin path.iw-posterior').getAttribute('d');
    expect(d && d.length).toBeGreaterThan(100);
    expect(d).not.toContain('NaN');
    expect(await summary(page, 'coin').textContent()).toContain('posterior Beta(5, 3)');
    expect(await page.locator('#coin .iw-controls').isVisible()).toBe(false);
    await context.close();
  });
});

describe('SGD variance widget (tensor module)', () => {
  const URL_ = `${s.url}embed/sgd-variance/?chains=2000&steps=400`;

  async function progress(page: Page): Promise<number> {
    const text = (await summary(page, 'embed').textContent()) ?? '';
    return Number(/After (\d+) step/.exec(text)?.[1] ?? -1);
  }

  for (const [name, which, query, backend] of [
    ['WebGL (SwiftShader), forced', gl, '&backend=webgl', /GPU \(WebGL\)/],
    // Which CPU-side backend wins is measured, and differs between machines (CI once chose CPU):
    // the reader is told it was the fastest here; WASM is then also checked forced.
    ['no WebGL: the measured fallback', nogl, '', /Running on (WASM SIMD|WASM|CPU) — fastest here/],
    ['WASM, forced', nogl, '&backend=wasm', /Running on WASM/],
    ['the CPU backend, forced', nogl, '&backend=cpu', /Running on CPU/],
  ] as const) {
    test(`runs on ${name}, matches the theory, keeps the tensor count flat`, async () => {
      const { context, page, errors } = await open(which(), URL_ + query);
      await hydrated(page, 'embed');
      await expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(backend);
      await expect.poll(() => progress(page), { timeout: 60_000 }).toBeGreaterThan(20);
      const t1 = await page.evaluate(() => (window as any).infiniteWidth.liveTensors());
      const k1 = await progress(page);
      await expect.poll(() => progress(page), { timeout: 60_000 }).toBeGreaterThan(k1 + 20);
      const t2 = await page.evaluate(() => (window as any).infiniteWidth.liveTensors());
      expect(Math.abs(t2 - t1)).toBeLessThanOrEqual(2);
      const text = (await summary(page, 'embed').textContent()) ?? '';
      const num = '(-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)';
      const emp = Number(new RegExp(`empirical mean \\S+, variance ${num}`).exec(text)?.[1]);
      const th = Number(new RegExp(`theory mean \\S+, variance ${num}`).exec(text)?.[1]);
      // 2000 chains: the sample variance is within ~3·sqrt(2/K) ≈ 10 % of the exact one.
      expect(Math.abs(emp - th) / th).toBeLessThan(0.15);
      // The backend is named for the reader, the histogram and the paths are drawn.
      expect(await page.locator('#embed rect.iw-bar').count()).toBeGreaterThan(5);
      expect(await page.locator('#embed path.iw-path').count()).toBe(5);
      assertNoProblems(errors.take(), `SGD widget on ${name}`);
      await context.close();
    });
  }

  test('URL state, keyboard play/pause/step, and editing the data by keyboard', async () => {
    const { context, page, errors } = await open(nogl(), `${s.url}embed/sgd-variance/?eps=0.1&batch=4&steps=60&chains=1000`);
    await hydrated(page, 'embed');
    await expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(/Running on/);
    expect(await summary(page, 'embed').textContent()).toContain(`Stationary variance ${(0.1 / 1.9 / 4).toFixed(4)}`);
    expect(await page.locator('#embed-eps-range').inputValue()).toBe('0.1');
    // Space pauses (and plays) when the widget has focus; the right arrow takes exactly one step.
    await page.locator('#embed [role="group"][aria-label="SGD variance simulation"]').focus();
    await expect.poll(() => progress(page), { timeout: 30_000 }).toBeGreaterThan(2);
    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('#embed button', { hasText: /^(Play|Replay)$/ }).count()).toBe(1);
    const k = await progress(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => progress(page)).toBe(k + 1);
    // The data strip is a keyboard slider: moving a point edits the data, the theory follows, and
    // the edited data go into the address so a shared link keeps them.
    await page.locator('#embed .iw-strip [role="slider"]').focus();
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => summary(page, 'embed').textContent()).toMatch(/Edited data: mean 0\.02[45]\d/);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('data=');
    assertNoProblems(errors.take(), 'SGD keyboard and URL state');
    await context.close();
  });

  test('a forced WebGL context loss mid-run is recovered and the run continues', async () => {
    const { context, page, errors } = await open(gl(), `${URL_}&backend=webgl`);
    await hydrated(page, 'embed');
    await expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(/WebGL/);
    await expect.poll(() => progress(page), { timeout: 60_000 }).toBeGreaterThan(10);
    const lost = await page.evaluate(() => (window as any).infiniteWidth.compute.simulateContextLoss());
    expect(lost).toBe(true);
    const k = await progress(page);
    await expect.poll(() => progress(page), { timeout: 60_000 }).toBeGreaterThan(k + 10);
    expect(await page.locator('#embed .iw-backend').textContent()).toMatch(/GPU|WASM|CPU/);
    assertNoProblems(errors.take(), 'context loss');
    await context.close();
  });

  test('presets change the plots; the static (no-JS) figure shows the theory band', async () => {
    const { context, page, errors } = await open(nogl(), `${s.url}embed/sgd-variance/`);
    await hydrated(page, 'embed');
    const band = () => page.locator('#embed path.iw-theory-band').getAttribute('d');
    const before = await band();
    await page.locator('#embed button', { hasText: 'ε = 0.1' }).click();
    await expect.poll(band).not.toBe(before);
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain('eps=0.1');
    assertNoProblems(errors.take(), 'presets');
    await context.close();
    const off = await open(nogl(), `${s.url}embed/sgd-variance/`, { javaScriptEnabled: false });
    const d = await off.page.locator('#embed path.iw-theory-band').getAttribute('d');
    expect(d && d.length).toBeGreaterThan(100);
    expect(d).not.toContain('NaN');
    expect(await summary(off.page, 'embed').textContent()).toContain('Stationary variance 0.3333');
    await off.context.close();
  });
});
