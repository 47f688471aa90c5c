/** verifyEvidence throws only for options that cannot work; a bad bundle is failing checks, never a throw. */
export class EvidenceError extends Error {
  readonly code = 'invalid_options' as const;

  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}
