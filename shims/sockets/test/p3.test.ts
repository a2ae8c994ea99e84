import { describe, expect, it } from 'vitest';
import { thrown } from '../../test-support.js';
import * as p3 from '../src/p3/index.js';

const { ipNameLookup, TcpSocket, types, UdpSocket } = p3;

describe('wasi:sockets@0.3.0', () => {
  it('exports the 0.3 interfaces under their camelCase names', () => {
    expect(
      Object.keys(p3)
        .filter((k) => /^[a-z]/.test(k))
        .sort(),
    ).toEqual(['ipNameLookup', 'types']);
    expect(types).toEqual({ TcpSocket, UdpSocket });
  });

  it('creating a socket reports not-supported', () => {
    expect(thrown(() => TcpSocket.create('ipv4'))).toEqual({ tag: 'not-supported' });
    expect(thrown(() => UdpSocket.create('ipv6'))).toEqual({ tag: 'not-supported' });
  });

  it('resolving a name rejects with other(not-supported), lookup having no such case', async () => {
    await expect(ipNameLookup.resolveAddresses('example.com')).rejects.toEqual({ tag: 'other', val: 'not-supported: weft resolves no names' });
  });

  it('every socket method exists for the glue and none returns', () => {
    for (const cls of [TcpSocket, UdpSocket]) {
      const methods = Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor');
      expect(methods.length).toBeGreaterThan(10);
      for (const m of methods) {
        expect(() => (cls.prototype as unknown as Record<string, () => unknown>)[m]!.call(Object.create(cls.prototype)), m).toThrow(/cannot exist/);
      }
    }
  });

  it('bad arguments are TypeErrors naming function and parameter, not error codes', () => {
    expect(() => TcpSocket.create('ipx' as 'ipv4')).toThrow(/tcp-socket\.create: address-family: "ipx" is not an ip-address-family/);
    expect(() => ipNameLookup.resolveAddresses(5 as unknown as string)).toThrow(/resolve-addresses: name: expected a string/);
  });
});
