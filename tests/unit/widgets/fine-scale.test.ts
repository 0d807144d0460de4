/** The kit's FineSlider mapping (widgets/ui/fine-scale.ts): notches of one step inside the fine ranges, `factor` steps outside. */
import { describe, expect, it } from 'vitest';
import { fineScale } from '../../../widgets/ui/fine-scale.ts';
import { coerce } from '../../../widgets/core/params.ts';
import { params } from '../../../widgets/catapult/params.ts';

describe('fineScale', () => {
  const spec = { min: 0, max: 6, step: 0.005 };
  const s = fineScale(spec, [[1.8, 2.2], [3.8, 4.2]], 4);

  it('counts 0.02 per notch outside [1.8, 2.2] and [3.8, 4.2], 0.005 inside', () => {
    expect(s.notches).toBe(90 + 80 + 80 + 80 + 90);
    expect(s.fromNotch(0)).toBe(0);
    expect(s.fromNotch(s.notches)).toBe(6);
    expect(s.fromNotch(1)).toBe(0.02);
    expect(s.fromNotch(90)).toBe(1.8);
    expect(s.fromNotch(91)).toBe(1.805);
    expect(s.fromNotch(170)).toBe(2.2);
    expect(s.fromNotch(171)).toBe(2.22);
    expect(s.toNotch(2)).toBe(130);
    expect(s.toNotch(4)).toBe(290);
  });

  it('every notch is a value on the step grid, strictly increasing, and maps back to itself', () => {
    let last = -1;
    for (let k = 0; k <= s.notches; k++) {
      const v = s.fromNotch(k);
      expect(v).toBeGreaterThan(last);
      expect(coerce('eta', params.eta, v).notice).toBeUndefined();
      expect(s.toNotch(v)).toBeCloseTo(k, 9);
      last = v;
    }
    // off-notch values sit between their neighbours; out-of-range ones are clamped
    expect(s.toNotch(1.005)).toBeCloseTo(50.25, 9);
    expect(s.toNotch(-3)).toBe(0);
    expect(s.toNotch(99)).toBe(s.notches);
    expect(s.fromNotch(-5)).toBe(0);
    expect(s.fromNotch(1e9)).toBe(6);
  });

  it('without fine ranges it is a plain slider of `factor` steps per notch; overlapping or outside ranges are handled', () => {
    const plain = fineScale({ min: 1, max: 2, step: 0.1 }, [], 1);
    expect(plain.notches).toBe(10);
    expect(plain.fromNotch(3)).toBe(1.3);
    const odd = fineScale({ min: 0, max: 1, step: 0.01 }, [[0.9, 2], [-1, 0.1], [0.5, 0.4]], 5);
    expect(odd.fromNotch(0)).toBe(0);
    expect(odd.fromNotch(odd.notches)).toBe(1);
    expect(odd.fromNotch(1)).toBe(0.01);
  });
});
