import { describe, expect, it } from 'vitest';
import { KeyedPointsBuilder } from '../../model/index.js';
import type { Rejection } from '../../model/index.js';
import { SeriesKeyCache } from '../graphite/key-cache.js';
import type { PickleFrameCounts } from './framing.js';
import { PickleFrameStream } from './framing.js';
import { framed, pickledByPython } from './test-support.js';
import { PickleFrameDecoder } from './unpickle.js';

function streamOf(maxFrameBytes = 1 << 20): { stream: PickleFrameStream; counts: PickleFrameCounts } {
  const counts: PickleFrameCounts = { decoded: 0, rejected: 0 };
  return { stream: new PickleFrameStream(maxFrameBytes, new PickleFrameDecoder(new SeriesKeyCache(1024)), counts), counts };
}

/** Pushes `bytes` cut into chunks of `chunkBytes`; returns what came out and whether the stream stayed in step. */
function pushInChunks(stream: PickleFrameStream, bytes: Buffer, chunkBytes: number): { keys: string[]; values: number[]; rejections: Rejection[]; inStep: boolean } {
  const out = new KeyedPointsBuilder(4);
  const rejections: Rejection[] = [];
  let inStep = true;
  for (let i = 0; i < bytes.length; i += chunkBytes) inStep = stream.push(bytes.subarray(i, i + chunkBytes), out, rejections) && inStep;
  const points = out.finish();
  return { keys: [...points.keys], values: [...points.values], rejections, inStep };
}

describe('PickleFrameStream', () => {
  const [first, second] = pickledByPython("[('a.one', (1700000000, 1)), ('a.two', (1700000000, 2))]", [2, 0]).map(framed);
  const malicious = framed(Buffer.from("cos\nsystem\n(S'true'\ntR.", 'latin1'));
  const stream3 = Buffer.concat([first!, malicious, second!]);

  it('gives the same points and rejections wherever the chunks cut the frames and their headers', () => {
    const whole = pushInChunks(streamOf().stream, stream3, stream3.length);
    expect(whole.keys).toEqual(['a.one', 'a.two', 'a.one', 'a.two']);
    expect(whole.values).toEqual([1, 2, 1, 2]);
    expect(whole.rejections).toEqual([
      { line: 2, reason: 'malformed_line', message: expect.stringMatching(/^cannot unpickle frame 2: opcode GLOBAL \(0x63\) at offset 0 is refused/) as unknown as string },
    ]);
    for (let chunkBytes = 1; chunkBytes < stream3.length; chunkBytes++) {
      const { stream, counts } = streamOf();
      expect({ chunkBytes, ...pushInChunks(stream, stream3, chunkBytes) }).toEqual({ chunkBytes, ...whole });
      expect(counts).toEqual({ decoded: 2, rejected: 1 });
    }
  });

  it('rejects a frame over the limit, loses step, and reads nothing after it', () => {
    const { stream, counts } = streamOf(first!.length - 5);
    const result = pushInChunks(stream, Buffer.concat([first!, second!]), 3);
    expect(result.inStep).toBe(false);
    expect(result.keys).toEqual([]);
    expect(result.rejections).toEqual([
      { line: 1, reason: 'line_too_long', message: `cannot read frame 1: its length of ${first!.length - 4} bytes is over the limit of ${first!.length - 5}; the connection is closed` },
    ]);
    expect(counts).toEqual({ decoded: 0, rejected: 1 });
  });

  it('rejects a frame the sender left unfinished when it closed, and nothing when it closed between frames', () => {
    for (const cut of [2, 4, first!.length - 1]) {
      const { stream, counts } = streamOf();
      const result = pushInChunks(stream, Buffer.concat([first!, first!.subarray(0, cut)]), 5);
      const rejections: Rejection[] = [];
      stream.end(rejections);
      expect(result.keys).toEqual(['a.one', 'a.two']);
      const expected = cut < 4 ? `the connection closed after ${cut} of its 4 length bytes` : `the connection closed after ${cut - 4} of its ${first!.length - 4} bytes`;
      expect(rejections).toEqual([{ line: 2, reason: 'malformed_line', message: `cannot read frame 2: ${expected}` }]);
      expect(counts).toEqual({ decoded: 1, rejected: 1 });
    }
    const { stream } = streamOf();
    pushInChunks(stream, first!, 7);
    const rejections: Rejection[] = [];
    stream.end(rejections);
    expect(rejections).toEqual([]);
  });
});
