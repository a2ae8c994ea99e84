/**
 * Component binaries nested deeper than the text format's parser allows, written byte by
 * byte, for the limit tests.
 */

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const COMPONENT_SECTION = 4;
const INSTANCE_SECTION = 5;
const TYPE_SECTION = 7;

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function section(id: number, body: ArrayLike<number>): number[] {
  return [id, ...leb(body.length), ...Array.from(body)];
}

/**
 * `depth` components, each the only nested component of the next, each but the innermost
 * ending in the `trailer` sections. Written into one buffer from sizes computed inside out, since copying
 * each level into the next would take quadratic time.
 */
function nest(depth: number, trailer: number[]): Uint8Array {
  const sizes = [HEADER.length];
  for (let i = 1; i < depth; i++) {
    const inner = sizes[i - 1]!;
    sizes.push(HEADER.length + 1 + leb(inner).length + inner + trailer.length);
  }
  const out = new Uint8Array(sizes[depth - 1]!);
  let at = 0;
  for (let i = depth - 1; i >= 0; i--) {
    const end = at + sizes[i]!;
    out.set(HEADER, at);
    at += HEADER.length;
    if (i > 0) {
      const prefix = [COMPONENT_SECTION, ...leb(sizes[i - 1]!)];
      out.set(prefix, at);
      at += prefix.length;
      out.set(trailer, end - trailer.length);
    }
  }
  return out;
}

/** Empty components, each the only content of the next. */
export function componentsNested(depth: number): Uint8Array {
  return nest(depth, []);
}

/** Each component defines the next inner one and instantiates it, `depth` levels down. */
export function instantiationChain(depth: number): Uint8Array {
  // One instance: instantiate component 0 with no arguments.
  return nest(depth, section(INSTANCE_SECTION, [1, 0x00, 0x00, 0x00]));
}

/** One type definition: a component (or instance) type declaring the next one as a type, `depth` deep. */
export function componentTypesNested(depth: number, kind: 'component' | 'instance'): Uint8Array {
  const opcode = kind === 'component' ? 0x41 : 0x42;
  const TYPE_DECL = 0x01;
  // Each level is a type with one declaration, the next level; the innermost declares nothing.
  const t = [...Array.from({ length: depth - 1 }, () => [opcode, 1, TYPE_DECL]).flat(), opcode, 0];
  return Uint8Array.from([...HEADER, ...section(TYPE_SECTION, [1, ...t])]);
}
