import { paramsError } from '../params.js';
import type { NumberParamSpecs } from '../params.js';

/** The ramp from a detector's z to its score (see `scoreFromZ`). */
export interface ZRangeParams {
  /** z (the detector's standardised deviation) up to which the score is 0. */
  readonly zLow: number;
  /** z at which the score reaches 0.999. */
  readonly zHigh: number;
}

export interface LevelShiftParams {
  /** Consecutive anomalous points on one side of the expected value that make a level shift. */
  readonly levelShiftPoints: number;
}

interface RelativeMinScaleParams {
  /**
   * Floor of the scale as a fraction of the magnitude of the level it measures from (a median, a mean, a
   * forecast's level), so flat series do not turn rounding into anomalies.
   */
  readonly relativeMinScale: number;
}

/** The score params of a detector that scores a z (a deviation over a floored scale) on a ramp. */
export interface ZScoreParams extends ZRangeParams, LevelShiftParams, RelativeMinScaleParams {}

/** Specs of `zLow` and `zHigh` with the detector's defaults. */
export function zRangeSpecs(zLow: number, zHigh: number): NumberParamSpecs<keyof ZRangeParams> {
  return {
    zLow: { type: 'number', min: 0, default: zLow },
    zHigh: { type: 'number', min: 0, default: zHigh },
  };
}

export const LEVEL_SHIFT_SPECS = {
  levelShiftPoints: { type: 'integer', min: 2, default: 5 },
} as const satisfies NumberParamSpecs<keyof LevelShiftParams>;

/** Specs of every `ZScoreParams` field, with the detector's defaults of `zLow` and `zHigh`. */
export function zScoreSpecs(zLow: number, zHigh: number): NumberParamSpecs<keyof ZScoreParams> {
  return {
    ...zRangeSpecs(zLow, zHigh),
    ...LEVEL_SHIFT_SPECS,
    relativeMinScale: { type: 'number', min: 0, max: 1, default: 1e-3 },
  };
}

/** Throws unless the field that ends a score ramp lies above the one that starts it. */
export function checkRampOrder<K extends string>(detectorId: string, params: Readonly<Record<K, number>>, low: K, high: K): void {
  if (params[high] <= params[low]) throw paramsError(detectorId, `${high} must be > ${low} (${params[low]}), got ${params[high]}`);
}

/** The part of the scale floor that holds at level 0. */
const ABSOLUTE_MIN_SCALE = 1e-9;

/** The least scale a detector measures deviations in, at the level it measures them from. */
export function scaleFloor(relativeMinScale: number, level: number): number {
  return ABSOLUTE_MIN_SCALE + relativeMinScale * Math.abs(level);
}
