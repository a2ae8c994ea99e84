/**
 * `wasi:io/error`: an opaque error resource. Other shims attach a `domain` and `code` so
 * their own interfaces (e.g. `wasi:filesystem/types#filesystem-error-code`) can recover a
 * typed error code from it.
 */
export class IoError {
  readonly message: string;
  readonly domain: string | undefined;
  readonly code: string | undefined;

  constructor(message: string, opts: { domain?: string; code?: string } = {}) {
    this.message = message;
    this.domain = opts.domain;
    this.code = opts.code;
  }

  toDebugString(): string {
    return this.code === undefined ? this.message : `${this.message} (${this.domain}: ${this.code})`;
  }
}

export const error = { Error: IoError };
