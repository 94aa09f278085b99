import { siblingModuleUrl } from '../../util/index.js';

export { comparisonReport, MIN_COMPARISON_POINTS } from './comparison.js';
export type { AgreementReport, ArmReport, ComparisonReport, Verdict } from './comparison.js';
export type { GroupCounters } from './counters.js';
export { modelDetector } from './model-detector.js';
export { MODEL_DETECTOR_ID, SHADOW_DETECTOR_ID } from './model-params.js';
export type { GroupServing, ModelDetectorParams } from './model-params.js';
export type { GroupRule } from './group-rule.js';
export { ModelServing } from './model-serving.js';
export { describePlan, samePlan } from './plan.js';
export type { CandidatePlan, ModelPlan, ServedArtifact, ServedModel, ServingPlan } from './plan.js';
export { planFromRegistry } from './plan-from-registry.js';
export { ModelNotServedError, ModelServingController, servedModels } from './serving-controller.js';
export type { ModelServingControllerOptions, ServingLogger, ServingTarget } from './serving-controller.js';

/** The detection worker script that serves models (give it to the detection runner as `workerScript`). */
export function servingWorkerScript(): URL {
  return siblingModuleUrl('./serving-worker.js', import.meta.url);
}
