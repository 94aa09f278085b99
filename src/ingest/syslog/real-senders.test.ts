import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../model/index.js';
import { CollectingLogSink, eventually } from '../test-support.js';
import { SyslogTcpListener } from './tcp-listener.js';
import { SyslogUdpListener } from './udp-listener.js';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const run = promisify(execFile);

function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Sends newline-terminated lines to a TCP port and closes. */
function sendLines(port: number, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(lines.map((l) => `${l}\n`).join('')));
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

/** Ends a child process: SIGTERM, then SIGKILL if it has not exited within a generous while. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Syslog proven against real senders: Debian's rsyslogd (installed by .ci/run), run unprivileged, relays
 * what the test feeds its imtcp input to our listeners with omfwd, RFC 5424 octet-counted over TCP and
 * RFC 3164 over UDP; util-linux's logger sends on its own.
 */
describe('real syslog senders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-syslog-'));
  const tcpSink = new CollectingLogSink();
  const udpSink = new CollectingLogSink();
  const nowMs = Date.now;
  const tcp = new SyslogTcpListener({ host: '127.0.0.1', tcpPort: 0, maxMessageBytes: 8192, maxPendingRecords: 1000, nowMs }, tcpSink);
  const udp = new SyslogUdpListener({ host: '127.0.0.1', udpPort: 0, maxMessageBytes: 8192, maxPendingRecords: 1000, nowMs }, udpSink);
  const withMarker = (sink: CollectingLogSink, marker: string): LogRecord[] => sink.records.filter((r) => r.message.includes(marker));

  beforeAll(async () => {
    await Promise.all([tcp.start(), udp.start()]);
  });

  afterAll(async () => {
    await Promise.all([tcp.stop(), udp.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rsyslogd forwards RFC 5424 over TCP with octet counting, and RFC 3164 over UDP', async (ctx) => {
    ctx.skip(!existsSync(RSYSLOGD), `${RSYSLOGD} is absent (apt-get install rsyslog; .ci/run installs it)`);
    const portFile = join(dir, 'imtcp.port');
    const config = join(dir, 'rsyslog.conf');
    writeFileSync(
      config,
      [
        `global(workDirectory="${dir}" localHostname="vigil-relay")`,
        'module(load="imtcp")',
        `input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="${portFile}" ruleset="forward")`,
        'ruleset(name="forward") {',
        `  action(type="omfwd" target="127.0.0.1" port="${tcp.address().port}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
        `  action(type="omfwd" target="127.0.0.1" port="${udp.address().port}" protocol="udp" template="RSYSLOG_TraditionalForwardFormat")`,
        '}',
        '',
      ].join('\n'),
    );
    let output = '';
    const rsyslogd = spawn(RSYSLOGD, ['-n', '-f', config, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    rsyslogd.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    rsyslogd.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(() => rsyslogd.exitCode === null && existsSync(portFile) && /^\d+\s*$/.test(readFileSync(portFile, 'utf8')), 'rsyslogd to listen');
      const inputPort = Number(readFileSync(portFile, 'utf8'));
      const marker = `rsyslog-${process.pid}`;
      await sendLines(inputPort, [
        `<11>1 2024-06-15T12:00:00.123Z app-host myapp 123 ID1 [origin@32473 ip="10.0.0.1"] ${marker} five-four-two-four`,
        `<28>Jun 15 12:00:01 web01 sshd[42]: ${marker} three-one-six-four`,
      ]);
      await eventually(() => withMarker(tcpSink, marker).length === 2 && withMarker(udpSink, marker).length === 2, 'the relayed messages');

      const [tcp5424, tcp3164] = withMarker(tcpSink, marker);
      expect(tcp5424).toMatchObject({
        timestampMs: Date.UTC(2024, 5, 15, 12, 0, 0, 123),
        host: 'app-host',
        appName: 'myapp',
        procId: '123',
        msgId: 'ID1',
        severity: 'error',
        facility: 'user',
        message: `${marker} five-four-two-four`,
        fields: { 'origin@32473.ip': '10.0.0.1' },
        source: 'syslog_tcp',
      });
      expect(tcp3164).toMatchObject({ host: 'web01', appName: 'sshd', procId: '42', severity: 'warning', facility: 'daemon', source: 'syslog_tcp' });
      // rsyslog keeps the space after an RFC 3164 tag as the message's first character.
      expect(tcp3164!.message.trim()).toBe(`${marker} three-one-six-four`);

      const [udp5424, udp3164] = withMarker(udpSink, marker);
      expect(udp5424).toMatchObject({ host: 'app-host', appName: 'myapp', procId: '123', severity: 'error', facility: 'user', message: `${marker} five-four-two-four`, source: 'syslog_udp' });
      expect(udp3164).toMatchObject({ host: 'web01', appName: 'sshd', procId: '42', severity: 'warning', facility: 'daemon', message: `${marker} three-one-six-four`, source: 'syslog_udp' });
      expect(tcpSink.rejections).toEqual([]);
      expect(udpSink.rejections).toEqual([]);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nrsyslogd said: ${output || '(nothing)'}`, { cause: err });
    } finally {
      await kill(rsyslogd);
    }
  });

  it('logger sends RFC 5424 over TCP, newline-delimited and octet-counted, and RFC 3164 over UDP', async (ctx) => {
    const logger = onPath('logger');
    ctx.skip(logger === undefined, 'util-linux logger is not on PATH');
    const marker = `logger-${process.pid}`;
    const server = ['--server', '127.0.0.1'];
    const tcpPort = String(tcp.address().port);
    await run(logger!, [...server, '--port', tcpPort, '--tcp', '--rfc5424', '-t', 'lineapp', '-p', 'local2.err', '--msgid', 'M1', '--sd-id', 'case@32473', '--sd-param', 'n="1"', `${marker} newline framed`]);
    await run(logger!, [...server, '--port', tcpPort, '--tcp', '--octet-count', '--rfc5424', '-t', 'countapp', '-p', 'mail.notice', `${marker} octet counted`]);
    await run(logger!, [...server, '--port', String(udp.address().port), '--udp', '--rfc3164', '-t', 'bsdapp', '-p', 'daemon.warning', `${marker} over udp`]);
    await eventually(() => withMarker(tcpSink, marker).length === 2 && withMarker(udpSink, marker).length === 1, "logger's messages");

    const names = [hostname(), hostname().split('.')[0]];
    const [lines, counted] = withMarker(tcpSink, marker);
    expect(lines).toMatchObject({ appName: 'lineapp', msgId: 'M1', severity: 'error', facility: 'local2', message: `${marker} newline framed`, fields: { 'case@32473.n': '1' } });
    expect(counted).toMatchObject({ appName: 'countapp', severity: 'notice', facility: 'mail', message: `${marker} octet counted` });
    const [datagram] = withMarker(udpSink, marker);
    expect(datagram).toMatchObject({ appName: 'bsdapp', severity: 'warning', facility: 'daemon', message: `${marker} over udp` });
    for (const record of [lines!, counted!, datagram!]) expect(names).toContain(record.host);
    // Dated by the sender's clock: near now, not the epoch.
    expect(Math.abs(lines!.timestampMs - Date.now())).toBeLessThan(10 * 60_000);
    expect(tcpSink.rejections).toEqual([]);
    expect(udpSink.rejections).toEqual([]);
  });
});
