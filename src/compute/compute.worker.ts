/**
 * The compute worker (workers.ts): its own tfjs-core on the WASM backend (only pages running WASM
 * start workers; tfjs-core + the WASM backend is ~0.6 MB less than with the CPU backend too), started
 * by the first message; each message { id, setup, task } is answered by { id, result } or
 * { id, error }. Today one kind of task: a block of random networks (random-networks.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Compute } from './backend.ts';
import { sampleNetworkBlock } from './random-networks.ts';
import type { WorkerSetup, WorkerTask } from './workers.ts';

let ready: Promise<void> | null = null;
let started = '';

function start(setup: WorkerSetup): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    if (setup.backend === 'wasm') setWasmPaths(setup.wasmPaths);
    if (!(await tf.setBackend(setup.backend)) || tf.getBackend() !== setup.backend) throw new Error(`the worker could not start tfjs on ${setup.backend}`);
    await tf.ready();
    started = setup.backend;
  })();
  return ready;
}

// A Compute with what the routines use: tf and a generation that never changes (no WebGL here).
const compute = { tf, generation: 0, liveTensors: () => tf.memory().numTensors } as unknown as Compute;
const post = (m: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = async (e: MessageEvent<{ id: number; setup: WorkerSetup; task: WorkerTask }>) => {
  const { id, setup, task } = e.data;
  try {
    await start(setup);
    if (started !== setup.backend) throw new Error(`the worker runs ${started}, not ${setup.backend}`);
    if (task.kind !== 'random-networks') throw new Error(`unknown task '${String(task.kind)}'`);
    const block = await sampleNetworkBlock(compute, task.spec, task.x, task.options, task.from, task.to);
    post({ id, result: block }, [block.outputs.buffer, ...(block.layers ?? []).map((l) => l.buffer)]);
  } catch (err) {
    post({ id, error: (err as Error)?.message ?? String(err) });
  }
};
