/** Parameters of the phase-diagram widget (chapter "Deep information propagation"). */
import type { WidgetSchema } from '../core/params.ts';

export const params = {
  activation: {
    type: 'select',
    group: 'Network',
    label: 'Activation φ',
    options: [
      { value: 'tanh', label: 'tanh' },
      { value: 'erf', label: 'erf' },
    ],
    default: 'tanh',
    description: 'The bounded nonlinearity between the dense layers.',
  },
  field: {
    type: 'select',
    group: 'Map',
    label: 'Heat map',
    options: [
      { value: 'chi1', label: 'χ₁ (slope of the c-map at c = 1)' },
      { value: 'xic', label: 'ξc (correlation depth, log scale)' },
      { value: 'qstar', label: 'q* (fixed-point variance)' },
    ],
    default: 'chi1',
    description: 'The mean-field quantity coloured over the (σw², σb²) plane.',
  },
  sw2: { type: 'number', group: 'Point', label: 'Weight variance σw²', min: 0.5, max: 4, step: 0.00001, default: 1.5, description: 'The selected point’s σw² (click the map or use the arrow keys on it).' },
  sb2: { type: 'number', group: 'Point', label: 'Bias variance σb²', min: 0, max: 0.5, step: 0.00001, default: 0.05, description: 'The selected point’s σb².' },
  depth: { type: 'number', group: 'Network', label: 'Depth L', min: 1, max: 200, step: 1, integer: true, default: 30, description: 'Layers followed by the theory curves and the finite network; the map shades where L < 6ξc (trainable).' },
  width: { type: 'number', group: 'Finite network', label: 'Width n', min: 10, max: 2000, step: 1, integer: true, scale: 'log', default: 300, description: 'Hidden width of the random finite networks drawn against the theory.' },
  seed: { type: 'number', group: 'Finite network', label: 'Seed', min: 0, max: 2147483647, step: 1, integer: true, default: 1, description: 'Seeds the finite networks: a link reproduces them exactly.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  ordered: {
    label: 'Ordered',
    description: 'tanh at σw² = 1.5, σb² = 0.05: χ₁ < 1, every pair of inputs becomes perfectly correlated with depth.',
    values: { activation: 'tanh', sw2: 1.5, sb2: 0.05 },
  },
  critical: {
    label: 'Critical (edge of chaos)',
    description: 'tanh on the critical line at σb² = 0.05 (σw² ≈ 1.76095): χ₁ = 1 and ξc is infinite, so signals travel through any depth.',
    values: { activation: 'tanh', sw2: 1.76095, sb2: 0.05 },
  },
  chaotic: {
    label: 'Chaotic',
    description: 'tanh at σw² = 3, σb² = 0.05: χ₁ > 1, nearby inputs decorrelate towards c* < 1.',
    values: { activation: 'tanh', sw2: 3, sb2: 0.05 },
  },
  'erf-critical': {
    label: 'erf, critical',
    description: 'erf at its σb² = 0 critical point σw² = π/4 (where q* = 0 and χ₁ = σw²·4/π = 1).',
    values: { activation: 'erf', sw2: 0.7854, sb2: 0 },
  },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
