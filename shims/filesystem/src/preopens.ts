import { Descriptor } from './types.js';

let directories: [Descriptor, string][] = [];

/** Directories the guest sees as preopened, each with the path it knows it by. Default: none. */
export function setPreopens(entries: readonly (readonly [Descriptor, string])[]): void {
  directories = entries.map(([d, path], i) => {
    if (!(d instanceof Descriptor)) throw new TypeError(`setPreopens: entry ${i} has no Descriptor`);
    if (typeof path !== 'string') throw new TypeError(`setPreopens: entry ${i} has no path string`);
    return [d, path];
  });
}

export const preopens = {
  getDirectories(): [Descriptor, string][] {
    return directories.map(([d, p]) => [d, p]);
  },
};
