/**
 * The compute module's backend choice in a real browser: measured with WebGL on and off, forced by
 * ?backend= for each backend, remembered for the session, and the WASM binaries self-hosted under
 * a base path (/course/). Read through /diagnostics/ (window.diagnostics) and the widget readout.
 */
import { describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assertNoProblems, collectErrors, courseSite, newContext, site, useBrowser } from './support/site.ts';

const s = site();
const gl = useBrowser('swiftshader');
const nogl = useBrowser('none');

interface Diagnostics {
  backend: string;
  label: string;
  how: string;
  reason: string;
  chooseMs: number;
  measured: { backend: string; ms?: number; failure?: string }[];
  rows: { name: string; ms: number }[];
}

async function diagnose(page: Page, query = ''): Promise<Diagnostics> {
  await page.goto(`${s.url}diagnostics/${query}`);
  await page.click('#diag-run');
  await page.waitForFunction(() => (window as unknown as { diagnostics?: unknown }).diagnostics, null, { timeout: 300_000 });
  return page.evaluate(() => (window as unknown as { diagnostics: Diagnostics }).diagnostics);
}

async function fresh(browser: Browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  return { context, page, errors: collectErrors(page) };
}

describe('backend choice', () => {
  for (const [name, which] of [
    ['WebGL on (SwiftShader)', gl],
    ['WebGL off', nogl],
  ] as const) {
    test(`${name}: the candidates are timed (a software WebGL and, past the budget, the CPU are not), the fastest runs, and the reader is told why`, async () => {
      const { context, page, errors } = await fresh(which());
      const d = await diagnose(page);
      expect(d.how).toBe('measured');
      const timed = d.measured.filter((m) => m.ms !== undefined);
      expect(timed.length).toBeGreaterThanOrEqual(1);
      // The running backend is the fastest one measured.
      const fastest = timed.reduce((a, b) => (b.ms! < a.ms! ? b : a));
      expect(d.backend).toBe(fastest.backend);
      expect(d.reason).toMatch(/^fastest here/);
      const webgl = d.measured.find((m) => m.backend === 'webgl');
      if (name === 'WebGL off') expect(webgl?.failure).toMatch(/no WebGL/);
      // SwiftShader (the only WebGL here) is a GPU emulated on the CPU: recognised, not timed (its
      // first context and shader cost ~400 ms, and it always loses to WASM); a real GPU is timed.
      else expect(webgl?.failure).toMatch(/not measured \(software-rendered/);
      // WASM runs in every Chromium; the reason names how much slower the others were.
      expect(d.measured.find((m) => m.backend === 'wasm')?.ms).toBeGreaterThan(0);
      await expect.poll(() => page.locator('#diag-status').textContent()).toContain(`Backend: ${d.label} (measured in`);
      expect(await page.locator('#diag-backends tbody tr').count()).toBe(d.measured.length);
      // The next page of the same visit starts at once with the remembered choice.
      const again = await diagnose(page);
      expect(again.how).toBe('remembered');
      expect(again.backend).toBe(d.backend);
      expect(again.reason).toContain('measured on an earlier page');
      assertNoProblems(errors.take(), `backend choice, ${name}`);
      await context.close();
    });
  }

  for (const backend of ['webgl', 'wasm', 'cpu'] as const) {
    test(`?backend=${backend} forces it`, async () => {
      const { context, page, errors } = await fresh(backend === 'webgl' ? gl() : nogl());
      const d = await diagnose(page, `?backend=${backend}`);
      expect(d.backend).toBe(backend);
      expect(d.how).toBe('forced');
      expect(d.rows.every((r) => Number.isFinite(r.ms) && r.ms > 0)).toBe(true);
      assertNoProblems(errors.take(), `?backend=${backend}`);
      await context.close();
    });
  }

  test('the WASM binaries are self-hosted and load under the base path /course/', async () => {
    const course = courseSite();
    expect(course, 'dist-course/ is built by the e2e runner').not.toBeNull();
    const { context, page, errors } = await fresh(nogl());
    const wasm: { url: string; status: number }[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.wasm')) wasm.push({ url: r.url(), status: r.status() });
    });
    await page.goto(`${course!.url}embed/sgd-variance/?backend=wasm&chains=500&steps=30`);
    await page.locator('#embed').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('#embed .iw-backend').textContent(), { timeout: 60_000 }).toMatch(/Running on WASM/);
    expect(wasm.length).toBeGreaterThanOrEqual(1);
    for (const w of wasm) {
      expect(new URL(w.url).pathname.startsWith('/course/')).toBe(true);
      expect(w.status).toBe(200);
    }
    assertNoProblems(errors.take(), 'WASM under /course/');
    await context.close();
  });

  test('a page without tensor widgets downloads no tfjs and no WASM', async () => {
    const { context, page, errors } = await fresh(nogl());
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${s.url}chapters/estimating-probability/`, { waitUntil: 'load' });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(800);
    expect(requests.filter((u) => /\.wasm$|engine\.[\w-]+\.js/.test(u))).toEqual([]);
    assertNoProblems(errors.take(), 'no tfjs on a text-and-d3 page');
    await context.close();
  });
});
