import { describe, expect, it } from 'vitest';
import { TemplateMiner, type MinerSnapshot } from './index.js';

describe('TemplateMiner', () => {
  it('generalises a template as variants arrive and keeps its id', () => {
    const miner = new TemplateMiner();
    const a = miner.match('Connection from alice closed after 12 requests');
    expect(a.template).toBe('Connection from alice closed after <*> requests');
    const b = miner.match('Connection from bob closed after 3 requests');
    expect(b.templateId).toBe(a.templateId);
    expect(b.template).toBe('Connection from <*> closed after <*> requests');
    expect(b.parameters).toEqual(['bob', '3']);
    expect(miner.templates()).toEqual([{ templateId: a.templateId, template: b.template, count: 2 }]);
  });

  it('keeps the shared shape of a varying word', () => {
    const miner = new TemplateMiner();
    miner.add('open through proxy proxy.example.org:5070 HTTPS');
    const m = miner.match('open through proxy cache.example.net:8080 HTTPS');
    expect(m.template).toBe('open through proxy <*>:<*> HTTPS');
    expect(m.parameters).toEqual(['cache.example.net', '8080']);
  });

  it('keeps different messages apart, short ones even when half their words agree', () => {
    const miner = new TemplateMiner();
    const ids = new Set(['Starting service now', 'Stopping service now', 'Disk is full', 'Service started', 'Service stopped'].map((m) => miner.match(m).templateId));
    expect(ids.size).toBe(5);
    expect(miner.match('Service stopped').templateId).toBe(miner.match('Service stopped').templateId);
  });

  it('fills the parameters in the same pass as add, as parameters() gives them', () => {
    const miner = new TemplateMiner();
    const lines = [
      'open through proxy proxy.example.org:5070 HTTPS',
      'open through proxy  cache.example.net:8080\tHTTPS',
      'Connection from alice closed after 12 requests',
      'Connection from bob closed after 3 requests',
      'Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
      'Receiving block blk_7503483334202473044 src: /10.251.215.16:55695 dest: /10.251.215.16:50010',
      'wrote 403 bytes (0.39 KB) in 12 ms',
      'wrote 17 bytes  (0.02 KB) in 3 ms',
      'nothing variable here',
    ];
    for (const line of lines) {
      const out = ['stale'];
      const handle = miner.add(line, out);
      expect(out).toEqual(miner.parameters(line, handle));
    }
    const out: string[] = [];
    miner.add('wrote 9 bytes (0.01 KB) in 1 ms', out);
    expect(out).toEqual(['9', '0.01 KB', '1 ms']);
    miner.add('open through proxy a.example.com:443 HTTPS', out);
    expect(out).toEqual(['a.example.com', '443']);
  });

  it('merges templates that differ only in how many words a value spans', () => {
    const miner = new TemplateMiner();
    const one = miner.add('user login failed reason 42 at 10');
    const two = miner.add('user login failed reason 42 43 at 10');
    expect(miner.template(one)).toBe('user login failed reason <*> at <*>');
    expect(miner.templateId(two)).toBe(miner.templateId(one));
    expect(miner.templates()).toHaveLength(1);
    expect(miner.templates()[0]!.count).toBe(2);
  });

  it('gives the same ids to the same stream in another process', () => {
    const lines = ['a b 1', 'c d e 2', 'a b 3'];
    const first = new TemplateMiner();
    const second = new TemplateMiner();
    expect(lines.map((l) => first.match(l).templateId)).toEqual(lines.map((l) => second.match(l).templateId));
    expect(first.match('a b 9').templateId).toMatch(/^[0-9a-f]{8}$/);
  });

  it('keeps the template ids and texts of earlier releases for the same stream', () => {
    const miner = new TemplateMiner();
    const lines = [
      'PacketResponder 1 for block blk_38865049064139660 terminating',
      'PacketResponder 2 for block blk_-6952295868487656571 terminating',
      'Received block blk_1 of size 67108864 from /10.251.42.84',
      'proxy.example.org:5070 close, 403 bytes (0.39 KB) sent, 426 bytes received, lifetime <1 sec',
      'www.example.org:80 close, 0 bytes sent, 0 bytes received, lifetime 00:01',
      'session opened for user root by (uid=0)',
      'session opened for user alice by (uid=1000)',
      'Starting service now',
      'Stopping service now',
    ];
    expect(lines.map((l) => miner.match(l).templateId)).toEqual(['1bf52a8b', '1bf52a8b', 'b5443a9a', 'cc2f1d12', 'cc2f1d12', '4b059789', '4b059789', 'cbe68e7a', 'c5d9428a']);
    expect(miner.templates()).toEqual([
      { templateId: '1bf52a8b', template: 'PacketResponder <*> for block <*> terminating', count: 2 },
      { templateId: 'b5443a9a', template: 'Received block blk_1 of size <*> from <*>', count: 1 },
      { templateId: 'cc2f1d12', template: '<*>:<*> close, <*> <*> sent, <*> bytes received, lifetime <*>', count: 2 },
      { templateId: '4b059789', template: 'session opened for user <*> by (uid=<*>)', count: 2 },
      { templateId: 'cbe68e7a', template: 'Starting service now', count: 1 },
      { templateId: 'c5d9428a', template: 'Stopping service now', count: 1 },
    ]);
  });

  it('continues identically after a snapshot passes through JSON and is restored', () => {
    const before = ['PacketResponder 1 for block blk_38865049064139660 terminating', 'Received block blk_1 of size 67108864 from /10.251.42.84', 'user login failed reason 42 at 10', 'user login failed reason 42 43 at 10', 'Verification succeeded for blk_-5'];
    const after = ['PacketResponder 2 for block blk_-6952295868487656571 terminating', 'Received block blk_2 of size 3 from /10.0.0.1', 'user login failed reason x y z at 11', 'Deleting block blk_7 file /mnt/x'];
    const original = new TemplateMiner({ similarityThreshold: 0.45 });
    for (const line of before) original.add(line);
    const restored = TemplateMiner.restore(JSON.parse(JSON.stringify(original.snapshot())) as MinerSnapshot);
    expect(restored.config.similarityThreshold).toBe(0.45);
    expect(restored.templates()).toEqual(original.templates());
    expect(after.map((l) => restored.match(l))).toEqual(after.map((l) => original.match(l)));
    expect(restored.snapshot()).toEqual(original.snapshot());
  });

  it('rejects a snapshot of another version or with broken templates, naming the field', () => {
    const snapshot = new TemplateMiner().snapshot();
    expect(() => TemplateMiner.restore({ ...snapshot, version: 99 })).toThrow(/cannot restore template miner: version 99/);
    const broken = { ...snapshot, templates: [{ id: 'x', bucket: '1', tokens: ['a'], count: -1, aliasOf: null }] };
    expect(() => TemplateMiner.restore(broken)).toThrow(/templates\[0\]\.count -1/);
  });

  it('rejects bad configuration', () => {
    expect(() => new TemplateMiner({ similarityThreshold: 2 })).toThrow(/similarityThreshold 2/);
    expect(() => new TemplateMiner({ prefixDepth: -1 })).toThrow(/prefixDepth -1/);
  });
});

describe('TemplateMiner with confirmed constant words', () => {
  const run = (miner: InstanceType<typeof TemplateMiner>, count: number, text: (i: number) => string): string[] => Array.from({ length: count }, (_, i) => miner.match(text(i)).templateId);

  it('keeps a word that held over many messages from turning into <*> for one odd message', () => {
    const miner = new TemplateMiner({ confirmedAfter: 10 });
    const ids = run(miner, 12, (i) => `Failed password for invalid user u${i} from 10.0.0.${i} port ${4000 + i} ssh2`);
    const odd = miner.match('Failed none for invalid user u1 from 10.0.0.1 port 4001 ssh2');
    expect(new Set(ids).size).toBe(1);
    expect(odd.templateId).not.toBe(ids[0]);
    expect(miner.template(miner.add('Failed password for invalid user x from 10.0.0.9 port 1 ssh2'))).toBe('Failed password for invalid user <*> from <*> port <*> ssh2');
  });

  it('still generalises a word seen fewer times, and masks weekday and month names as date parts', () => {
    const miner = new TemplateMiner({ confirmedAfter: 10 });
    const ids = run(miner, 3, (i) => `connection from 10.0.0.${i} at ${['Fri Jun', 'Sat Jul', 'Mon Aug'][i]} 17 07:07:0${i} 2005`);
    expect(new Set(ids).size).toBe(1);
    expect(miner.template(miner.add('Failed none for user a'))).toBe('Failed none for user a');
    expect(() => new TemplateMiner({ confirmedAfter: -1 })).toThrow(/confirmedAfter -1/);
  });
});
