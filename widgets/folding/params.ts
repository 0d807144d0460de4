/** Parameters of the folding figure (chapter "Deep fully connected networks"). */
import type { WidgetSchema } from '../core/params.ts';

export const params = {
  depth: { type: 'number', label: 'Layers L', min: 1, max: 10, step: 1, integer: true, default: 3, description: 'Folding layers, two ReLU units each: the output has 2^L linear pieces.' },
  shallow: { type: 'boolean', label: 'Show a shallow net with as many units', default: true, description: 'One hidden layer of 2L ReLU units, fitted through the deep net’s breakpoints as far as it can: at most 2L + 1 pieces.' },
} as const satisfies WidgetSchema['params'];

export const presets = {
  one: { label: 'One fold', description: 'L = 1: the tent map, 2 pieces.', values: { depth: 1 } },
  three: { label: 'Three folds', description: 'L = 3: 8 pieces from 6 units; a shallow net with 6 units has at most 7.', values: { depth: 3 } },
  six: { label: 'Six folds', description: 'L = 6: 64 pieces from 12 units, against at most 13.', values: { depth: 6 } },
} satisfies WidgetSchema<typeof params>['presets'];

export const schema: WidgetSchema<typeof params> = { params, presets };
