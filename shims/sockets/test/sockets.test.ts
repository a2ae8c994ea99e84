import { describe, expect, it } from 'vitest';
import { thrown } from '../../test-support.js';
import * as sockets from '../src/index.js';

const { instanceNetwork, ipNameLookup, network, tcp, tcpCreateSocket, udp, udpCreateSocket } = sockets;

describe('wasi:sockets', () => {
  it('exports every interface of wasi:sockets under its camelCase name', () => {
    expect(
      Object.keys(sockets)
        .filter((k) => /^[a-z]/.test(k))
        .sort(),
    ).toEqual(['instanceNetwork', 'ipNameLookup', 'network', 'tcp', 'tcpCreateSocket', 'udp', 'udpCreateSocket']);
  });

  it('instance-network hands out a network', () => {
    expect(instanceNetwork.instanceNetwork()).toBeInstanceOf(network.Network);
  });

  it('creating sockets and resolving names report not-supported', () => {
    expect(thrown(() => tcpCreateSocket.createTcpSocket('ipv4'))).toBe('not-supported');
    expect(thrown(() => udpCreateSocket.createUdpSocket('ipv6'))).toBe('not-supported');
    expect(thrown(() => ipNameLookup.resolveAddresses(instanceNetwork.instanceNetwork(), 'example.com'))).toBe('not-supported');
  });

  it('bad arguments are TypeErrors, not error codes', () => {
    expect(() => tcpCreateSocket.createTcpSocket('ipx' as 'ipv4')).toThrow(TypeError);
    expect(() => ipNameLookup.resolveAddresses(instanceNetwork.instanceNetwork(), 5 as unknown as string)).toThrow(TypeError);
  });

  it('no method of any socket resource returns: each throws not-supported or an Error', () => {
    const classes = [tcp.TcpSocket, udp.UdpSocket, udp.IncomingDatagramStream, udp.OutgoingDatagramStream, ipNameLookup.ResolveAddressStream];
    let methods = 0;
    for (const C of classes) {
      const obj = new C() as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const name of Object.getOwnPropertyNames(C.prototype)) {
        if (name === 'constructor') continue;
        methods++;
        const e = thrown(() => obj[name]!());
        expect(e === 'not-supported' || e instanceof Error, `${C.name}.${name}`).toBe(true);
      }
    }
    // tcp-socket, udp-socket, incoming-, outgoing-datagram-stream, resolve-address-stream in WASI 0.2
    expect(methods).toBe(28 + 13 + 2 + 3 + 2);
  });

  it('network-error-code finds no socket code in an io error', () => {
    expect(network.networkErrorCode({} as never)).toBeUndefined();
  });
});
