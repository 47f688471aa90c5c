/**
 * A software WebAuthn authenticator for tests. It answers creation and request options the way
 * `@simplewebauthn/browser`'s `startRegistration` / `startAuthentication` would return a real
 * platform passkey's answer, and every field can be bent for negative tests (flags, counter,
 * origin, challenge, rpIdHash, signature, COSE key, attestation bytes, ...).
 *
 * Runs in workerd and in Node 20: WebCrypto, TextEncoder and `@simplewebauthn/server/helpers` only.
 *
 * ```ts
 * const auth = await SoftAuthenticator.create({ alg: -7 });
 * const reg = await auth.register(creationOptions, { origin: 'http://localhost:8787' });
 * const ok = await auth.assert(requestOptions, { origin: 'http://localhost:8787' });
 * const bad = await auth.assert(requestOptions, { origin, bend: { flags: { uv: false } } });
 * ```
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import {
  COSE_ALGS,
  KTY_TEXT,
  b64url,
  bytes,
  concat,
  ecdsaRawToDer,
  fromB64url,
  generateKeyMaterial,
  randomBytes,
  sha256,
  signRaw,
  u16,
  u32,
  utf8,
  uuidToBytes,
  type Bytes,
  type CborValue,
  type CoseAlg,
  type CoseKeyMap,
  type KeyMaterial,
} from './soft-authenticator/crypto';
import type {
  AssertionBend,
  CeremonyContext,
  CommonBend,
  RegistrationBend,
  SignatureBend,
  SoftAuthenticatorOptions,
} from './soft-authenticator/types';

export { ecdsaRawToDer, sha256, b64url, fromB64url, COSE_ALGS };
export type { Bytes, CborValue, CoseAlg, CoseKeyMap };
export type {
  AssertionBend,
  CeremonyContext,
  CommonBend,
  FlagBends,
  RegistrationBend,
  SignatureBend,
  SoftAuthenticatorOptions,
} from './soft-authenticator/types';

const FLAG_BITS = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40, ed: 0x80 } as const;

function flagsByte(flags: Record<keyof typeof FLAG_BITS, boolean>): number {
  let byte = 0;
  for (const [name, bit] of Object.entries(FLAG_BITS)) {
    if (flags[name as keyof typeof FLAG_BITS]) byte |= bit;
  }
  return byte;
}

function bendSignature(
  sig: Bytes,
  alg: CoseAlg,
  raw: Bytes,
  how: SignatureBend | undefined,
): Bytes {
  if (how === undefined) return sig;
  if (how instanceof Uint8Array) return bytes(how);
  switch (how) {
    case 'flip': {
      const out = bytes(sig);
      out[out.length - 1]! ^= 0x01;
      return out;
    }
    case 'zero':
      return alg === -7
        ? bytes([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])
        : new Uint8Array(sig.length);
    case 'der-garbage':
      return concat(bytes([0x30, 0xff, 0x02, 0x21]), randomBytes(12));
    case 'raw':
      return raw;
    case 'empty':
      return new Uint8Array(0);
  }
}

/** A browser re-encodes options.challenge from bytes; do the same so padding never leaks through. */
function canonicalChallenge(challenge: string): string {
  return b64url(fromB64url(challenge));
}

export class SoftAuthenticator {
  readonly alg: CoseAlg;
  /** base64url credential id. */
  readonly credentialId: string;
  readonly credentialIdBytes: Bytes;
  /** AAGUID as a UUID string. */
  readonly aaguid: string;
  /** COSE public key bytes, for tests that store a credential directly. */
  readonly publicKeyCose: Bytes;
  /** SubjectPublicKeyInfo DER of the public key. */
  readonly publicKeySpki: Bytes;
  backupEligible: boolean;
  backedUp: boolean;
  /** The last counter value this authenticator emitted (or will emit at registration). */
  counter: number;
  counterStep: number;
  /** user.id (base64url) from the last registration, or the preset. */
  userHandle?: string;
  /** RP ID from the last registration. */
  rpId?: string;
  readonly #key: KeyMaterial;

  private constructor(key: KeyMaterial, credentialId: Bytes, opts: SoftAuthenticatorOptions) {
    this.#key = key;
    this.alg = key.alg;
    this.credentialIdBytes = credentialId;
    this.credentialId = b64url(credentialId);
    this.aaguid = opts.aaguid ?? '00000000-0000-0000-0000-000000000000';
    uuidToBytes(this.aaguid); // validate early
    this.publicKeyCose = bytes(isoCBOR.encode(key.cose));
    this.publicKeySpki = key.spki;
    this.backupEligible = opts.backupEligible ?? false;
    this.backedUp = opts.backedUp ?? false;
    this.counter = opts.initialCounter ?? 0;
    this.counterStep = opts.counterStep ?? 1;
    if (opts.userHandle !== undefined) this.userHandle = opts.userHandle;
  }

  static async create(opts: SoftAuthenticatorOptions = {}): Promise<SoftAuthenticator> {
    const idLength = opts.credentialIdLength ?? 32;
    // Past WebAuthn's 1023 bytes too, so tests can show the service refusing such ids.
    if (idLength < 1 || idLength > 4096)
      throw new Error('soft-authenticator: credentialIdLength 1..4096');
    const key = await generateKeyMaterial(opts.alg ?? -7);
    return new SoftAuthenticator(key, randomBytes(idLength), opts);
  }

  /** A credential record as `verifyAuthenticationResponse` takes it. */
  credentialRecord(): { id: string; publicKey: Bytes; counter: number } {
    return { id: this.credentialId, publicKey: this.publicKeyCose, counter: this.counter };
  }

  /** Answer navigator.credentials.create() as startRegistration() returns it. */
  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    ctx: CeremonyContext<RegistrationBend>,
  ): Promise<RegistrationResponseJSON> {
    const bend = ctx.bend ?? {};
    const rpId = options.rp.id ?? new URL(ctx.origin).hostname;
    if (!bend.skipAuthenticatorChecks) {
      const offered = (options.pubKeyCredParams ?? []).map((p) => p.alg);
      if (bend.alg === undefined && !offered.includes(this.alg)) {
        throw new Error(
          `NotSupportedError: soft authenticator alg ${this.alg} not in pubKeyCredParams [${offered.join(', ')}]`,
        );
      }
      if ((options.excludeCredentials ?? []).some((c) => c.id === this.credentialId)) {
        throw new Error('InvalidStateError: credential is in excludeCredentials');
      }
    }
    const clientData = this.#clientData('webauthn.create', options.challenge, ctx.origin, bend);
    const claimedAlg = bend.alg ?? this.alg;

    let cose: CoseKeyMap = new Map(this.#key.cose);
    cose.set(3, claimedAlg);
    const badKey = bend.badCoseKey === true ? 'text-kty' : bend.badCoseKey || undefined;
    if (badKey === 'text-kty') cose.set(1, KTY_TEXT[cose.get(1) as number] ?? 'EC2');
    if (badKey === 'text-alg') cose.set(3, String(claimedAlg));
    if (badKey === 'missing-x') cose.delete(-2);
    if (bend.coseKey) cose = bend.coseKey(cose);

    const counter = bend.counter ?? this.counter;
    let authData = concat(
      await this.#rpIdHash(rpId, bend),
      bytes([this.#flags(bend, true)]),
      u32(counter),
      uuidToBytes(this.aaguid),
      u16(this.credentialIdBytes.length),
      this.credentialIdBytes,
      isoCBOR.encode(cose),
      bend.extensions ? isoCBOR.encode(bend.extensions) : new Uint8Array(0),
    );
    if (bend.authenticatorData) authData = bytes(bend.authenticatorData(authData));

    const attStmt = new Map<string, CborValue>();
    const fmt = bend.fmt ?? 'none';
    if (fmt === 'packed') {
      const raw = await signRaw(
        this.alg,
        this.#key.privateKey,
        concat(authData, await sha256(clientData)),
      );
      const sig = this.alg === -7 ? ecdsaRawToDer(raw) : raw;
      attStmt.set('alg', claimedAlg);
      attStmt.set('sig', bendSignature(sig, this.alg, raw, bend.attestationSignature));
    }
    let attObj = concat(
      isoCBOR.encode(
        new Map<string, CborValue>([
          ['fmt', fmt],
          ['attStmt', attStmt],
          ['authData', authData],
        ]),
      ),
      bend.trailingBytes ?? new Uint8Array(0),
    );
    if (bend.attestationObject) attObj = bytes(bend.attestationObject(attObj));

    this.userHandle = options.user.id;
    this.rpId = rpId;
    const resp: RegistrationResponseJSON = {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        attestationObject: b64url(attObj),
        transports: ['hybrid', 'internal'],
        publicKeyAlgorithm: claimedAlg,
        publicKey: b64url(this.publicKeySpki),
        authenticatorData: b64url(authData),
      },
      clientExtensionResults: { credProps: { rk: true } },
      authenticatorAttachment: 'platform',
    };
    return bend.afterSign ? bend.afterSign(resp) : resp;
  }

  /** Answer navigator.credentials.get() as startAuthentication() returns it. */
  async assert(
    options: PublicKeyCredentialRequestOptionsJSON,
    ctx: CeremonyContext<AssertionBend>,
  ): Promise<AuthenticationResponseJSON> {
    const bend = ctx.bend ?? {};
    const rpId = options.rpId ?? new URL(ctx.origin).hostname;
    if (
      !bend.skipAuthenticatorChecks &&
      bend.credentialId === undefined &&
      bend.signWith === undefined
    ) {
      const allow = options.allowCredentials ?? [];
      if (allow.length > 0 && !allow.some((c) => c.id === this.credentialId)) {
        throw new Error('NotAllowedError: credential not in allowCredentials');
      }
      if (this.rpId !== undefined && this.rpId !== rpId) {
        throw new Error(`NotAllowedError: credential is for RP ID ${this.rpId}, not ${rpId}`);
      }
    }
    // Take the counter before any await, so concurrent assertions get distinct counters.
    let counter: number;
    if (bend.counter !== undefined) {
      counter = bend.counter;
    } else {
      this.counter += this.counterStep;
      counter = this.counter;
    }
    const clientData = this.#clientData('webauthn.get', options.challenge, ctx.origin, bend);
    let authData = concat(
      await this.#rpIdHash(rpId, bend),
      bytes([this.#flags(bend, false)]),
      u32(counter),
      bend.extensions ? isoCBOR.encode(bend.extensions) : new Uint8Array(0),
    );
    if (bend.authenticatorData) authData = bytes(bend.authenticatorData(authData));

    const signer = bend.signWith ?? this;
    const signed = concat(authData, await sha256(clientData));
    const raw = await signRaw(signer.alg, signer.#key.privateKey, signed);
    const sig = signer.alg === -7 ? ecdsaRawToDer(raw) : raw;
    const signature = bendSignature(sig, signer.alg, raw, bend.signature);

    const id = bend.credentialId ?? this.credentialId;
    const userHandle =
      bend.userHandle === undefined ? this.userHandle : (bend.userHandle ?? undefined);
    const resp: AuthenticationResponseJSON = {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        ...(userHandle !== undefined ? { userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
    return bend.afterSign ? bend.afterSign(resp) : resp;
  }

  #clientData(type: string, challenge: string, origin: string, bend: CommonBend): Bytes {
    const cd: Record<string, unknown> = {
      type: bend.type ?? type,
      challenge: bend.challenge ?? canonicalChallenge(challenge),
      origin: bend.origin ?? origin,
      crossOrigin: bend.crossOrigin ?? false,
    };
    if (bend.topOrigin !== undefined) cd.topOrigin = bend.topOrigin;
    const out = bend.clientDataJSON ? bend.clientDataJSON(cd) : cd;
    return utf8(typeof out === 'string' ? out : JSON.stringify(out));
  }

  async #rpIdHash(rpId: string, bend: CommonBend): Promise<Bytes> {
    if (bend.rpIdHash) return bytes(bend.rpIdHash);
    return sha256(bend.rpId ?? rpId);
  }

  #flags(bend: CommonBend, registration: boolean): number {
    return flagsByte({
      up: true,
      uv: true,
      be: this.backupEligible,
      bs: this.backedUp,
      at: registration,
      ed: bend.extensions !== undefined,
      ...Object.fromEntries(Object.entries(bend.flags ?? {}).filter(([, v]) => v !== undefined)),
    });
  }
}
