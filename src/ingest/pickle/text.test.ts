import { describe, expect, it } from 'vitest';
import { runPython } from './test-support.js';
import { decodeQuotedString, decodeRawUnicodeEscape, ScratchBytes } from './text.js';

function decodeWith(decode: typeof decodeQuotedString, text: Buffer): { bytes: Buffer; problem: string | null } {
  const out = new ScratchBytes();
  const problem = decode(text, 0, text.length, out);
  return { bytes: Buffer.from(out.bytes.subarray(0, out.length)), problem };
}

describe('protocol 0 text', () => {
  it('decodes UNICODE arguments exactly as Python wrote them (raw-unicode-escape)', () => {
    const strings = ['plain.path', 'back\\slash', 'new\nline', 'caf\u00e9', '\u20ac.euro', '\u{1F600}.smile', 'lit\\u0041eral', '\\\\u0041', 'x'.repeat(300)];
    const cases = JSON.parse(
      runPython(
        `import json, pickle, sys
out = []
for s in json.load(sys.stdin):
    p = pickle.dumps(s, protocol=0)
    out.append([p[1:p.index(b'\\n')].hex(), s.encode('utf-8').hex()])
print(json.dumps(out))`,
        { input: JSON.stringify(strings) },
      ),
    ) as [string, string][];
    expect(cases).toHaveLength(strings.length);
    for (const [argument, utf8] of cases) {
      const decoded = decodeWith(decodeRawUnicodeEscape, Buffer.from(argument, 'hex'));
      expect(decoded.problem).toBeNull();
      expect(decoded.bytes.toString('hex')).toBe(utf8);
    }
  });

  it('pairs escaped surrogates as a narrow Python 2 build writes them, and replaces a lone one', () => {
    expect(decodeWith(decodeRawUnicodeEscape, Buffer.from('a\\ud83d\\ude00b')).bytes.toString('utf8')).toBe('a\u{1F600}b');
    expect(decodeWith(decodeRawUnicodeEscape, Buffer.from('a\\ud83db')).bytes.toString('utf8')).toBe('a\uFFFDb');
    expect(decodeWith(decodeRawUnicodeEscape, Buffer.from('a\\u00')).problem).toBe('the UNICODE argument has a truncated \\u escape');
    expect(decodeWith(decodeRawUnicodeEscape, Buffer.from('\\U00110000')).problem).toBe('the UNICODE argument escapes code point 0x110000, beyond Unicode');
  });

  it('decodes STRING arguments (quoted Python 2 literals) as Python escape_decode does', () => {
    const literals = ["'plain'", '"dq\'s"', "'a\\\\b'", "'tab\\there'", "'nl\\n'", "'\\x41\\xff'", "'\\101\\0\\7'", "'keep\\q'", "'quote\\''", "'cont\\\nued'"];
    const expected = JSON.parse(
      runPython(
        `import codecs, json, sys
print(json.dumps([codecs.escape_decode(s[1:-1].encode('latin-1'))[0].hex() for s in json.load(sys.stdin)]))`,
        { input: JSON.stringify(literals) },
      ),
    ) as string[];
    for (const [i, literal] of literals.entries()) {
      const decoded = decodeWith(decodeQuotedString, Buffer.from(literal, 'latin1'));
      expect({ literal, problem: decoded.problem, hex: decoded.bytes.toString('hex') }).toEqual({ literal, problem: null, hex: expected[i] });
    }
    expect(decodeWith(decodeQuotedString, Buffer.from("'open")).problem).toBe('the STRING argument must be quoted');
    expect(decodeWith(decodeQuotedString, Buffer.from("'a\\'")).problem).toBe('the STRING argument ends with a lone backslash');
    expect(decodeWith(decodeQuotedString, Buffer.from("'\\x4'")).problem).toBe('the STRING argument has an invalid \\x escape');
  });
});
