/**
 * Shared plumbing of the canvas layers: a canvas the size of the frame at the device pixel ratio
 * (at most 2×), and the page theme as a reactive version number, so layers redraw in the other
 * theme's colours when the reader switches between light and dark.
 */
import type { Frame } from './frame.ts';

let version = $state(0);
let watching = false;

/** Changes whenever <html data-theme> or the system colour scheme changes (read it inside $effect). */
export function themeVersion(): number {
  if (!watching && typeof document !== 'undefined') {
    watching = true;
    new MutationObserver(() => version++).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => version++);
  }
  return version;
}

/** Sizes `canvas` to the frame at the device pixel ratio and returns its context in viewBox units (cleared unless `keep`). */
export function prepare(canvas: HTMLCanvasElement, frame: Frame, keep = false): CanvasRenderingContext2D | null {
  const dpr = Math.min(Math.max(window.devicePixelRatio || 1, 1), 2);
  const w = Math.round(frame.width * dpr);
  const h = Math.round(frame.height * dpr);
  const resized = canvas.width !== w || canvas.height !== h;
  if (resized) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (!keep || resized) ctx.clearRect(0, 0, frame.width, frame.height);
  return ctx;
}

/** Clips drawing to the frame's inner rectangle. */
export function clipToFrame(ctx: CanvasRenderingContext2D, frame: Frame): void {
  ctx.beginPath();
  ctx.rect(frame.left, frame.top, frame.right - frame.left, frame.bottom - frame.top);
  ctx.clip();
}
