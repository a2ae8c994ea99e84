/**
 * `wasi:sockets@0.3.0`: as in 0.2, browsers have no raw sockets and weft grants no network
 * capability, so no socket can be created and no name resolved. Sockets come only from
 * `create`, which fails, so the resources have no other methods to reach.
 */
import { checkFamily } from '../family.js';
import type { IpAddressFamily } from '../index.js';

export type { IpAddress, IpAddressFamily, IpSocketAddress } from '../index.js';

/** `wasi:sockets/types#error-code` (0.3). */
export type ErrorCode =
  | { tag: 'access-denied' | 'not-supported' | 'invalid-argument' | 'out-of-memory' | 'timeout' | 'invalid-state' }
  | { tag: 'address-not-bindable' | 'address-in-use' | 'remote-unreachable' | 'connection-refused' | 'connection-broken' }
  | { tag: 'connection-reset' | 'connection-aborted' | 'datagram-too-large' }
  | { tag: 'other'; val: string | undefined };

/** `wasi:sockets/ip-name-lookup#error-code`. */
export type LookupErrorCode =
  | { tag: 'access-denied' | 'invalid-argument' | 'name-unresolvable' | 'temporary-resolver-failure' | 'permanent-resolver-failure' }
  | { tag: 'other'; val: string | undefined };

function notSupported(): never {
  throw { tag: 'not-supported' } satisfies ErrorCode;
}

/** `wasi:sockets/types#tcp-socket` (0.3). */
export class TcpSocket {
  static create(addressFamily: IpAddressFamily): TcpSocket {
    checkFamily(addressFamily, 'wasi:sockets/types#[static]tcp-socket.create: address-family');
    return notSupported();
  }
}

/** `wasi:sockets/types#udp-socket` (0.3). */
export class UdpSocket {
  static create(addressFamily: IpAddressFamily): UdpSocket {
    checkFamily(addressFamily, 'wasi:sockets/types#[static]udp-socket.create: address-family');
    return notSupported();
  }
}

export const types = { TcpSocket, UdpSocket };

export const ipNameLookup = {
  /** Lookup's error code has no not-supported case; `other` says it in its words. */
  resolveAddresses(name: string): Promise<never> {
    if (typeof name !== 'string') throw new TypeError('wasi:sockets/ip-name-lookup#resolve-addresses: name: expected a string');
    return Promise.reject({ tag: 'other', val: 'not-supported: weft resolves no names' } satisfies LookupErrorCode);
  },
};
