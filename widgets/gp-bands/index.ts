/** The GP bands widget's registry entry (chapters "Gaussian processes" and "Wide networks are Gaussian processes"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'GpBands',
  slug: 'gp-bands',
  title: 'GP uncertainty bands',
  summary: 'Gaussian-process regression on the line: the exact posterior with ±1σ/±2σ bands, draws, six kernels (RBF to NNGP/NTK), a live log marginal likelihood and a visible hyperparameter fit; random finite networks against the NNGP kernel.',
  schema,
  usesTensors: true,
  embedHeight: 1100,
});
