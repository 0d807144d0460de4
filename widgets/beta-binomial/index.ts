/** The Beta–Binomial widget's registry entry (chapter 1). */
import { defineWidget } from '../core/entry.ts';
import { schema } from './params.ts';

export default defineWidget({
  name: 'BetaBinomial',
  slug: 'beta-binomial',
  title: 'Beta–Binomial posterior',
  summary: 'Prior, likelihood and posterior of a coin’s bias, with MLE, MAP, posterior mean and a credible interval.',
  schema,
  usesTensors: false,
  embedHeight: 720,
});
