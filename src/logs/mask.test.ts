import { describe, expect, it } from 'vitest';
import { isCalendarName, isDuration, isHex, isHostname, isIpv4, isNumber, isNumberedId, isPath, isUuid, Masker, splitWords } from './index.js';

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
