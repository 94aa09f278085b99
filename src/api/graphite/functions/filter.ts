import { aggFunc } from '../agg-funcs.js';
import type { GraphiteFunction, ParamSpec } from '../function-types.js';
import type { Series } from '../series.js';

const SERIES_LIST: ParamSpec = { name: 'seriesList', type: 'seriesList', required: true };

/** Stable sort, highest first, by an aggregate of each series; a series with no value sorts last. */
function sortDescending(series: readonly Series[], func: string): Series[] {
  const agg = aggFunc(func)!;
  const keyed = series.map((s) => {
    const key = agg(s.values, 0, s.values.length);
    return { s, key: key === key ? key : -Infinity };
  });
  keyed.sort((a, b) => (b.key > a.key ? 1 : b.key < a.key ? -1 : 0));
  return keyed.map((k) => k.s);
}

function highest(name: string, func: string, what: string): GraphiteFunction {
  return {
    name,
    group: 'Filter Series',
    description: `The n series with the highest ${what} over the range, highest first.\n\n.. code-block:: none\n\n  &target=${name}(server*.instance*.threads.busy,5)`,
    params: [SERIES_LIST, { name: 'n', type: 'integer', required: true }],
    apply(call) {
      const n = call.number('n')!;
      return sortDescending(call.series('seriesList'), func).slice(0, n);
    },
  };
}

export const highestMax = highest('highestMax', 'max', 'maximum');
export const highestAverage = highest('highestAverage', 'average', 'average');

export const sortByMaxima: GraphiteFunction = {
  name: 'sortByMaxima',
  group: 'Sorting',
  description: 'Sorts the series by their maximum over the range, highest first.\n\n.. code-block:: none\n\n  &target=sortByMaxima(server*.instance*.memory.free)',
  params: [SERIES_LIST],
  apply: (call) => sortDescending(call.series('seriesList'), 'max'),
};
