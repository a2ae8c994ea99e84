import type { IoError, Pollable } from '@weft/wasi-io';
import { checkFamily } from './family.js';

/**
 * Browsers have no raw sockets and weft grants no network capability, so every socket
 * operation reports `not-supported`. Functions whose WIT result carries an `error-code`
 * throw that code; the glue turns it into the guest's `err` case. Socket resources can
 * never be created, so their non-result methods are unreachable and throw a plain Error.
 */
export type ErrorCode =
  | 'unknown'
  | 'access-denied'
  | 'not-supported'
  | 'invalid-argument'
  | 'out-of-memory'
  | 'timeout'
  | 'concurrency-conflict'
  | 'not-in-progress'
  | 'would-block'
  | 'invalid-state'
  | 'new-socket-limit'
  | 'address-not-bindable'
  | 'address-in-use'
  | 'remote-unreachable'
  | 'connection-refused'
  | 'connection-reset'
  | 'connection-aborted'
  | 'datagram-too-large'
  | 'name-unresolvable'
  | 'temporary-resolver-failure'
  | 'permanent-resolver-failure';

export type IpAddressFamily = 'ipv4' | 'ipv6';

export type IpAddress = { tag: 'ipv4'; val: [number, number, number, number] } | { tag: 'ipv6'; val: number[] };

export type IpSocketAddress =
  | { tag: 'ipv4'; val: { port: number; address: [number, number, number, number] } }
  | { tag: 'ipv6'; val: { port: number; flowInfo: number; address: number[]; scopeId: number } };

function notSupported(): never {
  throw 'not-supported' satisfies ErrorCode;
}

function unreachable(what: string): never {
  throw new Error(`wasi:sockets: ${what} called on a socket that cannot exist: weft supports no sockets`);
}

/** `wasi:sockets/network#network`: a capability that grants nothing here. */
export class Network {}

export class ResolveAddressStream {
  resolveNextAddress(): IpAddress | undefined {
    return notSupported();
  }
  subscribe(): Pollable {
    return unreachable('resolve-address-stream.subscribe');
  }
}

export class TcpSocket {
  startBind(_network: Network, _localAddress: IpSocketAddress): void {
    notSupported();
  }
  finishBind(): void {
    notSupported();
  }
  startConnect(_network: Network, _remoteAddress: IpSocketAddress): void {
    notSupported();
  }
  finishConnect(): never {
    return notSupported();
  }
  startListen(): void {
    notSupported();
  }
  finishListen(): void {
    notSupported();
  }
  accept(): never {
    return notSupported();
  }
  localAddress(): IpSocketAddress {
    return notSupported();
  }
  remoteAddress(): IpSocketAddress {
    return notSupported();
  }
  isListening(): boolean {
    return unreachable('tcp-socket.is-listening');
  }
  addressFamily(): IpAddressFamily {
    return unreachable('tcp-socket.address-family');
  }
  setListenBacklogSize(_value: bigint): void {
    notSupported();
  }
  keepAliveEnabled(): boolean {
    return notSupported();
  }
  setKeepAliveEnabled(_value: boolean): void {
    notSupported();
  }
  keepAliveIdleTime(): bigint {
    return notSupported();
  }
  setKeepAliveIdleTime(_value: bigint): void {
    notSupported();
  }
  keepAliveInterval(): bigint {
    return notSupported();
  }
  setKeepAliveInterval(_value: bigint): void {
    notSupported();
  }
  keepAliveCount(): number {
    return notSupported();
  }
  setKeepAliveCount(_value: number): void {
    notSupported();
  }
  hopLimit(): number {
    return notSupported();
  }
  setHopLimit(_value: number): void {
    notSupported();
  }
  receiveBufferSize(): bigint {
    return notSupported();
  }
  setReceiveBufferSize(_value: bigint): void {
    notSupported();
  }
  sendBufferSize(): bigint {
    return notSupported();
  }
  setSendBufferSize(_value: bigint): void {
    notSupported();
  }
  subscribe(): Pollable {
    return unreachable('tcp-socket.subscribe');
  }
  shutdown(_shutdownType: 'receive' | 'send' | 'both'): void {
    notSupported();
  }
}

export class IncomingDatagramStream {
  receive(_maxResults: bigint): never {
    return notSupported();
  }
  subscribe(): Pollable {
    return unreachable('incoming-datagram-stream.subscribe');
  }
}

export class OutgoingDatagramStream {
  checkSend(): bigint {
    return notSupported();
  }
  send(_datagrams: unknown[]): bigint {
    return notSupported();
  }
  subscribe(): Pollable {
    return unreachable('outgoing-datagram-stream.subscribe');
  }
}

export class UdpSocket {
  startBind(_network: Network, _localAddress: IpSocketAddress): void {
    notSupported();
  }
  finishBind(): void {
    notSupported();
  }
  stream(_remoteAddress: IpSocketAddress | undefined): [IncomingDatagramStream, OutgoingDatagramStream] {
    return notSupported();
  }
  localAddress(): IpSocketAddress {
    return notSupported();
  }
  remoteAddress(): IpSocketAddress {
    return notSupported();
  }
  addressFamily(): IpAddressFamily {
    return unreachable('udp-socket.address-family');
  }
  unicastHopLimit(): number {
    return notSupported();
  }
  setUnicastHopLimit(_value: number): void {
    notSupported();
  }
  receiveBufferSize(): bigint {
    return notSupported();
  }
  setReceiveBufferSize(_value: bigint): void {
    notSupported();
  }
  sendBufferSize(): bigint {
    return notSupported();
  }
  setSendBufferSize(_value: bigint): void {
    notSupported();
  }
  subscribe(): Pollable {
    return unreachable('udp-socket.subscribe');
  }
}

const theNetwork = new Network();

export const network = {
  Network,
  /** No `wasi:io/error` ever comes from a socket here, so none carries a socket error code. */
  networkErrorCode(_err: IoError): ErrorCode | undefined {
    return undefined;
  },
};

export const instanceNetwork = {
  instanceNetwork: (): Network => theNetwork,
};

export const ipNameLookup = {
  ResolveAddressStream,
  resolveAddresses(_network: Network, name: string): ResolveAddressStream {
    if (typeof name !== 'string') throw new TypeError('resolve-addresses: name must be a string');
    return notSupported();
  },
};

export const tcp = { TcpSocket };

export const tcpCreateSocket = {
  createTcpSocket(addressFamily: IpAddressFamily): TcpSocket {
    checkFamily(addressFamily, 'create-tcp-socket');
    return notSupported();
  },
};

export const udp = { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream };

export const udpCreateSocket = {
  createUdpSocket(addressFamily: IpAddressFamily): UdpSocket {
    checkFamily(addressFamily, 'create-udp-socket');
    return notSupported();
  },
};
