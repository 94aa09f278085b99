import type { LogRecord, RejectReason } from '../../model/index.js';
import { quoteValue } from '../quote.js';
import { parsePriority } from './pri.js';
import { parseBsdTimestamp, parseRfc3339 } from './timestamp.js';

/** What a syslog parser knows about a message besides its bytes. */
export interface SyslogContext {
  /** Receive time: the timestamp of messages without one, and the clock that dates RFC 3164's year-less ones. */
  readonly receivedAtMs: number;
  /** Host given to messages that name none (the sender's address, typically). */
  readonly host: string;
  /** `source` of every record (a listener label such as `syslog_tcp`). */
  readonly source: string;
  /** Zone RFC 3164 timestamps are read in, which they do not carry; 0 (UTC) unless configured. */
  readonly utcOffsetMinutes?: number;
}

export type SyslogParseResult =
  | { readonly ok: true; readonly record: LogRecord }
  | { readonly ok: false; readonly reason: RejectReason; readonly cause: string };

const BOM = '\uFEFF';
const NILVALUE = '-';
/**
 * `TAG:`, `TAG[PID]:` or `TAG[PID]` opening an RFC 3164 MSG (TAG is at most 32 characters; a little
 * slack for real senders). rsyslog's traditional forwarding format writes RFC 5424 input as
 * `APP-NAME[PROCID] MSG`, without the colon.
 */
const BSD_TAG = /^([^\s:[\]]{1,64})(?:\[([^\]\s]{0,128})\]:?|:)(?: |$)/;

function fail(reason: RejectReason, cause: string): SyslogParseResult {
  return { ok: false, reason, cause };
}

function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/**
 * Parses one syslog message (a UDP datagram or one TCP frame, without its delimiter), decoded as UTF-8:
 * RFC 5424 when `<PRI>` is followed by a version, RFC 3164 otherwise; a line without `<PRI>` is kept
 * whole as an info/user message dated at its receive time.
 */
export function parseSyslogMessage(text: string, context: SyslogContext): SyslogParseResult {
  if (!text.startsWith('<')) {
    return {
      ok: true,
      record: {
        timestampMs: context.receivedAtMs,
        host: context.host,
        source: context.source,
        sourcetype: 'syslog',
        severity: 'info',
        facility: 'user',
        message: stripBom(text),
        fields: {},
      },
    };
  }
  const pri = parsePriority(text);
  if (typeof pri === 'string') return fail('malformed_line', pri);
  let i = pri.end;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
  if (i > pri.end && text[i] === ' ') return parse5424(text, pri.end, i, pri.severity, pri.facility, context);
  return parse3164(text, pri.end, pri.severity, pri.facility, context);
}

/** Reads the header field that starts at `start` and ends at a space or the end; undefined when the message ended before it. */
function headerField(text: string, start: number): { value: string; next: number } | undefined {
  if (start >= text.length) return undefined;
  const space = text.indexOf(' ', start);
  if (space === -1) return { value: text.slice(start), next: text.length };
  return { value: text.slice(start, space), next: space + 1 };
}

function parse5424(
  text: string,
  versionStart: number,
  versionEnd: number,
  severity: LogRecord['severity'],
  facility: string,
  context: SyslogContext,
): SyslogParseResult {
  const version = text.slice(versionStart, versionEnd);
  if (version !== '1') return fail('malformed_line', `bad VERSION ${quoteValue(version)}: only 1 is defined (RFC 5424)`);
  let i = versionEnd + 1;

  let timestampMs = context.receivedAtMs;
  if (text.startsWith(`${NILVALUE} `, i)) {
    i += 2;
  } else {
    const parsed = parseRfc3339(text, i);
    if (typeof parsed === 'string') {
      const end = text.indexOf(' ', i);
      const value = text.slice(i, end === -1 ? text.length : end);
      return fail('bad_timestamp', `bad timestamp ${quoteValue(value)}: ${parsed}`);
    }
    timestampMs = parsed.timestampMs;
    i = parsed.end + 1;
  }

  const names = ['HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID'] as const;
  const values: (string | undefined)[] = [];
  for (const name of names) {
    const field = headerField(text, i);
    if (field === undefined || field.value === '') {
      return fail('malformed_line', `missing ${name}: the header ends at column ${i + 1} (RFC 5424 needs HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA)`);
    }
    values.push(field.value === NILVALUE ? undefined : field.value);
    i = field.next;
  }

  // Names come off the network: no prototype, so that `__proto__` is a name like any other.
  const fields = Object.create(null) as Record<string, string>;
  if (i >= text.length) return fail('malformed_line', `missing STRUCTURED-DATA: the header ends at column ${i + 1} (use "-" for none)`);
  if (text.startsWith(NILVALUE, i) && (i + 1 === text.length || text[i + 1] === ' ')) {
    i += 1;
  } else {
    const sdEnd = parseStructuredData(text, i, fields);
    if (typeof sdEnd === 'string') return fail('malformed_line', `bad STRUCTURED-DATA at column ${i + 1}: ${sdEnd}`);
    i = sdEnd;
  }
  let message = '';
  if (i < text.length) {
    if (text[i] !== ' ') return fail('malformed_line', `bad STRUCTURED-DATA at column ${i + 1}: expected a space or the end after "]"`);
    message = stripBom(text.slice(i + 1));
  }

  const [host, appName, procId, msgId] = values;
  const record: LogRecord = {
    timestampMs,
    host: host ?? context.host,
    source: context.source,
    sourcetype: 'syslog',
    severity,
    facility,
    ...(appName !== undefined && { appName }),
    ...(procId !== undefined && { procId }),
    ...(msgId !== undefined && { msgId }),
    message,
    fields,
  };
  return { ok: true, record };
}

/**
 * Reads SD-ELEMENTs `[id name="value" ...]...` at `start` into `fields` as `id.name` → value (an element
 * without parameters as `id` → ""; a repeated name keeps its last value). Inside values `\"`, `\\` and
 * `\]` are escapes and any other backslash is literal (RFC 5424 §6.3.3). Returns the index after the
 * last `]`, or the cause.
 */
function parseStructuredData(text: string, start: number, fields: Record<string, string>): number | string {
  let i = start;
  if (text[i] !== '[') return `expected "-" or "[", got ${quoteValue(text.slice(i, i + 20))}`;
  while (text[i] === '[') {
    i++;
    const idStart = i;
    while (i < text.length && text[i] !== ' ' && text[i] !== ']' && text[i] !== '=' && text[i] !== '"') i++;
    const id = text.slice(idStart, i);
    if (id === '') return 'empty SD-ID';
    let params = 0;
    while (text[i] === ' ') {
      i++;
      const nameStart = i;
      while (i < text.length && text[i] !== '=' && text[i] !== ' ' && text[i] !== ']' && text[i] !== '"') i++;
      const name = text.slice(nameStart, i);
      if (name === '' || text[i] !== '=' || text[i + 1] !== '"') {
        return `in [${id}]: expected name="value", got ${quoteValue(text.slice(nameStart, nameStart + 40))}`;
      }
      i += 2;
      let value = '';
      let chunkStart = i;
      for (;;) {
        if (i >= text.length) return `in [${id}]: value of ${name} has no closing quote`;
        const c = text[i];
        if (c === '"') break;
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
          value += text.slice(chunkStart, i);
          chunkStart = i + 1;
          i += 2;
          continue;
        }
        i++;
      }
      value += text.slice(chunkStart, i);
      i++;
      fields[`${id}.${name}`] = value;
      params++;
    }
    if (text[i] !== ']') return `in [${id}]: expected " name=..." or "]", got ${quoteValue(text.slice(i, i + 20))}`;
    i++;
    if (params === 0) fields[id] = '';
  }
  return i;
}

function parse3164(
  text: string,
  start: number,
  severity: LogRecord['severity'],
  facility: string,
  context: SyslogContext,
): SyslogParseResult {
  let i = start;
  let timestampMs = context.receivedAtMs;
  let dated = false;
  const bsd = parseBsdTimestamp(text, i, context.receivedAtMs, context.utcOffsetMinutes ?? 0);
  if (typeof bsd === 'string') return fail('bad_timestamp', `bad timestamp: ${bsd}`);
  if (bsd !== undefined) {
    timestampMs = bsd.timestampMs;
    i = bsd.end;
    dated = true;
  } else if (/^\d{4}-/.test(text.slice(i, i + 5))) {
    // rsyslog's forwarding format: an RFC 3339 timestamp in place of the BSD one.
    const iso = parseRfc3339(text, i);
    if (typeof iso === 'string') {
      const end = text.indexOf(' ', i);
      return fail('bad_timestamp', `bad timestamp ${quoteValue(text.slice(i, end === -1 ? text.length : end))}: ${iso}`);
    }
    timestampMs = iso.timestampMs;
    i = iso.end;
    dated = true;
  }
  while (text[i] === ' ') i++;

  let host = context.host;
  // A dated message names its host next, unless a local sender left it out and the tag follows at once.
  if (dated && !BSD_TAG.test(text.slice(i, i + 200))) {
    const space = text.indexOf(' ', i);
    const end = space === -1 ? text.length : space;
    if (end > i) host = text.slice(i, end);
    i = end;
    while (text[i] === ' ') i++;
  }

  let rest = text.slice(i);
  const tag = BSD_TAG.exec(rest);
  let appName: string | undefined;
  let procId: string | undefined;
  if (tag !== null) {
    appName = tag[1];
    if (tag[2] !== undefined && tag[2] !== '') procId = tag[2];
    rest = rest.slice(tag[0].length);
  }
  return {
    ok: true,
    record: {
      timestampMs,
      host,
      source: context.source,
      sourcetype: 'syslog',
      severity,
      facility,
      ...(appName !== undefined && { appName }),
      ...(procId !== undefined && { procId }),
      message: stripBom(rest),
      fields: {},
    },
  };
}
