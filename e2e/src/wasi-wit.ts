/**
 * The WASI interfaces weft's shims implement (0.2, and 0.3 for the p3 entry points), read
 * from the WIT that @bytecodealliance/jco ships (a dev dependency): what each interface
 * exports, as the glue will look it up (camelCase functions, PascalCase resource classes
 * with their camelCase methods and static functions).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eRoot } from './paths.js';

export const WASI_VERSION = '0.2.12';
/** The WASI 0.3 release whose WIT the p3 entry points are checked against. */
export const WASI_P3_VERSION = '0.3.0';
import { WASI_PACKAGES } from '@weft/wasi-manifest';

export interface WitInterface {
  pkg: string;
  /** kebab-case interface name */
  name: string;
  functions: string[];
  /** resource name (kebab) -> method names (kebab) */
  resources: Map<string, string[]>;
  /** resource name (kebab) -> static function names (kebab) */
  statics: Map<string, string[]>;
}

export function witDir(version = WASI_VERSION): string {
  return join(e2eRoot, 'node_modules', '@bytecodealliance', 'jco', 'lib', 'wit', 'builtin', version);
}

export function witPackageText(pkg: string, version = WASI_VERSION): string {
  return readFileSync(join(witDir(version), `wasi-${pkg}`, 'package.wit'), 'utf8');
}

/** Just enough WIT to list interfaces, free functions, resources and their methods. */
export function parseWitInterfaces(pkg: string, text: string): WitInterface[] {
  const out: WitInterface[] = [];
  const stack: { kind: string; name: string }[] = [];
  let iface: WitInterface | undefined;
  // A `use pkg.{a, b};` list may span lines; its closing `};` closes no block.
  let inUseList = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (inUseList) {
      inUseList = !line.includes('}');
      continue;
    }
    if (/^use\b/.test(line)) {
      inUseList = line.includes('{') && !line.includes('}');
      continue;
    }
    const open = /^(interface|resource|record|variant|enum|flags|world)\s+(%?[A-Za-z0-9-]+)\s*\{/.exec(line);
    const func = /^(%?[A-Za-z0-9-]+)\s*:\s*(static\s+)?(?:async\s+)?func\b/.exec(line);
    if (open) {
      stack.push({ kind: open[1]!, name: open[2]!.replace(/^%/, '') });
      if (open[1] === 'interface') {
        iface = { pkg, name: stack.at(-1)!.name, functions: [], resources: new Map(), statics: new Map() };
        out.push(iface);
      } else if (open[1] === 'resource' && iface) {
        iface.resources.set(stack.at(-1)!.name, []);
        iface.statics.set(stack.at(-1)!.name, []);
      }
      if (line.endsWith('}')) stack.pop();
    } else if (/^resource\s+[A-Za-z0-9-]+\s*;/.test(line) && iface) {
      iface.resources.set(/^resource\s+([A-Za-z0-9-]+)/.exec(line)![1]!, []);
    } else if (func && iface) {
      const name = func[1]!.replace(/^%/, '');
      const top = stack.at(-1)!;
      if (top.kind === 'interface') iface.functions.push(name);
      else if (top.kind === 'resource') (func[2] ? iface.statics : iface.resources).get(top.name)!.push(name);
    } else if (line.startsWith('}')) {
      const closed = stack.pop();
      if (closed?.kind === 'interface') iface = undefined;
    }
  }
  return out;
}

/** Interfaces some world of the package exports: the guest implements those, not the host. */
export function guestInterfaces(text: string): Set<string> {
  return new Set([...text.matchAll(/^\s*export ([a-z0-9-]+);/gm)].map((m) => m[1]!));
}

export const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const pascal = (kebab: string) => camel(kebab).replace(/^[a-z]/, (c) => c.toUpperCase());

/**
 * `source` (a WIT package with its worlds) followed by every shimmed package inline, so
 * one text resolves on its own. `versions` gives a package another 0.2.x version, for a
 * guest toolchain that names an older one than jco's WIT.
 */
export function withWasiPackages(source: string, versions: Partial<Record<string, string>> = {}): string {
  let src = source;
  for (const pkg of WASI_PACKAGES) {
    let text = witPackageText(pkg);
    const version = versions[pkg];
    if (version) text = text.replaceAll(`wasi:${pkg}@${WASI_VERSION}`, `wasi:${pkg}@${version}`);
    src += text.replace(/^package ([^;]+);/m, 'package $1 {') + '\n}\n';
  }
  return src;
}

/** A world importing all of `wasi:cli/imports`: the widest import surface a WASI 0.2 command can have. */
export function allImportsWorldSource(): string {
  return withWasiPackages(`package local:all-imports;\n\nworld all-imports {\n  include wasi:cli/imports@${WASI_VERSION};\n}\n`);
}
