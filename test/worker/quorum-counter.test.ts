/**
 * The counter rule on a quorum ticket (docs/quorum.md): a quorum ticket
 * lives up to seven days, so "a ticket created after the credential's last
 * accepted use" reads "options first served after". A clone signing the
 * quorum after the person used the passkey elsewhere is then locked out,
 * though the ticket itself is older than that use.
 */
import { describe, expect, it } from 'vitest';
import { assertion, call, expectProblem, nextMillisecond, requestAction, verify } from './harness';
import { approvers, createQuorum, ticketOf } from './quorum-harness';

const credentialsOf = async (userId: string) =>
  (await call('GET', `/v1/users/${userId}/credentials`)).body.credentials;

describe('the counter rule on a quorum ticket', () => {
  it('options served after the last use: a regression locks the credential', async () => {
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }]);
    // The person uses the passkey elsewhere after the quorum was made.
    await nextMillisecond();
    const other = await requestAction(a!.id);
    expect((await verify(other.ticket, await assertion(other.ticket, a!.auth))).status).toBe(200);
    const stored = a!.auth.counter;
    await nextMillisecond();
    // Then opens the quorum (served now); a copy of the key signs with the counter it copied.
    const ticket = ticketOf(q, a!);
    expectProblem(
      await verify(ticket, await assertion(ticket, a!.auth, { counter: stored })),
      422,
      'counter_regression',
    );
    expect((await credentialsOf(a!.id))[0].state).toBe('locked');
  });

  it('options served before the last use: 422, and the credential stays active', async () => {
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }]);
    const ticket = ticketOf(q, a!);
    const held = await assertion(ticket, a!.auth); // served now, signed, held back by a page
    await nextMillisecond();
    const other = await requestAction(a!.id);
    expect((await verify(other.ticket, await assertion(other.ticket, a!.auth))).status).toBe(200);
    expectProblem(await verify(ticket, held), 422, 'counter_regression');
    expect((await credentialsOf(a!.id))[0].state).toBe('active');
  });
});
