/**
 * Offline approvals (docs/offline.md ("Offline approvals")): a server asks for
 * single-use grants and the signed bundle a device carries; later, anyone
 * holding a proof (the person's browser back online, a field device, a
 * server) posts it and gets a receipt marked `offline: true`, once.
 */
import { Hono } from 'hono';
import { getPolicy, getSigningKeys, getVars, serviceOrigin } from '../config';
import type { AppEnv } from '../env';
import { ProblemError } from '../errors';
import { requireApiKey } from '../http/api-key';
import { idempotent } from '../http/idempotency';
import { browserCors } from '../http/browser-cors';
import { isoSeconds } from '../http/iso-seconds';
import { grantVault, newGrantNonce } from '../http/grant-nonce';
import { userVault } from '../http/ticket';
import { jsonBody } from '../http/validate';
import { writeVault } from '../vault/object-call';
import { canonicalJson } from '../../packages/psea/src/internal/canonical-json';
import { sha256B64url } from '../../packages/psea/src/internal/sha256-b64url';
import { signBundle } from '../offline/sign-bundle';
import type { OfflineStatement } from '../../packages/psea/src/offline/types';
import { refuseHidingChars } from '../policy/refuse-hiding-chars';
import { selectRule } from '../policy/select-rule';
import { expiryOf } from '../vault/storage/tickets';
import { OfflineGrantRequest, OfflineProofRequest } from './offline-schemas';
import { UserId } from './schemas';

export const offline = new Hono<AppEnv>();

/** docs/api.md caps an action's canonical form at 16 KiB, offline as online. */
const MAX_ACTION_BYTES = 16 * 1024;

function jcs(value: unknown, field: string): string {
  try {
    return canonicalJson(value);
  } catch {
    throw new ProblemError('invalid_request', `${field}: not representable as canonical JSON`);
  }
}

// Server: grants for one user, one audience and a list of types, and the bundle that carries them.
offline.post(
  '/v1/users/:id/offline-grants',
  requireApiKey,
  idempotent,
  jsonBody(OfflineGrantRequest),
  async (c) => {
    const id = UserId.safeParse(c.req.param('id'));
    if (!id.success) throw new ProblemError('invalid_request', 'id: 1 to 128 characters');
    const body = c.req.valid('json');
    const vars = getVars(c.env);
    // Fail closed before anything is stored: without a key no bundle can come of it.
    const { signer } = await getSigningKeys(c.env);
    const now = Date.now();
    const expiresAt = expiryOf(now, body.ttl);
    const nonces = Array.from({ length: body.count }, () => newGrantNonce(c.env, id.data));
    const iss = serviceOrigin(vars, c.req.url);
    const grants = {
      nonces,
      iss,
      aud: body.audience,
      sub: id.data,
      types: body.types,
      expiresAt,
      now,
    };
    const { creds } = await writeVault(
      c.env,
      userVault(c.env, id.data),
      'createOfflineGrants',
      (v) => v.createOfflineGrants(grants),
    );
    const bundle = await signBundle(
      {
        iss,
        sub: id.data,
        aud: body.audience,
        iat: Math.floor(now / 1000),
        exp: expiresAt / 1000,
        rp: { id: vars.rpId, origins: [...vars.allowedOrigins] },
        grants: nonces,
        types: body.types,
        creds,
      },
      signer,
    );
    return c.json(
      { grants: nonces.map((nonce) => ({ nonce, expiresAt: isoSeconds(expiresAt) })), bundle },
      201,
    );
  },
);

offline.use('/v1/offline-proofs', browserCors);

// Browser (or server): an offline proof; the first valid submission on a grant gets the receipt.
offline.post(
  '/v1/offline-proofs',
  jsonBody(OfflineProofRequest, { textPlain: true }),
  async (c) => {
    await getSigningKeys(c.env);
    const proof = c.req.valid('json');
    const canonical = jcs(proof.action, 'action');
    if (new TextEncoder().encode(canonical).length > MAX_ACTION_BYTES)
      throw new ProblemError('invalid_request', 'action: canonical form over 16 KiB');
    const displayHash =
      proof.display === undefined ? undefined : await sha256B64url(jcs(proof.display, 'display'));
    // Offline, the action is known only now: the rule is chosen now, and must allow offline (the vault checks).
    const rule = selectRule(getPolicy(c.env), proof.action);
    if (rule.refuseFormatChars)
      refuseHidingChars(rule.id, { action: proof.action, display: proof.display });
    // The statement exactly as signed: the schema's members, none left undefined (JCS would differ).
    const { dsp, ...members } = proof.statement;
    const statement = (dsp === undefined ? members : { ...members, dsp }) as OfflineStatement;
    // The same proof, however serialised, is the same JSON value: its retry is told the receipt.
    const accepted = await sha256B64url(jcs(JSON.parse(await c.req.text()), 'proof'));
    const submission = {
      statement,
      assertion: proof.assertion,
      actionHash: await sha256B64url(canonical),
      actionType: proof.action.type,
      ...(displayHash === undefined ? {} : { displayHash }),
      rule,
      now: Date.now(),
      accepted,
    };
    // Only a nonce the service made for this user reaches a vault (http/grant-nonce.ts).
    const vault = grantVault(c.env, statement.nonce, statement.sub);
    return c.json(
      await writeVault(c.env, vault, 'approveOffline', (v) => v.approveOffline(submission)),
    );
  },
);
