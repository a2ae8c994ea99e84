export { types, Descriptor, DirectoryEntryStream, filesystemError } from './types.js';
export { preopens, setPreopens } from './preopens.js';
export type * from './backend.js';
export { createMemoryDirectory, type MemoryDirectoryOptions } from './memory.js';
