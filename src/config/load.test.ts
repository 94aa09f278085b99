import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { overridesFromEnv } from './env.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function issuesOf(fn: () => unknown): ConfigError['issues'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives every default without a file', () => {
    const config = loadConfig();
    expect(config.dataDir).toBe('./vigil-data');
    expect(config.http.port).toBe(8080);
    expect(config.graphite.tcpPort).toBe(2003);
    expect(config.graphite.udpPort).toBe(2003);
    expect(config.storage.retentionDays).toBe(30);
    expect(config.detection.detectors.map((d) => d.id)).toEqual(['ensemble']);
    expect(config.alerts.webhooks).toEqual([]);
  });

  it('reads a YAML file and fills what it leaves out', () => {
    const file = write('ok.yaml', 'http:\n  port: 9090\nalerts:\n  webhooks:\n    - name: ops\n      url: http://127.0.0.1:9/hook\n');
    const config = loadConfig({ file });
    expect(config.http.port).toBe(9090);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.alerts.webhooks[0]).toMatchObject({ name: 'ops', maxRetries: 5, queueSize: 1000 });
  });

  it('names every bad field with its line', () => {
    const file = write('bad.yaml', 'http:\n  port: "abc"\n  bogus: 3\nstorage:\n  retentionDays: -1\nalerts:\n  webhooks:\n    - name: ops\n      url: ftp://x\n');
    const issues = issuesOf(() => loadConfig({ file }));
    expect(issues.map((i) => [i.field, i.line])).toEqual([
      ['http.port', 2],
      ['http.bogus', 3],
      ['storage.retentionDays', 5],
      ['alerts.webhooks.0.url', 9],
    ]);
    expect(issues[1]!.message).toBe('unknown field');
  });

  it('reports YAML syntax errors with the line', () => {
    const file = write('syntax.yaml', 'http:\n  port: [1, 2\n');
    const issues = issuesOf(() => loadConfig({ file }));
    expect(issues[0]!.message).toMatch(/^invalid YAML/);
    expect(issues[0]!.line).not.toBeNull();
  });

  it('names a missing file', () => {
    const issues = issuesOf(() => loadConfig({ file: join(dir, 'nope.yaml') }));
    expect(issues[0]!.message).toMatch(/cannot read file/);
  });

  it('applies overrides after the file, environment included', () => {
    const file = write('port.yaml', 'http:\n  port: 9090\n');
    const env = { VIGIL_HTTP_PORT: '7000', VIGIL_GRAPHITE_PORT: '7003', VIGIL_DATA_DIR: '/tmp/x' };
    const config = loadConfig({ file, overrides: [overridesFromEnv(env), { http: { port: 7100 } }] });
    expect(config.http.port).toBe(7100);
    expect(config.graphite.tcpPort).toBe(7003);
    expect(config.graphite.udpPort).toBe(7003);
    expect(config.dataDir).toBe('/tmp/x');
  });

  it('rejects a bad environment value by field', () => {
    const issues = issuesOf(() => loadConfig({ overrides: [overridesFromEnv({ VIGIL_HTTP_PORT: 'eighty' })] }));
    expect(issues[0]!.field).toBe('http.port');
  });
});
