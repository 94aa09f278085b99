import type { GraphiteFunction } from '../function-types.js';
import { makeSeries } from '../series.js';

export const constantLine: GraphiteFunction = {
  name: 'constantLine',
  group: 'Special',
  description: 'A horizontal line at `value` across the range (three points: start, middle, end).\n\n.. code-block:: none\n\n  &target=constantLine(123.456)',
  params: [{ name: 'value', type: 'float', required: true }],
  apply(call) {
    const value = call.number('value')!;
    const text = call.numberText('value');
    const { fromSec, untilSec } = call.ctx;
    const stepSec = Math.max(1, Math.trunc((untilSec - fromSec) / 2));
    return [
      makeSeries({
        name: text,
        pathExpression: `constantLine(${text})`,
        startSec: fromSec,
        endSec: untilSec,
        stepSec,
        values: Float64Array.of(value, value, value),
        xFilesFactor: call.ctx.xFilesFactor,
      }),
    ];
  },
};

export const seriesByTag: GraphiteFunction = {
  name: 'seriesByTag',
  group: 'Special',
  description:
    'The series whose tags match every expression: tag=value, tag!=value, tag=~regex, tag!=~regex (regular expressions anchored at the start; a missing tag has the value ""). At least one expression must need a non-empty value. Series are named by their tagged paths, name;tag=value;...\n\n.. code-block:: none\n\n  &target=seriesByTag("name=cpu.load","dc=~eu-.*")',
  params: [{ name: 'tagExpressions', type: 'string', required: true, multiple: true }],
  apply(call) {
    const expressions = call.scalars('tagExpressions');
    if (expressions.length === 0) throw call.error('give at least one tag expression');
    return call.ctx.data.fetchTagged(expressions.map(String), call.raw, call.ctx.fromSec, call.ctx.untilSec);
  },
};
