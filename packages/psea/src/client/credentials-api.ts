/** `psea.credentials`: a user's credentials, listed and revoked, over the client's server call. */
import { segment } from './base-url.ts';
import type { CallOptions } from './options.ts';
import type { Call } from './request.ts';
import type { CredentialList } from './types.ts';

/**
 * @example
 * ```ts
 * const { credentials } = await psea.credentials.list('u-123');
 * for (const c of credentials.filter((c) => c.state === 'active' && !c.deviceBound)) await psea.credentials.revoke('u-123', c.id);
 * ```
 */
export interface CredentialsApi {
  /** `GET /v1/users/:id/credentials`. Retried on 503. */
  list(userId: string, options?: CallOptions): Promise<CredentialList>;
  /** `DELETE /v1/users/:id/credentials/:credentialId`: 204, and it can approve nothing more. Retried on 503 (idempotent). */
  revoke(userId: string, credentialId: string, options?: CallOptions): Promise<void>;
}

type ServerCall = <T>(method: Call['method'], path: string, options?: CallOptions) => Promise<T>;

export function credentialsApi(server: ServerCall): CredentialsApi {
  const user = (userId: string) => `/v1/users/${segment(userId, 'userId')}/credentials`;
  // async: a bad id rejects, as every method does, never throws synchronously.
  return {
    list: async (userId, o) => server('GET', user(userId), o),
    revoke: async (userId, credentialId, o) =>
      server('DELETE', `${user(userId)}/${segment(credentialId, 'credentialId')}`, o),
  };
}
