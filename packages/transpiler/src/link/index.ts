/**
 * # link: symbolic instantiation into one flat plan
 *
 * The third stage runs the component's instantiation symbolically. Starting from the
 * top-level component with its imports as opaque host values, it evaluates each
 * definition: a core module becomes an entry in `plan.modules`, a core instantiation a
 * `Step`, a `canon lower` a `Lowering` (a host import or another component's lift, with
 * its canonical options), a `canon lift` a `Lift`, an instantiation of an inner component
 * a new component instance (a new id, its own handle table) whose definitions are
 * evaluated in turn. What comes out is the `Plan`: core modules to instantiate in order,
 * and every crossing between core code and the component boundary.
 *
 * Nested component instances disappear: a call from one inner component to another is a
 * lowering of a lift, adapted in the glue. This is the job wasmtime's "inliner" does, and
 * like it, evaluation keeps its frames on an explicit stack, so an instantiation chain of
 * any depth costs heap, not native stack.
 */
export { inline } from './inline.js';
export { refName } from './plan.js';
export type * from './plan.js';
