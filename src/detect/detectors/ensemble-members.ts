import type { DetectorDefinition } from '../detector.js';
import { madZScore } from './mad-zscore.js';
import { seasonalBaseline } from './seasonal-baseline.js';
import { windowedGaussian } from './windowed-gaussian.js';

/** The detectors an ensemble may combine, by id; the ensemble itself is not one of them. */
export const ENSEMBLE_MEMBER_DETECTORS: readonly DetectorDefinition[] = [madZScore, seasonalBaseline, windowedGaussian];
