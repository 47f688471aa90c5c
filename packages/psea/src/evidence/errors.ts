import { CodedError } from '../internal/coded-error.ts';

/** verifyEvidence throws only for options that cannot work; a bad bundle is failing checks, never a throw. */
export class EvidenceError extends CodedError<'invalid_options'> {
  constructor(message: string) {
    super('invalid_options', message);
  }
}
