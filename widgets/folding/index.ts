/** The folding figure's registry entry (chapter "Deep fully connected networks"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'Folding',
  slug: 'folding',
  title: 'Folding ReLU layers',
  summary: 'L tent-map layers of two ReLU units each make 2^L linear pieces; one hidden layer of as many units makes at most 2L + 1.',
  schema,
  usesTensors: false,
  embedHeight: 760,
});
