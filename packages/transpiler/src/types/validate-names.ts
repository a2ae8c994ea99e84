import type { NameAttrs } from '../decode/ast.js';
import { WeftError } from '../error.js';

/** A parsed import or export name (Explainer.md § Import and Export Definitions). */
export type ExternName =
  | { kind: 'plain'; label: string }
  | { kind: 'constructor'; resource: string }
  | { kind: 'method' | 'static'; resource: string; label: string }
  | { kind: 'interface'; name: string };

const FIRST_WORD = /^[a-z][0-9a-z]*$/;
const FIRST_ACRONYM = /^[A-Z][0-9A-Z]*$/;
const WORD = /^[0-9a-z]+$/;
const ACRONYM = /^[0-9A-Z]+$/;

export function isKebab(s: string): boolean {
  const parts = s.split('-');
  if (!FIRST_WORD.test(parts[0]!) && !FIRST_ACRONYM.test(parts[0]!)) return false;
  for (let i = 1; i < parts.length; i++) if (!WORD.test(parts[i]!) && !ACRONYM.test(parts[i]!)) return false;
  return true;
}

function label(s: string, offset: number): string {
  if (!isKebab(s)) throw new WeftError(`\`${s}\` is not in kebab case`, offset);
  return s;
}

/** `words`: a kebab label of lowercase words only (namespaces and package names). */
function words(s: string, whole: string, offset: number): void {
  label(s, offset);
  if (!s.split('-').every((w, i) => (i === 0 ? FIRST_WORD : WORD).test(w))) {
    throw new WeftError(`\`${whole}\` is not a valid extern name: \`${s}\` must be lowercase words`, offset);
  }
}

const NUM = /^(0|[1-9][0-9]*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;

/** Semantic Versioning 2.0 `valid semver`, or a canonical version (`1`, `0.2`, `0.0.1`). */
function semver(v: string, offset: number): void {
  const bad = (why: string): never => {
    throw new WeftError(`invalid version \`${v}\`: ${why}`, offset);
  };
  if (v === '') bad('empty string');
  let core = v;
  let build: string | undefined;
  let pre: string | undefined;
  const plus = core.indexOf('+');
  if (plus >= 0) {
    build = core.slice(plus + 1);
    core = core.slice(0, plus);
  }
  const dash = core.indexOf('-');
  if (dash >= 0) {
    pre = core.slice(dash + 1);
    core = core.slice(0, dash);
  }
  const nums = core.split('.');
  for (const n of nums) {
    if (n === '') bad(nums.length > 1 && n === nums[nums.length - 1] ? 'unexpected end of input' : "unexpected character '.'");
    if (!NUM.test(n)) {
      const c = [...n].find((ch) => !/[0-9]/.test(ch)) ?? n[1];
      bad(`unexpected character '${c}'`);
    }
  }
  if (nums.length > 3) bad('more than three version numbers');
  if (nums.length < 3) {
    const canonical = (nums.length === 1 && nums[0] !== '0') || (nums.length === 2 && nums[0] === '0' && nums[1] !== '0');
    if (!canonical || pre !== undefined || build !== undefined) bad('unexpected end of input');
  }
  for (const [part, numeric] of [
    [pre, true],
    [build, false],
  ] as const) {
    if (part === undefined) continue;
    for (const id of part.split('.')) {
      if (id === '' || !IDENT.test(id)) bad('empty identifier segment or invalid character');
      if (numeric && /^[0-9]+$/.test(id) && !NUM.test(id)) bad(`leading zero in \`${id}\``);
    }
  }
}

function interfaceName(name: string, offset: number): void {
  const colon = name.indexOf(':');
  words(name.slice(0, colon), name, offset);
  let rest = name.slice(colon + 1);
  let version: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) {
    if (rest.includes(':')) throw new WeftError(`\`${name}\` is not a valid extern name: expected \`/\` after package name`, offset);
    label(rest, offset);
    throw new WeftError(`\`${name}\` is not a valid extern name: expected \`/\` after package name`, offset);
  }
  const pkg = rest.slice(0, slash);
  if (pkg.includes(':')) throw new WeftError(`\`${name}\` is not a valid extern name: expected \`/\` after package name`, offset);
  words(pkg, name, offset);
  const iface = rest.slice(slash + 1);
  const more = iface.indexOf('/');
  if (more >= 0) throw new WeftError(`\`${name}\` is not a valid extern name: trailing characters found: \`${iface.slice(more)}\``, offset);
  label(iface, offset);
  if (version !== undefined) semver(version, offset);
}

export function parseExternName(name: string, offset: number): ExternName {
  if (name.startsWith('[')) {
    const close = name.indexOf(']');
    const ann = close < 0 ? '' : name.slice(1, close);
    const rest = name.slice(close + 1);
    switch (ann) {
      case 'constructor':
        return { kind: 'constructor', resource: label(rest, offset) };
      case 'method':
      case 'static': {
        const dot = rest.indexOf('.');
        if (dot < 0) throw new WeftError(`\`${name}\` is not a valid extern name: failed to find \`.\` character`, offset);
        return { kind: ann, resource: label(rest.slice(0, dot), offset), label: label(rest.slice(dot + 1), offset) };
      }
      default:
        throw new WeftError(`\`${name}\` is not a valid extern name: unknown annotation \`[${ann}]\``, offset);
    }
  }
  if (name.includes(':')) {
    interfaceName(name, offset);
    return { kind: 'interface', name };
  }
  return { kind: 'plain', label: label(name, offset) };
}

/** The strong-uniqueness key: acronyms lowercased, `[method]`/`[static]` prefixes stripped. */
function uniquenessKey(n: ExternName): string {
  switch (n.kind) {
    case 'plain':
      return n.label.toLowerCase();
    case 'constructor':
      return `[constructor]${n.resource.toLowerCase()}`;
    case 'method':
    case 'static': {
      const r = n.resource.toLowerCase();
      const l = n.label.toLowerCase();
      return r === l ? r : `${r}.${l}`;
    }
    case 'interface':
      return n.name.toLowerCase();
  }
}

/** The names of one namespace (the imports, or the exports, of one scope). */
export class NameSpace {
  private readonly keys = new Map<string, string>();

  constructor(private readonly what: 'import' | 'export') {}

  add(name: string, attrs: NameAttrs | undefined, sortKind: string, offset: number): ExternName {
    const parsed = parseExternName(name, offset);
    const key = uniquenessKey(parsed);
    const prev = this.keys.get(key);
    if (prev !== undefined) throw new WeftError(`${this.what} name \`${name}\` conflicts with previous name \`${prev}\``, offset);
    this.keys.set(key, name);
    if (attrs?.implements !== undefined) {
      if (sortKind !== 'instance') throw new WeftError(`only instances can have an \`implements\` attribute (\`${name}\` is a ${sortKind})`, offset);
      if (parsed.kind !== 'plain') throw new WeftError(`name \`${name}\` is not valid with \`implements\`: it must be a plain name`, offset);
      const impl = attrs.implements;
      if (impl === '') throw new WeftError('`implements` value `` is not a valid name', offset);
      if (!impl.includes(':')) throw new WeftError(`\`implements\` value \`${impl}\` must be an interface name`, offset);
      interfaceName(impl, offset);
    }
    if (attrs?.versionSuffix !== undefined) {
      if (sortKind !== 'instance') throw new WeftError(`only instances can have an \`versionsuffix\` (\`${name}\` is a ${sortKind})`, offset);
      const at = name.lastIndexOf('@');
      if (parsed.kind !== 'interface' || at < 0) throw new WeftError(`\`versionsuffix\` on \`${name}\` requires an interface name with a version`, offset);
      semver(name.slice(at + 1) + attrs.versionSuffix, offset);
    }
    return parsed;
  }
}
