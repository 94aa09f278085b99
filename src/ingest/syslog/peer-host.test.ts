import { describe, expect, it } from 'vitest';
import { peerHost, peerLabel } from './peer-host.js';

describe('peerHost', () => {
  it('writes IPv4 seen through a dual-stack socket as plain IPv4, and keeps other addresses', () => {
    expect(peerHost('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(peerHost('192.0.2.1')).toBe('192.0.2.1');
    expect(peerHost('2001:db8::1')).toBe('2001:db8::1');
    expect(peerHost('::ffff:abcd')).toBe('::ffff:abcd');
    expect(peerHost(undefined)).toBe('');
  });
});

describe('peerLabel', () => {
  it('names address and port, bracketing IPv6', () => {
    expect(peerLabel('::ffff:192.0.2.1', 51234)).toBe('192.0.2.1:51234');
    expect(peerLabel('2001:db8::1', 514)).toBe('[2001:db8::1]:514');
    expect(peerLabel(undefined, undefined)).toBe('unknown peer');
  });
});
