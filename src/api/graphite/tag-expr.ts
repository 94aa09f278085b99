import { GraphiteInputError } from './input-error.js';
import { compilePythonRegex } from './python-regex.js';

export type TagOperator = '=' | '!=' | '=~' | '!=~';

/** One seriesByTag condition, compiled. */
export interface TagSpec {
  readonly tag: string;
  readonly operator: TagOperator;
  readonly spec: string;
  /** Whether the value (`''` for a series without the tag) satisfies the condition. */
  readonly matches: (value: string) => boolean;
  /** Whether a series without the tag satisfies it. */
  readonly matchesEmpty: boolean;
}

const TAG_SPEC = /^([^;!=]+)(!?=~?)([^;]*)$/;

/**
 * Parses `tag=value`, `tag!=value`, `tag=~regex` or `tag!=~regex` as graphite-web's tag databases do:
 * regular expressions are anchored at the start of the value (a `^` is added unless present), not at
 * its end; a missing tag has the value ''.
 */
export function parseTagSpec(expression: string): TagSpec {
  const m = TAG_SPEC.exec(expression);
  if (m === null) throw new GraphiteInputError(`cannot parse tag expression ${JSON.stringify(expression)}: expected tag=value, tag!=value, tag=~regex or tag!=~regex`);
  const [, tag, operator, spec] = m as unknown as [string, string, TagOperator, string];
  let matches: (value: string) => boolean;
  if (operator === '=') matches = (v) => v === spec;
  else if (operator === '!=') matches = (v) => v !== spec;
  else {
    let regex: RegExp;
    try {
      regex = compilePythonRegex(spec.startsWith('^') ? spec : `^(?:${spec})`);
    } catch (err) {
      throw new GraphiteInputError(`cannot parse tag expression ${JSON.stringify(expression)}: ${(err as Error).message}`);
    }
    matches = operator === '=~' ? (v) => regex.test(v) : (v) => !regex.test(v);
  }
  return { tag, operator, spec, matches, matchesEmpty: matches('') };
}

/** Parses a seriesByTag query; at least one condition must need a non-empty value, as in Graphite. */
export function parseTagQuery(expressions: readonly string[]): TagSpec[] {
  if (expressions.length === 0) throw new GraphiteInputError('cannot find series by tag: no tag expressions given');
  const specs = expressions.map(parseTagSpec);
  if (specs.every((s) => s.matchesEmpty)) {
    throw new GraphiteInputError(`cannot find series by tag: at least one of ${expressions.map((e) => JSON.stringify(e)).join(', ')} must not match the empty value`);
  }
  return specs;
}

/** Whether tags (the `name` tag included) satisfy every condition. */
export function matchesAll(specs: readonly TagSpec[], tags: Readonly<Record<string, string>>): boolean {
  for (const spec of specs) {
    const value = Object.hasOwn(tags, spec.tag) ? tags[spec.tag]! : '';
    if (!spec.matches(value)) return false;
  }
  return true;
}
