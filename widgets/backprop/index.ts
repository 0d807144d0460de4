/** The backprop stepper's registry entry (chapter "Backpropagation"). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'Backprop',
  slug: 'backprop',
  title: 'Backprop stepper',
  summary: 'An expression’s computational graph, evaluated node by node and differentiated edge by edge, with the gradients checked against finite differences.',
  schema,
  usesTensors: false,
  embedHeight: 900,
});
