/** Parameters of the NTK trajectories widget (chapter "The neural tangent kernel"). */
import type { WidgetSchema } from '../core/params.ts';

/** The default training set: seven points on [−3, 3]. */
const POINTS: [number, number][] = [[-2.5, -0.6], [-1.6, 0.4], [-0.7, 0.9], [0.2, 0.3], [1.1, -0.5], [2, -0.8], [2.8, 0.2]];

export const params = {
  points: {
    type: 'points',
    group: 'Data',
    label: 'Training points',
    dims: 2,
    x: [-3, 3],
    y: [-2, 2],
    minCount: 1,
    maxCount: 16,
    decimals: 2,
    default: POINTS,
    description: 'The regression set as x:y pairs (x in [−3, 3], y in [−2, 2], at most 16); empty leaves the networks untrained.',
  },
  width: { type: 'number', group: 'Network', label: 'Width n', min: 16, max: 4096, step: 1, integer: true, scale: 'log', default: 512, description: 'Hidden units per layer of every network in the ensemble.' },
  depth: { type: 'number', group: 'Network', label: 'Depth L (dense layers)', min: 2, max: 3, step: 1, integer: true, default: 2, description: 'Dense layers including the output: 2 is one hidden layer, 3 two.' },
  activation: {
    type: 'select',
    group: 'Network',
    label: 'Activation φ',
    options: [
      { value: 'relu', label: 'ReLU' },
      { value: 'erf', label: 'erf' },
    ],
    default: 'erf',
    description: 'The nonlinearity between the dense layers (σw² = 2, σb² = 0.1 for both). With ReLU the slowest modes drift from the theory even at large widths (its kinks move the NTK there).',
  },
  members: { type: 'number', group: 'Training', label: 'Networks K', min: 1, max: 32, step: 1, integer: true, default: 8, description: 'Independently initialised networks trained side by side.' },
  lr: {
    type: 'number',
    group: 'Training',
    label: 'Learning rate η (× 2/λmax)',
    min: 0.01,
    max: 3,
    step: 0.01,
    default: 0.25,
    description: 'The step size in units of 2/λmax of the analytic NTK on the training points: below 1 every mode of the linearised model decays; above 1 the top mode grows and the network leaves the kernel regime.',
  },
  t: { type: 'number', group: 'Training', label: 'Time t (steps)', min: 0, max: 10000, step: 1, integer: true, scale: 'log', logFrom: 1, default: 500, description: 'Gradient-descent steps: the networks are trained up to t and every panel shows time t.' },
  seed: { type: 'number', group: 'Training', label: 'Seed', min: 0, max: 2147483647, step: 1, integer: true, default: 1, description: 'Seeds every initialisation: a link reproduces the figure exactly.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  narrow: { label: 'Narrow (n = 32)', description: 'Width 32: the networks wander off the NTK-GP band and their kernel at initialisation is far from the analytic one.', values: { width: 32, lr: 0.25 } },
  wide: { label: 'Wide (n = 2048)', description: 'Width 2,048: the networks stay in the band and train as the linearised model predicts.', values: { width: 2048, lr: 0.25 } },
  'too-large-step': { label: 'Too large a step', description: 'η = 1.5 × 2/λmax: the top mode of the linearised model grows; the networks leave the kernel regime (catapult or divergence).', values: { width: 512, lr: 1.5, t: 200 } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
