import { fillGaps } from './fill-gaps.js';
import type { MultiSeries } from './method.js';
import { medianOf } from '../util/index.js';
import { removeSpikes } from './despike.js';
import { differenceSigma, valueSigma } from './noise-scale.js';

/**
 * Each dimension with gaps filled and one-point spikes removed (see removeSpikes), centred on its
 * median and divided by a robust scale, so that dimensions are comparable and prefix sums keep their
 * precision. A constant dimension becomes zeros.
 */
export function prepareSeries(series: MultiSeries): Float64Array[] {
  return series.map((dimension) => {
    const filled = removeSpikes(fillGaps(dimension));
    const n = filled.length;
    if (n === 0) return filled;
    const centre = medianOf(Float64Array.from(filled), n);
    const scale = differenceSigma(filled) || valueSigma(filled) || 1;
    for (let i = 0; i < n; i++) filled[i] = (filled[i]! - centre) / scale;
    return filled;
  });
}
