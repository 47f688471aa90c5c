/**
 * The checks on the passkey's own bytes: `challenge`, `authenticator`,
 * `signature` (docs/api.md, checks 2-4). Each throws a BundleFault saying why.
 */
import { parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { WebAuthnError } from '../webauthn/errors.ts';
import { verifyAssertionSignature } from '../webauthn/verify-assertion-signature.ts';
import { BundleFault, bytes, clientData, equalBytes, sha256, text } from './bundle-parts.ts';
import { coseKey } from './key-memo.ts';
import type { CheckedOptions } from './options.ts';

export function checkClientData(
  cd: Record<string, unknown>,
  type: string,
  origins: ReadonlySet<string>,
  what: string,
): void {
  if (cd.type !== type) throw new BundleFault(`${what} type is not ${type}`);
  if (typeof cd.origin !== 'string' || !origins.has(cd.origin))
    throw new BundleFault(
      `${what} origin ${JSON.stringify(cd.origin)} is not among the given origins`,
    );
  if (cd.crossOrigin === true) throw new BundleFault(`${what} says crossOrigin: true`);
}

export async function checkChallenge(
  bundle: unknown,
  expected: string,
  opts: CheckedOptions,
): Promise<void> {
  const cd = clientData(bundle, 'assertion.response.clientDataJSON');
  if (cd.challenge !== expected)
    throw new BundleFault('clientDataJSON.challenge is not base64url(SHA-256(JCS(statement)))');
  checkClientData(cd, 'webauthn.get', opts.origins, 'clientDataJSON');
}

export function authData(
  raw: Uint8Array<ArrayBuffer>,
  what: string,
): ReturnType<typeof parseAuthenticatorData> {
  if (raw.length < 37) throw new BundleFault(`${what} is too short`);
  try {
    return parseAuthenticatorData(raw);
  } catch {
    throw new BundleFault(`${what} does not parse`);
  }
}

export async function checkAuthenticator(bundle: unknown, opts: CheckedOptions): Promise<void> {
  const data = authData(bytes(bundle, 'assertion.response.authenticatorData'), 'authenticatorData');
  if (!equalBytes(data.rpIdHash, await sha256(opts.rpId)))
    throw new BundleFault(`rpIdHash is not SHA-256("${opts.rpId}")`);
  if (!data.flags.up) throw new BundleFault('the UP flag is clear');
  if (!data.flags.uv) throw new BundleFault('the UV flag is clear');
}

export async function checkSignature(bundle: unknown): Promise<void> {
  const id = text(bundle, 'credential.id');
  if (text(bundle, 'assertion.id') !== id)
    throw new BundleFault('the assertion is not by credential.id');
  let key;
  try {
    bytes(bundle, 'credential.publicKey'); // refuses what is not base64url
    key = await coseKey(text(bundle, 'credential.publicKey'));
  } catch (err) {
    if (err instanceof WebAuthnError) throw new BundleFault(err.message);
    throw err;
  }
  const signature = bytes(bundle, 'assertion.response.signature');
  const authenticatorData = bytes(bundle, 'assertion.response.authenticatorData');
  const clientDataJSON = bytes(bundle, 'assertion.response.clientDataJSON');
  try {
    await verifyAssertionSignature(
      {
        authData: authData(authenticatorData, 'authenticatorData'),
        authenticatorData,
        clientDataJSON,
        signature,
      },
      key,
    );
  } catch (err) {
    if (err instanceof WebAuthnError)
      throw new BundleFault('the signature does not verify with credential.publicKey');
    throw err;
  }
}
