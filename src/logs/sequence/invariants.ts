import { countKeys, countMatrix } from './count-vector.js';
import type { SequenceDetector } from './detector.js';
import type { Session } from './session.js';
import { keySpaceOf } from './session.js';

export interface InvariantParams {
  /** Largest integer coefficient tried in a pairwise invariant a·count(i) = b·count(j). */
  readonly maxCoefficient: number;
  /** Share of the sessions where either key occurs that must satisfy a pairwise invariant for it to be kept. */
  readonly support: number;
  /** Share of all training sessions in which a pair must occur (either key) before it is judged at all. */
  readonly minActiveShare: number;
}

/** Invariants must hold in 98% of the sessions they concern, as in loglizer's Invariants Mining. */
export const DEFAULT_INVARIANT_PARAMS: InvariantParams = { maxCoefficient: 3, support: 0.98, minActiveShare: 0.01 };

/**
 * Linear invariants among key counts (Lou et al., USENIX ATC 2010), restricted to the sparse ones that carry the
 * signal in practice: a key never seen in training must not occur (count = 0), and pairs of keys keep an integer
 * ratio a·count(i) = b·count(j) (a block received as often as it is stored, opened as often as closed).
 */
export interface Invariant {
  readonly left: number;
  readonly leftCoefficient: number;
  /** -1 for a single-key invariant count(left) = 0. */
  readonly right: number;
  readonly rightCoefficient: number;
}

class InvariantDetector implements SequenceDetector {
  readonly method = 'invariants';
  readonly threshold = 0;
  private readonly counts: Float64Array;

  constructor(
    private readonly keySpace: number,
    readonly invariants: readonly Invariant[],
  ) {
    this.counts = new Float64Array(keySpace + 1);
  }

  /** Number of invariants the session breaks. */
  score(session: Session): number {
    const counts = this.counts;
    countKeys(session, this.keySpace, counts);
    let broken = 0;
    for (const inv of this.invariants) {
      const right = inv.right < 0 ? 0 : inv.rightCoefficient * counts[inv.right]!;
      if (inv.leftCoefficient * counts[inv.left]! !== right) broken++;
    }
    return broken;
  }

  isAnomalous(session: Session): boolean {
    return this.score(session) > this.threshold;
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Mines invariants from normal sessions and returns a detector that counts the ones a session breaks. */
export function trainInvariants(sessions: readonly Session[], params: InvariantParams = DEFAULT_INVARIANT_PARAMS): SequenceDetector & { readonly invariants: readonly Invariant[] } {
  if (sessions.length === 0) throw new Error('cannot train invariants: no training sessions');
  if (!(Number.isInteger(params.maxCoefficient) && params.maxCoefficient >= 1)) throw new Error(`cannot train invariants: maxCoefficient must be an integer >= 1, got ${params.maxCoefficient}`);
  if (!(params.support > 0 && params.support <= 1)) throw new Error(`cannot train invariants: support must be in (0, 1], got ${params.support}`);
  const keySpace = keySpaceOf(sessions);
  const width = keySpace + 1;
  const rows = sessions.length;
  const x = countMatrix(sessions, keySpace);
  const documents = new Uint32Array(width);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) if (x[r * width + j]! > 0) documents[j]! += 1;
  const invariants: Invariant[] = [];
  for (let j = 0; j < width; j++) if (documents[j] === 0) invariants.push({ left: j, leftCoefficient: 1, right: -1, rightCoefficient: 0 });
  const ratios: [number, number][] = [];
  for (let a = 1; a <= params.maxCoefficient; a++) for (let b = 1; b <= params.maxCoefficient; b++) if (gcd(a, b) === 1) ratios.push([a, b]);
  const holds = new Uint32Array(ratios.length);
  const minActive = Math.max(2, params.minActiveShare * rows);
  for (let i = 0; i < width; i++) {
    if (documents[i] === 0) continue;
    for (let j = i + 1; j < width; j++) {
      if (documents[j] === 0) continue;
      holds.fill(0);
      let active = 0;
      for (let r = 0; r < rows; r++) {
        const ci = x[r * width + i]!;
        const cj = x[r * width + j]!;
        if (ci === 0 && cj === 0) continue;
        active++;
        for (let k = 0; k < ratios.length; k++) if (ratios[k]![0] * ci === ratios[k]![1] * cj) holds[k]! += 1;
      }
      if (active < minActive) continue;
      let best = 0;
      for (let k = 1; k < ratios.length; k++) if (holds[k]! > holds[best]!) best = k;
      if (holds[best]! >= params.support * active) invariants.push({ left: i, leftCoefficient: ratios[best]![0], right: j, rightCoefficient: ratios[best]![1] });
    }
  }
  return new InvariantDetector(keySpace, invariants);
}
