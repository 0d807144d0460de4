import { describe, it, expect } from 'vitest';
import { countPieces, deepNet, deepPolyline, folding, shallowPolyline, tent } from '../../../widgets/folding/model.ts';

describe('folding model', () => {
  it('one layer is the tent map on [0, 1]', () => {
    for (const [x, y] of [[0, 0], [0.25, 0.5], [0.5, 1], [0.75, 0.5], [1, 0]]) expect(tent(x)).toBeCloseTo(y, 12);
  });

  it('L layers make exactly 2^L pieces, the polyline is exact between breakpoints, and a shallow net of 2L units gets at most 2L + 1', () => {
    for (let L = 1; L <= 10; L++) {
      const d = deepPolyline(L);
      expect(countPieces(d.x, d.y)).toBe(2 ** L);
      // Linear between breakpoints: the network at the midpoints equals the polyline's midpoints.
      for (let k = 0; k < d.x.length - 1; k += Math.max(1, (d.x.length - 1) >> 4)) {
        const xm = (d.x[k] + d.x[k + 1]) / 2;
        expect(deepNet(xm, L)).toBeCloseTo((d.y[k] + d.y[k + 1]) / 2, 9);
      }
      const s = shallowPolyline(L);
      expect(s.units).toBe(2 * L);
      expect(countPieces(s.x, s.y)).toBeLessThanOrEqual(2 * L + 1);
      expect(folding({ depth: L, shallow: true }).piecesShallowMax).toBe(2 * L + 1);
    }
  });
});
