/** Parameters of the GP bands widget (chapters "Gaussian processes" and "Wide networks are Gaussian processes"). */
import type { WidgetSchema } from '../core/params.ts';

const CLASSICAL = ['rbf', 'linear', 'polynomial', 'periodic'] as const;
const NETWORK = ['nngp', 'ntk'] as const;

export const params = {
  kernel: {
    type: 'select',
    group: 'Kernel',
    label: 'Kernel',
    options: [
      { value: 'rbf', label: 'RBF (squared exponential)' },
      { value: 'linear', label: 'linear' },
      { value: 'polynomial', label: 'polynomial' },
      { value: 'periodic', label: 'periodic' },
      { value: 'nngp', label: 'NNGP (infinitely wide network)' },
      { value: 'ntk', label: 'NTK (infinitely wide network)' },
    ],
    default: 'rbf',
    description: 'The prior covariance k(x, x′) between function values.',
  },
  lengthscale: { type: 'number', group: 'Kernel', visibleWhen: { kernel: ['rbf', 'periodic'] }, label: 'Length scale ℓ', min: 0.05, max: 5, step: 0.001, scale: 'log', default: 1, description: 'How far apart two inputs must be before their values decorrelate.' },
  variance: { type: 'number', group: 'Kernel', visibleWhen: { kernel: CLASSICAL }, label: 'Variance σ²', min: 0.01, max: 10, step: 0.001, scale: 'log', default: 1, description: 'The prior variance (RBF, periodic) or the weight of x·x′ (linear, polynomial).' },
  period: { type: 'number', group: 'Kernel', visibleWhen: { kernel: 'periodic' }, label: 'Period p', min: 0.2, max: 10, step: 0.001, scale: 'log', default: 2, description: 'The periodic kernel repeats every p.' },
  degree: { type: 'number', group: 'Kernel', visibleWhen: { kernel: 'polynomial' }, label: 'Degree', min: 1, max: 8, step: 1, integer: true, default: 2, description: 'The polynomial kernel’s power: samples are polynomials of this degree.' },
  offset: { type: 'number', group: 'Kernel', visibleWhen: { kernel: ['linear', 'polynomial'] }, label: 'Offset c', min: 0, max: 10, step: 0.001, default: 1, description: 'The constant added to variance·x·x′ (a bias term).' },
  activation: {
    type: 'select',
    group: 'Network',
    visibleWhen: { kernel: NETWORK },
    label: 'Activation φ',
    options: [
      { value: 'relu', label: 'ReLU' },
      { value: 'erf', label: 'erf' },
      { value: 'tanh', label: 'tanh' },
    ],
    default: 'relu',
    description: 'The nonlinearity between the dense layers.',
  },
  depth: { type: 'number', group: 'Network', visibleWhen: { kernel: NETWORK }, label: 'Depth L (dense layers)', min: 1, max: 8, step: 1, integer: true, default: 3, description: 'Dense layers including the output layer; L = 1 is a linear model.' },
  sw2: { type: 'number', group: 'Network', visibleWhen: { kernel: NETWORK }, label: 'Weight variance σw²', min: 0.1, max: 5, step: 0.001, default: 2, description: 'Each weight is N(0, σw²/fan-in).' },
  sb2: { type: 'number', group: 'Network', visibleWhen: { kernel: NETWORK }, label: 'Bias variance σb²', min: 0, max: 2, step: 0.001, default: 0.1, description: 'Each bias is N(0, σb²).' },
  width: { type: 'number', group: 'Network', visibleWhen: { kernel: NETWORK }, label: 'Finite networks: width (0 = off)', min: 0, max: 4096, step: 1, integer: true, scale: 'log', logFrom: 4, default: 0, description: 'Overlay functions of random networks of this width and compare their empirical covariance with the kernel.' },
  noise: { type: 'number', group: 'Data', label: 'Noise variance σn²', min: 0, max: 2, step: 0.0001, default: 0.01, description: 'Observation-noise variance added to the kernel matrix’s diagonal; 0 interpolates the data exactly.' },
  points: {
    type: 'points',
    group: 'Data',
    label: 'Training points',
    dims: 2,
    x: [-5, 5],
    y: [-3, 3],
    minCount: 0,
    maxCount: 200,
    decimals: 2,
    default: [[-4, -0.6], [-2.6, 0.5], [-1, 0.9], [0.8, -0.2], [2.2, -0.9], [3.9, 0.3]],
    description: 'The observations as x:y pairs (x in [−5, 5], y in [−3, 3]); empty shows the prior.',
  },
  samples: { type: 'number', group: 'Display', label: 'Samples shown', min: 0, max: 20, step: 1, integer: true, default: 3, description: 'Functions drawn from the posterior (or the prior), seeded.' },
  prior: { type: 'boolean', group: 'Display', label: 'Show the prior instead of the posterior', default: false, description: 'Draw the kernel’s prior: mean 0 and its marginal standard deviation, ignoring the data.' },
  seed: { type: 'number', group: 'Display', label: 'Seed', min: 0, max: 2147483647, step: 1, integer: true, default: 1, description: 'Seeds the samples and the finite networks: a link reproduces the figure exactly.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  few: {
    label: 'A few points',
    description: 'Six scattered observations: the band pinches at each one and opens between them.',
    values: { points: [[-4, -0.6], [-2.6, 0.5], [-1, 0.9], [0.8, -0.2], [2.2, -0.9], [3.9, 0.3]] },
  },
  gap: {
    label: 'A gap in the middle',
    description: 'Data on both sides and none in [−1.5, 1.5]: the GP says it does not know there.',
    values: { points: [[-4.5, -1.1], [-3.8, -0.6], [-3, 0], [-2.3, 0.5], [-1.7, 0.7], [1.6, 0.4], [2.2, 0], [2.9, -0.5], [3.6, -0.8], [4.4, -0.6]] },
  },
  periodic: {
    label: 'A periodic signal',
    description: 'sin(πx) sampled at nine points: the periodic kernel with period 2 extrapolates it; the RBF kernel does not.',
    values: { kernel: 'periodic', period: 2, lengthscale: 1, points: [[-4.2, -0.59], [-3.3, 0.81], [-2.5, -1], [-1.6, 0.95], [-0.7, -0.81], [0.3, 0.81], [1.1, -0.31], [1.9, -0.31], [2.6, 0.95]] },
  },
  step: {
    label: 'A step',
    description: 'A jump at x = 0: a stationary kernel must choose between a short length scale and a smooth miss.',
    values: { points: [[-4, -1], [-3, -1], [-2, -1], [-1, -1], [-0.3, -1], [0.3, 1], [1, 1], [2, 1], [3, 1], [4, 1]] },
  },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
