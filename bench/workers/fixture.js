// @ts-check
/**
 * The fixed inputs of the stateless baseline and the crypto floor, made by
 * bench/run.mjs with the software authenticator and handed to the bench
 * workers as a JSON binding (BENCH). Nothing here is secret outside the bench.
 *
 * These bench workers are plain JavaScript (checked with JSDoc by
 * bench/tsconfig.json): tsconfig.node.json type-checks every .ts file under
 * bench/ as Node code, and Worker code does not pass as Node code.
 *
 * @typedef {import('@simplewebauthn/server').AuthenticationResponseJSON} AuthenticationResponseJSON
 * @typedef {object} BenchFixture
 * @property {string} rpId
 * @property {string} origin
 * @property {string} challenge base64url challenge every pooled assertion signed
 * @property {{ id: string, publicKeyCose: string, publicKeyJwk: JsonWebKey }} credential
 *   the COSE public key (base64url, as the vault stores it) and the same key as a public JWK
 * @property {AuthenticationResponseJSON[]} assertions distinct valid assertions over `challenge`
 * @property {JsonWebKey & { kid: string }} signingJwk ES256 private JWK: the receipt signing key
 * @property {string} ticket a ticket-shaped string, hashed by the floor as the service hashes tickets
 */

/**
 * Claims shaped like a real receipt's (same members, same sizes).
 * @param {BenchFixture} fx
 * @param {string} sub
 */
export function receiptClaims(fx, sub) {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: fx.origin,
    sub,
    aud: 'payments-api',
    iat,
    exp: iat + 300,
    jti: 'AAAAAAAAAAAAAAAAAAAAAA',
    act: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
    act_type: 'wire.transfer',
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    uv: /** @type {const} */ (true),
    cred: {
      id: fx.credential.id,
      aaguid: '00000000-0000-0000-0000-000000000000',
      device_bound: true,
      backed_up: false,
      attested: false,
    },
    pol: 'default',
  };
}
