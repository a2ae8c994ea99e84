import { decodeComponent } from './decode/component.js';
import { witFunc } from './emit/wit.js';
import type { ExportItem, FuncVal, ImportItem } from './link/plan.js';
import { inline } from './link/inline.js';
import { validate } from './types/validate.js';

export interface InspectEntry {
  name: string;
  kind: 'function' | 'instance' | 'resource' | 'module';
  /** WIT signature for functions. */
  signature?: string;
  /** Members of an instance. */
  items?: InspectEntry[];
}

export interface InspectResult {
  imports: InspectEntry[];
  exports: InspectEntry[];
  coreModules: { file: number; size: number }[];
  coreInstances: number;
  componentInstances: number;
  /** Uses the component model's own async (Preview 3), so its glue carries the async runtime. */
  async: boolean;
}

function exportEntry(name: string, e: ExportItem): InspectEntry {
  if (e.kind === 'func') return { name, kind: 'function', signature: witFunc((e.func as FuncVal).type) };
  if (e.kind === 'resource') return { name, kind: 'resource' };
  if (e.kind === 'module') return { name, kind: 'module' };
  return { name, kind: 'instance', items: [...e.exports].map(([n, x]) => exportEntry(n, x)) };
}

function importEntry(name: string, i: ImportItem): InspectEntry {
  if (i.kind === 'func') return { name, kind: 'function', signature: witFunc(i.type) };
  if (i.kind === 'resource') return { name, kind: 'resource' };
  if (i.kind === 'module') return { name, kind: 'module' };
  return {
    name,
    kind: 'instance',
    items: [
      ...[...i.instances].map(([n, x]) => importEntry(n, x)),
      ...[...i.resources.keys()].map((n): InspectEntry => ({ name: n, kind: 'resource' })),
      ...[...i.funcs].map(([n, t]): InspectEntry => ({ name: n, kind: 'function', signature: witFunc(t) })),
    ],
  };
}

/** Describes a component: its world's imports and exports, and the core code inside it. */
export function inspect(bytes: Uint8Array): InspectResult {
  const ast = decodeComponent(bytes);
  validate(ast);
  const plan = inline(ast);
  return {
    imports: [...plan.imports].map(([n, i]) => importEntry(n, i)),
    exports: [...plan.exports].map(([n, e]) => exportEntry(n, e)),
    coreModules: plan.modules.map((m, i) => ({ file: i, size: m.bytes.length })),
    coreInstances: plan.coreInstances,
    componentInstances: plan.componentInstances,
    async: !!plan.async,
  };
}
