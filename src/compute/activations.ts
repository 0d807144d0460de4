/**
 * The activations the batched networks use, as tfjs ops: one definition for the ensembles
 * (ensemble.ts) and the random networks (random-networks.ts), matching src/math's kernels.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Compute } from './backend.ts';

export type Activation = 'relu' | 'erf' | 'tanh' | 'linear';

/** Every activation, for spec checks. */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'erf', 'tanh', 'linear'];

/** phi(z) elementwise ('linear' returns z itself). */
export function applyActivation(tf: Compute['tf'], act: Activation, z: TF.Tensor): TF.Tensor {
  switch (act) {
    case 'relu':
      return tf.relu(z);
    case 'erf':
      return tf.erf(z);
    case 'tanh':
      return tf.tanh(z);
    default:
      return z;
  }
}
