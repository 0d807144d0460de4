/** The SGD variance widget's registry entry (chapter 2). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'SgdVariance',
  slug: 'sgd-variance',
  title: 'SGD variance',
  summary: 'Thousands of SGD chains on a 1-D quadratic, against the exact mean, variance and stationary limit ε/(2−ε)·σ²/M.',
  schema,
  usesTensors: true,
  embedHeight: 980,
});
