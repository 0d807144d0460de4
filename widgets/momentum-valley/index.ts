/** The momentum valley widget's registry entry (chapter "Stochastic gradient descent"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'MomentumValley',
  slug: 'momentum-valley',
  title: 'Momentum on a narrow valley',
  summary: 'Gradient descent’s zig-zag against the heavy ball on ½θ₁² + (λ/2)θ₂²: both paths over the contours, |θₖ| on a log scale beside the exact rates of the 2 × 2 iteration matrix, and the measured steps to a millionfold reduction.',
  schema,
  usesTensors: false,
  embedHeight: 1000,
});
