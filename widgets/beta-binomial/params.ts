/** Parameters of the Beta–Binomial posterior widget (chapter 1). */
import type { WidgetSchema } from '../core/params.ts';

export const params = {
  alpha: { type: 'number', label: 'Prior α', min: 0.1, max: 50, step: 0.1, default: 2, description: 'Prior pseudo-count of heads plus one.' },
  beta: { type: 'number', label: 'Prior β', min: 0.1, max: 50, step: 0.1, default: 2, description: 'Prior pseudo-count of tails plus one.' },
  heads: { type: 'number', label: 'Heads', min: 0, max: 1000, step: 1, integer: true, default: 3, description: 'Observed heads (wins).' },
  tails: { type: 'number', label: 'Tails', min: 0, max: 1000, step: 1, integer: true, default: 1, description: 'Observed tails (losses).' },
  level: { type: 'number', label: 'Credible level', min: 0.5, max: 0.99, step: 0.01, default: 0.95, description: 'Probability mass inside the equal-tailed credible interval.' },
  prior: { type: 'boolean', label: 'Show prior', default: true },
  likelihood: { type: 'boolean', label: 'Show likelihood', default: true },
} as const satisfies WidgetSchema['params'];

export const presets = {
  machineA: { label: 'Machine A: 3 of 4', description: '3 wins in 4 plays, Beta(2, 2) prior: MAP 2/3.', values: { alpha: 2, beta: 2, heads: 3, tails: 1 } },
  machineB: { label: 'Machine B: 81 of 121', description: '81 wins in 121 plays, Beta(2, 2) prior: MAP 2/3 too, far narrower posterior.', values: { alpha: 2, beta: 2, heads: 81, tails: 40 } },
  uniform: { label: 'Uniform prior, no data', description: 'Beta(1, 1): every bias equally plausible.', values: { alpha: 1, beta: 1, heads: 0, tails: 0 } },
  strongPrior: { label: 'Strong fair prior', description: 'Beta(20, 20): a prior belief that the coin is fair, worth 38 flips.', values: { alpha: 20, beta: 20, heads: 3, tails: 1 } },
  jeffreys: { label: 'Jeffreys prior', description: 'Beta(½, ½): the density diverges at 0 and 1.', values: { alpha: 0.5, beta: 0.5, heads: 0, tails: 0 } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
