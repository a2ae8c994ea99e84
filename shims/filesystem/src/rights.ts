import type { DescriptorFlags, ErrorCode, OpenFlags } from './backend.js';

/** Backends report a failure by throwing its WASI error code. */
export function fail(code: ErrorCode): never {
  throw code;
}

/**
 * What a descriptor was opened for gates what may be done through it: reading or writing
 * a file not opened for it is `bad-descriptor`; changing a directory that may not be
 * mutated is `not-permitted`.
 */
export function needRight(flags: DescriptorFlags, right: 'read' | 'write' | 'mutateDirectory'): void {
  if (!flags[right]) fail(right === 'mutateDirectory' ? 'not-permitted' : 'bad-descriptor');
}

/**
 * open-at never grants more than the directory holds: creating, truncating or opening for
 * any kind of writing needs mutate-directory on it, and reading needs read.
 */
export function checkOpenRights(dir: DescriptorFlags, openFlags: OpenFlags, flags: DescriptorFlags): void {
  const wantsWrite = !!(flags.write || flags.mutateDirectory);
  if ((openFlags.create || openFlags.truncate || wantsWrite) && !dir.mutateDirectory) fail('not-permitted');
  if (flags.read && !dir.read) fail('not-permitted');
}
