/** Parameters of the catapult widget (chapter "Large learning rates: the catapult"). */
import type { WidgetSchema } from '../core/params.ts';

export const params = {
  eta: {
    type: 'number',
    label: 'Learning rate ηλ₀',
    min: 0,
    max: 6,
    step: 0.005,
    default: 2.5,
    description: 'The step size η in units of 1/λ₀, where λ₀ is the initial NTK of the map (network 0): lazy below 2, catapult from 2 to 4, divergent from 4. The slider moves in steps of 0.005 near 2 and 4 and 0.02 elsewhere.',
  },
  width: { type: 'number', group: 'Network', label: 'Width n', min: 10, max: 100000, step: 1, integer: true, scale: 'log', default: 1000, description: 'Hidden units of f(x) = v·u x/√n (u, v in ℝⁿ, drawn N(0, 1)).' },
  examples: {
    type: 'number',
    group: 'Network',
    label: 'Examples m',
    min: 1,
    max: 64,
    step: 1,
    integer: true,
    default: 1,
    description: 'Training examples. 1 is x = 1, y = 0, where gradient descent is exactly the closed map; with more, the targets cannot all be fitted and the network departs from the map.',
  },
  steps: { type: 'number', group: 'Simulation', label: 'Steps', min: 10, max: 1000, step: 1, integer: true, default: 100, description: 'Gradient-descent steps shown; the sweep reports λ and the loss after this many.' },
  members: { type: 'number', group: 'Simulation', label: 'Networks (seeds)', min: 1, max: 32, step: 1, integer: true, default: 8, description: 'Networks trained together from different initialisations at the same η; network 0 is the one the map follows.' },
  seed: { type: 'number', group: 'Simulation', label: 'Seed', min: 0, max: 2147483647, step: 1, integer: true, default: 3, description: 'Seeds every initialisation: a link reproduces the figure exactly.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  lazy: { label: 'Lazy', description: 'ηλ₀ = 1.5: the loss falls monotonically and λ barely moves.', values: { eta: 1.5, width: 1000, examples: 1, steps: 100 } },
  catapult: { label: 'Catapult', description: 'ηλ₀ = 3: the loss first explodes, λ falls below 2/η, then training converges.', values: { eta: 3, width: 1000, examples: 1, steps: 100 } },
  divergent: { label: 'Divergent', description: 'ηλ₀ = 4.5: λ only grows and the loss runs off to infinity.', values: { eta: 4.5, width: 1000, examples: 1, steps: 100 } },
  'wider-is-sharper': {
    label: 'Wider is sharper',
    description: 'ηλ₀ = 2.1 at n = 100,000: every network catapults together, and the sweep’s corner at 2 is sharp; try n = 10.',
    values: { eta: 2.1, width: 100000, examples: 1, steps: 300 },
  },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
