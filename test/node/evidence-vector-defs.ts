/**
 * The chain-of-custody vectors (docs/evidence.md "Chain of custody"): valid chains of one and two
 * links, a recovery root, a migrated v1 credential, and one failing vector per way to bend a link
 * or to place a root where none may stand, the operator's forgery of issue 23 among them.
 */
import type { CheckName } from '../../packages/psea/src/evidence/index.ts';
import type { BundleSpec, makeBundle } from '../support/evidence-bundle.ts';
import { b64url } from '../support/soft-authenticator.ts';

type Result = 'pass' | 'fail' | 'unavailable';
type Made = Awaited<ReturnType<typeof makeBundle>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bends reach anywhere in a bundle
export type Bundle = any;

export interface VectorDef {
  name: string;
  description: string;
  spec?: BundleSpec;
  /** Use the receipt JWKS (else receipt is unavailable). */
  jwks?: boolean;
  /** Give the known checkpoint (default true). */
  known?: boolean;
  /** Take the known checkpoint from another log made with this spec (the real one the RP kept). */
  knownFrom?: BundleSpec;
  roots?: 'mine' | 'other';
  options?: Record<string, unknown>;
  bend?: (b: Bundle, made: Made) => void;
  expect: Partial<Record<CheckName, Result>>;
}

export function custodyDefs(h: {
  flip: (s: string) => string;
  fail: (...n: CheckName[]) => Partial<Record<CheckName, Result>>;
}): VectorDef[] {
  const { flip, fail } = h;
  const custody = fail('custody');
  const one: BundleSpec = { links: 1 };
  return [
    {
      name: 'valid-custody-one-link',
      description: 'a passkey added by the approval of the first one: one link, root first at 0',
      spec: one,
      jwks: true,
      expect: {},
    },
    {
      name: 'valid-custody-two-links',
      description: 'added by a passkey that was itself added: two links, root first at 0',
      spec: { links: 2 },
      jwks: true,
      expect: {},
    },
    {
      name: 'valid-custody-recovery-root',
      description:
        'a recovery enrollment at index 2 (after the RP kept its checkpoint of it), custodyRoots first and recovery',
      spec: { root: 'recovery', before: 2 },
      options: { custodyRoots: ['first', 'recovery'] },
      jwks: true,
      expect: {},
    },
    {
      name: 'valid-custody-migrated',
      description:
        'a v1 credential migrated: enrollment null, root migrated at 3, custodyRoots migrated',
      spec: { root: 'migrated', before: 3 },
      options: { custodyRoots: ['migrated'] },
      jwks: true,
      expect: {},
    },
    {
      name: 'valid-custody-unanchored-allowed',
      description: 'no known checkpoint, allowUnanchored: custody passes saying so',
      known: false,
      spec: { noConsistency: true },
      options: { allowUnanchored: true },
      jwks: true,
      expect: {},
    },
    {
      name: 'custody-unanchored',
      description: 'no known checkpoint: custody unavailable, ok false',
      known: false,
      spec: { noConsistency: true },
      jwks: true,
      expect: { custody: 'unavailable' },
    },
    {
      name: 'operator-forgery',
      description:
        "issue 23: the operator's own key approves, never logged as enrolled; enrollment null, no log.enrolled, no custody",
      spec: { forgery: true },
      jwks: true,
      expect: fail('enrollment', 'log', 'custody'),
    },
    {
      name: 'custody-first-not-at-0',
      description: "the operator's key logged as first at index 1",
      spec: { before: 1 },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-recovery-after-checkpoint',
      description: "the operator's key logged as recovery after the RP's kept checkpoint",
      spec: { root: 'recovery', before: 2, knownBeforeRoot: true },
      options: { custodyRoots: ['first', 'recovery'] },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-migrated-after-checkpoint',
      description: "the operator's key logged as migrated after the RP's kept checkpoint",
      spec: { root: 'migrated', before: 2, knownBeforeRoot: true },
      options: { custodyRoots: ['migrated'] },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-made-up-log',
      description:
        "a log made up from scratch (the operator's key first at 0), against the RP's checkpoint of the real log",
      spec: { user: 'user-1' },
      knownFrom: { user: 'user-1' },
      jwks: true,
      expect: fail('log', 'custody'),
    },
    {
      name: 'custody-recovery-not-accepted',
      description: 'a recovery root, custodyRoots left at its default ["first"]',
      spec: { root: 'recovery', before: 2 },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-missing',
      description: 'the bundle has no custody member',
      spec: one,
      jwks: true,
      bend: (b) => {
        delete b.custody;
      },
      expect: custody,
    },
    {
      name: 'custody-link-signature',
      description: "link 0: the approver's signature bit flipped",
      spec: one,
      jwks: true,
      bend: (b) => {
        b.custody[0].assertion.response.signature = flip(b.custody[0].assertion.response.signature);
      },
      expect: custody,
    },
    {
      name: 'custody-link-approver-key',
      description: "link 0: signed by the operator's key, shown as approver.publicKey",
      spec: { links: 1, linkBend: 'approver-key' },
      jwks: true,
      bend: (b, m) => {
        b.custody[0].approver.publicKey = b64url(m.stranger.publicKeyCose);
      },
      expect: custody,
    },
    {
      name: 'custody-link-missing-entry',
      description: 'link 0: no approver.enrolled',
      spec: one,
      jwks: true,
      bend: (b) => {
        delete b.custody[0].approver.enrolled;
      },
      expect: custody,
    },
    {
      name: 'custody-link-entry-later',
      description: "link 0: the approver's (latest) entry is logged after the entry it approved",
      spec: { links: 1, linkBend: 'entry-later' },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-link-statement-other-key',
      description: 'link 0: the approver signed the addition of another key',
      spec: { links: 1, linkBend: 'statement-key' },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-link-statement-other-aaguid',
      description: 'link 0: the approver signed the addition of another aaguid',
      spec: { links: 1, linkBend: 'statement-aaguid' },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-link-challenge',
      description: "link 0: the entry's approval.challenge is not the signed statement's",
      spec: { links: 1, linkBend: 'challenge' },
      jwks: true,
      expect: custody,
    },
    {
      name: 'custody-second-link-signature',
      description: "two links: link 1's signature bit flipped",
      spec: { links: 2 },
      jwks: true,
      bend: (b) => {
        b.custody[1].assertion.response.signature = flip(b.custody[1].assertion.response.signature);
      },
      expect: custody,
    },
  ];
}
