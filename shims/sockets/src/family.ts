import type { IpAddressFamily } from './index.js';

/** A TypeError for a JS value that is no `ip-address-family`. */
export function checkFamily(family: IpAddressFamily, what: string): void {
  if (family !== 'ipv4' && family !== 'ipv6') {
    throw new TypeError(`${what}: ${JSON.stringify(family)} is not an ip-address-family`);
  }
}
