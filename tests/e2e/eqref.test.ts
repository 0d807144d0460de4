/**
 * Equation references: the link shows "(C.k)" and goes to the equation; hovering or focusing it
 * shows the equation — copied on demand when it is on the same page, pre-rendered when it lives in
 * another chapter (so that one also works without JavaScript).
 */
import { expect, test } from 'vitest';
import { assertNoProblems, collectErrors, newContext, site, useBrowser } from './support/site.ts';

const s = site();
const browser = useBrowser('none');

test('same-page reference: hover shows a copy of the equation; the link lands on it', async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${s.url}chapters/estimating-probability/`);
  const link = page.locator('a.eqref[data-eq]').first();
  const target = await link.getAttribute('data-eq');
  expect(await link.textContent()).toMatch(/^\(1\.\d+\)$/);
  await link.scrollIntoViewIfNeeded();
  await link.hover();
  const tip = page.locator('a.eqref[data-eq] + .eqref-preview').first();
  await expect.poll(() => tip.isVisible()).toBe(true);
  expect(await tip.locator('.katex').count()).toBeGreaterThan(0);
  await link.click();
  expect(new URL(page.url()).hash).toBe(`#${target}`);
  assertNoProblems(errors.take(), 'eqref on the same page');
  await context.close();
});

test('cross-chapter reference: pre-rendered preview shows on keyboard focus, even without JavaScript', async () => {
  const context = await newContext(browser(), { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${s.url}chapters/stochastic-gradient-descent/`);
  const link = page.locator('a.eqref[href*="/chapters/estimating-probability/#eq-"]').first();
  expect(await link.count()).toBe(1);
  await link.focus();
  const tip = page.locator('.eqref-wrap:focus-within .eqref-preview').first();
  await expect.poll(() => tip.isVisible()).toBe(true);
  expect(await tip.locator('.katex').count()).toBeGreaterThan(0);
  await context.close();
});
