/** A ticket's expiresAt is its stored expiry, exactly. (Each test failed before its fix.) */
import { describe, expect, it } from 'vitest';
import { enroll, newUserId, requestAction, ticketRow } from './harness';

describe('expiry', () => {
  it('expiresAt is the stored expiry exactly: a ticket is expired from that second on, never later', async () => {
    const userId = newUserId('exp');
    await enroll(userId);
    const { ticket, expiresAt } = await requestAction(userId, { ttl: 60 });
    expect((await ticketRow(userId, ticket)).expires_at).toBe(Date.parse(expiresAt));
  });
});
