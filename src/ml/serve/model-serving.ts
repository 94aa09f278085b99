import type { DetectedAnomaly, DetectorDefinition, PartitionExtension } from '../../detect/index.js';
import { initEngine, type Engine, type EngineOptions } from '../engine/index.js';
import type { ModelCounters } from './counters.js';
import { modelDetector } from './model-detector.js';
import { ModelSlot } from './model-slot.js';
import type { ModelPlan, ServedArtifact, ServingPlan } from './plan.js';
import { ServedVersion } from './served-version.js';

/** The model kinds' tensor engine, started once per thread on the first plan that serves a model. */
let sharedEngine: Promise<Engine> | null = null;

function engineFor(options: EngineOptions): Promise<Engine> {
  sharedEngine ??= initEngine(options);
  return sharedEngine;
}

function checkPlan(raw: unknown): ServingPlan {
  const models = (raw as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw new Error('cannot configure model serving: the plan must hold a models array');
  return raw as ServingPlan;
}

/**
 * Model serving inside one detection partition (a PartitionExtension): loads the versions a plan names (each once,
 * sha256-checked), swaps them into the model slots that every series' `model` detector reads, gathers the slots'
 * counters for the comparison report, and hands over the anomalies shadow versions found.
 */
export class ModelServing implements PartitionExtension {
  readonly detectors: readonly DetectorDefinition[];
  private readonly slots = new Map<string, ModelSlot>();
  /** Loaded versions by name, version and directory; reused across plans. */
  private readonly loaded = new Map<string, ServedVersion>();
  private configuring: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly scoreThreshold: number,
    private readonly engineOptions: EngineOptions = { logger: { warn: () => undefined } },
  ) {
    this.detectors = [modelDetector((name) => this.slot(name))];
  }

  slot(name: string): ModelSlot {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = new ModelSlot(name, this.scoreThreshold);
      this.slots.set(name, slot);
    }
    return slot;
  }

  /** Plans are applied one at a time, in the order they arrive. */
  configure(raw: unknown): Promise<string[]> {
    const run = this.configuring.then(() => this.apply(checkPlan(raw)));
    this.configuring = run.catch(() => undefined);
    return run;
  }

  beforeBatch(seriesIds: Uint32Array, timestampsMs: Float64Array, values: Float64Array): void {
    for (const slot of this.slots.values()) slot.predictBatch(seriesIds, timestampsMs, values);
  }

  report(): ModelCounters[] {
    return [...this.slots.values()].map((slot) => slot.counters);
  }

  drainAnomalies(): DetectedAnomaly[] {
    const drained: DetectedAnomaly[] = [];
    for (const slot of this.slots.values()) drained.push(...slot.drainAnomalies());
    return drained;
  }

  private async apply(plan: ServingPlan): Promise<string[]> {
    const problems: string[] = [];
    const load = async (model: ModelPlan, artifact: ServedArtifact | null): Promise<ServedVersion | null> => {
      if (artifact === null) return null;
      const { name } = model;
      const key = `${name}@${artifact.version}@${artifact.artifactDir}`;
      let served = this.loaded.get(key);
      try {
        if (served === undefined) {
          const engine = await engineFor(this.engineOptions);
          served = new ServedVersion(name, artifact.version, await engine.loadModel(artifact.artifactDir), artifact.columns ?? null);
          this.loaded.set(key, served);
        }
      } catch (error) {
        problems.push(`model ${name} version ${artifact.version}: ${(error as Error).message}`);
        return null;
      }
      // A version that does not fit how a rule serves it (one series, or a group) serves nowhere, so no rule is half-served.
      for (const shape of model.shapes ?? ['series']) {
        const refusal = served.refusal(shape);
        if (refusal !== null) {
          problems.push(refusal);
          return null;
        }
      }
      return served;
    };
    const next = new Map<string, [ServedVersion | null, ServedVersion | null]>();
    for (const model of plan.models) next.set(model.name, [await load(model, model.production), await load(model, model.candidate?.artifact ?? null)]);
    // Every slot changes between two batches: no point sees half a plan.
    for (const model of plan.models) {
      const [production, candidate] = next.get(model.name)!;
      const slot = this.slot(model.name);
      const mode = model.candidate === null ? 'off' : model.candidate.mode;
      const share = model.candidate?.share ?? 0;
      if (slot.production !== production || slot.candidate !== candidate || slot.mode !== mode || (mode === 'canary' && slot.share !== share)) slot.set(production, candidate, mode, share);
    }
    for (const slot of this.slots.values()) if (!next.has(slot.name) && (slot.production !== null || slot.candidate !== null)) slot.set(null, null, 'off', 0);
    const inUse = new Set([...this.slots.values()].flatMap((slot) => [slot.production, slot.candidate]));
    for (const [key, served] of this.loaded) {
      if (inUse.has(served)) continue;
      served.dispose();
      this.loaded.delete(key);
    }
    return problems;
  }
}
