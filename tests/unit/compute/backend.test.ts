import { afterEach, describe, expect, it, vi } from 'vitest';
import { getCompute, liveTensors, trackTensors } from '../../../src/compute/index.ts';
import { testing } from '../../../src/compute/backend.ts';

describe('getCompute', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('falls through from WebGL to CPU in Node (measured: the only one that runs), with a reason, logged as info (not warn/error)', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    expect(liveTensors()).toBe(0); // nothing loaded yet
    const compute = await getCompute({ backends: ['webgl', 'cpu'] });
    expect(compute.backend).toBe('cpu');
    expect(compute.reason).toMatch(/WebGL/);
    expect(compute.floatPrecision).toBe(32);
    expect(compute.tf.getBackend()).toBe('cpu');
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0][0])).toMatch(/backend: cpu \(.*WebGL unavailable \(not available outside a browser\)/);
    expect(compute.how).toBe('measured');
    expect(compute.measured.map((m) => [m.backend, m.ms !== undefined])).toEqual([['webgl', false], ['cpu', true]]);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('returns the same instance on every call (later options are ignored)', async () => {
    const a = await getCompute();
    const b = await getCompute({ backends: ['cpu'] });
    expect(b).toBe(a);
    expect(getCompute()).toBe(getCompute());
  });

  it('computes with functional ops and gradients (register_all_gradients is loaded)', async () => {
    const { tf } = await getCompute();
    const t = trackTensors('grad');
    const g = tf.tidy(() => tf.grad((x: import('@tensorflow/tfjs-core').Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2, 3])));
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
    expect(t.delta()).toBe(1);
    g.dispose();
    t.assertFlat();
    expect(liveTensors()).toBe(t.start);
  });

  it('trackTensors reports a leak with its label', async () => {
    const { tf } = await getCompute();
    const t = trackTensors('leaky routine');
    const leak = tf.scalar(1);
    expect(() => t.assertFlat()).toThrow(/leaky routine: 1 tensors leaked/);
    t.assertFlat(1);
    leak.dispose();
  });

  it('onChange fires after a backend restart (what a lost WebGL context triggers), with a new generation', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    const compute = await getCompute();
    const { tf } = compute;
    const before = compute.generation;
    const stale = tf.tensor1d([1, 2, 3]);
    const seen: number[] = [];
    const off = compute.onChange((c) => {
      expect(c).toBe(compute);
      seen.push(c.generation);
    });
    await testing.restart('test restart');
    expect(seen).toEqual([before + 1]);
    expect(compute.generation).toBe(before + 1);
    expect(compute.backend).toBe('cpu');
    // Every tensor of the old generation is gone; disposing one is harmless.
    expect(compute.liveTensors()).toBe(0);
    stale.dispose();
    expect(compute.liveTensors()).toBe(0);
    // The engine works again after the restart.
    expect(Array.from(tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2))).dataSync())).toEqual([3]);
    off();
    await testing.restart();
    expect(seen).toHaveLength(1);
  });

  it('simulateContextLoss is a no-op off WebGL', async () => {
    const compute = await getCompute();
    await expect(compute.simulateContextLoss()).resolves.toBe(false);
  });

  it('checks its options', async () => {
    testing.forget();
    expect(() => getCompute({ backends: [] })).toThrow(RangeError);
    expect(() => getCompute({ backends: ['webgpu' as never] })).toThrow(/unknown backend 'webgpu', expected 'webgl', 'wasm' or 'cpu'/);
    vi.spyOn(console, 'info').mockImplementation(() => {});
    const compute = await getCompute({ backends: ['cpu'] });
    expect(compute.backend).toBe('cpu');
    expect(compute.reason).toBeUndefined();
  });
});

describe('explain: the badge line', () => {
  it('names what the choice beat, and says when nothing else worked', async () => {
    const { explain } = await import('../../../src/compute/engine.ts');
    const wasm = { backend: 'wasm' as const, ms: 2 };
    expect(explain(wasm, [wasm, { backend: 'webgl', ms: 6.2 }, { backend: 'cpu', failure: 'not measured (time budget)' }])).toBe('fastest here; WebGL measured 3.1× slower; CPU not measured (time budget)');
    const cpu = { backend: 'cpu' as const, ms: 9 };
    expect(explain(cpu, [{ backend: 'webgl', failure: 'this browser gives no WebGL context' }, { backend: 'wasm', failure: 'failed to initialise' }, cpu])).toBe('the only backend that works here; WebGL unavailable (this browser gives no WebGL context); WASM unavailable (failed to initialise)');
  });
});
