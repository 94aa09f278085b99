import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../model/index.js';
import type { SyslogContext } from './message.js';
import { parseSyslogMessage } from './message.js';

const RECEIVED_AT_MS = Date.UTC(2024, 5, 15, 12, 0, 0);
const context: SyslogContext = { receivedAtMs: RECEIVED_AT_MS, host: '192.0.2.7', source: 'syslog_udp' };

function parse(text: string, at: Partial<SyslogContext> = {}): LogRecord {
  const result = parseSyslogMessage(text, { ...context, ...at });
  if (!result.ok) throw new Error(`expected a record, got: ${result.cause}`);
  return result.record;
}

function cause(text: string): string {
  const result = parseSyslogMessage(text, context);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.record)}`);
  return `${result.reason}: ${result.cause}`;
}

describe('RFC 5424 (examples of RFC 5424 §6.5)', () => {
  it('example 1: no structured data, BOM before the message', () => {
    const record = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8");
    expect(record).toEqual({
      timestampMs: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      host: 'mymachine.example.com',
      source: 'syslog_udp',
      sourcetype: 'syslog',
      severity: 'critical',
      facility: 'auth',
      appName: 'su',
      msgId: 'ID47',
      message: "'su root' failed for lonvick on /dev/pts/8",
      fields: {},
    });
    expect(record.procId).toBeUndefined();
  });

  it('example 2: microseconds and a negative UTC offset, NILVALUE msgid', () => {
    const record = parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
    expect(record.timestampMs).toBe(Date.UTC(2003, 7, 24, 12, 14, 15, 0));
    expect(record.severity).toBe('notice');
    expect(record.facility).toBe('local4');
    expect(record.host).toBe('192.0.2.1');
    expect(record.appName).toBe('myproc');
    expect(record.procId).toBe('8710');
    expect(record.msgId).toBeUndefined();
    expect(record.message).toBe("%% It's time to make the do-nuts.");
  });

  it('example 3: structured data and a message', () => {
    const record = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...',
    );
    expect(record.fields).toEqual({ 'exampleSDID@32473.iut': '3', 'exampleSDID@32473.eventSource': 'Application', 'exampleSDID@32473.eventID': '1011' });
    expect(record.message).toBe('An application event log entry...');
  });

  it('example 4: two SD elements and no message', () => {
    const record = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
    expect(record.fields['examplePriority@32473.class']).toBe('high');
    expect(record.fields['exampleSDID@32473.eventID']).toBe('1011');
    expect(record.message).toBe('');
  });

  it('unescapes \\" \\\\ and \\] in SD values and keeps other backslashes', () => {
    const record = parse('<14>1 2024-01-02T03:04:05+01:30 h app 1 m [x@1 a="say \\"hi\\"" b="C:\\\\dir\\]" c="a\\nb" d=""][flag@1] text');
    expect(record.fields).toEqual({ 'x@1.a': 'say "hi"', 'x@1.b': 'C:\\dir]', 'x@1.c': 'a\\nb', 'x@1.d': '', 'flag@1': '' });
    expect(record.timestampMs).toBe(Date.UTC(2024, 0, 2, 1, 34, 5));
    expect(record.message).toBe('text');
  });

  it('NILVALUE timestamp and hostname fall back to the receive time and the sender', () => {
    const record = parse('<13>1 - - - - - - hello');
    expect(record).toMatchObject({ timestampMs: RECEIVED_AT_MS, host: '192.0.2.7', severity: 'notice', facility: 'user', message: 'hello' });
    expect(record.appName).toBeUndefined();
  });

  it('a message that stops after the structured data has an empty message', () => {
    expect(parse('<13>1 2024-01-02T03:04:05Z h a p m -').message).toBe('');
  });

  it('rejects a bad timestamp, naming it and why', () => {
    expect(cause('<13>1 2024-02-30T03:04:05Z h a p m - x')).toBe('bad_timestamp: bad timestamp "2024-02-30T03:04:05Z": no such date');
    expect(cause('<13>1 2024-01-02T03:04:05 h a p m - x')).toBe('bad_timestamp: bad timestamp "2024-01-02T03:04:05": missing UTC offset, expected Z or +hh:mm');
    expect(cause('<13>1 2024-01-02 03:04:05Z h a p m - x')).toMatch(/^bad_timestamp: bad timestamp "2024-01-02": expected YYYY/);
    expect(cause('<13>1 2024-01-02T25:04:05Z h a p m - x')).toMatch(/no such time of day/);
  });

  it('rejects a bad VERSION, a short header and broken structured data', () => {
    expect(cause('<13>2 2024-01-02T03:04:05Z h a p m - x')).toBe('malformed_line: bad VERSION "2": only 1 is defined (RFC 5424)');
    expect(cause('<13>1 2024-01-02T03:04:05Z h a')).toMatch(/^malformed_line: missing PROCID/);
    expect(cause('<13>1 2024-01-02T03:04:05Z h a p m')).toMatch(/^malformed_line: missing STRUCTURED-DATA/);
    expect(cause('<13>1 - h a p m [x@1 a="unterminated]')).toMatch(/bad STRUCTURED-DATA at column 17: in \[x@1\]: value of a has no closing quote/);
    expect(cause('<13>1 - h a p m [x@1 a=3] m')).toMatch(/expected name="value"/);
    expect(cause('<13>1 - h a p m x m')).toMatch(/expected "-" or "\["/);
    expect(cause('<13>1 - h a p m [x@1]m')).toMatch(/expected a space or the end/);
  });
});

describe('PRI', () => {
  it('rejects PRI values out of range or malformed, quoting them', () => {
    expect(cause('<999>Oct 11 22:14:15 host x')).toBe('malformed_line: bad PRI "<999>": expected <0> to <191>');
    expect(cause('<192>1 - - - - - -')).toBe('malformed_line: bad PRI "<192>": expected <0> to <191>');
    expect(cause('<>hello')).toBe('malformed_line: bad PRI "<>": expected <0> to <191>');
    expect(cause('<1a>hello')).toMatch(/^malformed_line: bad PRI "<1a>"/);
    expect(cause('<12345678 no close')).toMatch(/^malformed_line: bad PRI "<1234"/);
  });

  it('decodes every facility and severity', () => {
    expect(parse('<0>1 - - - - - - x')).toMatchObject({ facility: 'kern', severity: 'emergency' });
    expect(parse('<191>1 - - - - - - x')).toMatchObject({ facility: 'local7', severity: 'debug' });
    expect(parse('<83>1 - - - - - - x')).toMatchObject({ facility: 'authpriv', severity: 'error' });
  });

  it('keeps a line without PRI whole, as info/user at the receive time', () => {
    expect(parse('Oct 11 22:14:15 just text')).toEqual({
      timestampMs: RECEIVED_AT_MS,
      host: '192.0.2.7',
      source: 'syslog_udp',
      sourcetype: 'syslog',
      severity: 'info',
      facility: 'user',
      message: 'Oct 11 22:14:15 just text',
      fields: {},
    });
  });
});

describe('RFC 3164', () => {
  it('the RFC 3164 §5.4 example: host and tag', () => {
    const record = parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    expect(record).toMatchObject({
      timestampMs: Date.UTC(2023, 9, 11, 22, 14, 15),
      host: 'mymachine',
      severity: 'critical',
      facility: 'auth',
      appName: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
  });

  it('a space-padded day and no tag (RFC 3164 §5.4 "Use the BFG!")', () => {
    const record = parse('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!');
    expect(record).toMatchObject({ timestampMs: Date.UTC(2024, 1, 5, 17, 32, 18), host: '10.0.0.99', message: 'Use the BFG!' });
    expect(record.appName).toBeUndefined();
  });

  it('rsyslog-style lines with tag[pid]', () => {
    expect(parse('<30>Jun 15 10:00:01 web01 systemd[1]: Started Session 42 of user root.')).toMatchObject({
      host: 'web01',
      appName: 'systemd',
      procId: '1',
      severity: 'info',
      facility: 'daemon',
      message: 'Started Session 42 of user root.',
    });
    expect(parse('<38>Jun 15 11:59:58 bastion sshd[2211]: Accepted publickey for deploy from 10.0.0.5 port 52144 ssh2')).toMatchObject({
      host: 'bastion',
      appName: 'sshd',
      procId: '2211',
      facility: 'auth',
      message: 'Accepted publickey for deploy from 10.0.0.5 port 52144 ssh2',
    });
    expect(parse('<78>Jun 15 11:00:00 cron01 CRON[9935]: (root) CMD (run-parts /etc/cron.hourly)').facility).toBe('cron');
  });

  it('tag[pid] without a colon, as rsyslog forwards RFC 5424 input in the traditional format', () => {
    expect(parse('<11>Jun 15 12:00:00 app-host myapp[123] hello five')).toMatchObject({ host: 'app-host', appName: 'myapp', procId: '123', message: 'hello five' });
    expect(parse('<11>Jun 15 12:00:00 myapp[123] from a local sender')).toMatchObject({ host: '192.0.2.7', appName: 'myapp', message: 'from a local sender' });
    // Without brackets or a colon a word is not a tag: it may be the message's first word.
    expect(parse('<11>Jun 15 12:00:00 app-host myapp hello')).toMatchObject({ host: 'app-host', message: 'myapp hello' });
  });

  it('a local sender without hostname: the tag follows the timestamp', () => {
    const record = parse('<13>Jun 15 11:59:00 logger: hello there');
    expect(record).toMatchObject({ host: '192.0.2.7', appName: 'logger', message: 'hello there' });
  });

  it('no timestamp at all: receive time, tag still read', () => {
    expect(parse('<34>su: failed')).toMatchObject({ timestampMs: RECEIVED_AT_MS, host: '192.0.2.7', appName: 'su', message: 'failed' });
  });

  it('an RFC 3339 timestamp in place of the BSD one (rsyslog forwarding format)', () => {
    expect(parse('<30>2024-06-15T10:00:01.250+02:00 web01 nginx: GET /')).toMatchObject({
      timestampMs: Date.UTC(2024, 5, 15, 8, 0, 1, 250),
      host: 'web01',
      appName: 'nginx',
      message: 'GET /',
    });
  });

  it('fractions of a second and a configured zone', () => {
    expect(parse('<13>Jun 15 10:00:01.5 h a: m', { utcOffsetMinutes: 120 }).timestampMs).toBe(Date.UTC(2024, 5, 15, 8, 0, 1, 500));
  });

  it('dates a December line received in January in the old year, and a January line received in December in the new one', () => {
    const newYear = Date.UTC(2025, 0, 1, 0, 0, 5);
    expect(parse('<86>Dec 31 23:59:59 host sshd[1234]: bye', { receivedAtMs: newYear }).timestampMs).toBe(Date.UTC(2024, 11, 31, 23, 59, 59));
    const oldYear = Date.UTC(2024, 11, 31, 23, 59, 58);
    expect(parse('<86>Jan  1 00:00:02 host app: early clock', { receivedAtMs: oldYear }).timestampMs).toBe(Date.UTC(2025, 0, 1, 0, 0, 2));
  });

  it('Feb 29 goes to the nearest leap year', () => {
    expect(parse('<13>Feb 29 12:00:00 h a: leap', { receivedAtMs: Date.UTC(2025, 0, 10) }).timestampMs).toBe(Date.UTC(2024, 1, 29, 12));
  });

  it('rejects a malformed timestamp, quoting it', () => {
    expect(cause('<13>Oct 11 2:14:15 host x')).toBe('bad_timestamp: bad timestamp: expected "Mmm dd hh:mm:ss", got "Oct 11 2:14:15 "');
    expect(cause('<13>Oct 11 22:61:15 host x')).toBe('bad_timestamp: bad timestamp: no such time of day');
    expect(cause('<13>Feb 30 22:14:15 host x')).toBe('bad_timestamp: bad timestamp: no such date Feb 30 near the receive time');
    expect(cause('<13>2024-13-01T00:00:00Z host x')).toBe('bad_timestamp: bad timestamp "2024-13-01T00:00:00Z": no such date');
  });
});
