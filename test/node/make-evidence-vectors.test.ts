/**
 * Writes test/vectors/evidence/*.json, once: run with
 * `MAKE_EVIDENCE_VECTORS=1 npx vitest run --project node test/node/make-evidence-vectors.test.ts`.
 * Skipped otherwise; the committed vectors are checked by evidence-vectors.test.ts.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { describe, it } from 'vitest';
import { generateSignerKey, verifierKeyOf } from '../../packages/psea/src/log/index.ts';
import { CHECK_NAMES, type CheckName } from '../../packages/psea/src/evidence/index.ts';
import {
  LOG_KEY_NAME,
  ORIGINS,
  RP_ID,
  makeBundle,
  makeKeys,
  type BundleSpec,
} from '../support/evidence-bundle.ts';
import { SoftAuthenticator, b64url, fromB64url } from '../support/soft-authenticator.ts';
import { TestCert } from '../support/test-ca.ts';
import { custodyDefs, type VectorDef } from './evidence-vector-defs.ts';

const DIR = new URL('../vectors/evidence/', import.meta.url);

describe.skipIf(!process.env.MAKE_EVIDENCE_VECTORS)('make evidence vectors', () => {
  it('writes every vector', { timeout: 300_000 }, async () => {
    const keys = await makeKeys(await generateSignerKey(LOG_KEY_NAME));
    const otherLogSigner = await generateSignerKey(LOG_KEY_NAME);
    const root = await TestCert.root('PSEA Evidence Test Root', {
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2049-12-31'),
    });
    const otherRoot = await TestCert.root('Another Root', {
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2049-12-31'),
    });
    const leaf = await root.issue({
      CN: 'PSEA Test Authenticator',
      O: 'PSEA',
      OU: 'Authenticator Attestation',
      C: 'SE',
      aaguid: '00000000-0000-0000-0000-000000000000',
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2049-12-31'),
    });
    const flip = (text: string) => {
      const b = fromB64url(text);
      b[b.length - 1]! ^= 1;
      return b64url(b);
    };
    const flipB64 = (h: string) => `${h[0] === 'A' ? 'B' : 'A'}${h.slice(1)}`;
    const fail = (...names: CheckName[]) =>
      Object.fromEntries(names.map((n) => [n, 'fail' as const]));
    const WIRE = {
      type: 'wire.transfer',
      amount: '1250.00',
      currency: 'EUR',
      to: 'DE89 3704 0044 0532 0130 00',
    };
    const stranger = await SoftAuthenticator.create({ alg: -7 });

    const defs: VectorDef[] = [
      {
        name: 'valid-es256-device-bound',
        description: 'ES256, device-bound (BE clear), every check, receipt verified with the JWKS',
        jwks: true,
        expect: {},
      },
      {
        name: 'valid-eddsa-synced',
        description: 'EdDSA, synced passkey (BE and BS set)',
        spec: { alg: -8, synced: true },
        jwks: true,
        expect: {},
      },
      {
        name: 'valid-rs256',
        description: 'RS256, device-bound',
        spec: { alg: -257 },
        jwks: true,
        expect: {},
      },
      {
        name: 'valid-no-jwks',
        description: 'no jwks: receipt unavailable, its jti read unverified',
        expect: { receipt: 'unavailable' },
      },
      {
        name: 'valid-known-checkpoint',
        description:
          'the known checkpoint is the log right after the enrollment (as its credential.enrolled webhook carried it)',
        jwks: true,
        expect: {},
      },
      {
        name: 'valid-attested',
        description: 'packed full attestation under a test root, roots given',
        spec: { attestBy: leaf },
        roots: 'mine',
        jwks: true,
        expect: {},
      },
      {
        name: 'valid-subject-and-action',
        description: "the caller's subject and action match",
        jwks: true,
        options: { subject: 'user-1', action: WIRE },
        expect: {},
      },
      {
        name: 'tampered-action',
        description: 'the action changed after signing',
        jwks: true,
        bend: (b) => {
          b.action.amount = '9999.00';
        },
        expect: fail('statement', 'receipt'),
      },
      {
        name: 'tampered-statement',
        description: 'statement.aud changed after signing',
        jwks: true,
        bend: (b) => {
          b.statement.aud = 'other-api';
        },
        expect: fail('statement', 'challenge', 'log', 'receipt'),
      },
      {
        name: 'tampered-display',
        description: 'the display changed after signing',
        bend: (b) => {
          b.display.title = 'Send €1.00';
        },
        expect: { ...fail('statement'), receipt: 'unavailable' },
      },
      {
        name: 'tampered-challenge',
        description: 'the passkey signed another challenge',
        spec: { assertionBend: { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } },
        jwks: true,
        expect: fail('challenge'),
      },
      {
        name: 'wrong-origin',
        description: 'clientDataJSON.origin not among the given origins',
        spec: { assertionBend: { origin: 'https://evil.example' } },
        jwks: true,
        expect: fail('challenge'),
      },
      {
        name: 'cross-origin',
        description: 'crossOrigin: true',
        spec: { assertionBend: { crossOrigin: true } },
        jwks: true,
        expect: fail('challenge'),
      },
      {
        name: 'wrong-type',
        description: 'clientDataJSON.type webauthn.create on the assertion',
        spec: { assertionBend: { type: 'webauthn.create' } },
        jwks: true,
        expect: fail('challenge'),
      },
      {
        name: 'wrong-rp-id-hash',
        description: 'rpIdHash of another RP ID',
        spec: { assertionBend: { rpId: 'evil.example' } },
        jwks: true,
        expect: fail('authenticator'),
      },
      {
        name: 'wrong-rp-id-option',
        description: 'the caller gives another RP ID',
        jwks: true,
        options: { rpId: 'other.example' },
        expect: fail('authenticator', 'enrollment'),
      },
      {
        name: 'up-clear',
        description: 'UP flag clear',
        spec: { assertionBend: { flags: { up: false } } },
        jwks: true,
        expect: fail('authenticator'),
      },
      {
        name: 'uv-clear',
        description: 'UV flag clear',
        spec: { assertionBend: { flags: { uv: false } } },
        jwks: true,
        expect: fail('authenticator'),
      },
      {
        name: 'bad-signature',
        description: 'signature bit flipped',
        jwks: true,
        bend: (b) => {
          b.assertion.response.signature = flip(b.assertion.response.signature);
        },
        expect: fail('signature'),
      },
      {
        name: 'swapped-public-key',
        description: "credential.publicKey replaced by another passkey's, which signed",
        spec: { assertionBend: { signWith: stranger } },
        jwks: true,
        bend: (b) => {
          b.credential.publicKey = b64url(stranger.publicKeyCose);
        },
        expect: fail('enrollment', 'log'),
      },
      {
        name: 'enrollment-of-another-key',
        description: "the enrollment's authenticator data holds another key",
        jwks: true,
        bend: (b) => {
          const data = fromB64url(b.credential.enrollment!.authenticatorData);
          data[data.length - 3]! ^= 1;
          b.credential.enrollment!.authenticatorData = b64url(data);
        },
        expect: fail('enrollment'),
      },
      {
        name: 'logged-enrollment-of-another-key',
        description: 'the enrolled entry logs another key',
        spec: { enrolledKeyOf: stranger },
        jwks: true,
        expect: fail('log'),
      },
      {
        name: 'missing-inclusion-proof',
        description: 'approved entry without its proof',
        jwks: true,
        bend: (b) => {
          delete (b.log.approved as Record<string, unknown>).proof;
        },
        expect: fail('log'),
      },
      {
        name: 'wrong-inclusion-proof',
        description: "a hash of the enrolled entry's proof changed",
        jwks: true,
        bend: (b) => {
          b.log.enrolled!.proof[0] = flipB64(b.log.enrolled!.proof[0]!);
        },
        expect: fail('log', 'custody'),
      },
      {
        name: 'wrong-index',
        description: 'approved entry at another index',
        jwks: true,
        bend: (b) => {
          b.log.approved.index += 1;
        },
        expect: fail('log'),
      },
      {
        name: 'checkpoint-other-key',
        description: 'checkpoint signed by another log key with the same name',
        spec: { checkpointSigner: otherLogSigner },
        jwks: true,
        expect: fail('log', 'custody'),
      },
      {
        name: 'enrolled-after-approved',
        description: 'enrolled index not before approved index',
        jwks: true,
        bend: (b) => {
          b.log.enrolled!.index = b.log.approved.index + 1;
        },
        expect: fail('log', 'custody'),
      },
      {
        name: 'missing-consistency',
        description: 'a known checkpoint but no consistency proof',
        spec: { noConsistency: true },
        jwks: true,
        expect: fail('log', 'custody'),
      },
      {
        name: 'receipt-for-another-user',
        description: 'genuine receipt key, sub of another user',
        spec: { receiptClaims: (c) => ({ ...c, sub: 'user-2' }) },
        jwks: true,
        expect: fail('statement', 'receipt'),
      },
      {
        name: 'receipt-other-jti',
        description: "the approved entry's jti is not the receipt's",
        spec: { loggedJti: 'b3RoZXItanRpLW5vdC1sb2dnZWQ' },
        jwks: true,
        expect: fail('log'),
      },
      {
        name: 'attested-other-root',
        description: 'attestation chains to a root not given',
        spec: { attestBy: leaf },
        roots: 'other',
        jwks: true,
        expect: fail('enrollment'),
      },
      {
        name: 'subject-mismatch',
        description: 'the caller expects another user',
        jwks: true,
        options: { subject: 'user-2' },
        expect: fail('statement', 'receipt'),
      },
      {
        name: 'not-a-bundle',
        description: 'v: 2',
        bend: (b) => {
          (b as Record<string, unknown>).v = 2;
        },
        expect: fail(...CHECK_NAMES),
      },
      ...custodyDefs({ flip, fail }),
    ];

    await mkdir(DIR, { recursive: true });
    for (const f of await readdir(DIR)) if (f.endsWith('.json')) await rm(new URL(f, DIR));
    for (const def of defs) {
      const made = await makeBundle(keys, def.spec as BundleSpec);
      // A log made up from scratch is checked against the checkpoint the RP kept of the real one.
      const known = def.knownFrom
        ? (await makeBundle(keys, def.knownFrom)).knownCheckpoint
        : made.knownCheckpoint;
      def.bend?.(made.bundle as never, made);
      const options: Record<string, unknown> = {
        rpId: RP_ID,
        origins: ORIGINS,
        logKey: await verifierKeyOf(keys.logSigner),
        ...(def.known === false ? {} : { knownCheckpoint: known }),
        ...(def.jwks ? { jwks: keys.jwks } : {}),
        ...(def.roots ? { roots: [(def.roots === 'mine' ? root : otherRoot).pem] } : {}),
        ...def.options,
      };
      const expected = Object.fromEntries(
        CHECK_NAMES.map((n) => [
          n,
          def.expect[n] ?? (n === 'receipt' && !def.jwks ? 'unavailable' : 'pass'),
        ]),
      );
      const vector = {
        name: def.name,
        description: def.description,
        options,
        bundle: made.bundle,
        expected,
      };
      await writeFile(new URL(`${def.name}.json`, DIR), `${JSON.stringify(vector, null, 2)}\n`);
    }
  });
});
