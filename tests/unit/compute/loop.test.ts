import { describe, expect, it } from 'vitest';
import { adaptiveSteps, createLoop, getLoop, prefersReducedMotion, register } from '../../../src/compute/loop.ts';

/** A fake page: rAF queue, clock, IntersectionObserver and document.hidden, all driven by the test. */
function fakePage(options: { reducedMotion?: boolean } = {}) {
  let time = 0;
  let queue: Array<(t: number) => void> = [];
  const observers = new Map<Element, (visible: boolean) => void>();
  let hidden = false;
  const visibilityListeners = new Set<() => void>();
  const loop = createLoop({
    raf: (cb) => queue.push(cb),
    now: () => time,
    observe: (el, cb) => {
      observers.set(el, cb);
      return () => observers.delete(el);
    },
    visibility: {
      hidden: () => hidden,
      subscribe: (cb) => {
        visibilityListeners.add(cb);
        return () => visibilityListeners.delete(cb);
      },
    },
    reducedMotion: () => options.reducedMotion ?? false,
  });
  return {
    loop,
    advance: (ms: number) => (time += ms),
    get time() {
      return time;
    },
    get pending() {
      return queue.length;
    },
    /** Run the frames queued now (not the ones they queue). */
    frame() {
      const q = queue;
      queue = [];
      for (const cb of q) cb(time);
      time += 16;
      return q.length;
    },
    setVisible: (el: Element, visible: boolean) => observers.get(el)?.(visible),
    observed: (el: Element) => observers.has(el),
    setHidden(h: boolean) {
      hidden = h;
      for (const cb of visibilityListeners) cb();
    },
    listeners: () => visibilityListeners.size,
  };
}

const element = (name: string) => ({ name }) as unknown as Element;

describe('createLoop', () => {
  it('runs frames only while some task wants them', () => {
    const page = fakePage();
    const calls: Array<[number, number]> = [];
    let left = 3;
    const h = page.loop.register({
      tick(budget, now) {
        calls.push([budget, now]);
        return --left > 0;
      },
    });
    expect(page.pending).toBe(0); // registering does not start
    expect(h.running).toBe(false);
    h.start();
    h.start(); // idempotent: still one frame queued
    expect(page.pending).toBe(1);
    while (page.frame() > 0);
    expect(calls).toEqual([
      [16, 0],
      [16, 16],
      [16, 32],
    ]);
    expect(h.running).toBe(false); // tick returned false
    expect(page.loop.scheduled).toBe(false);
    h.start();
    expect(page.pending).toBe(1);
    h.stop();
    expect(page.frame()).toBe(1);
    expect(page.pending).toBe(0); // the loop stopped with the last task
  });

  it('keeps going while any task runs, and each tick gets a fair share of the remaining 16 ms', () => {
    const page = fakePage();
    const budgets: Record<string, number[]> = { a: [], b: [], c: [] };
    const make = (name: string, cost: number, frames: number) => {
      let n = frames;
      return page.loop.register({
        tick(budget) {
          budgets[name].push(budget);
          page.advance(cost);
          return --n > 0;
        },
      });
    };
    make('a', 10, 1).start();
    make('b', 1, 3).start();
    make('c', 0, 2).start();
    let frames = 0;
    while (page.frame() > 0) frames++;
    expect(frames).toBe(3);
    // Frame 1: a gets 16/3, uses 10; b gets (16-10)/2 = 3, uses 1; c gets 5.
    expect(budgets.a[0]).toBeCloseTo(16 / 3);
    expect(budgets.b[0]).toBeCloseTo(3);
    expect(budgets.c[0]).toBeCloseTo(5);
    // Frame 2: b gets 8, c gets 15; frame 3: b alone gets 16.
    expect(budgets.b.slice(1)).toEqual([8, 16]);
    expect(budgets.c[1]).toBe(15);
  });

  it('pauses a task whose element is off-screen and resumes it on return', () => {
    const page = fakePage();
    const el = element('figure');
    let ticks = 0;
    const h = page.loop.register({ element: el, tick: () => (ticks++, true) });
    expect(page.observed(el)).toBe(true);
    h.start();
    page.frame();
    expect(ticks).toBe(1);
    page.setVisible(el, false);
    expect(h.running).toBe(true);
    expect(h.active).toBe(false);
    page.frame(); // the frame queued before it left: runs, ticks nothing, schedules nothing
    expect(ticks).toBe(1);
    expect(page.pending).toBe(0);
    page.setVisible(el, true);
    expect(page.pending).toBe(1);
    page.frame();
    expect(ticks).toBe(2);
    h.dispose();
    expect(page.observed(el)).toBe(false);
    expect(page.loop.size).toBe(0);
  });

  it('pauses every task while the tab is hidden', () => {
    const page = fakePage();
    let ticks = 0;
    const h = page.loop.register({ tick: () => (ticks++, true) });
    expect(page.listeners()).toBe(1);
    h.start();
    page.setHidden(true);
    page.frame();
    expect(ticks).toBe(0);
    expect(page.pending).toBe(0);
    expect(h.active).toBe(false);
    h.start(); // still hidden: nothing scheduled
    expect(page.pending).toBe(0);
    page.setHidden(false);
    expect(page.pending).toBe(1);
    page.frame();
    expect(ticks).toBe(1);
    h.dispose();
    expect(page.listeners()).toBe(0);
  });

  it('autoplay() honours prefers-reduced-motion', () => {
    const reduced = fakePage({ reducedMotion: true });
    expect(reduced.loop.prefersReducedMotion()).toBe(true);
    const h = reduced.loop.register({ tick: () => true });
    expect(h.autoplay()).toBe(false);
    expect(h.running).toBe(false);
    expect(reduced.pending).toBe(0);
    h.start(); // stepping on demand is still allowed
    expect(reduced.pending).toBe(1);

    const normal = fakePage();
    const g = normal.loop.register({ tick: () => true });
    expect(g.autoplay()).toBe(true);
    expect(g.running).toBe(true);
  });

  it('a tick that throws stops its task, the others keep running, and the error surfaces', () => {
    const page = fakePage();
    let ok = 0;
    const bad = page.loop.register({
      tick() {
        throw new Error('boom');
      },
    });
    const good = page.loop.register({ tick: () => (ok++, true) });
    bad.start();
    good.start();
    expect(() => page.frame()).toThrow('boom');
    expect(bad.running).toBe(false);
    expect(ok).toBe(1);
    page.frame();
    expect(ok).toBe(2);
  });

  it('a disposed task cannot be started again', () => {
    const page = fakePage();
    const h = page.loop.register({ tick: () => true });
    h.dispose();
    h.start();
    expect(h.running).toBe(false);
    expect(page.pending).toBe(0);
    expect(() => page.loop.register({} as never)).toThrow(TypeError);
  });
});

describe('adaptiveSteps', () => {
  it('starts at min and grows (at most doubling) to fill the budget from the measured step time', () => {
    let time = 0;
    let msPerStep = 2;
    const a = adaptiveSteps({ now: () => time });
    expect(Number.isNaN(a.msPerStep)).toBe(true);
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push(a.run(16, (n) => (time += n * msPerStep)));
    expect(seen.slice(0, 4)).toEqual([1, 2, 4, 6]); // 0.8 * 16 / 2 = 6.4
    expect(seen.at(-1)).toBe(6);
    expect(a.msPerStep).toBeCloseTo(2);
    // The steps get twice as slow: the suggestion follows down.
    msPerStep = 4;
    for (let i = 0; i < 20; i++) a.run(16, (n) => (time += n * msPerStep));
    expect(a.suggest(16)).toBe(3);
    // A smaller budget gets fewer steps, but never fewer than one.
    expect(a.suggest(8)).toBe(1);
    expect(a.suggest(0)).toBe(1);
    a.reset();
    expect(a.suggest(16)).toBe(1);
  });

  it('respects min, max and initial; very fast steps are capped by max', () => {
    let time = 0;
    const a = adaptiveSteps({ now: () => time, min: 2, max: 50, initial: 10, maxGrowth: 100 });
    expect(a.suggest(16)).toBe(10);
    a.record(10, 0.001);
    expect(a.suggest(16)).toBe(50);
    a.record(1, 1000);
    expect(a.suggest(16)).toBe(2);
    a.record(0, 5); // ignored
    a.record(3, Number.NaN); // ignored
    expect(Number.isFinite(a.msPerStep)).toBe(true);
    expect(createLoop({ now: () => time }).adaptiveSteps().suggest(16)).toBe(1);
  });
});

describe('the page-wide loop in Node', () => {
  it('imports without window, never schedules frames, and reports no reduced motion', () => {
    expect(prefersReducedMotion()).toBe(false);
    const h = register({ tick: () => true });
    h.start();
    expect(h.running).toBe(true);
    expect(getLoop().scheduled).toBe(false);
    h.dispose();
  });
});
