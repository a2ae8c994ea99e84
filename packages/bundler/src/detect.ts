import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes 4–7 of a component binary: version 0x0d, layer 1. A core module has 01 00 00 00. */
const COMPONENT_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/** Whether `bytes` start like a WebAssembly component (not a core module). */
export function isComponent(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && COMPONENT_HEADER.every((b, i) => bytes[i] === b);
}

/** Whether the file at `path` is a WebAssembly component; false for a missing or short file. */
export function isComponentFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = new Uint8Array(8);
    return readSync(fd, head, 0, 8, 0) === 8 && isComponent(head);
  } finally {
    closeSync(fd);
  }
}
