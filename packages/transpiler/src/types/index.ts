/**
 * # types: index spaces, resolved types, validation
 *
 * The second stage gives the AST meaning. It replays a component's definitions the way
 * the spec's validation does, keeping every index space (types, functions, instances,
 * components, core items) and resolving each type reference to a `ValType`, `FuncType`,
 * instance or component type, with resources as identities (`Resource`) rather than
 * numbers, so two imports of one resource are the same object and a fresh instantiation
 * makes new ones.
 *
 * `validate` checks every rule that linking does not enforce by construction: names
 * (kebab-case, interface and annotated names, uniqueness), canonical options against core
 * signatures, instantiation arguments against imports (subtyping), that what is exported
 * only mentions exported types (external visibility), resource rules, and the limits on
 * value types (`MAX_TYPE_DEPTH`, `MAX_TYPE_SIZE`). It walks nested components with an
 * explicit stack, so depth costs heap. What it learns about a type it keeps on the type, in
 * the model's fields marked "Validation:" (a resource's renamed copies, the resources an
 * instantiation mints, a module type's signatures), never in a table beside it.
 *
 * The canonical ABI's layout (`layout.ts`: sizes, alignment, flattening, for 32- and 64-bit
 * memories) lives here because validation needs it to check canon definitions, and the
 * ABI generators in `abi/` reuse it.
 */
export { validate } from './validate.js';
export * from './model.js';
export * from './layout.js';
export { substAny, substExtern, substFunc } from './subst.js';
export {
  checkLabel,
  declAlias,
  externDesc,
  MAX_TYPE_DEPTH,
  MAX_TYPE_SIZE,
  outerScope,
  resolveCoreType,
  resolveDefVal,
  resolveTypeDef,
  resolveValType,
  typeAt,
  type TypeScope,
} from './resolve.js';
