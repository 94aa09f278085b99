/**
 * Splits CSV text into records as it streams in (RFC 4180: fields separated by commas, records by
 * `\n` or `\r\n`, fields optionally in double quotes with `""` for a quote and newlines allowed
 * inside). Unquoted fields are trimmed of spaces, tabs and `\r`; quoted ones are kept exactly.
 * Blank lines yield no record. A record is numbered by the line it starts on.
 */

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const BYTE_ORDER_MARK = '\ufeff';

export interface CsvRecordHandler {
  record(fields: string[], line: number): void;
  /** A record that cannot be read: bad quoting, or longer than maxRecordChars (`tooLong`). */
  malformed(line: number, cause: string, tooLong: boolean): void;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of `""` or the closing one. */
  QuoteInQuoted,
  AfterQuoted,
  /** Skipping the rest of an over-long record up to the next newline. */
  Skipping,
}

export class CsvRecordReader {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private fieldQuoted = false;
  private recordStarted = false;
  private recordQuoted = false;
  private recordChars = 0;
  private recordProblem: string | null = null;
  private line = 1;
  private recordLine = 1;
  private atStreamStart = true;

  constructor(private readonly maxRecordChars: number) {}

  push(input: string, handler: CsvRecordHandler): void {
    let text = input;
    if (this.atStreamStart && text.length > 0) {
      this.atStreamStart = false;
      if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
    }
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Skipping: {
          const newline = text.indexOf('\n', i);
          if (newline === -1) return;
          this.line++;
          this.resetRecord();
          i = newline + 1;
          break;
        }
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === SPACE || c === TAB || c === CR) {
            i++;
          } else if (c === QUOTE) {
            this.recordStarted = true;
            this.fieldQuoted = true;
            this.recordQuoted = true;
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.recordStarted = true;
            this.endField();
            i++;
          } else if (c === LF) {
            this.endRecord(handler);
            i++;
          } else {
            this.recordStarted = true;
            this.state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === COMMA || c === LF) break;
            j++;
          }
          if (!this.append(text, i, j, handler)) break;
          if (j === n) return;
          if (text.charCodeAt(j) === COMMA) this.endField();
          else this.endRecord(handler);
          i = j + 1;
          break;
        }
        case State.Quoted: {
          const quote = text.indexOf('"', i);
          const j = quote === -1 ? n : quote;
          if (!this.append(text, i, j, handler)) break;
          for (let newline = text.indexOf('\n', i); newline !== -1 && newline < j; newline = text.indexOf('\n', newline + 1)) this.line++;
          if (quote === -1) return;
          this.state = State.QuoteInQuoted;
          i = j + 1;
          break;
        }
        case State.QuoteInQuoted: {
          if (text.charCodeAt(i) === QUOTE) {
            if (!this.append(text, i, i + 1, handler)) break;
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.AfterQuoted;
          }
          break;
        }
        case State.AfterQuoted: {
          const c = text.charCodeAt(i);
          if (c === COMMA) {
            this.endField();
          } else if (c === LF) {
            this.endRecord(handler);
          } else if (c !== SPACE && c !== TAB && c !== CR) {
            this.recordProblem ??= 'text after a closing quote';
          }
          i++;
          break;
        }
      }
    }
  }

  /** Ends the stream: a last record without a newline is still a record. */
  end(handler: CsvRecordHandler): void {
    if (this.state === State.Quoted) {
      handler.malformed(this.recordLine, 'a quoted field is never closed', false);
    } else if (this.state !== State.Skipping && this.recordStarted) {
      this.endRecord(handler);
    }
    this.resetRecord();
    this.line = 1;
    this.recordLine = 1;
    this.atStreamStart = true;
  }

  /** Adds text[start, end) to the field; false (and skipping) when the record grows too long. */
  private append(text: string, start: number, end: number, handler: CsvRecordHandler): boolean {
    this.recordChars += end - start;
    if (this.recordChars > this.maxRecordChars) {
      handler.malformed(this.recordLine, `record longer than ${this.maxRecordChars} characters`, true);
      this.state = State.Skipping;
      return false;
    }
    this.field += text.slice(start, end);
    return true;
  }

  private endField(): void {
    this.fields.push(this.fieldQuoted ? this.field : trimField(this.field));
    this.field = '';
    this.fieldQuoted = false;
    this.state = State.FieldStart;
  }

  private endRecord(handler: CsvRecordHandler): void {
    this.endField();
    const fields = this.fields;
    const blank = !this.recordQuoted && fields.length === 1 && fields[0] === '';
    if (this.recordProblem !== null) handler.malformed(this.recordLine, this.recordProblem, false);
    else if (!blank) handler.record(fields, this.recordLine);
    this.line++;
    this.resetRecord();
  }

  private resetRecord(): void {
    this.state = State.FieldStart;
    this.fields = [];
    this.field = '';
    this.fieldQuoted = false;
    this.recordStarted = false;
    this.recordQuoted = false;
    this.recordChars = 0;
    this.recordProblem = null;
    this.recordLine = this.line;
  }
}

function trimField(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}
