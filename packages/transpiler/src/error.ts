/** Every error weft reports about its input. `offset` is the byte offset in the component, when known. */
export class WeftError extends Error {
  override name = 'WeftError';
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte offset ${offset})`);
  }
}

/**
 * The words of every trap weft raises for a feature it does not implement, so a test
 * runner can tell such a trap from the one a test expects.
 */
export const NOT_SUPPORTED = 'is not supported by weft';
