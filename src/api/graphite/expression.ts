/** A Graphite target, parsed: a path expression or a function call, with literal arguments. */
export type Expr = PathExpr | CallExpr;

export interface PathExpr {
  readonly kind: 'path';
  /** The pattern with escapes resolved: `\(` stands for `(`, as in Graphite's grammar. */
  readonly pattern: string;
  readonly position: number;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Arg[];
  readonly kwargs: readonly KeywordArg[];
  /** The call as written in the target, spacing and quotes included (seriesByTag names its results by it). */
  readonly raw: string;
  readonly position: number;
}

export type Literal =
  | { readonly kind: 'number'; readonly value: number; readonly isInteger: boolean; readonly text: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly position: number }
  | { readonly kind: 'none'; readonly position: number }
  | { readonly kind: 'inf'; readonly position: number };

export type Arg = Expr | Literal;

export interface KeywordArg {
  readonly name: string;
  readonly value: Arg;
}

/** A target that does not parse; `position` is the 0-based offset where parsing stopped. */
export class TargetSyntaxError extends Error {
  constructor(
    readonly target: string,
    readonly position: number,
    readonly expected: string,
  ) {
    super(`cannot parse target ${JSON.stringify(target)}: expected ${expected} at position ${position}${describeAt(target, position)}`);
    this.name = 'TargetSyntaxError';
  }
}

function describeAt(text: string, position: number): string {
  if (position >= text.length) return ' (end of target)';
  return ` (found ${JSON.stringify(text.slice(position, position + 12))})`;
}

/** Characters that end a path element: Graphite's `(){},.'"\|` plus whitespace. */
const PATH_SYMBOLS = new Set(['(', ')', '{', '}', ',', '.', "'", '"', '\\', '|']);
const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE]-?\d+)?/;
const KEYWORDS: Readonly<Record<string, 'true' | 'false' | 'none' | 'inf'>> = { true: 'true', false: 'false', none: 'none', inf: 'inf' };

/**
 * Parses a target the way graphite-web's grammar does: nested calls `f(a, g(b), 'x', 3, key=value)`,
 * piped calls `a.b|scale(2)`, numbers (integer, decimal, scientific), booleans, `None`, `inf`, single- or
 * double-quoted strings (kept as written between the quotes, as Graphite does), and path expressions with
 * globs `*`, `?`, `[0-9]`, `{a,b}` and tags (`name;k=v`). Whitespace between tokens is allowed.
 */
export function parseTarget(target: string): Expr {
  const parser = new Parser(target);
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.atEnd()) throw parser.error("'|' or the end of the target");
  return expr;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  error(expected: string, position = this.pos): TargetSyntaxError {
    return new TargetSyntaxError(this.text, position, expected);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** An expression with optional piped calls: `a|f(x)|g()` is `g(f(a, x))`. */
  expression(): Expr {
    this.skipSpace();
    let expr = this.primary();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (this.text[this.pos] !== '|') {
        this.pos = save;
        return expr;
      }
      this.pos++;
      this.skipSpace();
      const callStart = this.pos;
      const name = this.identifier();
      if (name === null) throw this.error('a function call after |');
      const call = this.callAfterName(name, callStart);
      if (call === null) throw this.error("'(' after the function name");
      expr = { ...call, args: [expr, ...call.args] };
    }
  }

  private primary(): Expr {
    const start = this.pos;
    const name = this.identifier();
    if (name !== null) {
      const call = this.callAfterName(name, start);
      if (call !== null) return call;
      this.pos = start;
    }
    return this.path();
  }

  private identifier(): string | null {
    const start = this.pos;
    if (!IDENTIFIER_START.test(this.text[this.pos] ?? '')) return null;
    this.pos++;
    while (IDENTIFIER_PART.test(this.text[this.pos] ?? '')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** `(args)` after a function name, or null (position restored) when no '(' follows. */
  private callAfterName(name: string, start: number): CallExpr | null {
    const afterName = this.pos;
    this.skipSpace();
    if (this.text[this.pos] !== '(') {
      this.pos = afterName;
      return null;
    }
    this.pos++;
    const args: Arg[] = [];
    const kwargs: KeywordArg[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { kind: 'call', name, args, kwargs, raw: this.text.slice(start, this.pos), position: start };
    }
    for (;;) {
      this.skipSpace();
      const keyword = this.keywordName();
      if (keyword !== null) {
        if (kwargs.some((k) => k.name === keyword)) throw this.error(`keyword argument ${keyword} only once`);
        kwargs.push({ name: keyword, value: this.argument() });
      } else {
        if (kwargs.length > 0) throw this.error('a keyword argument (name=value) after keyword arguments');
        args.push(this.argument());
      }
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ')') {
        this.pos++;
        return { kind: 'call', name, args, kwargs, raw: this.text.slice(start, this.pos), position: start };
      }
      throw this.error(`',' or ')' to continue the arguments of ${name}()`);
    }
  }

  /** `name=` starting a keyword argument (consumed), or null with the position unchanged. */
  private keywordName(): string | null {
    const start = this.pos;
    const name = this.identifier();
    if (name !== null) {
      this.skipSpace();
      if (this.text[this.pos] === '=') {
        this.pos++;
        return name;
      }
    }
    this.pos = start;
    return null;
  }

  private argument(): Arg {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === undefined) throw this.error('an argument');
    if (c === "'" || c === '"') return this.string();
    const number = NUMBER.exec(this.text.slice(this.pos));
    if (number !== null && this.followedByArgEnd(this.pos + number[0].length)) {
      this.pos += number[0].length;
      const text = number[0];
      return { kind: 'number', value: Number(text), isInteger: /^-?\d+$/.test(text), text, position: start };
    }
    const word = /^[A-Za-z]+/.exec(this.text.slice(this.pos));
    if (word !== null && this.followedByArgEnd(this.pos + word[0].length)) {
      const keyword = KEYWORDS[word[0].toLowerCase()];
      if (keyword !== undefined) {
        this.pos += word[0].length;
        if (keyword === 'none' || keyword === 'inf') return { kind: keyword, position: start };
        return { kind: 'boolean', value: keyword === 'true', position: start };
      }
    }
    return this.expression();
  }

  /** Graphite reads a number or keyword only when `,`, `)` or the end follows (else `10.cpu` is a path). */
  private followedByArgEnd(at: number): boolean {
    let i = at;
    while (i < this.text.length && /\s/.test(this.text[i]!)) i++;
    const c = this.text[i];
    return c === undefined || c === ',' || c === ')';
  }

  private string(): Literal {
    const start = this.pos;
    const quote = this.text[this.pos]!;
    this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      if (this.text[this.pos] === '\\') this.pos++;
      this.pos++;
    }
    if (this.pos >= this.text.length) throw this.error(`a closing ${quote} for the string that starts at position ${start}`);
    this.pos++;
    return { kind: 'string', value: this.text.slice(start + 1, this.pos - 1), position: start };
  }

  /** Dot-separated path elements; `{a,b}` may hold commas, `\x` escapes a symbol. */
  private path(): PathExpr {
    const start = this.pos;
    let pattern = '';
    for (;;) {
      const elementStart = this.pos;
      let braceDepth = 0;
      while (this.pos < this.text.length) {
        const c = this.text[this.pos]!;
        if (c === '\\' && this.pos + 1 < this.text.length) {
          pattern += this.text[this.pos + 1];
          this.pos += 2;
          continue;
        }
        if (c === '{') braceDepth++;
        else if (c === '}') {
          if (braceDepth === 0) break;
          braceDepth--;
        } else if (c === ',' && braceDepth > 0) {
          // a comma inside {a,b} belongs to the pattern
        } else if (/\s/.test(c) || (PATH_SYMBOLS.has(c) && c !== '{')) break;
        pattern += c;
        this.pos++;
      }
      if (braceDepth > 0) throw this.error("'}' to close the '{' in the path");
      if (this.pos === elementStart) throw this.error(this.pos === start ? 'a series path or a function call' : 'a path element after the dot');
      if (this.text[this.pos] !== '.') break;
      pattern += '.';
      this.pos++;
    }
    return { kind: 'path', pattern, position: start };
  }
}

/**
 * The first path expression in a series name such as `sumSeries(a.b.*)` (Graphite's
 * `_getFirstPathExpression`): follows first arguments into nested calls; null when there is none or
 * the name does not parse.
 */
export function firstPathExpression(name: string): string | null {
  let expr: Arg;
  try {
    expr = parseTarget(name);
  } catch {
    return null;
  }
  for (;;) {
    if (expr.kind === 'path') return expr.pattern;
    if (expr.kind !== 'call' || expr.args.length === 0) return null;
    expr = expr.args[0]!;
  }
}
