import { isIPv4, isIPv6 } from 'node:net';

const V4_MAPPED_PREFIX = '::ffff:';

/**
 * The host given to records from a peer whose messages name none: its address, with an IPv4 address
 * seen through a dual-stack socket (`::ffff:192.0.2.1`) written as plain IPv4; `''` when unknown.
 */
export function peerHost(address: string | undefined): string {
  if (address === undefined) return '';
  const v4 = address.startsWith(V4_MAPPED_PREFIX) ? address.slice(V4_MAPPED_PREFIX.length) : '';
  return isIPv4(v4) ? v4 : address;
}

/** How rejections name a sender: `192.0.2.1:51234`, `[2001:db8::1]:51234`. */
export function peerLabel(address: string | undefined, port: number | undefined): string {
  const host = peerHost(address);
  const shown = isIPv6(host) ? `[${host}]` : host || 'unknown peer';
  return port === undefined ? shown : `${shown}:${port}`;
}
