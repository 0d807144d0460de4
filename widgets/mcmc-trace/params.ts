/** Parameters of the MCMC trace widget (chapter "Estimating probability from data"). */
import type { WidgetSchema } from '../core/params.ts';

export const params = {
  proposal: { type: 'number', label: 'Proposal step size s', min: 0.001, max: 10, step: 0.001, scale: 'log', default: 0.2, description: 'Standard deviation of the Gaussian random-walk proposal θ′ = θ + s·z.' },
  steps: { type: 'number', label: 'Steps (after burn-in)', min: 100, max: 200000, step: 1, integer: true, scale: 'log', default: 20000, description: 'Samples kept after the burn-in: the histogram, the acceptance rate and the autocorrelation use these.' },
  burnin: { type: 'number', label: 'Burn-in', min: 0, max: 20000, step: 1, integer: true, scale: 'log', logFrom: 10, default: 1000, description: 'Initial steps discarded (the chain starts at θ₀ = 0.05).' },
  seed: { type: 'number', label: 'Seed', min: 0, max: 2147483647, step: 1, integer: true, default: 1, description: 'Seeds the proposals and the accept/reject draws: a link reproduces the chain exactly.' },
  alpha: { type: 'number', group: 'Posterior Beta(α + n_H, β + n_T)', label: 'Prior α', min: 0.1, max: 50, step: 0.1, default: 2, description: 'Prior pseudo-count of wins plus one.' },
  beta: { type: 'number', group: 'Posterior Beta(α + n_H, β + n_T)', label: 'Prior β', min: 0.1, max: 50, step: 0.1, default: 2, description: 'Prior pseudo-count of losses plus one.' },
  heads: { type: 'number', group: 'Posterior Beta(α + n_H, β + n_T)', label: 'Wins n_H', min: 0, max: 1000, step: 1, integer: true, default: 3, description: 'Observed wins (heads).' },
  tails: { type: 'number', group: 'Posterior Beta(α + n_H, β + n_T)', label: 'Losses n_T', min: 0, max: 1000, step: 1, integer: true, default: 1, description: 'Observed losses (tails).' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  'good-step': { label: 'Good step (s = 0.2)', description: 'Machine A, s = 0.2: about two thirds accepted, τ ≈ 6.', values: { proposal: 0.2 } },
  'too-small': { label: 'Too small (s = 0.05)', description: 'Nearly every proposal accepted, but each moves so little that τ is about ten times larger.', values: { proposal: 0.05 } },
  'too-large': { label: 'Too large (s = 2)', description: 'Most proposals land outside (0, 1) or far in the tails and are rejected: the chain stands still.', values: { proposal: 2 } },
  'machine-b': { label: 'Machine B (81 of 121)', description: 'The narrow posterior Beta(83, 42): s = 0.2 is now too large.', values: { heads: 81, tails: 40, proposal: 0.2 } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
