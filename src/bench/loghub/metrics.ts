/**
 * Loghub-2.0's accuracy metrics over one system: `truth[i]` and `parsed[i]` are the ground-truth and the
 * mined template of message i (parsed templates identify groups, as in Loghub-2.0's evaluator).
 */
export interface LoghubScores {
  /** Grouping accuracy: share of messages whose mined group is exactly their true group. */
  readonly GA: number;
  /** F1 over groups: a true group counts when exactly one mined group holds all and only its messages. */
  readonly FGA: number;
  /** Parsing accuracy: share of messages whose mined template equals the true one. */
  readonly PA: number;
  /** F1 over templates: a mined template counts when all its messages have it as their true template. */
  readonly FTA: number;
  readonly parsedTemplates: number;
  readonly truthTemplates: number;
}

function f1(precision: number, recall: number): number {
  return precision === 0 && recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

function counts(values: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

/** For each key of `by`, the set of `other` values beside it. */
function groupSets(by: readonly string[], other: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  by.forEach((key, i) => {
    let set = out.get(key);
    if (set === undefined) out.set(key, (set = new Set()));
    set.add(other[i]!);
  });
  return out;
}

function checkLengths(truth: readonly string[], parsed: readonly string[]): void {
  if (truth.length !== parsed.length) throw new Error(`cannot score parsing: ${truth.length} true templates but ${parsed.length} mined ones`);
  if (truth.length === 0) throw new Error('cannot score parsing: no messages');
}

export function groupingAccuracy(truth: readonly string[], parsed: readonly string[]): { GA: number; FGA: number } {
  checkLengths(truth, parsed);
  const truthCounts = counts(truth);
  const parsedCounts = counts(parsed);
  let accurateMessages = 0;
  let accurateGroups = 0;
  for (const [template, mined] of groupSets(truth, parsed)) {
    const size = truthCounts.get(template)!;
    const only = mined.size === 1 ? [...mined][0]! : null;
    if (only !== null && parsedCounts.get(only) === size) {
      accurateMessages += size;
      accurateGroups++;
    }
  }
  return { GA: accurateMessages / truth.length, FGA: f1(accurateGroups / parsedCounts.size, accurateGroups / truthCounts.size) };
}

export function parsingAccuracy(truth: readonly string[], parsed: readonly string[]): number {
  checkLengths(truth, parsed);
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === parsed[i]) correct++;
  return correct / truth.length;
}

export function templateAccuracy(truth: readonly string[], parsed: readonly string[]): { FTA: number; PTA: number; RTA: number } {
  checkLengths(truth, parsed);
  const byParsed = groupSets(parsed, truth);
  let correct = 0;
  for (const [template, trueOnes] of byParsed) if (trueOnes.size === 1 && trueOnes.has(template)) correct++;
  const PTA = correct / byParsed.size;
  const RTA = correct / new Set(truth).size;
  return { FTA: f1(PTA, RTA), PTA, RTA };
}

export function scoreParsing(truth: readonly string[], parsed: readonly string[]): LoghubScores {
  const { GA, FGA } = groupingAccuracy(truth, parsed);
  return { GA, FGA, PA: parsingAccuracy(truth, parsed), FTA: templateAccuracy(truth, parsed).FTA, parsedTemplates: new Set(parsed).size, truthTemplates: new Set(truth).size };
}
