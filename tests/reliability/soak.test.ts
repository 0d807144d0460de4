/**
 * Soak: every widget kept busy for IW_SOAK_S seconds (60 by default) in headless Chromium without
 * WebGL — a run that reaches its horizon is replayed (a new run: the tensors of the old one must be
 * freed), and a widget without a simulation has its first slider nudged back and forth (ten
 * changes) four times a second. After a 15 s warm-up and at the end, garbage is collected (CDP) and the JS heap and
 * the live tensor count are read: the heap may grow by less than 10 %, the tensor count not at all
 * beyond a few in flight, and the page logs no console error. Prints one line per widget.
 */
import { describe, expect, test } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { widgets } from '../../widgets/registry.ts';
import { assertNoProblems, site, useBrowser } from '../e2e/support/site.ts';
import { hydrated, openPage } from '../e2e/support/widget.ts';

const s = site();
const nogl = useBrowser('none');
const SOAK_S = Number(process.env.IW_SOAK_S || 60);
const WARMUP_S = Math.min(15, SOAK_S / 3);

/**
 * Short horizons, so that every simulation finishes and is replayed many times within the soak:
 * what a run records (its history for the plots) is then bounded by one run, and what grows beyond
 * that is a leak.
 */
const QUERY: Record<string, string> = {
  'sgd-variance': '?steps=100&chains=2000',
  catapult: '?steps=100',
  'ntk-trajectories': '?t=200&members=4&width=256',
  'gp-bands': '?kernel=nngp&width=256',
};

async function heapUsed(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const liveTensors = (page: Page): Promise<number> => page.evaluate(() => (window as any).infiniteWidth?.liveTensors?.() ?? 0);

/** One round of keeping the widget busy: replay a finished run, or nudge a slider. */
async function keepBusy(page: Page, tick: number): Promise<void> {
  const replay = page.locator('#embed button', { hasText: /^(Play|Replay)$/ });
  if ((await replay.count()) > 0) {
    if (await replay.first().isEnabled()) await replay.first().click();
    return;
  }
  if ((await page.locator('#embed button', { hasText: /^Pause$/ }).count()) > 0) return; // animating
  const slider = page.locator('#embed input[type="range"]').first();
  if ((await slider.count()) === 0) return;
  await slider.focus();
  // Ten changes a round, there and back: V8's compiled code and feedback for the widget's update
  // paths settle after a few hundred changes (~0.7 MB here), within the warm-up.
  for (let i = 0; i < 10; i++) await page.keyboard.press((tick + i) % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
}

describe(`soak: every widget busy for ${SOAK_S} s`, () => {
  for (const w of widgets) {
    test(`${w.slug}: heap growth < 10 %, tensor count flat, no console errors`, { timeout: (SOAK_S + 120) * 1000 }, async () => {
      const { context, page, errors } = await openPage(nogl(), `${s.url}embed/${w.slug}/${QUERY[w.slug] ?? ''}`);
      await hydrated(page);
      const cdp = await context.newCDPSession(page);
      const t0 = Date.now();
      let tick = 0;
      const busyUntil = async (seconds: number) => {
        while (Date.now() - t0 < seconds * 1000) {
          await keepBusy(page, tick++);
          await page.waitForTimeout(250);
        }
      };
      await busyUntil(WARMUP_S);
      const heap0 = await heapUsed(cdp);
      const tensors0 = await liveTensors(page);
      const counts: number[] = [];
      while (Date.now() - t0 < SOAK_S * 1000) {
        await busyUntil(Math.min(SOAK_S, (Date.now() - t0) / 1000 + 5));
        counts.push(await liveTensors(page));
      }
      const heap1 = await heapUsed(cdp);
      const tensors1 = await liveTensors(page);
      const growth = (heap1 - heap0) / heap0;
      console.log(
        `soak ${w.slug.padEnd(18)} heap ${(heap0 / 2 ** 20).toFixed(1)} → ${(heap1 / 2 ** 20).toFixed(1)} MB (${(100 * growth).toFixed(1)} %), tensors ${tensors0} → ${tensors1} (range ${Math.min(...counts)}–${Math.max(...counts)}), ${tick} busy rounds`,
      );
      expect(growth, `${w.slug}: heap grew by ${(100 * growth).toFixed(1)} %`).toBeLessThan(0.1);
      // A read-back or a rebuild may hold a few tensors at the moment of sampling; a leak grows without bound.
      expect(Math.max(...counts, tensors1) - tensors0, `${w.slug}: live tensors ${tensors0} → ${counts.join(', ')}`).toBeLessThanOrEqual(8);
      assertNoProblems(errors.take(), `${w.slug} soak`);
      await context.close();
    });
  }
});
