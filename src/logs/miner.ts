import { DEFAULT_MASK_RULES, type MaskRule } from './mask-rules.js';
import { Masker, WILDCARD } from './mask.js';
import { MessageWords } from './message-words.js';
import { fitsPieces, generaliseToken, patternPieces, patternValues, TOKEN_LITERAL, TOKEN_PATTERN, TOKEN_WILDCARD } from './template-token.js';
import { splitWords } from './tokenize.js';
import { joinValueWords, WORD_HAS_WILDCARD, WORD_VALUE_MARK } from './value-words.js';

export interface MinerConfig {
  /** Segment masking rules applied to every word before mining. */
  readonly maskRules: readonly MaskRule[];
  /** Share of a message's words a template must match exactly for the message to join it (Drain's st). */
  readonly similarityThreshold: number;
  /** Leading words (besides the word count) that choose the bucket a message is compared within. */
  readonly prefixDepth: number;
  /**
   * Messages of at most this many words join a template only when every differing word looks like a
   * value (it has a digit or a mask): two short sentences differing in one plain word stay apart.
   */
  readonly shortMessageWords: number;
  /**
   * A template word that stayed the same over this many messages is confirmed constant: a message with
   * different plain text there (no masked value in it) starts its own template (`Failed password` vs
   * `Failed none`, `HTTPS` vs `SOCKS5`) instead of turning the word into `<*>`. 0 turns this off.
   */
  readonly confirmedAfter: number;
}

export const DEFAULT_MINER_CONFIG: MinerConfig = {
  maskRules: DEFAULT_MASK_RULES,
  similarityThreshold: 0.5,
  prefixDepth: 1,
  shortMessageWords: 3,
  confirmedAfter: 10,
};

/** One template as the miner holds it; `aliasOf` names the template it was merged into. */
interface Cluster {
  readonly id: string;
  readonly index: number;
  readonly bucket: string;
  tokens: string[];
  kinds: Uint8Array;
  /** Per token: the literal pieces of a pattern token, null for the others. */
  pieces: (readonly string[] | null)[];
  /** Per token: 1 where it has a digit or `<` (`hasValueMark`). */
  marks: Uint8Array;
  /** Tokens that are `<*>`: positions that can never count as the same word. */
  wildCount: number;
  count: number;
  canonical: string;
  root: Cluster;
  text: string | null;
}

export interface TemplateMatch {
  readonly templateId: string;
  readonly template: string;
  readonly parameters: readonly string[];
}

export interface MinerTemplate {
  readonly templateId: string;
  readonly template: string;
  readonly count: number;
}

export const MINER_SNAPSHOT_VERSION = 1;

export interface MinerSnapshotTemplate {
  readonly id: string;
  readonly bucket: string;
  readonly tokens: readonly string[];
  readonly count: number;
  readonly aliasOf: string | null;
}

export interface MinerSnapshot {
  readonly version: number;
  readonly config: MinerConfig;
  /** In creation order, so a restored miner compares candidates in the same order. */
  readonly templates: readonly MinerSnapshotTemplate[];
}

function hasValueMark(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 60) return true;
  }
  return false;
}

/** A node of the bucket index: a word count, then one leading word per level down to `prefixDepth`. */
interface BucketNode {
  readonly children: Map<string, BucketNode>;
  clusters: Cluster[] | null;
}

/** Template text with runs of `<*>` words folded into one: templates differing only there are one. */
function canonicalOf(tokens: readonly string[]): string {
  let out = '';
  let previousWild = false;
  for (const t of tokens) {
    const wild = t === WILDCARD;
    if (wild && previousWild) continue;
    out += out === '' ? t : ` ${t}`;
    previousWild = wild;
  }
  return out;
}

/** The word flags a template token needs: `WORD_VALUE_MARK` and `WORD_HAS_WILDCARD`. */
function tokenFlags(token: string): number {
  return (hasValueMark(token) ? WORD_VALUE_MARK : 0) | (token.includes(WILDCARD) ? WORD_HAS_WILDCARD : 0);
}

/** Sets token i of a template with what comparing against it needs; `flags` are the token's word flags. */
function setToken(cluster: Cluster, i: number, token: string, flags: number): void {
  const wasWild = cluster.kinds[i] === TOKEN_WILDCARD;
  const kind = token === WILDCARD ? TOKEN_WILDCARD : (flags & WORD_HAS_WILDCARD) !== 0 ? TOKEN_PATTERN : TOKEN_LITERAL;
  cluster.tokens[i] = token;
  cluster.kinds[i] = kind;
  cluster.pieces[i] = kind === TOKEN_PATTERN ? patternPieces(token) : null;
  cluster.marks[i] = (flags & WORD_VALUE_MARK) !== 0 ? 1 : 0;
  if (kind === TOKEN_WILDCARD) {
    if (!wasWild) cluster.wildCount++;
  } else if (wasWild) cluster.wildCount--;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * `patternValues` over a pattern's pieces, pushing the values onto `out`: the same shortest-value
 * search, without splitting the pattern again. False, with `out` as it was, when the word does not fit.
 */
function pushPatternValues(pieces: readonly string[], word: string, out: string[]): boolean {
  const first = pieces[0]!;
  if (!word.startsWith(first)) return false;
  const before = out.length;
  let at = first.length;
  const last = pieces.length - 1;
  for (let k = 1; k <= last; k++) {
    const piece = pieces[k]!;
    const next = k === last ? (word.endsWith(piece) && word.length - piece.length >= at ? word.length - piece.length : -1) : piece === '' ? at : word.indexOf(piece, at);
    if (next < 0) {
      out.length = before;
      return false;
    }
    out.push(word.slice(at, next));
    at = next + piece.length;
  }
  return true;
}

const HEX_DIGITS = '0123456789abcdef';

/** Eight lower-case hex digits of an unsigned 32-bit number (`toString(16)` padded, without its cost). */
function hex8(value: number): string {
  let out = '';
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX_DIGITS[(value >>> shift) & 15]!;
  return out;
}

/**
 * Streaming template miner of the Drain family: messages are masked, split into words, bucketed by word
 * count and leading words, and joined to the most similar template of their bucket, which generalises
 * (differing words become `<*>`, or keep their shared shape such as `<*>:<*>`). Beyond Drain: templates
 * whose texts agree once runs of `<*>` are folded become one (variable-length values), pattern tokens keep
 * the constant part of a varying word, and short messages only merge on value-like differences.
 * Template ids are fixed when a template is created and survive snapshot and restore.
 */
export class TemplateMiner {
  readonly config: MinerConfig;
  private readonly masker: Masker;
  private readonly clusters: Cluster[] = [];
  /** Buckets by their key text, as snapshots name them. */
  private readonly buckets = new Map<string, Cluster[]>();
  /** The same buckets found by word count and leading words without building the key text. */
  private readonly bucketIndex = new Map<number, BucketNode>();
  private readonly byCanonical = new Map<string, Cluster>();
  private readonly byId = new Map<string, Cluster>();
  private readonly messageWords: MessageWords;
  /** By word count n: the fewest same words whose share reaches the similarity threshold. */
  private readonly minSameByLength: number[] = [];
  /** Word bounds of the last message `add` filled parameters for; reused from message to message. */
  private wordStarts = new Int32Array(64);
  private wordEnds = new Int32Array(64);

  constructor(config: Partial<MinerConfig> = {}) {
    this.config = { ...DEFAULT_MINER_CONFIG, ...config };
    const { similarityThreshold, prefixDepth, shortMessageWords, confirmedAfter } = this.config;
    if (!(similarityThreshold >= 0 && similarityThreshold <= 1)) throw new Error(`cannot create template miner: similarityThreshold ${similarityThreshold} is not in [0, 1]`);
    if (!Number.isInteger(prefixDepth) || prefixDepth < 0) throw new Error(`cannot create template miner: prefixDepth ${prefixDepth} is not a non-negative integer`);
    if (!Number.isInteger(shortMessageWords) || shortMessageWords < 0) throw new Error(`cannot create template miner: shortMessageWords ${shortMessageWords} is not a non-negative integer`);
    if (!Number.isInteger(confirmedAfter) || confirmedAfter < 0) throw new Error(`cannot create template miner: confirmedAfter ${confirmedAfter} is not a non-negative integer`);
    this.masker = new Masker(this.config.maskRules);
    this.messageWords = new MessageWords(this.masker);
  }

  /** Number of templates, merged ones included: handles run from 0 to this. */
  get size(): number {
    return this.clusters.length;
  }

  /**
   * Mines one message; returns the handle of the template it joined (a dense index: pass it to
   * `templateId`, `template` or `parameters`). The handle of a message never changes, though its template
   * may generalise or merge later. `parametersOut`, when given, is filled with what
   * `parameters(message, handle)` would return, from the same pass over the message.
   */
  add(message: string, parametersOut?: string[]): number {
    const n = this.messageWords.scan(message);
    const { words, flags } = this.messageWords;
    const bucket = this.findBucket(words, flags, n);
    const best = bucket === null ? null : this.bestMatch(bucket, words, flags, n);
    let cluster: Cluster;
    if (best === null) cluster = this.create(this.bucketKey(words, flags, n), words.slice(0, n), flags);
    else {
      this.absorb(best, words, n);
      cluster = best;
    }
    if (parametersOut !== undefined) this.fillParameters(cluster, message, n, parametersOut);
    return cluster.index;
  }

  /** Mines one message and returns its template and parameters (allocates; `add` does not). */
  match(message: string): TemplateMatch {
    const parameters: string[] = [];
    const handle = this.add(message, parameters);
    return { templateId: this.templateId(handle), template: this.template(handle), parameters };
  }

  /** The stable id of a handle's template (of the template it merged into, if it did). */
  templateId(handle: number): string {
    return this.cluster(handle).root.id;
  }

  /** The current template text of a handle, words joined by single spaces. */
  template(handle: number): string {
    const root = this.cluster(handle).root;
    root.text ??= root.tokens.join(' ');
    return root.text;
  }

  /** The values a message carries where its template has `<*>`, in order. */
  parameters(message: string, handle: number): string[] {
    const cluster = this.cluster(handle);
    const words: string[] = [];
    let n = splitWords(message, words);
    const masked = words.map((w) => this.masker.maskWord(w));
    n = joinValueWords(masked, n, words);
    const values: string[] = [];
    for (let i = 0; i < n && i < cluster.tokens.length; i++) {
      const kind = cluster.kinds[i];
      if (kind === TOKEN_WILDCARD) values.push(words[i]!);
      else if (kind === TOKEN_PATTERN) values.push(...(patternValues(cluster.tokens[i]!, words[i]!) ?? [words[i]!]));
    }
    return values;
  }

  /**
   * `parameters` for the message just scanned into `n` words, without splitting and masking it again: a
   * template with no `<*>` has none, and otherwise only word bounds are read. When value words were joined
   * (`0.39 KB`) the words no longer line up with the raw ones, and `parameters` does the work.
   */
  private fillParameters(cluster: Cluster, message: string, n: number, out: string[]): void {
    out.length = 0;
    const { kinds, pieces } = cluster;
    const limit = n < kinds.length ? n : kinds.length;
    let first = 0;
    while (first < limit && kinds[first] === TOKEN_LITERAL) first++;
    if (first === limit) return;
    if (this.scanWordBounds(message) !== n) {
      for (const value of this.parameters(message, cluster.index)) out.push(value);
      return;
    }
    const { wordStarts, wordEnds } = this;
    for (let i = first; i < limit; i++) {
      const kind = kinds[i];
      if (kind === TOKEN_LITERAL) continue;
      const raw = message.slice(wordStarts[i], wordEnds[i]);
      if (kind === TOKEN_WILDCARD || !pushPatternValues(pieces[i]!, raw, out)) out.push(raw);
    }
  }

  /** Start and end of each whitespace-separated word of a message, as `splitWords` cuts them; returns their count. */
  private scanWordBounds(message: string): number {
    let count = 0;
    const length = message.length;
    let i = 0;
    while (i < length) {
      if (message.charCodeAt(i) <= 32) {
        i++;
        continue;
      }
      if (count === this.wordStarts.length) {
        const starts = new Int32Array(count * 2);
        const ends = new Int32Array(count * 2);
        starts.set(this.wordStarts);
        ends.set(this.wordEnds);
        this.wordStarts = starts;
        this.wordEnds = ends;
      }
      this.wordStarts[count] = i;
      while (++i < length && message.charCodeAt(i) > 32);
      this.wordEnds[count++] = i;
    }
    return count;
  }

  /** Every template that has not merged into another, in creation order. */
  templates(): MinerTemplate[] {
    return this.clusters.filter((c) => c.root === c).map((c) => ({ templateId: c.id, template: this.template(c.index), count: c.count }));
  }

  snapshot(): MinerSnapshot {
    return {
      version: MINER_SNAPSHOT_VERSION,
      config: this.config,
      templates: this.clusters.map((c) => ({ id: c.id, bucket: c.bucket, tokens: [...c.tokens], count: c.count, aliasOf: c.root === c ? null : c.root.id })),
    };
  }

  static restore(snapshot: MinerSnapshot): TemplateMiner {
    const fail = (why: string): never => {
      throw new Error(`cannot restore template miner: ${why}`);
    };
    if (typeof snapshot !== 'object' || snapshot === null) fail('snapshot is not an object');
    if (snapshot.version !== MINER_SNAPSHOT_VERSION) fail(`version ${String(snapshot.version)} is not ${MINER_SNAPSHOT_VERSION}`);
    if (!Array.isArray(snapshot.templates)) fail('templates is not an array');
    const miner = new TemplateMiner(snapshot.config);
    snapshot.templates.forEach((t, i) => {
      if (typeof t.id !== 'string' || typeof t.bucket !== 'string' || !Array.isArray(t.tokens) || !t.tokens.every((w) => typeof w === 'string')) fail(`templates[${i}] lacks id, bucket or tokens`);
      if (!Number.isInteger(t.count) || t.count < 0) fail(`templates[${i}].count ${String(t.count)} is not a count`);
      if (miner.byId.has(t.id)) fail(`templates[${i}].id ${t.id} is repeated`);
      const tokens = [...t.tokens];
      const cluster = miner.insert(t.id, t.bucket, tokens, canonicalOf(tokens), null);
      cluster.count = t.count;
    });
    snapshot.templates.forEach((t, i) => {
      if (t.aliasOf === null) return;
      const root = miner.byId.get(t.aliasOf);
      if (root === undefined || snapshot.templates[root.index]!.aliasOf !== null) fail(`templates[${i}].aliasOf ${String(t.aliasOf)} names no template`);
      miner.clusters[i]!.root = root!;
    });
    for (const c of miner.clusters) if (c.root === c) miner.byCanonical.set(c.canonical, c);
    return miner;
  }

  private cluster(handle: number): Cluster {
    const cluster = this.clusters[handle];
    if (cluster === undefined) throw new Error(`cannot find template handle ${handle}: the miner has ${this.clusters.length}`);
    return cluster;
  }

  /** The key text of a message's bucket: its word count, then its leading words (`<*>` for values). */
  private bucketKey(words: readonly string[], flags: Uint8Array, n: number): string {
    let key = String(n);
    const depth = Math.min(n, this.config.prefixDepth);
    for (let i = 0; i < depth; i++) key += (flags[i]! & WORD_VALUE_MARK) !== 0 ? ' <*>' : ` ${words[i]!}`;
    return key;
  }

  /** A message's bucket through the index; a bucket not yet in it (new, or restored) is looked up by key text once. */
  private findBucket(words: readonly string[], flags: Uint8Array, n: number): Cluster[] | null {
    const depth = Math.min(n, this.config.prefixDepth);
    let node = this.bucketIndex.get(n);
    for (let i = 0; i < depth && node !== undefined; i++) node = node.children.get((flags[i]! & WORD_VALUE_MARK) !== 0 ? WILDCARD : words[i]!);
    if (node?.clusters != null) return node.clusters;
    const bucket = this.buckets.get(this.bucketKey(words, flags, n));
    if (bucket === undefined) return null;
    let parent: BucketNode | undefined = this.bucketIndex.get(n);
    if (parent === undefined) this.bucketIndex.set(n, (parent = { children: new Map(), clusters: null }));
    for (let i = 0; i < depth; i++) {
      const word = (flags[i]! & WORD_VALUE_MARK) !== 0 ? WILDCARD : words[i]!;
      let child: BucketNode | undefined = parent.children.get(word);
      if (child === undefined) parent.children.set(word, (child = { children: new Map(), clusters: null }));
      parent = child;
    }
    parent.clusters = bucket;
    return bucket;
  }

  private minSame(n: number): number {
    let need = this.minSameByLength[n];
    if (need === undefined) {
      need = 0;
      while (need < n && need / n < this.config.similarityThreshold) need++;
      this.minSameByLength[n] = need;
    }
    return need;
  }

  /**
   * The template of the bucket sharing the most words with the message (ties: the most `<*>`, then the
   * oldest), if its share reaches the threshold. A template stops being compared as soon as its mismatches
   * leave it unable to reach the threshold or the best so far: that changes no choice.
   */
  private bestMatch(bucket: readonly Cluster[], words: readonly string[], flags: Uint8Array, n: number): Cluster | null {
    const short = n <= this.config.shortMessageWords;
    const confirmedAfter = this.config.confirmedAfter;
    const needSame = n === 0 ? 0 : this.minSame(n);
    let best: Cluster | null = null;
    let bestSame = -1;
    let bestWild = -1;
    for (let c = 0; c < bucket.length; c++) {
      const cluster = bucket[c]!;
      const floor = needSame > bestSame ? needSame : bestSame;
      let room = n - cluster.wildCount;
      if (room < floor) continue;
      const { tokens, kinds, pieces, marks } = cluster;
      const confirmed = confirmedAfter > 0 && cluster.root.count >= confirmedAfter;
      let same = 0;
      let blocked = false;
      for (let i = 0; i < n; i++) {
        const kind = kinds[i];
        if (kind === TOKEN_WILDCARD) continue;
        const word = words[i]!;
        // A word equal to a token's text fits it, pattern or not: only other words need the pattern search.
        if (tokens[i] === word || (kind === TOKEN_PATTERN && fitsPieces(pieces[i]!, word))) same++;
        else if ((short && !((flags[i]! & WORD_VALUE_MARK) !== 0 && marks[i] === 1)) || (confirmed && kind === TOKEN_LITERAL && (flags[i]! & WORD_HAS_WILDCARD) === 0) || --room < floor) {
          blocked = true;
          break;
        }
      }
      if (blocked) continue;
      if (same > bestSame || (same === bestSame && cluster.wildCount > bestWild)) {
        best = cluster;
        bestSame = same;
        bestWild = cluster.wildCount;
      }
    }
    return best !== null && bestSame >= needSame ? best : null;
  }

  private absorb(cluster: Cluster, words: readonly string[], n: number): void {
    cluster.root.count++;
    const { tokens, kinds, pieces } = cluster;
    let changed = false;
    for (let i = 0; i < n; i++) {
      const kind = kinds[i];
      if (kind === TOKEN_WILDCARD) continue;
      const word = words[i]!;
      if (tokens[i] === word || (kind === TOKEN_PATTERN && fitsPieces(pieces[i]!, word))) continue;
      const token = generaliseToken(tokens[i]!, word);
      setToken(cluster, i, token, tokenFlags(token));
      changed = true;
    }
    if (changed) this.retext(cluster);
  }

  /** A template's text changed: it may now equal another's once `<*>` runs fold, and merge into it. */
  private retext(cluster: Cluster): void {
    cluster.root.text = null;
    const canonical = canonicalOf(cluster.tokens);
    if (canonical === cluster.canonical) return;
    if (this.byCanonical.get(cluster.canonical) === cluster) this.byCanonical.delete(cluster.canonical);
    cluster.canonical = canonical;
    if (cluster.root !== cluster) return;
    const other = this.byCanonical.get(canonical);
    if (other === undefined) {
      this.byCanonical.set(canonical, cluster);
      return;
    }
    other.count += cluster.count;
    cluster.count = 0;
    for (const c of this.clusters) if (c.root === cluster) c.root = other;
  }

  private create(bucketKey: string, tokens: string[], flags: Uint8Array): Cluster {
    const canonical = canonicalOf(tokens);
    let id = hex8(fnv1a(canonical));
    while (this.byId.has(id)) id = hex8(fnv1a(`${id}+`));
    const cluster = this.insert(id, bucketKey, tokens, canonical, flags);
    const other = this.byCanonical.get(canonical);
    if (other === undefined) this.byCanonical.set(canonical, cluster);
    else cluster.root = other;
    cluster.root.count++;
    return cluster;
  }

  /** Adds a template; `flags` are its tokens' word flags where known (a message's), else worked out. */
  private insert(id: string, bucketKey: string, tokens: string[], canonical: string, flags: Uint8Array | null): Cluster {
    const cluster = {
      id,
      index: this.clusters.length,
      bucket: bucketKey,
      tokens,
      kinds: new Uint8Array(tokens.length),
      pieces: new Array<readonly string[] | null>(tokens.length).fill(null),
      marks: new Uint8Array(tokens.length),
      wildCount: 0,
      count: 0,
      canonical,
      text: null,
    } as Omit<Cluster, 'root'> as Cluster;
    cluster.root = cluster;
    for (let i = 0; i < tokens.length; i++) setToken(cluster, i, tokens[i]!, flags === null ? tokenFlags(tokens[i]!) : flags[i]!);
    this.clusters.push(cluster);
    this.byId.set(id, cluster);
    let bucket = this.buckets.get(bucketKey);
    if (bucket === undefined) this.buckets.set(bucketKey, (bucket = []));
    bucket.push(cluster);
    return cluster;
  }
}
