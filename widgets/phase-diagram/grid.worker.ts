/**
 * The phase diagram off the main thread. Two kinds of message:
 * - { kind: 'grid', id, activation, n } → { id, grid }: the FieldGrid of grid.ts (kept per
 *   activation and size; copies are sent);
 * - { kind: 'point', id, values } → { id, point }: point.ts's PointResult for the selected point.
 * The view starts one worker for each kind, so a point never waits behind a grid.
 */
import { computeGrid, type FieldGrid } from './grid.ts';
import { pointResult } from './point.ts';
import type { MeanFieldActivation } from '../../src/math/index.ts';

type Message =
  | { kind: 'grid'; id: number; activation: MeanFieldActivation; n: number }
  | { kind: 'point'; id: number; values: Parameters<typeof pointResult>[0] };

const done = new Map<string, FieldGrid>();
const post = (m: unknown) => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<Message>) => {
  const m = e.data;
  try {
    if (m.kind === 'point') {
      post({ id: m.id, point: pointResult(m.values) });
      return;
    }
    const key = `${m.activation}:${m.n}`;
    let g = done.get(key);
    if (!g) {
      g = computeGrid({ activation: m.activation, nx: m.n, ny: m.n });
      done.set(key, g);
    }
    post({ id: m.id, grid: { ...g, qStar: g.qStar.slice(), chi1: g.chi1.slice(), cStar: g.cStar.slice(), xiC: g.xiC.slice() } });
  } catch (err) {
    post({ id: m.id, error: (err as Error)?.message ?? String(err) });
  }
};
