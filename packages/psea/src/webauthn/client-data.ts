import { WebAuthnError } from './errors.ts';
import { b64urlField } from './bytes';

export interface ClientData {
  type: unknown;
  challenge: unknown;
  origin: unknown;
  crossOrigin?: unknown;
  topOrigin?: unknown;
}

export interface ClientDataExpectation {
  type: 'webauthn.create' | 'webauthn.get';
  /** base64url challenge the ticket issued. */
  challenge: string;
  allowedOrigins: ReadonlySet<string>;
  /** The policy rule's narrower set (`origins`), when it has one: the origin must be in both. */
  ruleOrigins?: ReadonlySet<string>;
}

/** Strict UTF-8: an invalid byte is a malformed body, not a replacement character. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decode clientDataJSON; bytes that are not a JSON object are a malformed body (400). */
export function decodeClientData(b64url: string): ClientData {
  return parseClientData(b64urlField(b64url, 'response.clientDataJSON'));
}

/** The same, from bytes already decoded. */
export function parseClientData(bytes: Uint8Array<ArrayBuffer>): ClientData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new WebAuthnError('invalid_request', 'response.clientDataJSON: not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WebAuthnError('invalid_request', 'response.clientDataJSON: not an object');
  }
  return parsed as ClientData;
}

/** Check type, challenge and origin ourselves, so each failure gets its docs/api.md code. */
export function checkClientData(cd: ClientData, expected: ClientDataExpectation): void {
  // Refuse a ceremony of the other kind: a create() answer is no approval.
  if (cd.type !== expected.type)
    throw new WebAuthnError('challenge_mismatch', `clientDataJSON.type must be ${expected.type}`);
  // Refuse any challenge but this ticket's.
  if (cd.challenge !== expected.challenge)
    throw new WebAuthnError('challenge_mismatch', "challenge is not this ticket's");
  // Refuse origins outside ALLOWED_ORIGINS.
  if (typeof cd.origin !== 'string' || !expected.allowedOrigins.has(cd.origin)) {
    throw new WebAuthnError('origin_mismatch', 'clientDataJSON.origin is not an allowed origin');
  }
  // Refuse allowed origins the action's rule leaves out (a host page, when the rule wants the hosted one).
  if (expected.ruleOrigins && !expected.ruleOrigins.has(cd.origin)) {
    throw new WebAuthnError(
      'origin_mismatch',
      "clientDataJSON.origin is not one of the origins this action's policy rule allows",
    );
  }
  // Refuse ceremonies run inside a cross-origin iframe: the library lets some through.
  if (cd.crossOrigin === true || cd.topOrigin !== undefined) {
    throw new WebAuthnError('origin_mismatch', 'cross-origin ceremonies are refused');
  }
}
