/**
 * The one error base of the library, in jose's shape: a stable `code` from a
 * closed union, so `switch (err.code)` narrows. Every error class that
 * `psea` exports extends it, and each exists once in the built package, so
 * `instanceof` holds whichever subpath threw.
 */
export class CodedError<C extends string = string> extends Error {
  /** A stable machine code; the message is for people and may change. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
