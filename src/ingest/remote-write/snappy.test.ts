import { compress, uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/index.js';
import { RemoteWriteFormatError } from './format-error.js';
import { SnappyBlockDecoder } from './snappy.js';
import { formatErrorOf } from './test-support.js';

const LIMIT = 64 * 1024 * 1024;

/** Bytes with long repeats, short repeats and noise, so every element type of the format occurs. */
function sample(lengthBytes: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.alloc(lengthBytes);
  const words = ['__name__', 'http_requests_total', 'instance', 'job', 'node-exporter', 'le', '0.005'];
  let pos = 0;
  while (pos < lengthBytes) {
    const pick = random();
    if (pick < 0.6) pos += out.write(words[Math.floor(random() * words.length)]!, pos);
    else if (pick < 0.8 && pos > 0) {
      out[pos] = out[pos - 1]!;
      pos++;
    }
    else out[pos++] = Math.floor(random() * 256);
  }
  return out;
}

describe('SnappyBlockDecoder', () => {
  it('decodes what snappyjs compresses, for sizes from empty to several blocks', () => {
    const decoder = new SnappyBlockDecoder();
    for (const [i, size] of [0, 1, 5, 59, 60, 61, 255, 256, 65_535, 65_536, 70_000, 300_000].entries()) {
      const original = sample(size, i + 1);
      const decoded = decoder.decode(Buffer.from(compress(original)), LIMIT);
      expect(Buffer.compare(decoded, original), `size ${size}`).toBe(0);
    }
  });

  it('decodes literals with 1- to 4-byte lengths, and 1-, 2- and 4-byte copy offsets', () => {
    const decoder = new SnappyBlockDecoder();
    const literal = (bytes: Buffer): Buffer => {
      const n = bytes.length - 1;
      if (n < 60) return Buffer.concat([Buffer.from([n << 2]), bytes]);
      const size = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      const len = Buffer.alloc(4);
      len.writeUInt32LE(n);
      return Buffer.concat([Buffer.from([(59 + size) << 2]), len.subarray(0, size), bytes]);
    };
    const text = sample(70_000, 9);
    // A preamble of 70,094 bytes, 70,000 literal bytes (3-byte length), then 10 bytes from 3 back (1-byte offset, overlapping),
    // 64 bytes from 70,000 back (4-byte offset), 20 bytes from 1,000 back (2-byte offset).
    const stream = Buffer.concat([
      Buffer.from([0xce, 0xa3, 0x04]),
      literal(text),
      Buffer.from([((10 - 4) << 2) | 1, 3]),
      Buffer.from([(63 << 2) | 3, 0x70, 0x11, 0x01, 0x00]),
      Buffer.from([(19 << 2) | 2, 0xe8, 0x03]),
    ]);
    const expected = Buffer.alloc(70_000 + 10 + 64 + 20);
    text.copy(expected);
    let pos = 70_000;
    for (let i = 0; i < 10; i++, pos++) expected[pos] = expected[pos - 3]!;
    expected.copy(expected, pos, pos - 70_000, pos - 70_000 + 64);
    pos += 64;
    expected.copy(expected, pos, pos - 1000, pos - 1000 + 20);
    const decoded = decoder.decode(stream, LIMIT);
    expect(Buffer.compare(decoded, expected)).toBe(0);
    expect(Buffer.compare(Buffer.from(uncompress(new Uint8Array(stream))), expected)).toBe(0);
  });

  it('reuses its buffer: a result is valid until the next decode', () => {
    const decoder = new SnappyBlockDecoder();
    const first = decoder.decode(Buffer.from(compress(Buffer.from('first body'))), LIMIT);
    expect(first.toString()).toBe('first body');
    const second = decoder.decode(Buffer.from(compress(Buffer.from('other body'))), LIMIT);
    expect(second.toString()).toBe('other body');
    expect(second.buffer).toBe(first.buffer);
  });

  it('decodes a body larger than the buffer it keeps, and smaller ones after it into its own buffer', () => {
    const decoder = new SnappyBlockDecoder();
    const small = sample(1000, 5);
    const kept = decoder.decode(Buffer.from(compress(small)), LIMIT);
    const large = sample(5 * 1024 * 1024, 6);
    expect(Buffer.compare(decoder.decode(Buffer.from(compress(large)), LIMIT), large)).toBe(0);
    const again = decoder.decode(Buffer.from(compress(small)), LIMIT);
    expect(Buffer.compare(again, small)).toBe(0);
    expect(again.buffer).toBe(kept.buffer);
  });

  it('refuses a stream that declares more than the limit before decoding anything', () => {
    const err = formatErrorOf(() => new SnappyBlockDecoder().decode(Buffer.from(compress(Buffer.alloc(1000))), 999));
    expect(err.problem).toBe('too_large');
    expect(err.message).toBe('cannot decompress snappy body: it declares 1000 bytes, more than the 999 byte limit');
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'the stream ends inside its length preamble (0 bytes)'],
    ['a cut preamble', Buffer.from([0x80, 0x80]), 'the stream ends inside its length preamble (2 bytes)'],
    ['a 6-byte preamble', Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'its length preamble is longer than 5 bytes'],
    ['a literal past the end', Buffer.from([5, 4 << 2, 0x61, 0x62]), 'a literal of 5 bytes at byte 2 runs past the end'],
    ['a cut literal length', Buffer.from([100, 61 << 2, 0x10]), "a literal's length is cut off at byte 2"],
    ['a copy before any output', Buffer.from([4, 1, 1]), 'a copy at byte 3 refers 1 bytes back from output byte 0'],
    ['a zero offset', Buffer.from([6, 1 << 2, 0x61, 0x62, 1, 0]), 'a copy at byte 6 refers 0 bytes back from output byte 2'],
    ['a cut copy', Buffer.from([6, 1 << 2, 0x61, 0x62, (3 << 2) | 2, 1]), 'a copy is cut off at byte 5'],
    ['more output than declared', Buffer.from([1, 1 << 2, 0x61, 0x62]), 'it decodes to more than the 1 bytes it declares'],
    ['less output than declared', Buffer.from([3, 1 << 2, 0x61, 0x62]), 'it decodes to 2 bytes but declares 3'],
    ['a framed stream', Buffer.from('ff060000734e6150705901', 'hex'), "it is in snappy's framed format; remote write sends the block format"],
  ])('refuses %s with a message that says where', (_name, stream, cause) => {
    const err = formatErrorOf(() => new SnappyBlockDecoder().decode(stream, LIMIT));
    expect(err.problem).toBe('malformed');
    expect(err.message).toBe(`cannot decompress snappy body: ${cause}`);
  });

  it('never throws anything but RemoteWriteFormatError on corrupted streams', () => {
    const random = seededRandom(42);
    const decoder = new SnappyBlockDecoder();
    const valid = Buffer.from(compress(sample(5000, 3)));
    for (let trial = 0; trial < 2000; trial++) {
      const bad = Buffer.from(valid);
      for (let k = 0; k < 3; k++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      const cut = bad.subarray(0, Math.floor(random() * bad.length) + 1);
      try {
        const out = decoder.decode(cut, 1 << 20);
        expect(out.length).toBeLessThanOrEqual(1 << 20);
      } catch (err) {
        expect(err).toBeInstanceOf(RemoteWriteFormatError);
      }
    }
  });
});
