import type { SequenceDetector } from './detector.js';
import type { Session } from './session.js';
import { keySpaceOf } from './session.js';

export interface NgramParams {
  /** Longest history (keys before the next one) a prediction looks at: DeepLog's window h. */
  readonly historyLength: number;
  /** The next key must be among this many most frequent followers of its history: DeepLog's top-g. */
  readonly topCandidates: number;
  /** A history seen fewer times than this in training is too rare to judge by; the next shorter one decides. */
  readonly minContextCount: number;
}

export const DEFAULT_NGRAM_PARAMS: NgramParams = { historyLength: 10, topCandidates: 9, minContextCount: 3 };

/** Followers of one history: counts per symbol and their total. */
interface Followers {
  readonly counts: Uint32Array;
  total: number;
}

const START = 0;

/**
 * Mixes one more (older) symbol into a history's hash: two 32-bit lanes kept as one 53-bit number, so the tables are
 * keyed by plain numbers (no string per lookup). Collisions are possible in principle; at 53 bits over the few
 * million histories a corpus has they are negligible.
 */
function mix(hash: number, symbol: number): number {
  let lo = hash >>> 0;
  let hi = Math.floor(hash / 4294967296);
  lo = Math.imul(lo ^ (symbol + 0x9e3779b9), 0x85ebca6b) >>> 0;
  lo = (lo ^ (lo >>> 13)) >>> 0;
  hi = (Math.imul(hi ^ lo, 0xc2b2ae35) ^ symbol) & 0x1fffff;
  return hi * 4294967296 + lo;
}

/**
 * A finite-state / n-gram model of key sequences: every history of 1..h keys (the session start is a symbol, and so
 * is its end, so a session cut short is caught) maps to the counts of the key that followed it in training.
 */
class NgramDetector implements SequenceDetector {
  readonly method = 'ngram';
  readonly threshold = 0;
  /** Scratch symbols of the session being scored; grows to the longest session seen. */
  private symbols: Uint32Array;

  constructor(
    private readonly params: NgramParams,
    private readonly keySpace: number,
    private readonly table: Map<number, Followers>,
    maxLength: number,
  ) {
    this.symbols = new Uint32Array(maxLength + 2);
  }

  /** Number of positions whose next key breaks the model: an unseen history or transition, or a key outside the top-g. */
  score(session: Session): number {
    const n = this.fill(session);
    const { historyLength, topCandidates, minContextCount } = this.params;
    const symbols = this.symbols;
    let violations = 0;
    for (let i = 1; i < n; i++) {
      let hash = 0;
      let chosen: Followers | undefined;
      const longest = Math.min(historyLength, i);
      for (let length = 1; length <= longest; length++) {
        hash = mix(hash, symbols[i - length]!);
        const followers = this.table.get(hash);
        if (followers === undefined) break;
        if (length === 1 || followers.total >= minContextCount) chosen = followers;
      }
      if (chosen === undefined || !inTop(chosen.counts, symbols[i]!, topCandidates)) violations++;
    }
    return violations;
  }

  isAnomalous(session: Session): boolean {
    return this.score(session) > this.threshold;
  }

  /** Writes start, the session's keys (unknown ones folded onto one symbol) and end into the scratch buffer. */
  private fill(session: Session): number {
    if (session.length + 2 > this.symbols.length) this.symbols = new Uint32Array(session.length + 2);
    return fillSymbols(session, this.keySpace, this.symbols);
  }
}

function fillSymbols(session: Session, keySpace: number, out: Uint32Array): number {
  out[0] = START;
  for (let i = 0; i < session.length; i++) out[i + 1] = Math.min(session[i]!, keySpace);
  out[session.length + 1] = keySpace + 1;
  return session.length + 2;
}

/** True when the symbol followed this history in training and fewer than g symbols followed it more often. */
function inTop(counts: Uint32Array, symbol: number, topCandidates: number): boolean {
  const count = counts[symbol]!;
  if (count === 0) return false;
  let more = 0;
  for (let s = 0; s < counts.length; s++) if (counts[s]! > count) more++;
  return more < topCandidates;
}

/** Trains the n-gram model on normal sessions. */
export function trainNgram(sessions: readonly Session[], params: NgramParams = DEFAULT_NGRAM_PARAMS): SequenceDetector {
  if (!(Number.isInteger(params.historyLength) && params.historyLength >= 1)) throw new Error(`cannot train ngram: historyLength must be an integer >= 1, got ${params.historyLength}`);
  if (!(Number.isInteger(params.topCandidates) && params.topCandidates >= 1)) throw new Error(`cannot train ngram: topCandidates must be an integer >= 1, got ${params.topCandidates}`);
  if (!(params.minContextCount >= 1)) throw new Error(`cannot train ngram: minContextCount must be >= 1, got ${params.minContextCount}`);
  const keySpace = keySpaceOf(sessions);
  const alphabet = keySpace + 2;
  const table = new Map<number, Followers>();
  let maxLength = 0;
  for (const session of sessions) if (session.length > maxLength) maxLength = session.length;
  const symbols = new Uint32Array(maxLength + 2);
  for (const session of sessions) {
    const n = fillSymbols(session, keySpace, symbols);
    for (let i = 1; i < n; i++) {
      let hash = 0;
      const longest = Math.min(params.historyLength, i);
      for (let length = 1; length <= longest; length++) {
        hash = mix(hash, symbols[i - length]!);
        let followers = table.get(hash);
        if (followers === undefined) {
          followers = { counts: new Uint32Array(alphabet), total: 0 };
          table.set(hash, followers);
        }
        followers.counts[symbols[i]!]! += 1;
        followers.total++;
      }
    }
  }
  return new NgramDetector(params, keySpace, table, maxLength);
}
