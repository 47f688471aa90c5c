/**
 * The offline bundle (`psea-offline+jwt`) as the device reads it: decoded,
 * never verified here. The device takes from it only what it signs (`iss`,
 * `aud`, `sub`, a grant nonce) and where (`rp.id`, the credentials); the
 * service and every field device verify the bundle and the proof, so a
 * forged bundle only makes a proof that no verifier accepts.
 */
import { base64URLStringToBuffer } from '@simplewebauthn/browser';
import { deps } from './deps';

export interface Bundle {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  rp: { id: string; origins: string[] };
  grants: string[];
  types: string[];
  creds: { id: string }[];
}

const part = (segment: string | undefined): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(base64URLStringToBuffer(segment ?? '')));

const strings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');

/** The bundle's claims, checked for the shape the element reads; else a final `bundle_invalid`. */
export function readBundle(jwt: unknown): Bundle {
  try {
    const [header, payload] = String(jwt).split('.');
    const h = part(header);
    const c = part(payload) as unknown as Bundle;
    if (
      h.typ === 'psea-offline+jwt' &&
      [c.iss, c.sub, c.aud, c.rp?.id].every((s) => typeof s === 'string') &&
      typeof c.exp === 'number' &&
      strings(c.grants) &&
      strings(c.types) &&
      Array.isArray(c.creds) &&
      c.creds.every((k) => typeof k?.id === 'string')
    ) {
      return c;
    }
  } catch {
    // not base64url, not JSON: the same answer as a wrong shape
  }
  throw new deps.Failure('bundle_invalid', false);
}
