/**
 * Configuration, parsed and validated once per distinct value and cached.
 * Every getter fails closed: a missing or malformed value throws 500
 * `misconfigured` and logs which setting is wrong, never its content.
 */
import { ProblemError } from './errors';
import { bareOrigin } from './lib/bare-origin';
import type { Env } from './env';
import { loadSigningKeys } from './receipts/signing-keys';
import type { SigningKeySet } from '../packages/psea/src/receipt/types';
import { bundledMetadata, refusedModels } from './attestation/metadata';
import type { Metadata, Trust } from './attestation/types';
import { parsePolicy } from './policy/parse-policy';
import { sha256 } from '../packages/psea/src/webauthn/bytes';
import type { Policy } from './policy/types';
import { isLoopbackUrl } from './lib/loopback';

export interface Vars {
  rpId: string;
  rpName: string;
  allowedOrigins: ReadonlySet<string>;
  /**
   * The service's public origin: receipt `iss`, and the base of every URL it
   * returns. Required unless RP_ID is `localhost`; empty only in development,
   * where the request's own origin stands in (see `serviceOrigin`).
   */
  issuer: string;
  /** DEMO is "true": the demo bank is on (loopback deployments only). */
  demo: boolean;
  receiptTtlSeconds: number;
  ticketTtlSeconds: number;
  /** Days an approval's evidence is kept (EVIDENCE_TTL_DAYS, default 90); the log is kept for good. */
  evidenceTtlDays: number;
}

const MAX_TICKET_TTL_SECONDS = 3600;

export function misconfigured(name: string, why: string): ProblemError {
  console.error(`[psea] misconfigured: ${name}: ${why}`);
  return new ProblemError('misconfigured', `${name} is missing or malformed`);
}

function memo<T>(compute: (raw: string) => T): (raw: string) => T {
  const cache = new Map<string, T>();
  return (raw) => {
    let hit = cache.get(raw);
    if (hit === undefined) {
      hit = compute(raw);
      if (cache.size > 16) cache.clear();
      cache.set(raw, hit);
    }
    return hit;
  };
}

function seconds(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw misconfigured(name, `must be an integer from 1 to ${max}`);
  return n;
}

const HOST_NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i;

function parseOrigins(raw: string | undefined): Set<string> {
  const origins = new Set<string>();
  for (const part of (raw ?? '').split(',')) {
    const text = part.trim();
    if (!text) continue;
    const origin = bareOrigin(text);
    if (!origin)
      throw misconfigured(
        'ALLOWED_ORIGINS',
        `not a bare origin (scheme://host[:port]): ${JSON.stringify(text)}`,
      );
    origins.add(origin);
  }
  if (origins.size === 0) throw misconfigured('ALLOWED_ORIGINS', 'required');
  return origins;
}

const varsCache = new WeakMap<Env, Vars>();

/** Non-secret `[vars]`, parsed once per env object. */
export function getVars(env: Env): Vars {
  let vars = varsCache.get(env);
  if (!vars) {
    vars = parseVars(env);
    varsCache.set(env, vars);
  }
  return vars;
}

/**
 * ISSUER: exactly an origin. Outside development it is required and https,
 * since without it the Host header of whoever calls would name the issuer and
 * the host of every returned URL.
 */
function parseIssuer(raw: string | undefined, rpId: string): string {
  const text = (raw ?? '').trim();
  const production = rpId !== 'localhost';
  if (!text) {
    if (production) throw misconfigured('ISSUER', 'required when RP_ID is not localhost');
    return '';
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw misconfigured('ISSUER', 'not a URL');
  }
  const scheme = url.protocol === 'https:' || (!production && url.protocol === 'http:');
  // `origin` drops any path, query, user info, default port and trailing slash, and lower-cases the host.
  if (!scheme || url.origin !== text) {
    throw misconfigured(
      'ISSUER',
      `must be exactly an origin, ${production ? 'https' : 'http(s)'}://host[:port], with no path or trailing slash`,
    );
  }
  return text;
}

function parseVars(env: Env): Vars {
  const rawRpId = env.RP_ID?.trim();
  // A domain (WebAuthn allows no IP address), with no empty label or trailing dot.
  if (!rawRpId || !HOST_NAME.test(rawRpId) || /^[\d.]+$/.test(rawRpId))
    throw misconfigured('RP_ID', 'required, a host name');
  const rpId = rawRpId.toLowerCase();
  const rpName = env.RP_NAME?.trim();
  if (!rpName) throw misconfigured('RP_NAME', 'required');
  const allowedOrigins = parseOrigins(env.ALLOWED_ORIGINS);
  const issuer = parseIssuer(env.ISSUER, rpId);
  const demo = env.DEMO?.trim() === 'true';
  // The demo enrolls anyone for its one user: only where nobody else can reach it.
  if (
    demo &&
    (rpId !== 'localhost' || ![...allowedOrigins, ...(issuer ? [issuer] : [])].every(isLoopbackUrl))
  ) {
    throw misconfigured(
      'DEMO',
      'true only with RP_ID localhost and loopback ALLOWED_ORIGINS and ISSUER',
    );
  }
  return {
    rpId,
    rpName,
    allowedOrigins,
    issuer,
    demo,
    receiptTtlSeconds: seconds('RECEIPT_TTL_SECONDS', env.RECEIPT_TTL_SECONDS, 300, 86_400),
    ticketTtlSeconds: seconds(
      'TICKET_TTL_SECONDS',
      env.TICKET_TTL_SECONDS,
      300,
      MAX_TICKET_TTL_SECONDS,
    ),
    evidenceTtlDays: seconds('EVIDENCE_TTL_DAYS', env.EVIDENCE_TTL_DAYS, 90, 36_500),
  };
}

/** API keys are kept only as SHA-256 hashes, so comparison is constant time over equal lengths. */
const apiKeyHashes = memo((raw: string): Promise<Uint8Array[]> | string => {
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) return 'required';
  if (keys.some((k) => k.length < 32)) return 'every key must be at least 32 characters';
  // A bearer token ends at whitespace, so such a key could never be presented.
  if (keys.some((k) => /\s/.test(k))) return 'a key must not contain whitespace';
  return Promise.all(keys.map(sha256));
});

async function getApiKeyHashes(env: Env): Promise<Uint8Array[]> {
  const hashes = apiKeyHashes(env.API_KEYS ?? '');
  if (typeof hashes === 'string') throw misconfigured('API_KEYS', hashes);
  return hashes;
}

/** True when `presented` is one of the configured keys; compares hashes in constant time. */
export async function isApiKey(env: Env, presented: string): Promise<boolean> {
  const hashes = await getApiKeyHashes(env);
  const candidate = await sha256(presented);
  let found = false;
  for (const h of hashes) if (crypto.subtle.timingSafeEqual(h, candidate)) found = true;
  return found;
}

const signingKeys = memo((raw: string): Promise<SigningKeySet | Error> =>
  loadSigningKeys(raw).catch((err: unknown) =>
    err instanceof Error ? err : new Error('unreadable'),
  ),
);

/** The receipt signing key set; every call on a bad secret logs and fails closed. */
export async function getSigningKeys(env: Env): Promise<SigningKeySet> {
  const raw = env.RECEIPT_SIGNING_KEYS;
  if (!raw?.trim()) throw misconfigured('RECEIPT_SIGNING_KEYS', 'required');
  const keys = await signingKeys(raw);
  if (keys instanceof Error) throw misconfigured('RECEIPT_SIGNING_KEYS', keys.message);
  return keys;
}

/**
 * The service's public origin: receipt `iss` and the base of `enrollUrl`,
 * `approveUrl` and the hosted pages' endpoint. ISSUER whenever it is set,
 * which it must be unless RP_ID is `localhost`; only then, in development,
 * the origin the request came to (its Host header).
 */
export function serviceOrigin(vars: Vars, requestUrl: string): string {
  return vars.issuer || new URL(requestUrl).origin;
}

/** Where the FIDO metadata comes from, for the log line when it is malformed. */
const METADATA_FILE = 'worker/attestation/metadata.json';

const reason = (err: unknown): string => (err instanceof Error ? err.message : 'invalid');

/**
 * POLICY parsed and joined with the bundled FIDO metadata: models the
 * metadata refuses become part of the policy, so they are refused at
 * enrollment and frozen into every ticket's requirement.
 */
const policies = memo(
  (raw: string): { policy: Policy; trust: Trust } | { setting: string; why: string } => {
    let policy: Policy;
    let metadata: Metadata;
    try {
      policy = parsePolicy(raw);
    } catch (err) {
      return { setting: 'POLICY', why: reason(err) };
    }
    try {
      metadata = bundledMetadata();
    } catch (err) {
      return { setting: METADATA_FILE, why: reason(err) };
    }
    const compromised = refusedModels(metadata);
    if (compromised.length > 0) policy = { ...policy, compromised };
    return {
      policy,
      trust: {
        anchors: policy.trustAnchors,
        revoked: new Set(policy.revokedCertificates),
        metadata,
      },
    };
  },
);

function loadPolicy(env: Env): { policy: Policy; trust: Trust } {
  const loaded = policies(env.POLICY ?? '');
  if ('setting' in loaded) throw misconfigured(loaded.setting, loaded.why);
  return loaded;
}

/**
 * A rule origin outside ALLOWED_ORIGINS could never pass the origin check:
 * every approval for that rule would fail. Two vars, so checked here, where
 * both are at hand, rather than in parsePolicy.
 */
function ruleOriginOutside(policy: Policy, allowed: ReadonlySet<string>): string | undefined {
  for (const [i, rule] of policy.rules.entries()) {
    const outside = rule.origins?.find((o) => !allowed.has(o));
    if (outside) return `rules.${i}.origins: ${outside} is not in ALLOWED_ORIGINS`;
  }
  return undefined;
}

const checkedPolicies = new WeakMap<Env, Policy>();

/** The authenticator policy (POLICY var); the default catch-all rule when empty. */
export function getPolicy(env: Env): Policy {
  let policy = checkedPolicies.get(env);
  if (!policy) {
    policy = loadPolicy(env).policy;
    const problem = ruleOriginOutside(policy, getVars(env).allowedOrigins);
    if (problem) throw misconfigured('POLICY', problem);
    checkedPolicies.set(env, policy);
  }
  return policy;
}

/** What attestation assessment trusts: POLICY's anchors and revocation list, and the bundled metadata. */
export function getTrust(env: Env): Trust {
  return loadPolicy(env).trust;
}
