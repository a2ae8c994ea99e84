/**
 * The engine as the runner sees it. Nothing here touches Node APIs, so the runner
 * can run unchanged in a browser page, where building components is delegated to
 * Node and only loading and instantiating them happens in the page's engine.
 */

/** A transpiled component, ready to be instantiated any number of times. */
export interface Loaded {
  instantiate(imports: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface RunnerEngine {
  name: string;
  /** Assembles component text with wasm-tools. */
  assemble(text: string): Promise<Uint8Array>;
  /** The WIT world of a component, as printed by wasm-tools; throws for components it cannot decode. */
  componentWit(bytes: Uint8Array): Promise<string>;
  /** Transpiles component bytes in instantiation mode and makes the output loadable. */
  load(bytes: Uint8Array, name: string): Promise<Loaded>;
  /** Whether a transpile error is a deliberate rejection of the input rather than a crash. */
  isRejection(e: unknown): boolean;
}

/** The generated glue could not be imported: an engine bug, never a rejection of the component. */
export class GlueError extends Error {
  override name = 'GlueError';
}

type InstantiateFn = (getCoreModule: (name: string) => Promise<WebAssembly.Module>, imports: Record<string, unknown>) => Promise<Record<string, unknown>>;

let loadCounter = 0;

/**
 * A component whose glue lives at `url`. Each instantiation imports the glue under a
 * fresh URL, so no module-level state can leak between instances; core modules are
 * compiled once per component.
 */
export function loadedFromGlue(url: string, mainFile: string, compile: (file: string) => Promise<WebAssembly.Module>): Loaded {
  const modules = new Map<string, Promise<WebAssembly.Module>>();
  const getCoreModule = (file: string) => {
    let m = modules.get(file);
    if (!m) {
      m = compile(file);
      modules.set(file, m);
    }
    return m;
  };
  return {
    async instantiate(imports) {
      let mod: { instantiate?: InstantiateFn };
      try {
        mod = (await import(/* @vite-ignore */ `${url}?instance=${++loadCounter}`)) as { instantiate?: InstantiateFn };
      } catch (e) {
        throw new GlueError(`${mainFile} failed to load: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
      if (typeof mod.instantiate !== 'function') throw new GlueError(`${mainFile} exports no instantiate()`);
      return mod.instantiate(getCoreModule, imports);
    },
  };
}
