/** Public surface of the train-step graph generator: architectures, parameters, and the graphs built from them. */
export {
  type ArchSpec,
  archName,
  initParams,
  inputKindOf,
  outputSizeFor,
  type ParamSpec,
  paramSpecs,
  parseArch,
  receptiveRadius,
  trainingPatch,
} from '../architectures.ts';
export { ADAM } from './adam.ts';
export { buildInferenceModel } from './inference.ts';
export type { LossKind } from './loss.ts';
export {
  buildForwardLoss,
  buildGradientGraph,
  buildTrainStep,
  type GradientGraph,
  INPUT_NAMES,
  momentName,
  type TrainGraphOptions,
  type TrainStep,
  varianceName,
} from './train-step.ts';
export { DEFAULT_TUNING, type Tuning } from './tuning.ts';
