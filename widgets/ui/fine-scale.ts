/**
 * A slider mapping with magnified ranges (FineSlider.svelte): the value axis [min, max] is split at
 * the ends of the `fine` ranges; inside a fine range one notch of the slider is one `step` of the
 * parameter, elsewhere `factor` steps. So a learning rate can move by 0.005 near a threshold and by
 * 0.02 elsewhere, on one slider, and every notch is still a value on the parameter's step grid.
 * Pure (no DOM), tested in Node.
 */
import { roundToStep, type NumberParam } from '../core/params.ts';

/** A monotone map between the positions 0..notches of a slider and values (Slider.svelte's `scale`). */
export interface NotchScale {
  /** Notches of the slider: 0..notches. */
  readonly notches: number;
  /** The notch of a value (fractional between notches; clamped to the range). */
  toNotch(value: number): number;
  /** The value of a notch, on the parameter's step grid. */
  fromNotch(notch: number): number;
}
export type FineScale = NotchScale;

export function fineScale(spec: Pick<NumberParam, 'min' | 'max' | 'step'>, fine: readonly (readonly [number, number])[], factor = 4): FineScale {
  const ranges = fine
    .map(([a, b]) => [Math.max(spec.min, Math.min(a, b)), Math.min(spec.max, Math.max(a, b))] as const)
    .filter(([a, b]) => b > a)
    .sort((p, q) => p[0] - q[0]);
  // Segments [from, to] with their value per notch.
  const segments: { from: number; to: number; per: number; first: number; count: number }[] = [];
  let at = spec.min;
  let notch = 0;
  const push = (to: number, per: number) => {
    if (!(to > at)) return;
    const count = Math.max(1, Math.round((to - at) / per));
    segments.push({ from: at, to, per: (to - at) / count, first: notch, count });
    notch += count;
    at = to;
  };
  for (const [a, b] of ranges) {
    if (b <= at) continue;
    push(a, spec.step * factor);
    push(b, spec.step);
  }
  push(spec.max, spec.step * factor);
  if (segments.length === 0) segments.push({ from: spec.min, to: spec.max, per: spec.max - spec.min, first: 0, count: 1 });
  return {
    notches: notch,
    toNotch(value: number) {
      const v = Math.max(spec.min, Math.min(spec.max, value));
      const s = segments.find((g) => v <= g.to) ?? segments[segments.length - 1];
      return Math.round((s.first + (v - s.from) / s.per) * 1e9) / 1e9; // no 129.99999…: a notch is a notch
    },
    fromNotch(n: number) {
      const k = Math.max(0, Math.min(notch, n));
      const s = segments.find((g) => k <= g.first + g.count) ?? segments[segments.length - 1];
      return roundToStep(s.from + (k - s.first) * s.per, spec);
    },
  };
}
