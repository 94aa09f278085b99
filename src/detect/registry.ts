import type { DetectorUse } from '../config/index.js';
import type { Detector, DetectorDefinition } from './detector.js';
import { madZScore } from './detectors/mad-zscore.js';
import { seasonalBaseline } from './detectors/seasonal-baseline.js';
import { windowedGaussian } from './detectors/windowed-gaussian.js';
import { ensemble } from './detectors/ensemble.js';
import { rcf } from './detectors/rcf.js';
import { contextOse } from './detectors/context-ose.js';
import { holtWinters } from './detectors/holt-winters.js';
import { spectralResidual } from './detectors/spectral-residual.js';
import { bocpd } from './detectors/bocpd.js';

/** Every built-in detector, registered in this one place. */
export const BUILTIN_DETECTORS: readonly DetectorDefinition[] = [madZScore, seasonalBaseline, windowedGaussian, ensemble, rcf, holtWinters, spectralResidual, bocpd, contextOse];

/** The detector used when none is named (benchmarks, series without a detection rule). */
export const DEFAULT_DETECTOR_ID = 'ensemble';

/** A configured detector: its definition and validated parameters. */
export interface ResolvedDetectorUse {
  readonly definition: DetectorDefinition;
  readonly params: unknown;
}

/** Detector definitions by id. */
export class DetectorRegistry {
  private readonly byId = new Map<string, DetectorDefinition>();

  constructor(definitions: readonly DetectorDefinition[]) {
    for (const definition of definitions) {
      if (this.byId.has(definition.id)) throw new Error(`cannot create detector registry: duplicate detector id ${JSON.stringify(definition.id)}`);
      this.byId.set(definition.id, definition);
    }
  }

  /** Registered ids, in registration order. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): DetectorDefinition {
    const definition = this.byId.get(id);
    if (definition === undefined) throw new Error(`unknown detector ${JSON.stringify(id)}; valid ids: ${this.ids().join(', ')}`);
    return definition;
  }

  /** Looks the detector up and validates its params; throws naming the unknown id or the bad field. */
  resolve(use: DetectorUse): ResolvedDetectorUse {
    const definition = this.get(use.id);
    return { definition, params: definition.parseParams(use.params) };
  }

  createFromUse(use: DetectorUse): Detector {
    const { definition, params } = this.resolve(use);
    return definition.create(params);
  }
}
