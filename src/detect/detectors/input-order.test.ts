import { describe, expect, it } from 'vitest';
import { InputOrder, readInputOrder } from './input-order.js';

describe('InputOrder', () => {
  it('accepts finite points in strictly increasing time order only', () => {
    const order = new InputOrder();
    expect(order.accept(1000, 5)).toBe(true);
    expect(order.accept(1000, 6)).toBe(false);
    expect(order.accept(999, 6)).toBe(false);
    expect(order.accept(2000, NaN)).toBe(false);
    expect(order.accept(2000, -Infinity)).toBe(false);
    expect(order.accept(NaN, 1)).toBe(false);
    expect(order.accept(Infinity, 1)).toBe(false);
    expect(order.snapshot()).toEqual({ lastTimestampMs: 1000 });
    expect(order.accept(1001, 0)).toBe(true);
  });

  it('snapshots "nothing accepted yet" as null and restores both states', () => {
    const order = new InputOrder();
    expect(order.snapshot()).toEqual({ lastTimestampMs: null });
    order.restore({ lastTimestampMs: 5000 });
    expect(order.accept(5000, 1)).toBe(false);
    expect(order.accept(5001, 1)).toBe(true);
    order.restore({ lastTimestampMs: null });
    expect(order.accept(-1e15, 1)).toBe(true);
  });

  it('reads lastTimestampMs from state data, naming the detector when it is wrong', () => {
    expect(readInputOrder({ lastTimestampMs: 7, other: 'x' }, 'd')).toEqual({ lastTimestampMs: 7 });
    expect(readInputOrder({ lastTimestampMs: null }, 'd')).toEqual({ lastTimestampMs: null });
    expect(() => readInputOrder({}, 'rcf')).toThrow('cannot restore detector rcf: lastTimestampMs must be a finite number, got undefined');
  });
});
