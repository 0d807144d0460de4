/**
 * The dark-mode contract: html[data-theme="dark"] is set before DOMContentLoaded (no flash) both
 * from a stored choice (localStorage `iw-theme`) and from prefers-color-scheme; a stored choice
 * wins over the system setting; the #theme-toggle button flips the theme and the choice survives
 * a reload. Code blocks (two Shiki themes, both WCAG AA) follow the page theme.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { BrowserContextOptions } from 'playwright-core';
import { assertNoProblems, label, listPages, newContext, site, useBrowser } from './support/site.ts';

const s = site();
const all = listPages(s.dir).filter((p) => !p.is404);
// The home page and the first chapter: enough to test the shared layout.
const pages = [all.find((p) => p.path === ''), all.find((p) => p.isChapter)].filter((p) => p !== undefined);
const browser = useBrowser('none');

/** Loads `path` and returns data-theme as seen at DOMContentLoaded and after load. */
async function themeOf(path: string, opts: BrowserContextOptions, stored: string | null) {
  const context = await newContext(browser(), opts);
  await context.addInitScript((stored) => {
    if (stored !== null) localStorage.setItem('iw-theme', stored);
    document.addEventListener('DOMContentLoaded', () => {
      (window as any).__themeAtDCL = document.documentElement.getAttribute('data-theme');
    });
  }, stored);
  const page = await context.newPage();
  await page.goto(s.url + path, { waitUntil: 'load' });
  const r = await page.evaluate(() => ({ dcl: (window as any).__themeAtDCL as string | null, now: document.documentElement.getAttribute('data-theme') }));
  await context.close();
  return r;
}

describe('theme', () => {
  test('dark mode from a stored choice and from prefers-color-scheme, set before DOMContentLoaded', async () => {
    const problems: string[] = [];
    for (const p of pages) {
      const cases: [string, BrowserContextOptions, string | null][] = [
        ['localStorage iw-theme=dark', { colorScheme: 'light' }, 'dark'],
        ['prefers-color-scheme: dark', { colorScheme: 'dark' }, null],
      ];
      for (const [how, opts, stored] of cases) {
        const r = await themeOf(p.path, opts, stored);
        if (r.dcl !== 'dark') problems.push(`${label(p)}: with ${how}, data-theme at DOMContentLoaded is ${JSON.stringify(r.dcl)} (expected "dark": flash of the light theme)`);
        if (r.now !== 'dark') problems.push(`${label(p)}: with ${how}, data-theme after load is ${JSON.stringify(r.now)} (expected "dark")`);
      }
      const light = await themeOf(p.path, { colorScheme: 'light' }, null);
      if (light.now === 'dark') problems.push(`${label(p)}: light system setting and no stored choice, but data-theme is "dark"`);
      const override = await themeOf(p.path, { colorScheme: 'dark' }, 'light');
      if (override.dcl === 'dark' || override.now === 'dark') problems.push(`${label(p)}: stored iw-theme=light should win over prefers-color-scheme: dark, but data-theme is "dark"`);
    }
    assertNoProblems(problems, 'Theme');
  });

  test('#theme-toggle flips the theme and the choice is remembered after reload', async () => {
    const problems: string[] = [];
    for (const p of pages) {
      const add = (m: string) => problems.push(`${label(p)}: ${m}`);
      const context = await newContext(browser(), { colorScheme: 'light' });
      const page = await context.newPage();
      try {
        await page.goto(s.url + p.path, { waitUntil: 'load' });
        const theme = () => page.evaluate(() => document.documentElement.getAttribute('data-theme'));
        const stored = () => page.evaluate(() => localStorage.getItem('iw-theme'));
        const toggle = page.locator('button#theme-toggle');
        if ((await toggle.count()) !== 1) {
          add(`expected one <button id="theme-toggle">, found ${await toggle.count()}`);
          continue;
        }
        const before = await theme();
        if (before === 'dark') add('starts dark with a light system setting');
        await toggle.click();
        const after = await theme();
        if (after !== 'dark') add(`after one click data-theme is ${JSON.stringify(after)} (expected "dark")`);
        if ((await stored()) !== 'dark') add(`after one click localStorage iw-theme is ${JSON.stringify(await stored())} (expected "dark")`);
        await page.reload({ waitUntil: 'load' });
        if ((await theme()) !== 'dark') add(`after reload data-theme is ${JSON.stringify(await theme())} (the dark choice was not remembered)`);
        await page.locator('button#theme-toggle').click();
        const back = await theme();
        if (back === 'dark') add('a second click did not leave dark mode');
        if ((await stored()) !== 'light') add(`after the second click localStorage iw-theme is ${JSON.stringify(await stored())} (expected "light")`);
        await page.reload({ waitUntil: 'load' });
        if ((await theme()) === 'dark') add('after reload the light choice was not remembered');
      } catch (e) {
        add(`could not be checked: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await context.close();
      }
    }
    assertNoProblems(problems, 'Theme toggle');
  });
});

describe('code blocks', () => {
  test('follow the page theme: GitHub light default in light mode, dark default in dark mode', async () => {
    const chapter = all.find((p) => p.isChapter && /astro-code/.test(readFileSync(join(s.dir, p.file), 'utf8')));
    expect(chapter, 'no chapter has a code block').toBeDefined();
    for (const [scheme, bg] of [
      ['light', 'rgb(255, 255, 255)'],
      ['dark', 'rgb(13, 17, 23)'],
    ] as const) {
      const context = await newContext(browser(), { colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(s.url + chapter!.path, { waitUntil: 'load' });
      const got = await page.evaluate((scheme) => {
        const pre = document.querySelector('pre.astro-code') as HTMLElement;
        const span = pre.querySelector('code span span') as HTMLElement;
        const want = span.style.getPropertyValue(`--shiki-${scheme}`).trim();
        const probe = document.createElement('i');
        probe.style.color = want;
        document.body.append(probe);
        return { bg: getComputedStyle(pre).backgroundColor, color: getComputedStyle(span).color, want: getComputedStyle(probe).color };
      }, scheme);
      expect(got.bg, scheme).toBe(bg);
      expect(got.color, scheme).toBe(got.want);
      await context.close();
    }
  });
});
