import { bisect } from './bisect.js';
import { DEFAULT_BREAK_TEST, findBreak, logSquaredDifferences, type Break, type BreakTestInput, type BreakTestParams } from './break-test.js';
import { seriesLength, type ChangePointMethod, type MultiSeries } from './method.js';
import { prepareSeries } from './prepare.js';
import { SegmentFit } from './segment-fit.js';

/**
 * Vigil's default segmentation: binary segmentation where every split must pass a test. Gaps are
 * filled, one-point spikes removed, then the most significant break in level or slope (sup-Wald with
 * AR(1)-corrected variance, explaining a minimum share of the series' variance) or in noise variance
 * splits the segment, and each part is tested again.
 */
export function waldBinarySegmentation(series: MultiSeries, params: BreakTestParams = DEFAULT_BREAK_TEST): Break[] {
  const n = seriesLength(series);
  if (n === 0) return [];
  const inputs: BreakTestInput[] = prepareSeries(series).map((dimension) => {
    const values = new SegmentFit(dimension);
    return { values, differences: new SegmentFit(logSquaredDifferences(values.values)), totalRss: values.levelRss(0, n) };
  });
  const breaks = new Map<number, Break>();
  bisect(n, (start, end) => {
    const found = findBreak(inputs, start, end, params);
    if (found === null) return null;
    breaks.set(found.index, found);
    return found.index;
  });
  return [...breaks.values()].sort((a, b) => a.index - b.index);
}

export const WALD_BINSEG_METHOD: ChangePointMethod = {
  id: 'wald-binseg',
  description:
    'binary segmentation with a sup-Wald test per split: level or slope breaks at √W ≥ 4 (AR(1)-corrected variance) explaining ≥ 1% of the variance, or noise variance ×9 (log-squared differences); segments ≥ 5 points; one-point spikes ignored',
  detect: (series) => waldBinarySegmentation(series).map((b) => b.index),
};
