/** The catapult widget's registry entry (large learning rates: the catapult mechanism). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'Catapult',
  slug: 'catapult',
  title: 'The catapult',
  summary: 'Two-layer linear networks trained by gradient descent at large learning rates: lazy below ηλ₀ = 2, a catapult that lowers the NTK below 2/η up to 4, divergence above; the exact closed map against real networks, and a sweep over 256 rates.',
  schema,
  usesTensors: true,
  embedHeight: 1600,
});
