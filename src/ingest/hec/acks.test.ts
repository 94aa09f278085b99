import { describe, expect, it } from 'vitest';
import type { HecAckOptions } from './acks.js';
import { HecAcks } from './acks.js';

const A = 'channel-a';
const B = 'channel-b';

function acksWith(options: Partial<HecAckOptions> = {}): { acks: HecAcks; clock: { nowMs: number } } {
  const clock = { nowMs: 1_000_000 };
  const acks = new HecAcks({ maxPendingAcksPerChannel: 100, maxPendingAcks: 1_000, maxChannels: 10, channelIdleMs: 60_000, nowMs: () => clock.nowMs, ...options });
  return { acks, clock };
}

describe('HecAcks', () => {
  it('numbers requests per channel from 0 and answers true once per durable ackId', () => {
    const { acks } = acksWith();
    const [a0, a1, b0] = [acks.reserve(A)!, acks.reserve(A)!, acks.reserve(B)!];
    expect([a0.ackId, a1.ackId, b0.ackId]).toEqual([0, 1, 0]);
    expect(acks.query(A, [0, 1])).toEqual({ '0': false, '1': false });
    a1.settle(true);
    a0.settle(false);
    a0.settle(true);
    expect(acks.pendingAcks).toBe(2);
    expect(acks.query(A, [0, 1, 1])).toEqual({ '0': false, '1': true });
    expect(acks.query(A, [1])).toEqual({ '1': false });
    expect(acks.query('unknown', [0])).toEqual({ '0': false });
    expect(acks.pendingAcks).toBe(1);
    expect(acks.channelCount).toBe(2);
  });

  it('refuses beyond the per-channel, overall and channel-count bounds', () => {
    const perChannel = acksWith({ maxPendingAcksPerChannel: 2 }).acks;
    const first = perChannel.reserve(A)!;
    perChannel.reserve(A);
    expect(perChannel.reserve(A)).toBeNull();
    first.settle(true);
    expect(perChannel.canReserve(A)).toBe(false);
    perChannel.query(A, [0]);
    expect(perChannel.reserve(A)!.ackId).toBe(2);

    const overall = acksWith({ maxPendingAcks: 2 }).acks;
    overall.reserve(A);
    overall.reserve(B);
    expect(overall.reserve('channel-c')).toBeNull();
    expect(overall.reserve(A)).toBeNull();

    const channels = acksWith({ maxChannels: 2 }).acks;
    channels.reserve(A);
    channels.reserve(B);
    expect(channels.canReserve('channel-c')).toBe(false);
    expect(channels.canReserve(A)).toBe(true);
  });

  it('forgets channels idle for channelIdleMs, and a late settle of a forgotten channel counts nothing', () => {
    const { acks, clock } = acksWith({ channelIdleMs: 60_000 });
    const late = acks.reserve(A)!;
    clock.nowMs += 40_000;
    acks.reserve(B)!.settle(true);
    clock.nowMs += 20_000;
    expect(acks.query(B, [5])).toEqual({ '5': false });
    expect(acks.channelCount).toBe(1);
    expect(acks.pendingAcks).toBe(1);
    late.settle(true);
    expect(acks.pendingAcks).toBe(1);
    expect(acks.reserve(A)!.ackId).toBe(0);
    expect(acks.query(A, [0])).toEqual({ '0': false });
    clock.nowMs += 60_000;
    expect(acks.canReserve(B)).toBe(true);
    expect(acks.channelCount).toBe(0);
    expect(acks.pendingAcks).toBe(0);
  });
});
