/**
 * Check 5, `enrollment`: the enrollment's authenticator data holds
 * credential.id and exactly credential.publicKey, for this RP, from a
 * `webauthn.create` on an allowed origin; with `attestationObject` and
 * `roots`, the attestation statement verifies (@simplewebauthn/server, which
 * needs no network for chains without CRL distribution points: see docs/evidence.md).
 */
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { decodeAttestationObject } from '../webauthn/attestation-object.ts';
import { chainReachesAnchor } from './attestation/chain-to-anchor.ts';
import { attestationChain } from './attestation/attestation-chain.ts';
import {
  BundleFault,
  bytes,
  clientData,
  equalBytes,
  isObject,
  member,
  sha256,
  text,
} from './bundle-parts.ts';
import type { CheckedOptions } from './options.ts';
import { authData, checkClientData } from './webauthn-checks.ts';

/**
 * Resolves to a note on a pass. Only a credential whose logged enrollment is `migrated` may have no
 * registration: its key is then the one the migration logged, which `log` and `custody` check.
 */
export async function checkEnrollment(
  bundle: unknown,
  opts: CheckedOptions,
): Promise<string | undefined> {
  if (member(bundle, 'credential.enrollment') === null) {
    const log = member(bundle, 'log');
    const enrolled =
      isObject(log) && isObject(log.enrolled) && isObject(log.enrolled.entry)
        ? log.enrolled.entry
        : undefined;
    if (!enrolled)
      throw new BundleFault(
        'enrollment is null and no enrolled entry is logged: a key never enrolled',
      );
    if (enrolled.approvedBy !== 'migrated')
      throw new BundleFault('enrollment is null but the credential is not a migrated one');
    return 'no registration kept: a migrated credential, its key as the migration logged it';
  }
  const id = text(bundle, 'credential.id');
  const publicKey = bytes(bundle, 'credential.publicKey');
  const raw = bytes(bundle, 'credential.enrollment.authenticatorData');
  const data = authData(raw, 'enrollment.authenticatorData');
  if (!data.flags.at || !data.credentialID || !data.credentialPublicKey)
    throw new BundleFault('the enrollment holds no attested credential data');
  if (isoBase64URL.fromBuffer(data.credentialID) !== id)
    throw new BundleFault('the enrollment is of another credential id');
  if (!equalBytes(data.credentialPublicKey, publicKey))
    throw new BundleFault('the enrollment holds another public key than credential.publicKey');
  if (!equalBytes(data.rpIdHash, await sha256(opts.rpId)))
    throw new BundleFault(`the enrollment's rpIdHash is not SHA-256("${opts.rpId}")`);
  checkClientData(
    clientData(bundle, 'credential.enrollment.clientDataJSON'),
    'webauthn.create',
    opts.origins,
    'the enrollment clientDataJSON',
  );

  const enrollment = member(bundle, 'credential.enrollment') as Record<string, unknown>;
  if (enrollment.attestationObject === undefined)
    return opts.roots
      ? 'attestation not checked: the bundle has no attestationObject (ask with attestation=1)'
      : undefined;
  let attestation;
  try {
    attestation = decodeAttestationObject(text(bundle, 'credential.enrollment.attestationObject'));
  } catch (err) {
    throw new BundleFault(
      err instanceof BundleFault ? err.message : 'attestationObject does not decode',
    );
  }
  if (!equalBytes(attestation.authData, raw))
    throw new BundleFault('attestationObject holds other authenticator data than the enrollment');
  if (!opts.roots) return 'attestation not checked: no roots given';
  try {
    const verified = await verifyRegistrationResponse({
      response: {
        id,
        rawId: id,
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: text(bundle, 'credential.enrollment.clientDataJSON'),
          attestationObject: text(bundle, 'credential.enrollment.attestationObject'),
        },
      },
      // The enrollment's challenge was the service's own; nothing here can say what it was.
      expectedChallenge: () => true,
      expectedOrigin: [...opts.origins],
      expectedRPID: opts.rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: [-7, -8, -257],
    });
    if (!verified.verified) throw new Error('not verified');
  } catch {
    throw new BundleFault('the attestation statement does not verify');
  }
  const chain = attestationChain(attestation.fmt, attestation.attStmt);
  let reaches = false;
  try {
    reaches = await chainReachesAnchor(chain, opts.roots);
  } catch {
    throw new BundleFault('a certificate in the attestation chain is revoked');
  }
  if (!reaches)
    throw new BundleFault(
      `the attestation (${attestation.fmt}) does not chain to any of the given roots`,
    );
  return `attested (${attestation.fmt})`;
}
