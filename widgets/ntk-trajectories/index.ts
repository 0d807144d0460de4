/** The NTK trajectories widget's registry entry (chapter "The neural tangent kernel"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'NtkTrajectories',
  slug: 'ntk-trajectories',
  title: 'NTK trajectories',
  summary: 'An ensemble of finite networks trained by gradient descent against the NTK-GP: functions inside the band, losses on the analytic curve, each eigen-mode’s decay, the empirical NTK against the analytic one, and the weights moving less as the width grows.',
  schema,
  usesTensors: true,
  embedHeight: 1500,
});
