/**
 * Builds evidence bundles exactly as SPEC.md v2 shapes them, from real
 * ceremonies of the soft authenticator, a per-user log of packages/psea/src/log with a
 * checkpoint signed by a generated log key, and a receipt signed by a
 * generated ES256 key. `make-evidence-vectors.test.ts` writes them to
 * test/vectors/evidence/; every part can be bent for a must-fail vector.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { encodeHashes, logOrigin, MemoryLogStore, parseSignerKey, signCheckpoint, TransparencyLog, type LogEntry } from '../../packages/psea/src/log/index.ts';
import { hashAction, hashDisplay, statementChallenge } from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url.ts';
import type { PublicJWKSet, SigningKey } from '../../packages/psea/src/receipt/types.ts';
import { SoftAuthenticator, b64url, type AssertionBend, type CoseAlg } from './soft-authenticator.ts';
import { packedFullAttestation, type TestCert } from './test-ca.ts';

export const RP_ID = 'psea.example';
export const ORIGINS = ['https://approve.psea.example', 'https://app.psea.example'];
export const ISSUER = 'https://approve.psea.example';
export const LOG_KEY_NAME = 'approve.psea.example/psea';

export interface Keys {
  logSigner: string;
  receiptSigner: SigningKey;
  jwks: PublicJWKSet;
}

export async function makeKeys(logSigner: string): Promise<Keys> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const { signer, jwks } = await loadSigningKeys(JSON.stringify({ keys: [{ ...jwk, kid: 'evidence-test-es256', alg: 'ES256' }] }));
  return { logSigner, receiptSigner: signer, jwks };
}

export interface BundleSpec {
  user?: string;
  alg?: CoseAlg;
  synced?: boolean;
  /** Packed full attestation by this leaf, with attestationObject in the bundle. */
  attestBy?: TestCert;
  /** Leave out attestationObject even when attested. */
  noAttestationObject?: boolean;
  /** A credential enrolled before v2: enrollment null, no enrolled entry. */
  preV2?: boolean;
  assertionBend?: AssertionBend;
  /** Log an enrolled entry for this authenticator's key instead. */
  enrolledKeyOf?: SoftAuthenticator;
  /** The receipt's claims, bent. */
  receiptClaims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Log this jti in the approved entry instead of the receipt's. */
  loggedJti?: string;
  /** Sign the checkpoint with this signer key instead. */
  checkpointSigner?: string;
  /** Also return a checkpoint from right after the enrollment, and a consistency proof from it. */
  since?: boolean;
}

const sha = (data: Uint8Array) => nobleSha256(data);

export async function makeBundle(keys: Keys, spec: BundleSpec = {}) {
  const user = spec.user ?? 'user-1';
  const origin = ORIGINS[0]!;
  const auth = await SoftAuthenticator.create({ alg: spec.alg ?? -7, backupEligible: spec.synced ?? false, backedUp: spec.synced ?? false });
  let reg = await auth.register(
    {
      rp: { id: RP_ID, name: 'PSEA test' },
      user: { id: b64url(new TextEncoder().encode(user)), name: user, displayName: user },
      challenge: randomId(),
      pubKeyCredParams: [-7, -8, -257].map((alg) => ({ type: 'public-key' as const, alg })),
      authenticatorSelection: { userVerification: 'required', residentKey: 'required' },
    },
    { origin },
  );
  if (spec.attestBy) reg = await packedFullAttestation(reg, [spec.attestBy]);

  const log = new TransparencyLog(new MemoryLogStore(), sha);
  const at = 1_767_225_600;
  const key = await sha256B64url((spec.enrolledKeyOf ?? auth).publicKeyCose);
  // Some history before, so the indexes and proofs are not trivial.
  log.append({ v: 1, kind: 'failed', at, sub: user, challenge: randomId(), code: 'challenge_mismatch' });
  let enrolledIndex = -1;
  if (!spec.preV2) {
    const enrolled: LogEntry = { v: 1, kind: 'enrolled', at: at + 1, sub: user, cred: auth.credentialId, key, aaguid: auth.aaguid, attested: !!spec.attestBy, approvedBy: 'first' };
    enrolledIndex = log.append(enrolled).index;
  }
  log.append({ v: 1, kind: 'burned', at: at + 2, sub: user, challenge: randomId() });
  const knownSize = log.size();

  const action = { type: 'wire.transfer', amount: '1250.00', currency: 'EUR', to: 'DE89 3704 0044 0532 0130 00' };
  const display = { title: 'Send €1,250.00', fields: [{ label: 'To', value: 'DE89 3704 0044 0532 0130 00' }] };
  const statement = { v: 1 as const, iss: ISSUER, aud: 'payments-api', sub: user, act: await hashAction(action), dsp: await hashDisplay(display), nonce: randomId() };
  const challenge = await statementChallenge(statement);
  const assertion = await auth.assert(
    { challenge, rpId: RP_ID, allowCredentials: [{ id: auth.credentialId, type: 'public-key' }], userVerification: 'required' },
    { origin, ...(spec.assertionBend ? { bend: spec.assertionBend } : {}) },
  );
  const iat = at + 100;
  let claims: Record<string, unknown> = {
    iss: ISSUER, sub: user, aud: statement.aud, iat, exp: iat + 300, jti: randomId(), act: statement.act, act_type: action.type,
    dsp: statement.dsp, nonce: statement.nonce, uv: true,
    cred: { id: auth.credentialId, aaguid: auth.aaguid, device_bound: !spec.synced, backed_up: !!spec.synced, enrolled_at: at + 1 },
  };
  if (spec.receiptClaims) claims = spec.receiptClaims(claims);
  const receipt = await signReceipt(claims as never, keys.receiptSigner);
  const approvedEntry: LogEntry = { v: 1, kind: 'approved', at: iat, sub: user, cred: auth.credentialId, challenge, act: statement.act, aud: statement.aud, jti: spec.loggedJti ?? String(claims.jti) };
  const approvedIndex = log.append(approvedEntry).index;
  log.append({ v: 1, kind: 'burned', at: iat + 5, sub: user, challenge: randomId() });

  const signer = await parseSignerKey(spec.checkpointSigner ?? keys.logSigner);
  const origin_ = await logOrigin(LOG_KEY_NAME, user);
  const checkpoint = await signCheckpoint({ origin: origin_, size: log.size(), root: log.root() }, signer);
  const knownCheckpoint = await signCheckpoint({ origin: origin_, size: knownSize, root: log.root(knownSize) }, await parseSignerKey(keys.logSigner));
  const entryAt = (i: number) => log.entries(i, i + 1)[0]!.entry;

  const bundle = {
    v: 1,
    receipt,
    action,
    display,
    statement,
    assertion,
    credential: {
      id: auth.credentialId,
      publicKey: b64url(auth.publicKeyCose),
      aaguid: auth.aaguid,
      deviceBound: !spec.synced,
      enrollment: spec.preV2
        ? null
        : {
            clientDataJSON: reg.response.clientDataJSON,
            authenticatorData: reg.response.authenticatorData!,
            ...(spec.attestBy && !spec.noAttestationObject ? { attestationObject: reg.response.attestationObject } : {}),
          },
    },
    log: {
      checkpoint,
      ...(spec.preV2 ? {} : { enrolled: { index: enrolledIndex, entry: entryAt(enrolledIndex), proof: encodeHashes(log.inclusionProof(enrolledIndex)) } }),
      approved: { index: approvedIndex, entry: entryAt(approvedIndex), proof: encodeHashes(log.inclusionProof(approvedIndex)) },
      ...(spec.since ? { consistency: { from: knownSize, proof: encodeHashes(log.consistencyProof(knownSize)) } } : {}),
    },
  };
  return { bundle, knownCheckpoint, auth };
}
