/** The MCMC trace widget's registry entry (chapter "Estimating probability from data"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'McmcTrace',
  slug: 'mcmc-trace',
  title: 'Metropolis–Hastings trace',
  summary: 'A seeded random-walk Metropolis chain on the slot machine’s Beta posterior: its trace, a histogram over the exact density, the acceptance rate, the autocorrelation, τ and the effective sample size.',
  schema,
  usesTensors: false,
  embedHeight: 1050,
});
