import type { DetectionRule, DetectorUse } from '../../config/index.js';
import type { Lifecycle } from '../../util/index.js';
import type { ModelRegistry } from '../registry/index.js';
import { comparisonReport, type ComparisonReport } from './comparison.js';
import type { ModelCounters } from './counters.js';
import { emptyArm, emptyGroups, emptyPair, mergeCounters } from './counters.js';
import { MODEL_DETECTOR_ID, parseModelParams } from './model-params.js';
import type { ServingShape } from './served-version.js';
import { describePlan, samePlan, type ServedModel, type ServingPlan } from './plan.js';
import { planFromRegistry } from './plan-from-registry.js';

/** Where plans go and counters come from: the detection runner's partition-extension channel. */
export interface ServingTarget {
  configureExtension(plan: ServingPlan): Promise<string[]>;
  extensionReports(): Promise<unknown[]>;
}

export interface ServingLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ModelServingControllerOptions {
  readonly registry: ModelRegistry;
  readonly target: ServingTarget;
  /** The models the detection configuration serves. */
  readonly models: readonly ServedModel[];
  /** How often the registry is checked for promotions, rollbacks and rollouts (also those made by other processes). */
  readonly pollIntervalMs: number;
  readonly logger: ServingLogger;
}

/** A model is not served by any detection rule. */
export class ModelNotServedError extends Error {
  override readonly name = 'ModelNotServedError';
}

/** The models the `model` detectors of a detection configuration serve, in first-seen order (bad params are left to the config check). */
export function servedModels(detectors: readonly DetectorUse[], rules: readonly DetectionRule[]): ServedModel[] {
  const shapes = new Map<string, Set<ServingShape>>();
  for (const use of [...detectors, ...rules.flatMap((rule) => rule.detectors)]) {
    if (use.id !== MODEL_DETECTOR_ID) continue;
    let params;
    try {
      params = parseModelParams(use.params);
    } catch {
      continue;
    }
    const set = shapes.get(params.model) ?? new Set<ServingShape>();
    set.add(params.group === null ? 'series' : 'group');
    shapes.set(params.model, set);
  }
  return [...shapes].map(([name, set]) => ({ name, shapes: [...set] }));
}

/**
 * Keeps the detection partitions serving what the registry says: the plan is sent before the partitions start, and
 * the registry's change token is polled so that a promotion, rollback or rollout — through the API or by
 * `vigil models --registry` beside the server — reaches every partition within one poll. Also answers comparison
 * reports from the partitions' counters.
 */
export class ModelServingController implements Lifecycle {
  private plan: ServingPlan = { models: [] };
  private token: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly options: ModelServingControllerOptions) {}

  /** Computes the first plan and hands it to the target; call before the target starts its partitions. */
  async prepare(): Promise<void> {
    await this.refresh(true);
  }

  start(): Promise<void> {
    if (this.timer === null) {
      this.timer = setInterval(() => {
        this.polling = this.polling.then(() => this.refresh(false)).catch((err: unknown) => this.options.logger.warn({ err }, 'cannot refresh the models served'));
      }, this.options.pollIntervalMs);
      this.timer.unref();
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
  }

  /** Re-reads the registry now (instead of at the next poll), e.g. right after a change through the API. */
  refreshNow(): Promise<void> {
    this.polling = this.polling.then(() => this.refresh(true)).catch((err: unknown) => this.options.logger.warn({ err }, 'cannot refresh the models served'));
    return this.polling;
  }

  get currentPlan(): ServingPlan {
    return this.plan;
  }

  /** The shadow or canary comparison of `name` from every partition's counters. */
  async comparison(name: string): Promise<ComparisonReport> {
    if (!this.options.models.some((m) => m.name === name)) {
      throw new ModelNotServedError(`model ${name} is not served: no detection rule uses the model detector with it (served: ${this.options.models.map((m) => m.name).join(', ') || 'none'})`);
    }
    const reports = (await this.options.target.extensionReports()) as ModelCounters[][];
    const { counters, partitionsBehind } = mergeCounters(reports, name);
    const model = this.plan.models.find((m) => m.name === name);
    const empty: ModelCounters = {
      name,
      productionVersion: model?.production?.version ?? null,
      candidateVersion: model?.candidate?.artifact.version ?? null,
      mode: model?.candidate?.mode ?? 'off',
      share: model?.candidate?.share ?? 0,
      sinceMs: null,
      production: emptyArm(),
      candidate: emptyArm(),
      paired: emptyPair(),
      groups: emptyGroups(),
      notes: [],
    };
    const merged = counters ?? empty;
    const registryVersion = async (version: number | null) => (version === null ? null : this.options.registry.getVersion(name, version).catch(() => null));
    return comparisonReport(merged, partitionsBehind, { production: await registryVersion(merged.productionVersion), candidate: await registryVersion(merged.candidateVersion) });
  }

  private async refresh(force: boolean): Promise<void> {
    const token = await this.options.registry.changeToken();
    if (!force && token === this.token) return;
    this.token = token;
    const { plan, problems } = await planFromRegistry(this.options.registry, this.options.models);
    for (const problem of problems) this.options.logger.warn({ problem }, 'a served model is not fully available');
    if (samePlan(plan, this.plan) && !force) return;
    this.plan = plan;
    const failed = await this.options.target.configureExtension(plan);
    for (const problem of failed) this.options.logger.warn({ problem }, 'a detection partition cannot serve a model version');
    this.options.logger.info({ plan }, `serving models: ${describePlan(plan) || 'none'}`);
  }
}
