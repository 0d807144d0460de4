/**
 * The float64 math core (API reference: src/math/README.md): pure, synchronous, no DOM. Every widget's
 * exact theory curve and every static figure is computed here. Bad input throws a TypeError or
 * RangeError naming the parameter; valid input never yields NaN.
 */
export { kernelMatrix } from './kernels.ts';
export type { Activation, KernelSpec } from './kernels.ts';
export { gpLogMarginalLikelihoodGradient, gpPosterior } from './gp.ts';
export type {
  GpLogMarginalLikelihoodGradient,
  GpLogMarginalLikelihoodGradientOptions,
  GpPosterior,
  GpPosteriorOptions,
} from './gp.ts';
export { ntkGp, ntkPrediction } from './ntk.ts';
export type { NtkGpOptions, NtkPredictionOptions } from './ntk.ts';
export { catapultMap, catapultPhase } from './catapult.ts';
export type { CatapultMapOptions, CatapultPhase } from './catapult.ts';
export { twoLayerLinearGd } from './catapult.ts';
export type { TwoLayerLinearGdOptions, TwoLayerLinearGdResult } from './catapult.ts';
export { dataStats, epsilonSchedule, heavyBallRate, normalPdf, sgdMoments, sgdStationaryVariance } from './sgd.ts';
export type { SgdMomentsOptions, SgdSchedule } from './sgd.ts';
export { correlationMap, meanField, meanFieldTrajectory } from './meanfield.ts';
export type { MeanFieldActivation, MeanFieldPhase, MeanFieldResult } from './meanfield.ts';
export { ExpressionError, parseExpression } from './expression.ts';
export type { BinaryOp, FunctionName, Graph, GraphNode } from './expression.ts';
export { evaluateGraph } from './backprop.ts';
export type { Evaluation, TraceStep } from './backprop.ts';
export { gpSamples } from './gp-samples.ts';
export type { GpSamplesOptions } from './gp-samples.ts';
