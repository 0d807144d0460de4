/**
 * The shared compute module: the one public entry for widgets (see README.md).
 *
 * Importing this file loads no tfjs: `getCompute()` fetches it (./engine.ts) on first call, and
 * the ensemble and SGD-chain builders take the resulting `Compute` and use `compute.tf`.
 */
export { CHOICE_KEY, getCompute, liveTensors, trackTensors } from './backend.ts';
export type { BackendName, Compute, ComputeOptions, Measured, TensorTracker, Tf } from './backend.ts';
export { createRng, seedFromString } from './rng.ts';
export type { Rng } from './rng.ts';
export { adaptiveSteps, createLoop, getLoop, prefersReducedMotion, register } from './loop.ts';
export type {
  AdaptiveSteps,
  AdaptiveStepsOptions,
  Loop,
  LoopOptions,
  LoopTask,
  TaskHandle,
  Visibility,
} from './loop.ts';
export { createEnsemble, MAX_ENSEMBLE_MEMBERS, MAX_ENSEMBLE_PARAMETERS } from './ensemble.ts';
export type {
  Ensemble,
  EnsembleActivation,
  EnsembleLayout,
  EnsembleSnapshot,
  EnsembleSpec,
  EnsembleWeights,
  TrainingRecord,
  TrainOptions,
} from './ensemble.ts';
export { createSgdChains, dataStats, epsilonSchedule } from './sgd-chains.ts';
export type { SgdChains, SgdChainsSpec, SgdSchedule } from './sgd-chains.ts';
export { empiricalCovariance, layerMaps, sampleRandomNetworks } from './random-networks.ts';
export type {
  EmpiricalCovariance,
  LayerMaps,
  RandomNetworkActivation,
  RandomNetworkLayout,
  RandomNetworkOptions,
  RandomNetworkSample,
  RandomNetworksSpec,
} from './random-networks.ts';
export { createTwoLayer, TWO_LAYER_DIVERGED } from './two-layer.ts';
export type { TwoLayer, TwoLayerSpec, TwoLayerTrajectory } from './two-layer.ts';
