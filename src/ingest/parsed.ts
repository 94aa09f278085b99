import type { KeyedPoints, Rejection } from '../model/index.js';

/** What a whole-body parser returns: the points it kept and every line or record it rejected. */
export interface ParsedPoints {
  readonly points: KeyedPoints;
  readonly rejections: Rejection[];
}
