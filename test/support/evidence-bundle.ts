/**
 * Builds evidence bundles exactly as the service shapes them (docs/evidence.md), from real
 * ceremonies of the soft authenticator, a per-user log of packages/psea/src/log with a checkpoint signed by
 * a generated log key, a receipt signed by a generated ES256 key, and a chain of custody of
 * `links` approvals back to a root. `make-evidence-vectors.test.ts` writes them to
 * test/vectors/evidence/; every part can be bent for a must-fail vector.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import {
  encodeHashes,
  logOrigin,
  MemoryLogStore,
  parseSignerKey,
  signCheckpoint,
  TransparencyLog,
  type LogEntry,
} from '../../packages/psea/src/log/index.ts';
import {
  hashAction,
  hashDisplay,
  statementChallenge,
} from '../../packages/psea/src/receipt/index.ts';
import { loadSigningKeys } from '../../worker/receipts/signing-keys.ts';
import { signReceipt } from '../../worker/receipts/sign-receipt.ts';
import { randomId } from '../../worker/lib/random-id.ts';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url.ts';
import type { PublicJWKSet, SigningKey } from '../../packages/psea/src/receipt/types.ts';
import {
  ISSUER,
  RP_ID,
  signAddition,
  type LinkBend,
  type SignedAddition,
} from './custody-chain.ts';
import {
  SoftAuthenticator,
  b64url,
  type AssertionBend,
  type CoseAlg,
} from './soft-authenticator.ts';
import { packedFullAttestation, type TestCert } from './test-ca.ts';

export { ISSUER, RP_ID, type LinkBend } from './custody-chain.ts';
export const ORIGINS = ['https://approve.psea.example', 'https://app.psea.example'];
export const LOG_KEY_NAME = 'approve.psea.example/psea';

export interface Keys {
  logSigner: string;
  receiptSigner: SigningKey;
  jwks: PublicJWKSet;
}

export async function makeKeys(logSigner: string): Promise<Keys> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const { signer, jwks } = await loadSigningKeys(
    JSON.stringify({ keys: [{ ...jwk, kid: 'evidence-test-es256', alg: 'ES256' }] }),
  );
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
  /**
   * The operator's forgery (issue 23): the victim's passkey is enrolled at 0, the approval is by a
   * key of the operator's that was never logged; the bundle says `enrollment: null`, no
   * `log.enrolled`, no `custody`, as a pre-v2 credential's would have.
   */
  forgery?: boolean;
  /** Approvals that added the approving credential, from the root's credential (default 0). */
  links?: number;
  /** What the root entry's approvedBy names (default first). */
  root?: 'first' | 'recovery' | 'open' | 'migrated';
  /** Entries logged before the root entry (default 0). */
  before?: number;
  /** The known checkpoint is taken just before the root entry instead of after the enrollments. */
  knownBeforeRoot?: boolean;
  /** One link made wrong (link `bendLink`, default 0). */
  linkBend?: LinkBend;
  bendLink?: number;
  assertionBend?: AssertionBend;
  /** Log an enrolled entry for this authenticator's key instead. */
  enrolledKeyOf?: SoftAuthenticator;
  /** The receipt's claims, bent. */
  receiptClaims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Log this jti in the approved entry instead of the receipt's. */
  loggedJti?: string;
  /** Sign the checkpoint with this signer key instead. */
  checkpointSigner?: string;
  /** Leave out the consistency proof from the known checkpoint. */
  noConsistency?: boolean;
}

const sha = (data: Uint8Array) => nobleSha256(data);
const AT = 1_767_225_600;

export async function makeBundle(keys: Keys, spec: BundleSpec = {}) {
  const user = spec.user ?? 'user-1';
  const origin = ORIGINS[0]!;
  const links = spec.links ?? 0;
  // creds[0] is the root's credential, creds[links] the one that approves the action.
  const creds: SoftAuthenticator[] = [];
  for (let i = 0; i <= links; i++) {
    const last = i === links;
    creds.push(
      await SoftAuthenticator.create({
        alg: last ? (spec.alg ?? -7) : -7,
        backupEligible: last && !!spec.synced,
        backedUp: last && !!spec.synced,
      }),
    );
  }
  const auth = creds[links]!;
  const stranger = await SoftAuthenticator.create({ alg: -7 });
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
  let at = AT;
  const enrolledOf = async (
    a: SoftAuthenticator,
    approvedBy: string,
    challenge?: string,
  ): Promise<LogEntry> => ({
    v: 1,
    kind: 'enrolled',
    at: at++,
    sub: user,
    cred: a.credentialId,
    key: await sha256B64url(
      (a === auth && spec.enrolledKeyOf ? spec.enrolledKeyOf : a).publicKeyCose,
    ),
    aaguid: a.aaguid,
    attested: a === auth && !!spec.attestBy,
    approvedBy,
    ...(challenge ? { approval: { challenge } } : {}),
  });
  for (let i = 0; i < (spec.before ?? 0); i++)
    log.append({
      v: 1,
      kind: 'failed',
      at: at++,
      sub: user,
      challenge: randomId(),
      code: 'challenge_mismatch',
    });
  let knownSize = log.size();
  const enrolledIndex: number[] = [];
  const additions: SignedAddition[] = [];
  if (spec.forgery) {
    // The victim's own passkey, genuinely enrolled: the operator's key never is.
    log.append(await enrolledOf(stranger, 'first'));
  } else {
    enrolledIndex.push(log.append(await enrolledOf(creds[0]!, spec.root ?? 'first')).index);
    for (let i = 1; i <= links; i++) {
      const bend = i - 1 === (spec.bendLink ?? 0) ? spec.linkBend : undefined;
      const signed = await signAddition(user, creds[i - 1]!, creds[i]!, origin, bend, stranger);
      additions.push(signed);
      enrolledIndex.push(
        log.append(await enrolledOf(creds[i]!, creds[i - 1]!.credentialId, signed.challenge)).index,
      );
    }
  }
  // The approver of the bent link logged again, after the entry it approved: its latest entry.
  if (spec.linkBend === 'entry-later') {
    const j = spec.bendLink ?? 0;
    enrolledIndex[j] = log.append(await enrolledOf(creds[j]!, 'migrated')).index;
  }
  log.append({ v: 1, kind: 'burned', at: at++, sub: user, challenge: randomId() });
  if (!spec.knownBeforeRoot) knownSize = log.size();

  const action = {
    type: 'wire.transfer',
    amount: '1250.00',
    currency: 'EUR',
    to: 'DE89 3704 0044 0532 0130 00',
  };
  const display = {
    title: 'Send €1,250.00',
    fields: [{ label: 'To', value: 'DE89 3704 0044 0532 0130 00' }],
  };
  const statement = {
    v: 1 as const,
    iss: ISSUER,
    aud: 'payments-api',
    sub: user,
    act: await hashAction(action),
    dsp: await hashDisplay(display),
    nonce: randomId(),
  };
  const challenge = await statementChallenge(statement);
  const assertion = await auth.assert(
    {
      challenge,
      rpId: RP_ID,
      allowCredentials: [{ id: auth.credentialId, type: 'public-key' }],
      userVerification: 'required',
    },
    { origin, ...(spec.assertionBend ? { bend: spec.assertionBend } : {}) },
  );
  const iat = AT + 100;
  let claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: user,
    aud: statement.aud,
    iat,
    exp: iat + 300,
    jti: randomId(),
    act: statement.act,
    act_type: action.type,
    dsp: statement.dsp,
    nonce: statement.nonce,
    uv: true,
    cred: {
      id: auth.credentialId,
      aaguid: auth.aaguid,
      device_bound: !spec.synced,
      backed_up: !!spec.synced,
      enrolled_at: AT + 1,
    },
  };
  if (spec.receiptClaims) claims = spec.receiptClaims(claims);
  const receipt = await signReceipt(claims as never, keys.receiptSigner);
  const approvedEntry: LogEntry = {
    v: 1,
    kind: 'approved',
    at: iat,
    sub: user,
    cred: auth.credentialId,
    challenge,
    act: statement.act,
    aud: statement.aud,
    jti: spec.loggedJti ?? String(claims.jti),
  };
  const approvedIndex = log.append(approvedEntry).index;
  log.append({ v: 1, kind: 'burned', at: iat + 5, sub: user, challenge: randomId() });

  const signer = await parseSignerKey(spec.checkpointSigner ?? keys.logSigner);
  const logId = await logOrigin(LOG_KEY_NAME, user);
  const checkpoint = await signCheckpoint(
    { origin: logId, size: log.size(), root: log.root() },
    signer,
  );
  const knownCheckpoint = await signCheckpoint(
    { origin: logId, size: knownSize, root: log.root(knownSize) },
    await parseSignerKey(keys.logSigner),
  );
  const logged = (i: number) => ({
    index: i,
    entry: log.entries(i, i + 1)[0]!.entry,
    proof: encodeHashes(log.inclusionProof(i)),
  });
  // Link k adds creds[links - k]; its approver is creds[links - k - 1].
  const custody = additions.map((_, k) => {
    const i = links - k;
    const approver = creds[i - 1]!;
    return {
      added: creds[i]!.credentialId,
      statement: additions[i - 1]!.statement,
      assertion: additions[i - 1]!.assertion,
      approver: {
        id: approver.credentialId,
        publicKey: b64url(approver.publicKeyCose),
        enrolled: logged(enrolledIndex[i - 1]!),
      },
    };
  });
  const migratedRoot = links === 0 && spec.root === 'migrated';

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
      enrollment:
        spec.forgery || migratedRoot
          ? null
          : {
              clientDataJSON: reg.response.clientDataJSON,
              authenticatorData: reg.response.authenticatorData!,
              ...(spec.attestBy && !spec.noAttestationObject
                ? { attestationObject: reg.response.attestationObject }
                : {}),
            },
    },
    log: {
      checkpoint,
      ...(spec.forgery ? {} : { enrolled: logged(enrolledIndex[links]!) }),
      approved: logged(approvedIndex),
      ...(spec.noConsistency
        ? {}
        : {
            consistency: { from: knownSize, proof: encodeHashes(log.consistencyProof(knownSize)) },
          }),
    },
    ...(spec.forgery ? {} : { custody }),
  };
  return { bundle, knownCheckpoint, auth, creds, stranger };
}
