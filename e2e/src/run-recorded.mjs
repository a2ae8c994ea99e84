/**
 * Child-process runner for the transpiler differential: runs one command transpiled with
 * `--instantiation async` on @bytecodealliance/preview2-shim, and writes every call the
 * guest makes into the shim (free functions and resource methods, with their arguments) to
 * a log file, one JSON line per call, as it happens (the shim's exit ends the process).
 *
 * argv[2] is JSON: { entry, dir, imports: string[], args, env, log }
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as shim from '@bytecodealliance/preview2-shim';

const spec = JSON.parse(process.argv[2]);
const log = openSync(spec.log, 'w');
process.on('exit', () => closeSync(log));

shim.cli._setArgs(spec.args);
shim.cli._setEnv(Object.fromEntries(spec.env));

/** Resource objects by first appearance, so both runs name the same object the same way. */
const ids = new WeakMap();
let nextId = 0;

function normalize(v) {
  if (typeof v === 'bigint') return { bigint: String(v) };
  if (v === undefined) return { undefined: true };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return { [v.constructor.name]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return v.map(normalize);
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    // Keys that are present but undefined stay visible.
    return Object.fromEntries(Object.keys(v).map((k) => [k, normalize(v[k])]));
  }
  if (!ids.has(v)) ids.set(v, nextId++);
  return { resource: `${v.constructor.name}#${ids.get(v)}` };
}

function record(name, self, args) {
  const entry = { call: name, ...(self ? { self: normalize(self) } : {}), args: args.map(normalize) };
  writeSync(log, JSON.stringify(entry) + '\n');
}

const isClass = (f) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
const wrapped = new WeakSet();

/** Records calls of an interface's functions, and of its classes' methods (patched in place: this process runs one command). */
function recorded(name, iface) {
  const out = {};
  for (const [key, value] of Object.entries(iface)) {
    if (isClass(value)) {
      if (!wrapped.has(value)) {
        wrapped.add(value);
        for (const m of Object.getOwnPropertyNames(value.prototype)) {
          const f = value.prototype[m];
          if (m === 'constructor' || typeof f !== 'function') continue;
          value.prototype[m] = function (...args) {
            record(`${name}#${value.name}.${m}`, this, args);
            return f.apply(this, args);
          };
        }
      }
      out[key] = value;
    } else if (typeof value === 'function') {
      out[key] = (...args) => {
        record(`${name}#${key}`, undefined, args);
        return value.apply(iface, args);
      };
    } else out[key] = value;
  }
  return out;
}

const camel = (s) => s.replace(/-(\w)/g, (_, c) => c.toUpperCase());
const imports = {};
for (const name of spec.imports) {
  const m = /^wasi:([a-z]+)\/([a-z-]+)(@.*)?$/.exec(name);
  if (!m) throw new Error(`run-recorded: no shim for import ${name}`);
  const iface = shim[m[1]]?.[camel(m[2])];
  if (!iface) throw new Error(`run-recorded: preview2-shim has no ${m[1]}.${camel(m[2])}`);
  imports[name] = imports[name.replace(/@.*$/, '')] = recorded(name.replace(/@.*$/, ''), iface);
}

const mod = await import(pathToFileURL(spec.entry).href);
const exports = await mod.instantiate((path) => WebAssembly.compile(readFileSync(join(spec.dir, path))), imports);
exports.run.run();
