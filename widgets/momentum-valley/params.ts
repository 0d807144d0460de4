/** Parameters of the momentum valley widget (chapter "Stochastic gradient descent"). */
import type { WidgetSchema } from '../core/params.ts';

// The tuned heavy-ball parameters ε = 4/(√κ + 1)², α = ((√κ − 1)/(√κ + 1))² (eq. sgd-momentum-rate),
// written to 9 decimals (the parameters' step): at λ = 100 that is 4/121 and 81/121.
const TUNED_100 = { lambda: 100, eps: 0.033057851, alpha: 0.669421488 };
const TUNED_1000 = { lambda: 1000, eps: 0.003758531, alpha: 0.881144811 };

export const params = {
  lambda: { type: 'number', label: 'Curvature ratio λ (condition number κ)', min: 1, max: 1000, step: 0.01, scale: 'log', default: 100, description: 'The valley ½θ₁² + (λ/2)θ₂² has curvatures 1 and λ; κ = λ.' },
  eps: { type: 'number', label: 'Step ε (heavy ball)', min: 0.0001, max: 4, step: 0.000000001, scale: 'log', default: TUNED_100.eps, description: 'The heavy ball’s learning rate; it diverges past 2(1 + α)/λ. Gradient descent always runs at its best step 2/(1 + λ).' },
  alpha: { type: 'number', label: 'Momentum α', min: 0, max: 0.999, step: 0.000000001, default: TUNED_100.alpha, description: 'The heavy ball’s momentum; α = 0 is gradient descent with step ε.' },
  steps: { type: 'number', label: 'Steps drawn', min: 1, max: 10000, step: 1, integer: true, scale: 'log', default: 200, description: 'How many iterations the paths and the error panel show.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  tuned: { label: 'Tuned (λ = 100)', description: 'The optimal heavy ball for curvatures 1 and 100: ε = 4/121, α = 81/121, rate 9/11.', values: { ...TUNED_100, steps: 200 } },
  'tuned-1000': { label: 'Tuned (λ = 1000)', description: 'λ = 1000 with its tuned ε and α: 321 steps against gradient descent’s 6908.', values: { ...TUNED_1000, steps: 400 } },
  'gd-best': { label: 'No momentum', description: 'α = 0 at gradient descent’s best step 2/(1 + λ) = 2/101: the two paths coincide.', values: { lambda: 100, eps: 0.01980198, alpha: 0, steps: 200 } },
  'too-much-momentum': { label: 'Too much momentum', description: 'α = 0.95 with the tuned step: both curvatures inside the complex band, a spiral at rate √0.95.', values: { lambda: 100, eps: TUNED_100.eps, alpha: 0.95, steps: 200 } },
  'too-large-step': { label: 'Step too large', description: 'ε = 0.04, past the stability limit 2(1 + α)/λ ≈ 0.0334: the steep direction diverges.', values: { lambda: 100, eps: 0.04, alpha: TUNED_100.alpha, steps: 200 } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
