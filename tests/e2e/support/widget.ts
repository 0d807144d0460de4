/**
 * Helpers every widget's e2e test uses: open a page in a fresh context (console errors and requests
 * collected), wait for an island to hydrate, read its published readout and its text summary.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, newContext } from './site.ts';

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  errors: ReturnType<typeof collectErrors>;
  /** Every URL the page requested, in order. */
  requests: string[];
}

/** A fresh context and page, loaded at `url`; `initScript` runs in the page before any of its own scripts. */
export async function openPage(browser: Browser, url: string, opts: Parameters<typeof newContext>[1] = {}, initScript?: () => void): Promise<OpenedPage> {
  const context = await newContext(browser, opts);
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const errors = collectErrors(page);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, errors, requests };
}

/** Waits until the island `#id` has hydrated (scrolled into view first: islands hydrate when visible). */
export async function hydrated(page: Page, id = 'embed', timeout = 30_000): Promise<void> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.waitForFunction((i) => !!document.querySelector(`#${i} [data-hydrated="true"]`), id, { timeout });
}

/** The readout the widget `#id` publishes (window.infiniteWidth.readout), or null before it hydrates. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const readout = (page: Page, id = 'embed'): Promise<any> => page.evaluate((i) => (window as any).infiniteWidth?.readout?.(i) ?? null, id);

/** The widget's live text summary. */
export const summary = (page: Page, id = 'embed') => page.locator(`#${id} .iw-summary`).textContent();
