/** The phase-diagram widget's registry entry (chapter "Deep information propagation"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'PhaseDiagram',
  slug: 'phase-diagram',
  title: 'Order-to-chaos phase diagram',
  summary: 'Mean-field signal propagation in deep tanh/erf networks: χ₁, ξc or q* over (σw², σb²) with the critical line χ₁ = 1 and the trainable depth L < 6ξc; qˡ, cˡ and the correlation map at a chosen point, against random finite networks.',
  schema,
  usesTensors: true,
  embedHeight: 1300,
});
