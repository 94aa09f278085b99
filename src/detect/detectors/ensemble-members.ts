import type { DetectorDefinition } from '../detector.js';
import { madZScore } from './mad-zscore.js';
import { seasonalBaseline } from './seasonal-baseline.js';
import { windowedGaussian } from './windowed-gaussian.js';
import { holtWinters } from './holt-winters.js';
import { spectralResidual } from './spectral-residual.js';
import { bocpd } from './bocpd.js';
import { rcf } from './rcf.js';

/** The detectors an ensemble may combine, by id; the ensemble itself is not one of them. */
export const ENSEMBLE_MEMBER_DETECTORS: readonly DetectorDefinition[] = [madZScore, seasonalBaseline, windowedGaussian, holtWinters, spectralResidual, bocpd, rcf];
