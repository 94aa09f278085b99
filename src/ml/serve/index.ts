import { siblingModuleUrl } from '../../util/index.js';

export { comparisonReport, MIN_COMPARISON_POINTS } from './comparison.js';
export type { AgreementReport, ArmReport, ComparisonReport, Verdict } from './comparison.js';
export { MODEL_DETECTOR_ID, SHADOW_DETECTOR_ID, modelDetector } from './model-detector.js';
export type { ModelDetectorParams } from './model-detector.js';
export { ModelServing } from './model-serving.js';
export { describePlan, samePlan } from './plan.js';
export type { CandidatePlan, ModelPlan, ServedArtifact, ServingPlan } from './plan.js';
export { planFromRegistry } from './plan-from-registry.js';
export { ModelNotServedError, ModelServingController, servedModelNames } from './serving-controller.js';
export type { ModelServingControllerOptions, ServingLogger, ServingTarget } from './serving-controller.js';

/** The detection worker script that serves models (give it to the detection runner as `workerScript`). */
export function servingWorkerScript(): URL {
  return siblingModuleUrl('./serving-worker.js', import.meta.url);
}
