/** Parameters of the SGD variance widget (chapter 2). */
import type { WidgetSchema } from '../core/params.ts';

export const params = {
  eps: { type: 'number', group: 'Steps', label: 'Step size ε (or ε₀)', min: 0.001, max: 1.99, step: 0.001, default: 0.5, description: 'Constant step, or the initial step of a decaying schedule.' },
  schedule: {
    type: 'select',
    group: 'Steps',
    label: 'Step schedule',
    options: [
      { value: 'constant', label: 'constant ε' },
      { value: 'inverse', label: 'ε₀ / (k + 1)' },
      { value: 'inverse-k0', label: 'ε₀ / (1 + k / k₀)' },
    ],
    default: 'constant',
    description: 'How the step size changes with the step number k.',
  },
  k0: { type: 'number', group: 'Steps', visibleWhen: { schedule: 'inverse-k0' }, label: 'Decay scale k₀', min: 1, max: 1000, step: 1, integer: true, default: 20, description: 'Steps before ε₀ / (1 + k / k₀) has halved.' },
  batch: { type: 'number', group: 'Steps', label: 'Minibatch size M', min: 1, max: 64, step: 1, integer: true, default: 1, description: 'Examples per step, drawn with replacement.' },
  momentum: { type: 'number', group: 'Steps', label: 'Momentum α', min: 0, max: 0.99, step: 0.01, default: 0, description: 'Heavy-ball momentum; 0 is plain SGD.' },
  theta0: { type: 'number', group: 'Simulation', label: 'Start θ₀', min: -10, max: 10, step: 0.1, default: 3, description: 'Where every chain starts.' },
  n: { type: 'number', group: 'Data', clears: ['data'], label: 'Data points N', min: 2, max: 200, step: 1, integer: true, default: 20, description: 'Size of the data set θ⁽ⁱ⁾ (standardised to mean 0, variance 1 when resampled).' },
  chains: { type: 'number', group: 'Simulation', label: 'Chains K', min: 100, max: 100000, step: 100, integer: true, scale: 'log', default: 2000, description: 'Independent SGD runs simulated together.' },
  steps: { type: 'number', group: 'Simulation', label: 'Horizon', min: 10, max: 1000, step: 1, integer: true, default: 100, description: 'Steps shown on the time axis; the run stops there.' },
  data: {
    type: 'points',
    group: 'Data',
    label: 'Data (edited)',
    dims: 1,
    x: [-10, 10],
    minCount: 2,
    maxCount: 200,
    decimals: 3,
    default: [],
    description: 'The data points θ⁽ⁱ⁾ as comma-separated numbers in [−10, 10], when the reader has edited them; empty means N seeded standard-normal draws, standardised.',
  },
  seed: { type: 'number', group: 'Simulation', label: 'Seed', min: 0, max: 2147483647, step: 1, integer: true, default: 1, description: 'Seeds the data and every minibatch draw: a link reproduces the figure exactly.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  eps05: { label: 'ε = 0.5', description: 'A large constant step on 20 standardised data points, one example per step: fast, noisy, E θ² → 1/3.', values: { eps: 0.5, schedule: 'constant', batch: 1, momentum: 0 } },
  eps01: { label: 'ε = 0.1', description: 'The same data with a five times smaller step: slower, quieter, E θ² → 0.1/1.9.', values: { eps: 0.1, schedule: 'constant', batch: 1, momentum: 0 } },
  decaying: { label: 'Decaying step', description: 'ε₀/(k+1) with ε₀ = 1: the Robbins–Monro conditions hold and the variance goes to 0.', values: { eps: 1, schedule: 'inverse', batch: 1, momentum: 0, steps: 300 } },
  largeBatch: { label: 'Large minibatch', description: 'M = 16 divides the stationary variance by 16.', values: { eps: 0.5, schedule: 'constant', batch: 16, momentum: 0 } },
  momentum: { label: 'Momentum', description: 'α = 0.9 with ε = 0.05: oscillating mean, stationary variance from the exact moment recursion.', values: { eps: 0.05, schedule: 'constant', batch: 1, momentum: 0.9, steps: 200 } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
