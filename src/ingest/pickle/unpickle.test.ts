import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeriesKeyCache } from '../graphite/key-cache.js';
import { decodePickle, pickledByPython, pickledEachByPython, runPython } from './test-support.js';
import { PickleFrameDecoder } from './unpickle.js';

const ALL_PROTOCOLS = [0, 1, 2, 3, 4, 5];

/** Ints of every width, a float, a numeric string, a memoised repeated path, a tagged path, non-ASCII, a bool. */
const MIXED_ITEMS = `[
  ('a.b.c', (1700000000, 1.5)),
  ('a.b.c', (1700000010, 2)),
  ('tagged;z=1;y=2', (1700000020.5, '3.25')),
  ('caf\\u00e9.\\u20ac', (1700000030, 10**20)),
  ('neg', (1700000040, -5)),
  ('mid', (1700000050, 300)),
  ('wide', (1700000060, 70000)),
  ('flag', (1700000070, True)),
]`;

const MIXED_EXPECTED = {
  keys: ['a.b.c', 'a.b.c', 'tagged;y=2;z=1', 'café.€', 'neg', 'mid', 'wide', 'flag'],
  timestampsMs: [1700000000000, 1700000010000, 1700000020500, 1700000030000, 1700000040000, 1700000050000, 1700000060000, 1700000070000],
  values: [1.5, 2, 3.25, 1e20, -5, 300, 70000, 1],
};

/**
 * Python 2.7.18's cPickle.dumps of
 * [('carbon.agents.a.cpu', (1700000000, 1.5)), (u'caf\xe9.\u20ac', (1700000000L, '3')), ('py2.big', (1700000001, 10**20)),
 *  ('py2.flag', (1700000002, True)), ('carbon.agents.a.cpu', (1700000003.25, -7))]
 * with protocols 0, 1 and 2: byte strings as STRING / SHORT_BINSTRING, longs as `L...L`, True as `I01`, memo from 1.
 */
const PYTHON2_PICKLES = [
  '286c70310a285327636172626f6e2e6167656e74732e612e637075270a70320a2849313730303030303030300a46312e350a7470330a7470340a612856636166e92e5c75323061630a70350a284c313730303030303030304c0a532733270a7470360a7470370a612853277079322e626967270a70380a2849313730303030303030310a4c3130303030303030303030303030303030303030304c0a747470390a612853277079322e666c6167270a7031300a2849313730303030303030320a4930310a74747031310a612867320a2846313730303030303030332e32350a492d370a747031320a747031330a612e',
  '5d710128285513636172626f6e2e6167656e74732e612e6370757102284a00f15365473ff8000000000000747103747104285809000000636166c3a92ee282ac7105284c313730303030303030304c0a5501337471067471072855077079322e6269677108284a01f153654c3130303030303030303030303030303030303030304c0a747471092855087079322e666c6167710a284a02f153654930310a7474710b286802284741d954fc40d000004af9ffffff74710c74710d652e',
  '80025d7101285513636172626f6e2e6167656e74732e612e63707571024a00f15365473ff80000000000008671038671045809000000636166c3a92ee282ac71058a0400f1536555013386710686710755077079322e62696771084a01f153658a09000010632d5ec76b058686710955087079322e666c6167710a4a02f15365888686710b68024741d954fc40d000004af9ffffff86710c86710d652e',
];

describe('PickleFrameDecoder', () => {
  const markerDir = mkdtempSync(join(tmpdir(), 'vigil-pickle-'));
  afterAll(() => rmSync(markerDir, { recursive: true, force: true }));

  it('decodes what Python 3 pickles with every protocol, 0 to 5, to the same points', () => {
    const payloads = pickledByPython(MIXED_ITEMS, ALL_PROTOCOLS);
    for (const [protocol, payload] of payloads.entries()) {
      const decoded = decodePickle(payload);
      expect({ protocol, ok: decoded.ok, rejections: decoded.rejections }).toEqual({ protocol, ok: true, rejections: [] });
      expect({ keys: decoded.keys, timestampsMs: decoded.timestampsMs, values: decoded.values }).toEqual(MIXED_EXPECTED);
    }
  });

  it('decodes what Python 2 pickles: byte strings, L-suffixed longs, I01 booleans, memo from 1', () => {
    for (const hex of PYTHON2_PICKLES) {
      const decoded = decodePickle(Buffer.from(hex, 'hex'));
      expect(decoded.rejections).toEqual([]);
      expect(decoded.keys).toEqual(['carbon.agents.a.cpu', 'café.€', 'py2.big', 'py2.flag', 'carbon.agents.a.cpu']);
      expect(decoded.values).toEqual([1.5, 3, 1e20, 1, -7]);
      expect(decoded.timestampsMs).toEqual([1700000000000, 1700000000000, 1700000001000, 1700000002000, 1700000003250]);
    }
  });

  it('decodes the data opcodes Python writes for other shapes and sizes, reading them as Python does', () => {
    const le32 = (n: number): Buffer => Buffer.from(Uint32Array.of(n).buffer);
    const le64 = (n: number): Buffer => Buffer.concat([le32(n), le32(0)]);
    const float64 = Buffer.alloc(8);
    float64.writeDoubleBE(1700000002.5);
    const payload = Buffer.concat([
      Buffer.from([0x80, 0x04, 0x5d, 0x28]), // PROTO 4, EMPTY_LIST, MARK
      Buffer.from('X'), le32(3), Buffer.from('a.1'), Buffer.from('r'), le32(30), // BINUNICODE, LONG_BINPUT 30
      Buffer.from('('), Buffer.from('J'), le32(1700000000), Buffer.from([0x89, 0x74, 0x86]), // MARK, BININT, NEWFALSE, TUPLE, TUPLE2
      Buffer.from('j'), le32(30), Buffer.from('J'), le32(1700000001), Buffer.from([0x8b]), le32(2), Buffer.from([0x39, 0x05, 0x86, 0x86]), // LONG_BINGET, BININT, LONG4 1337
      Buffer.from('B'), le32(3), Buffer.from('b.2'), Buffer.from('G'), float64, Buffer.from([0x8e]), le64(3), Buffer.from('2.5'), Buffer.from([0x86, 0x86]), // BINBYTES, BINFLOAT, BINBYTES8
      Buffer.from('T'), le32(3), Buffer.from('c.3'), Buffer.from([0x4b, 0x05, 0x8d]), le64(1), Buffer.from('7'), Buffer.from([0x86, 0x86]), // BINSTRING, BININT1, BINUNICODE8
      Buffer.from([0x29]), // EMPTY_TUPLE
      Buffer.from([0x8c, 0x04]), Buffer.from('solo'), Buffer.from([0x85]), // SHORT_BINUNICODE, TUPLE1
      Buffer.from([0x65, 0x2e]), // APPENDS, STOP
    ]);
    const python = runPython('import pickle, sys; print(repr(pickle.loads(bytes.fromhex(sys.stdin.read()))))', { input: payload.toString('hex') });
    expect(python.trim()).toBe("[('a.1', (1700000000, False)), ('a.1', (1700000001, 1337)), (b'b.2', (1700000002.5, b'2.5')), ('c.3', (5, '7')), (), ('solo',)]");
    const decoded = decodePickle(payload);
    expect({ keys: decoded.keys, timestampsMs: decoded.timestampsMs, values: decoded.values }).toEqual({
      keys: ['a.1', 'a.1', 'b.2', 'c.3'],
      timestampsMs: [1700000000000, 1700000001000, 1700000002500, 5000],
      values: [0, 1337, 2.5, 7],
    });
    expect(decoded.rejections.map((r) => r.message)).toEqual([
      'frame 1, items[4]: expected a (path, (timestamp, value)) tuple, got a tuple of 0',
      'frame 1, items[5]: expected a (path, (timestamp, value)) tuple, got a tuple of 1',
    ]);
  });

  it('decodes lists longer than one APPENDS batch (Python appends 1000 items at a time)', () => {
    const payloads = pickledByPython("[('m.%d' % (i % 7), (1700000000 + i, i * 0.5)) for i in range(2500)]", ALL_PROTOCOLS);
    for (const payload of payloads) {
      const decoded = decodePickle(payload);
      expect(decoded.rejections).toEqual([]);
      expect(decoded.values).toEqual(Array.from({ length: 2500 }, (_, i) => i * 0.5));
      expect(decoded.keys[2499]).toBe(`m.${2499 % 7}`);
      expect(decoded.timestampsMs[2499]).toBe((1700000000 + 2499) * 1000);
    }
  });

  it('rejects bad items one by one, by frame and list index, and keeps the rest of the frame', () => {
    const expression = `[
      ('ok.1', (1700000000, 1)),
      (5, (1700000000, 1)),
      ('has space', (1700000000, 1)),
      ('', (1700000000, 1)),
      ('v.none', (1700000000, None)),
      ('v.text', (1700000000, 'abc')),
      ('v.nan', (1700000000, float('nan'))),
      ('v.nanstr', (1700000000, 'NaN')),
      ('v.inf', (1700000000, float('inf'))),
      ('t.neg', (-1, 1)),
      ('t.none', (None, 1)),
      'just a string',
      ('three', (1, 2, 3)),
      ('ok.2', (1700000001, '7')),
    ]`;
    for (const payload of pickledByPython(expression, ALL_PROTOCOLS)) {
      const decoded = decodePickle(payload, undefined, 3);
      expect(decoded.ok).toBe(true);
      expect(decoded.keys).toEqual(['ok.1', 'ok.2']);
      expect(decoded.values).toEqual([1, 7]);
      expect(decoded.rejections.map((r) => [r.line, r.reason, r.message.slice(0, r.message.indexOf(':'))])).toEqual([
        [3, 'bad_series', 'frame 3, items[1]'],
        [3, 'bad_series', 'frame 3, items[2]'],
        [3, 'bad_series', 'frame 3, items[3]'],
        [3, 'bad_value', 'frame 3, items[4]'],
        [3, 'bad_value', 'frame 3, items[5]'],
        [3, 'nan_value', 'frame 3, items[6]'],
        [3, 'nan_value', 'frame 3, items[7]'],
        [3, 'bad_value', 'frame 3, items[8]'],
        [3, 'bad_timestamp', 'frame 3, items[9]'],
        [3, 'bad_timestamp', 'frame 3, items[10]'],
        [3, 'malformed_line', 'frame 3, items[11]'],
        [3, 'malformed_line', 'frame 3, items[12]'],
      ]);
      const messages = decoded.rejections.map((r) => r.message);
      expect(messages[0]).toBe('frame 3, items[1]: the path must be a string, got int 5');
      expect(messages[1]).toMatch(/^frame 3, items\[2\]: series "has space" is invalid: .*whitespace/);
      expect(messages[3]).toBe('frame 3, items[4]: value of "v.none" must be a number or a numeric string, got None');
      expect(messages[4]).toBe('frame 3, items[5]: value str "abc" of "v.text" is not a decimal number');
      expect(messages[9]).toBe('frame 3, items[10]: timestamp None of "t.none" must be Unix seconds');
      expect(messages[10]).toBe('frame 3, items[11]: expected a (path, (timestamp, value)) tuple, got str "just a string"');
      expect(messages[11]).toBe('frame 3, items[12]: expected (timestamp, value) for "three", got a tuple of 3');
    }
  });

  it('refuses a pickle that would call os.system, naming the opcode and its offset, and runs nothing', () => {
    const marker = join(markerDir, 'pwned');
    const prelude = `
import os
class Evil:
    def __reduce__(self):
        return (os.system, (${JSON.stringify(`touch ${marker}`)},))
`;
    const payloads = pickledByPython("[('good', (1700000000, 1))] * 1001 + [Evil()]", ALL_PROTOCOLS, prelude);
    const offsets = JSON.parse(
      runPython(
        `import json, pickletools, sys
offsets = []
for hex in json.load(sys.stdin):
    offsets.append(next(pos for op, arg, pos in pickletools.genops(bytes.fromhex(hex)) if op.name in ('GLOBAL', 'STACK_GLOBAL')))
print(json.dumps(offsets))`,
        { input: JSON.stringify(payloads.map((p) => p.toString('hex'))) },
      ),
    ) as number[];
    for (const [protocol, payload] of payloads.entries()) {
      const decoded = decodePickle(payload, undefined, 2);
      // Python appended the first 1000 good items before the object: the whole frame is dropped all the same.
      expect(decoded.ok).toBe(false);
      expect(decoded.keys).toEqual([]);
      expect(decoded.rejections).toHaveLength(1);
      const opcode = protocol >= 4 ? 'STACK_GLOBAL (0x93)' : 'GLOBAL (0x63)';
      expect(decoded.rejections[0]).toEqual({
        line: 2,
        reason: 'malformed_line',
        message: `cannot unpickle frame 2: opcode ${opcode} at offset ${offsets[protocol]} is refused: only a list of (path, (timestamp, value)) tuples is accepted`,
      });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses every opcode that calls, builds or makes another container', () => {
    const refused: [number, string][] = [
      [0x52, 'REDUCE'],
      [0x62, 'BUILD'],
      [0x63, 'GLOBAL'],
      [0x69, 'INST'],
      [0x6f, 'OBJ'],
      [0x81, 'NEWOBJ'],
      [0x92, 'NEWOBJ_EX'],
      [0x93, 'STACK_GLOBAL'],
      [0x50, 'PERSID'],
      [0x51, 'BINPERSID'],
      [0x82, 'EXT1'],
      [0x7d, 'EMPTY_DICT'],
      [0x8f, 'EMPTY_SET'],
      [0x91, 'FROZENSET'],
      [0x96, 'BYTEARRAY8'],
      [0x97, 'NEXT_BUFFER'],
      [0x30, 'POP'],
    ];
    for (const [code, name] of refused) {
      // PROTO 2, EMPTY_LIST, NONE, EMPTY_TUPLE, then the opcode.
      const decoded = decodePickle(Buffer.from([0x80, 0x02, 0x5d, 0x4e, 0x29, code, 0x2e]));
      expect(decoded.rejections[0]!.message).toBe(
        `cannot unpickle frame 1: opcode ${name} (0x${code.toString(16)}) at offset 5 is refused: only a list of (path, (timestamp, value)) tuples is accepted`,
      );
    }
    expect(decodePickle(Buffer.from([0x80, 0x02, 0xff])).rejections[0]!.message).toBe(
      'cannot unpickle frame 1: unknown opcode 0xff at offset 2 is refused: only a list of (path, (timestamp, value)) tuples is accepted',
    );
  });

  it('refuses what Python 3 writes for dicts, sets and protocol 2 bytes, and takes bytes paths from protocol 3 on', () => {
    const [dict, set] = pickledEachByPython(["{'a.b': (1, 2)}", "set(['a'])"], 4);
    expect(decodePickle(dict!).rejections[0]!.message).toContain('opcode EMPTY_DICT (0x7d) at offset 11 is refused');
    expect(decodePickle(set!).rejections[0]!.message).toContain('opcode EMPTY_SET (0x8f)');
    const [bytes2, bytes3, bytes5] = pickledByPython("[(b'b.path', (1700000000, 4))]", [2, 3, 5]);
    expect(decodePickle(bytes2!).rejections[0]!.message).toContain('opcode GLOBAL (0x63)');
    expect(decodePickle(bytes3!).keys).toEqual(['b.path']);
    expect(decodePickle(bytes5!).values).toEqual([4]);
  });

  it('rejects a frame that is not a well-formed list of items, saying why', () => {
    const [tuple, int, nestedValue, nestedItems, good] = pickledEachByPython(["('a', (1, 2))", '5', "[('a', [1, 2])]", "[[('a', (1, 2))]]", "[('a', (1700000000, 2))]"], 2);
    const cause = (payload: Buffer): string => decodePickle(payload).rejections[0]!.message.replace('cannot unpickle frame 1: ', '');
    expect(cause(tuple!)).toBe('the frame holds a tuple of 2; only a list of (path, (timestamp, value)) tuples is accepted');
    expect(cause(int!)).toBe('the frame holds int 5; only a list of (path, (timestamp, value)) tuples is accepted');
    expect(cause(nestedValue!)).toMatch(/^opcode APPENDS \(0x65\) at offset \d+ appends to a list other than the first/);
    expect(cause(nestedItems!)).toMatch(/^opcode APPEND \(0x61\) at offset \d+ appends to a list other than the first/);

    expect(cause(Buffer.alloc(0))).toBe('the frame of 0 bytes ends without STOP');
    // PROTO 2, EMPTY_LIST, BINPUT 0, then BINUNICODE with its length cut short.
    expect(cause(good!.subarray(0, 8))).toBe('opcode BINUNICODE (0x58) at offset 5 runs past the end of the frame');
    expect(cause(Buffer.concat([good!, Buffer.from('N')]))).toBe(`1 bytes follow STOP at offset ${good!.length - 1}`);
    expect(cause(Buffer.from([0x80, 0x06, 0x5d, 0x2e]))).toBe('PROTO at offset 0 announces protocol 6; at most 5 is supported');
    expect(cause(Buffer.from([0x80, 0x02, 0x5d, 0x68, 0x05, 0x2e]))).toBe('opcode BINGET (0x68) at offset 3 reads memo index 5, which holds nothing');
    expect(cause(Buffer.from([0x80, 0x02, 0x5d, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x2e]))).toBe("opcode BINUNICODE (0x58) at offset 3 gives 2147483647, more than the frame's 9 bytes");
    expect(cause(Buffer.from([0x80, 0x02, 0x5d, 0x72, 0x00, 0x00, 0x00, 0xf0, 0x2e]))).toBe("opcode LONG_BINPUT (0x72) at offset 3 gives 4026531840, more than the frame's 9 bytes");
    expect(cause(Buffer.from(']p99\n.', 'latin1'))).toBe('memo index 99 at offset 1 is beyond what a frame of 6 bytes can use');
    expect(cause(Buffer.from([0x5d, 0x4e, 0x2e]))).toBe('STOP at offset 2 leaves 2 values on the stack; expected the list alone');
    expect(cause(Buffer.from([0x5d, 0x28, 0x2e]))).toBe('STOP at offset 2 leaves 1 values and an open MARK on the stack; expected the list alone');
    expect(cause(Buffer.from([0x28, 0x4e, 0x65, 0x2e]))).toBe('APPENDS at offset 2 has no list before its MARK');
    expect(cause(Buffer.from('(lp0\nI12x\n', 'latin1'))).toBe('opcode INT (0x49) at offset 5 has argument "12x", not an integer');
    expect(cause(Buffer.from("(S'abc\n", 'latin1'))).toBe('the STRING argument must be quoted (offset 1)');
  });

  it('starts every frame afresh: a failed frame leaves nothing behind, and memo entries do not carry over', () => {
    const decoder = new PickleFrameDecoder(new SeriesKeyCache(1024));
    const [good] = pickledByPython("[('a.b', (1700000000, 1)), ('a.b', (1700000001, 2))]", [2]);
    expect(decodePickle(Buffer.from([0x80, 0x02, 0x5d, 0x28, 0x63]), decoder).ok).toBe(false);
    expect(decodePickle(good!, decoder)).toMatchObject({ ok: true, keys: ['a.b', 'a.b'], values: [1, 2] });
    // The previous frame memoised 'a.b' at index 1; this frame reads index 1 without storing it.
    expect(decodePickle(Buffer.from([0x80, 0x02, 0x5d, 0x68, 0x01, 0x2e]), decoder).rejections[0]!.message).toContain('reads memo index 1, which holds nothing');
    expect(decodePickle(good!, decoder).keys).toEqual(['a.b', 'a.b']);
    // A frame far larger than the decoder keeps room for (200,000 values and tuples) leaves it working.
    const huge = Buffer.concat([Buffer.from([0x5d, 0x28]), Buffer.alloc(200_000, 0x4e), Buffer.from([0x74, 0x2e])]);
    expect(decodePickle(huge, decoder).rejections[0]!.message).toBe('cannot unpickle frame 1: STOP at offset 200003 leaves 2 values on the stack; expected the list alone');
    expect(decodePickle(good!, decoder).keys).toEqual(['a.b', 'a.b']);
  });
});
