/**
 * Figure export (widgets/ui/ExportButtons.svelte, export.ts): "Download SVG" and "Download PNG" of
 * a widget's current state, for the Beta–Binomial widget on its embed route and the SGD widget in
 * its chapter (with a canvas layer, in a browser without WebGL). The SVG must parse, hold every
 * plot and a caption with the title and the state's Share URL; the PNG must be a PNG at twice the
 * SVG's size (the width: twice the widest plot). Operated from the keyboard; no console errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { assertNoProblems, collectErrors, newContext, site, useBrowser } from './support/site.ts';

const s = site();
const gl = useBrowser('swiftshader');
const nogl = useBrowser('none');

async function hydrated(page: Page, id: string) {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.waitForFunction((id) => document.querySelector(`#${id} .iw-widget[data-hydrated="true"]`), id, { timeout: 20_000 });
}

/** Presses a button from the keyboard (focus, then Enter) and returns the download it starts. */
async function downloadWith(page: Page, id: string, name: string): Promise<{ download: Download; bytes: Buffer }> {
  const button = page.locator(`#${id} button`, { hasText: name });
  await button.focus();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.keyboard.press('Enter')]);
  const path = await download.path();
  expect(path, 'the download was not saved').toBeTruthy();
  return { download, bytes: readFileSync(path!) };
}

/** What the SVG says about itself, parsed by the browser's DOMParser. */
async function parseSvg(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.getElementsByTagName('parsererror').length > 0,
      root: root.nodeName,
      width: Number(root.getAttribute('width')),
      height: Number(root.getAttribute('height')),
      plots: root.querySelectorAll(':scope > svg').length,
      images: [...root.querySelectorAll('image')].map((i) => (i.getAttribute('href') ?? '').slice(0, 22)),
      title: root.querySelector(':scope > title')?.textContent ?? '',
      caption: root.querySelector('.iw-export-caption')?.textContent ?? '',
      url: root.querySelector('.iw-export-url')?.textContent ?? '',
      link: root.querySelector('.iw-export-caption a')?.getAttribute('href') ?? '',
      classes: root.querySelectorAll('[class]:not(.iw-export-caption):not(.iw-export-url)').length,
      vars: /var\(--/.test(text),
    };
  }, svg);
}

/** The widest plot's viewBox width and the number of plots in the widget. */
async function plotsOf(page: Page, id: string) {
  return page.evaluate((id) => {
    const plots = [...document.querySelectorAll<SVGSVGElement>(`#${id} svg.iw-plot`)];
    return { count: plots.length, width: Math.max(...plots.map((p) => p.viewBox.baseVal.width)) };
  }, id);
}

/** Width and height from a PNG's IHDR chunk (after checking the signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)], 'PNG signature').toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.subarray(12, 16).toString('latin1'), 'first chunk').toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function checkExport(page: Page, id: string, file: string, state: RegExp) {
  const plots = await plotsOf(page, id);
  expect(plots.count).toBeGreaterThan(0);

  const svg = await downloadWith(page, id, 'Download SVG');
  expect(svg.download.suggestedFilename()).toBe(`${file}.svg`);
  const text = svg.bytes.toString('utf8');
  expect(text).toMatch(/<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const facts = await parseSvg(page, text);
  expect(facts.error, text.slice(0, 400)).toBe(false);
  expect(facts.root).toBe('svg');
  expect(facts.plots).toBe(plots.count);
  expect(facts.width).toBe(plots.width);
  expect(facts.vars, 'CSS custom properties must be resolved in a standalone SVG').toBe(false);
  expect(facts.url).toMatch(state);
  expect(facts.link).toBe(facts.url);
  expect(facts.caption).toContain(facts.title);
  expect(new URL(facts.url).origin + new URL(facts.url).pathname).toBe(new URL(page.url()).origin + new URL(page.url()).pathname);
  await expect.poll(() => page.locator(`#${id} .iw-export-status`).textContent()).toContain(`${file}.svg`);

  const png = await downloadWith(page, id, 'Download PNG');
  expect(png.download.suggestedFilename()).toBe(`${file}.png`);
  expect(png.bytes.length, 'a PNG of a real figure is more than a few bytes').toBeGreaterThan(5_000);
  const size = pngSize(png.bytes);
  expect(size).toEqual({ width: 2 * facts.width, height: 2 * facts.height });
  return facts;
}

describe('figure export', () => {
  test('Beta–Binomial on its embed route: SVG and PNG with the state URL', async () => {
    const context = await newContext(gl(), { acceptDownloads: true });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${s.url}embed/beta-binomial/?heads=7&tails=2`, { waitUntil: 'load' });
    await hydrated(page, 'embed');
    await expect.poll(() => page.locator('#embed .iw-summary').textContent()).toContain('posterior Beta(9, 4)');
    const facts = await checkExport(page, 'embed', 'beta-binomial', /\/embed\/beta-binomial\/\?(?=.*heads=7)(?=.*tails=2)/);
    expect(facts.title).toBe('Beta–Binomial posterior');
    expect(facts.images, 'no canvas layers in this widget').toEqual([]);
    // The caption follows the state: after a change, the next export carries the new URL.
    await page.locator('#embed button', { hasText: '+ Heads' }).click();
    const again = await downloadWith(page, 'embed', 'Download SVG');
    expect((await parseSvg(page, again.bytes.toString('utf8'))).url).toMatch(/heads=8/);
    assertNoProblems(errors.take(), 'export on /embed/beta-binomial/');
    await context.close();
  });

  test('SGD in its chapter, without WebGL: every plot, the canvas layer as an image, the #id URL', async () => {
    const context = await newContext(nogl(), { acceptDownloads: true });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${s.url}chapters/stochastic-gradient-descent/?sgd.steps=60#sgd`, { waitUntil: 'load' });
    await hydrated(page, 'sgd');
    const facts = await checkExport(page, 'sgd', 'sgd', /\/chapters\/stochastic-gradient-descent\/\?.*sgd\.steps=60.*#sgd$/);
    expect(facts.plots).toBeGreaterThan(1);
    expect(facts.images.length, 'the canvas layer is exported as an image').toBeGreaterThan(0);
    for (const href of facts.images) expect(href).toBe('data:image/png;base64,');
    assertNoProblems(errors.take(), 'export on the SGD chapter');
    await context.close();
  });
});
