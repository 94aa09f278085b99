import type { GraphiteFunction, ParamSpec } from '../function-types.js';
import { compilePythonRegex, pythonSub } from '../python-regex.js';
import { withFields } from '../series.js';
import { aggKey } from './aggregate.js';

const SERIES_LIST: ParamSpec = { name: 'seriesList', type: 'seriesList', required: true };

export const alias: GraphiteFunction = {
  name: 'alias',
  group: 'Alias',
  description: 'Names every series of the list `newName`.\n\n.. code-block:: none\n\n  &target=alias(Sales.widgets.largeBlue,"Large Blue Widgets")',
  params: [SERIES_LIST, { name: 'newName', type: 'string', required: true }],
  apply(call) {
    const name = call.string('newName')!;
    return call.series('seriesList').map((s) => withFields(s, { name }));
  },
};

/** graphite-web's aliasByNode and aliasByTags (one function there): nodes and tags joined with dots. */
function byNodes(name: string, paramName: string, description: string): GraphiteFunction {
  return {
    name,
    group: 'Alias',
    description,
    params: [SERIES_LIST, { name: paramName, type: 'nodeOrTag', required: true, multiple: true }],
    apply(call) {
      const nodes = call.scalars(paramName) as (number | string)[];
      if (nodes.length === 0) throw call.error(`give at least one ${paramName === 'nodes' ? 'node' : 'tag'}`);
      return call.series('seriesList').map((s) => withFields(s, { name: aggKey(s, nodes) }));
    },
  };
}

export const aliasByNode = byNodes(
  'aliasByNode',
  'nodes',
  'Names each series by one or more nodes of its name (0-based, negative from the end) or tag values, joined with dots.\n\n.. code-block:: none\n\n  &target=aliasByNode(ganglia.*.cpu.load5,1)',
);

export const aliasByTags = byNodes(
  'aliasByTags',
  'tags',
  'Names each series by one or more tag values (the `name` tag too) or nodes, joined with dots; the same as aliasByNode.\n\n.. code-block:: none\n\n  &target=seriesByTag("name=cpu")|aliasByTags("server","name")',
);

export const aliasSub: GraphiteFunction = {
  name: 'aliasSub',
  group: 'Alias',
  description:
    'Renames each series by a regular expression search and replace (Python syntax: \\1 or \\g<name> in the replacement).\n\n.. code-block:: none\n\n  &target=aliasSub(ip.*TCP*,"^.*TCP(\\d+)","\\1")',
  params: [SERIES_LIST, { name: 'search', type: 'string', required: true }, { name: 'replace', type: 'string', required: true }],
  apply(call) {
    let regex: RegExp;
    try {
      regex = compilePythonRegex(call.string('search')!, 'g');
    } catch (err) {
      throw call.error((err as Error).message);
    }
    const replace = call.string('replace')!;
    return call.series('seriesList').map((s) => withFields(s, { name: pythonSub(regex, replace, s.name) }));
  },
};
