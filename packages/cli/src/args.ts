/** A small, strict argument parser: unknown flags are errors, not silently ignored. */

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  /** `string` takes a value; `list` takes a value and may repeat; `bool` takes none. */
  type: 'bool' | 'string' | 'list';
  short?: string;
}

export interface Parsed {
  positional: string[];
  flags: Record<string, string | string[] | boolean>;
  /** Everything after `--`. */
  rest: string[];
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>, command: string): Parsed {
  const out: Parsed = { positional: [], flags: {}, rest: [] };
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, s]) => s.short)
      .map(([k, s]) => [s.short!, k]),
  );
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positional.push(a);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) value = a.slice(eq + 1);
    } else {
      const long = byShort.get(a.slice(1));
      if (!long) throw new UsageError(`${command}: unknown option ${a}`);
      name = long;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`${command}: unknown option --${name}`);
    if (s.type === 'bool') {
      if (value !== undefined) throw new UsageError(`${command}: --${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`${command}: --${name} needs a value`);
    }
    if (s.type === 'list') out.flags[name] = [...((out.flags[name] as string[] | undefined) ?? []), value];
    else out.flags[name] = value;
  }
  return out;
}

/** `K=V` pairs into a record, with a clear error for anything else. */
export function pairs(list: string[] | undefined, flag: string, command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`${command}: --${flag} expects KEY=VALUE, got '${p}'`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}
