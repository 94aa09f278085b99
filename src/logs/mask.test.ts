import { describe, expect, it } from 'vitest';
import { isCalendarName, isDate, isDuration, isHex, isHostname, isIpv4, isIsoHour, isKlogDate, isNumber, isNumberedId, isPath, isUuid, isZonedSeconds, Masker, splitWords } from './index.js';

const whole = (test: (s: string, from: number, to: number) => boolean, s: string): boolean => test(s, 0, s.length);

describe('mask rules', () => {
  it('recognise each kind of value and reject near misses', () => {
    expect(whole(isUuid, '123e4567-e89b-12d3-a456-426614174000')).toBe(true);
    expect(whole(isUuid, '123e4567-e89b-12d3-a456-42661417400')).toBe(false);
    expect(whole(isIpv4, '10.251.73.220')).toBe(true);
    expect(whole(isIpv4, '10.251.73')).toBe(false);
    expect(whole(isIpv4, '1000.1.1.1')).toBe(false);
    expect(whole(isHex, '0x1F2e')).toBe(true);
    expect(whole(isHex, 'deadbeef01')).toBe(true);
    expect(whole(isHex, 'deadbeef')).toBe(false);
    expect(whole(isPath, '/etc/httpd/conf/workers2.properties')).toBe(true);
    expect(whole(isPath, '/')).toBe(false);
    expect(whole(isDuration, '250ms')).toBe(true);
    expect(whole(isDuration, '1.5s')).toBe(true);
    expect(whole(isDuration, '250kb')).toBe(false);
    expect(whole(isNumberedId, 'blk_-1608999687919862906')).toBe(true);
    expect(whole(isNumberedId, 'jk2_init')).toBe(false);
    expect(whole(isNumber, '-12')).toBe(true);
    expect(whole(isNumber, '3.14')).toBe(true);
    expect(whole(isNumber, '3.')).toBe(false);
    expect(whole(isNumber, 'v3')).toBe(false);
    expect(whole(isNumber, '<1')).toBe(true);
    expect(whole(isHostname, 'mtalk.google.com')).toBe(true);
    expect(whole(isHostname, 'proxy.cse.cuhk.edu.hk')).toBe(true);
    expect(whole(isHostname, 'dsl-Chn-static-059.touchtelindia.net')).toBe(true);
    expect(whole(isHostname, 'example.hk')).toBe(false);
    expect(whole(isHostname, 'java.net.NoRouteToHostException')).toBe(false);
    expect(whole(isHostname, 'org.apache.hadoop.mapreduce.v2.app.rm')).toBe(false);
    expect(whole(isHostname, 'libc.so.6')).toBe(false);
    expect(whole(isHostname, 'hadoop-metrics2.properties')).toBe(false);
    expect(whole(isHostname, 'a..com')).toBe(false);
    expect(whole(isCalendarName, 'Jun')).toBe(true);
    expect(whole(isCalendarName, 'June')).toBe(true);
    expect(whole(isCalendarName, 'Junk')).toBe(false);
    expect(whole(isCalendarName, 'jun')).toBe(false);
    expect(whole(isCalendarName, 'JUNE')).toBe(false);
    expect(isCalendarName('at Sept 3', 3, 7)).toBe(true);
  });

  it('recognise dates year first or last, with month names, and reject other slashed or dashed numbers', () => {
    for (const date of ['2026-11-22', '2026/11/22', '2026.11.22', '2026-1-2', '22/Nov/2026', '22-Nov-2026', '3/September/2026', '11/22/2026', '22.11.2026', '1/2/2026']) {
      expect(whole(isDate, date), date).toBe(true);
    }
    for (const other of ['2026-13-01', '2026-11-32', '2026-11/22', '1850-11-22', '22/Nox/2026', '22/11/26', '13/13/2026', '10.251.73', '2026-11-22T10', 'v2026-11-22', '1/2', '12345-11-22']) {
      expect(whole(isDate, other), other).toBe(false);
    }
    expect(isDate('[22/Nov/2026:10', 1, 12)).toBe(true);
  });

  it('recognise the ISO date and hour, zoned or fractional seconds and klog dates', () => {
    expect(whole(isIsoHour, '2026-11-22T10')).toBe(true);
    expect(whole(isIsoHour, '2026-11-22T24')).toBe(false);
    expect(whole(isIsoHour, '2026-11-22X10')).toBe(false);
    for (const seconds of ['00.123Z', '00Z', '59.123456789Z', '00.123+01', '00+0100', '07-05']) expect(whole(isZonedSeconds, seconds), seconds).toBe(true);
    for (const other of ['00', '00.123', '00.Z', '61Z', '00+1', '00+123', '00+20', '00Zulu', 'ab+01']) expect(whole(isZonedSeconds, other), other).toBe(false);
    for (const header of ['I1122', 'W0101', 'E1231', 'F0615']) expect(whole(isKlogDate, header), header).toBe(true);
    for (const other of ['I1322', 'E1100', 'X1122', 'I112', 'I11223', 'i1122']) expect(whole(isKlogDate, other), other).toBe(false);
  });
});

describe('Masker', () => {
  const masker = new Masker();

  it('masks value segments of a word and keeps delimiters and text', () => {
    expect(masker.maskWord('10.251.73.220:50010')).toBe('<*>:<*>');
    expect(masker.maskWord('(uid=0)')).toBe('(uid=<*>)');
    expect(masker.maskWord('mice.c(1234)')).toBe('mice.c(<*>)');
    expect(masker.maskWord('22.')).toBe('<*>.');
    expect(masker.maskWord('/var/log/messages')).toBe('<*>');
    expect(masker.maskWord('took=250ms,')).toBe('took=<*>,');
  });

  it('masks the date and time words of common log headers, keeping klog levels', () => {
    expect(masker.maskWord('[22/Nov/2026:10:00:00')).toBe('[<*>:<*>:<*>:<*>');
    expect(masker.maskWord('+0000]')).toBe('<*>]');
    expect(masker.maskWord('2026/11/22')).toBe('<*>');
    expect(masker.maskWord('2026-11-22')).toBe('<*>');
    expect(masker.maskWord('2026-11-22T10:00:00.123Z')).toBe('<*>:<*>:<*>');
    expect(masker.maskWord('2026-11-22T10:00:00+01:00')).toBe('<*>:<*>:<*>:<*>');
    expect(masker.maskWord('10:00:00,123')).toBe('<*>:<*>:<*>,<*>');
    expect(masker.maskWord('I1122')).toBe('I<*>');
    expect(masker.maskWord('E1122')).toBe('E<*>');
    expect(masker.maskWord('10:00:00.123456')).toBe('<*>:<*>:<*>');
    expect(masker.maskWord('Nov')).toBe('<*>');
    expect(masker.maskWord('date=22.11.2026;')).toBe('date=<*>;');
  });

  it('returns words without values unchanged', () => {
    expect(masker.maskWord('terminating')).toBe('terminating');
    expect(masker.maskWord('jk2_init()')).toBe('jk2_init()');
  });

  it('is configured by the rules given: none masks nothing, a pattern rule masks its matches', () => {
    expect(new Masker([]).maskWord('port=22')).toBe('port=22');
    expect(new Masker([{ name: 'ipv4', kind: 'ipv4' }]).maskWord('port=22')).toBe('port=22');
    expect(new Masker([{ name: 'job', pattern: 'job-\\d+' }]).maskWord('id=job-17')).toBe('id=<*>');
    expect(() => new Masker([{ name: 'bad', pattern: '(' }])).toThrow(/cannot use mask rule bad: bad pattern/);
  });

  it('splits words on whitespace runs into a reused array', () => {
    const out: string[] = ['stale', 'stale', 'stale', 'stale'];
    expect(splitWords('  a\tbb  c ', out)).toBe(3);
    expect(out).toEqual(['a', 'bb', 'c']);
  });
});

describe('masked dates across days', () => {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** Lines of common header shapes written at `timeMs`, the `i`th of a day. */
  const linesAt = (timeMs: number, i: number): string[] => {
    const d = new Date(timeMs);
    const [y, mo, day, h, mi, s, ms] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
    const time = `${pad(h)}:${pad(mi)}:${pad(s)}`;
    const ip = `10.0.${i % 7}.${(i % 200) + 1}`;
    return [
      `${ip} - - [${pad(day)}/${MONTHS[mo - 1]}/${y}:${time} +0000] "GET /api/v1/orders/${i} HTTP/1.1" 200 ${100 + i} "-" "curl/8.5.0"`,
      `${y}/${pad(mo)}/${pad(day)} ${time} [error] ${900 + i}#0: *${i + 1} connect() failed (111: Connection refused) while connecting to upstream, client: ${ip}`,
      `I${pad(mo)}${pad(day)} ${time}.${String(ms * 1000 + i).padStart(6, '0')} ${1000 + i} kubelet.go:2457] "SyncLoop (PLEG): event for pod" pod="default/api-${i}"`,
      `E${pad(mo)}${pad(day)} ${time}.${String(ms * 1000 + i).padStart(6, '0')} ${1000 + i} pod_workers.go:1298] "Error syncing pod, skipping" pod="default/api-${i}"`,
      `${d.toISOString()} ERROR payment ${i} failed after ${i + 3} retries`,
      `${y}-${pad(mo)}-${pad(day)}T${time}+01:00 WARN queue depth ${i} above limit`,
      `${y}-${pad(mo)}-${pad(day)} ${time},${String(ms).padStart(3, '0')} INFO Worker ${i} started`,
      `${MONTHS[mo - 1]} ${day} ${time} kernel: Out of memory: Killed process ${4000 + i}`,
      `${1000 + i}:M ${pad(day)} ${MONTHS[mo - 1]} ${y} ${time}.${String(ms).padStart(3, '0')} * DB saved on disk`,
    ];
  };

  it('gives the lines of a second day the template ids of the first', async () => {
    const { TemplateMiner } = await import('./index.js');
    const miner = new TemplateMiner();
    const dayMs = 86_400_000;
    const firstDayMs = Date.UTC(2026, 10, 22);
    const idsOfDay = (startMs: number): Set<string> => {
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) for (const line of linesAt(startMs + i * 2_111_111, i)) ids.add(miner.match(line).templateId);
      return ids;
    };
    const first = idsOfDay(firstDayMs);
    expect(first.size).toBe(9);
    const fresh = [...idsOfDay(firstDayMs + dayMs), ...idsOfDay(firstDayMs + 40 * dayMs)].filter((id) => !first.has(id));
    expect(fresh).toEqual([]);
    expect(miner.templates().map((t) => t.template)).toContain('I<*> <*>:<*>:<*> <*> kubelet.go:<*>] "SyncLoop (PLEG): event for pod" pod="<*>"');
  });
});
