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
