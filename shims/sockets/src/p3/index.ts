/**
 * `wasi:sockets@0.3.0`: as in 0.2, browsers have no raw sockets and weft grants no network
 * capability, so no socket can be created and no name resolved. Sockets come only from
 * `create`, which fails: the resources' methods are there for the glue to find, and no
 * guest can reach them.
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

function unreachable(what: string): never {
  throw new Error(`wasi:sockets/types: ${what} called on a socket that cannot exist: weft supports no sockets`);
}

function notSupported(): never {
  throw { tag: 'not-supported' } satisfies ErrorCode;
}

/** `wasi:sockets/types#tcp-socket` (0.3). */
export class TcpSocket {
  static create(addressFamily: IpAddressFamily): TcpSocket {
    checkFamily(addressFamily, 'wasi:sockets/types#[static]tcp-socket.create: address-family');
    return notSupported();
  }
  bind(): never {
    return unreachable('tcp-socket.bind');
  }
  connect(): never {
    return unreachable('tcp-socket.connect');
  }
  listen(): never {
    return unreachable('tcp-socket.listen');
  }
  send(): never {
    return unreachable('tcp-socket.send');
  }
  receive(): never {
    return unreachable('tcp-socket.receive');
  }
  getLocalAddress(): never {
    return unreachable('tcp-socket.get-local-address');
  }
  getRemoteAddress(): never {
    return unreachable('tcp-socket.get-remote-address');
  }
  getIsListening(): never {
    return unreachable('tcp-socket.get-is-listening');
  }
  getAddressFamily(): never {
    return unreachable('tcp-socket.get-address-family');
  }
  setListenBacklogSize(): never {
    return unreachable('tcp-socket.set-listen-backlog-size');
  }
  getKeepAliveEnabled(): never {
    return unreachable('tcp-socket.get-keep-alive-enabled');
  }
  setKeepAliveEnabled(): never {
    return unreachable('tcp-socket.set-keep-alive-enabled');
  }
  getKeepAliveIdleTime(): never {
    return unreachable('tcp-socket.get-keep-alive-idle-time');
  }
  setKeepAliveIdleTime(): never {
    return unreachable('tcp-socket.set-keep-alive-idle-time');
  }
  getKeepAliveInterval(): never {
    return unreachable('tcp-socket.get-keep-alive-interval');
  }
  setKeepAliveInterval(): never {
    return unreachable('tcp-socket.set-keep-alive-interval');
  }
  getKeepAliveCount(): never {
    return unreachable('tcp-socket.get-keep-alive-count');
  }
  setKeepAliveCount(): never {
    return unreachable('tcp-socket.set-keep-alive-count');
  }
  getHopLimit(): never {
    return unreachable('tcp-socket.get-hop-limit');
  }
  setHopLimit(): never {
    return unreachable('tcp-socket.set-hop-limit');
  }
  getReceiveBufferSize(): never {
    return unreachable('tcp-socket.get-receive-buffer-size');
  }
  setReceiveBufferSize(): never {
    return unreachable('tcp-socket.set-receive-buffer-size');
  }
  getSendBufferSize(): never {
    return unreachable('tcp-socket.get-send-buffer-size');
  }
  setSendBufferSize(): never {
    return unreachable('tcp-socket.set-send-buffer-size');
  }
}

/** `wasi:sockets/types#udp-socket` (0.3). */
export class UdpSocket {
  static create(addressFamily: IpAddressFamily): UdpSocket {
    checkFamily(addressFamily, 'wasi:sockets/types#[static]udp-socket.create: address-family');
    return notSupported();
  }
  bind(): never {
    return unreachable('udp-socket.bind');
  }
  connect(): never {
    return unreachable('udp-socket.connect');
  }
  disconnect(): never {
    return unreachable('udp-socket.disconnect');
  }
  send(): never {
    return unreachable('udp-socket.send');
  }
  receive(): never {
    return unreachable('udp-socket.receive');
  }
  getLocalAddress(): never {
    return unreachable('udp-socket.get-local-address');
  }
  getRemoteAddress(): never {
    return unreachable('udp-socket.get-remote-address');
  }
  getAddressFamily(): never {
    return unreachable('udp-socket.get-address-family');
  }
  getUnicastHopLimit(): never {
    return unreachable('udp-socket.get-unicast-hop-limit');
  }
  setUnicastHopLimit(): never {
    return unreachable('udp-socket.set-unicast-hop-limit');
  }
  getReceiveBufferSize(): never {
    return unreachable('udp-socket.get-receive-buffer-size');
  }
  setReceiveBufferSize(): never {
    return unreachable('udp-socket.set-receive-buffer-size');
  }
  getSendBufferSize(): never {
    return unreachable('udp-socket.get-send-buffer-size');
  }
  setSendBufferSize(): never {
    return unreachable('udp-socket.set-send-buffer-size');
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
