import { describe, expect, it } from 'vitest';
import { renderJson } from './render-json.js';
import { makeSeries, withFields } from './series.js';

const twenty = makeSeries({ name: 'a.b', startSec: 600, endSec: 1800, stepSec: 60, values: Float64Array.from({ length: 20 }, (_, i) => i + 1), xFilesFactor: 0 });
const parse = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as { target: string; tags: Record<string, string>; datapoints: [number | null, number][] }[];

describe('renderJson', () => {
  it('lists target, tags and [value, timestamp] points; null for none, 1e9999 for infinity', () => {
    const s = makeSeries({ name: 'x.y', startSec: 60, endSec: 240, stepSec: 60, values: Float64Array.of(1.5, NaN, Infinity), xFilesFactor: 0 });
    const negative = makeSeries({ name: 'é', startSec: 0, endSec: 60, stepSec: 60, values: Float64Array.of(-3, -Infinity), xFilesFactor: 0 });
    expect(renderJson([s, negative], { noNullPoints: false }).toString('utf8')).toBe(
      '[{"target":"x.y","tags":{"name":"x.y"},"datapoints":[[1.5,60],[null,120],[1e9999,180]]},{"target":"é","tags":{"name":"é"},"datapoints":[[-3,0],[-1e9999,60]]}]',
    );
    expect(renderJson([], { noNullPoints: false }).toString('utf8')).toBe('[]');
  });

  it('lists at most one point per timestamp from start to end', () => {
    const s = makeSeries({ name: 'x', startSec: 0, endSec: 120, stepSec: 60, values: Float64Array.of(1, 2, 3, 4), xFilesFactor: 0 });
    expect(parse(renderJson([s], { noNullPoints: false }))[0]!.datapoints).toEqual([
      [1, 0],
      [2, 60],
      [3, 120],
    ]);
  });

  it('consolidates to maxDataPoints in bands aligned to the band width, averaging by default', () => {
    const [out] = parse(renderJson([twenty], { maxDataPoints: 5, noNullPoints: false }));
    expect(out!.datapoints).toEqual([
      [4.5, 720],
      [8.5, 960],
      [12.5, 1200],
      [16.5, 1440],
      [19.5, 1680],
    ]);
    const [max] = parse(renderJson([withFields(twenty, { consolidationFunc: 'max' })], { maxDataPoints: 5, noNullPoints: false }));
    expect(max!.datapoints.map(([v]) => v)).toEqual([6, 10, 14, 18, 20]);
    const [sum] = parse(renderJson([withFields(twenty, { consolidationFunc: 'sum' })], { maxDataPoints: 5, noNullPoints: false }));
    expect(sum!.datapoints.map(([v]) => v)).toEqual([18, 34, 50, 66, 39]);
  });

  it('leaves series within maxDataPoints alone, and gives one point at the start for maxDataPoints 1', () => {
    expect(parse(renderJson([twenty], { maxDataPoints: 20, noNullPoints: false }))[0]!.datapoints).toHaveLength(20);
    expect(parse(renderJson([twenty], { maxDataPoints: 1, noNullPoints: false }))[0]!.datapoints).toEqual([[10.5, 600]]);
  });

  it('drops null points and series left empty with noNullPoints', () => {
    const gaps = makeSeries({ name: 'g', startSec: 0, endSec: 180, stepSec: 60, values: Float64Array.of(NaN, 2, NaN), xFilesFactor: 0 });
    const empty = makeSeries({ name: 'e', startSec: 0, endSec: 180, stepSec: 60, values: Float64Array.of(NaN, NaN, NaN), xFilesFactor: 0 });
    expect(parse(renderJson([gaps, empty], { noNullPoints: true }))).toEqual([{ target: 'g', tags: { name: 'g' }, datapoints: [[2, 60]] }]);
  });
});
