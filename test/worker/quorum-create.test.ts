/**
 * POST /v1/quorums (docs/quorum.md): every validation rule with its code,
 * and the quorum routes' 401 / 404. A refused request leaves no quorum.
 */
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newUserId, WIRE } from './harness';
import { approvers, createQuorum, postQuorum } from './quorum-harness';

const users = (ids: string[]) => ids.map((id) => ({ id }));

describe('POST /v1/quorums validation', () => {
  it('needs an API key', async () => {
    expectProblem(
      await call(
        'POST',
        '/v1/quorums',
        { initiator: 'i', groups: [], action: WIRE },
        { auth: false },
      ),
      401,
      'unauthorized',
    );
  });

  it.each([
    ['no initiator', { groups: [{ users: users(['u-1']), required: 1 }] }, 'initiator'],
    [
      'an initiator over 128 characters',
      { initiator: 'x'.repeat(129), groups: [{ users: users(['u-1']), required: 1 }] },
      'initiator',
    ],
    ['no groups', { initiator: 'i', groups: [] }, 'groups'],
    [
      'six groups',
      {
        initiator: 'i',
        groups: Array.from({ length: 6 }, (_, g) => ({ users: users([`u-${g}`]), required: 1 })),
      },
      'groups',
    ],
    [
      'a group with no users',
      { initiator: 'i', groups: [{ users: [], required: 1 }] },
      'groups.0.users',
    ],
    [
      'required 0',
      { initiator: 'i', groups: [{ users: users(['u-1']), required: 0 }] },
      'groups.0.required',
    ],
    [
      'required above the users',
      { initiator: 'i', groups: [{ users: users(['u-1', 'u-2']), required: 3 }] },
      'groups.0.required',
    ],
    [
      'required not an integer',
      { initiator: 'i', groups: [{ users: users(['u-1', 'u-2']), required: 1.5 }] },
      'groups.0.required',
    ],
    ['no required', { initiator: 'i', groups: [{ users: users(['u-1']) }] }, 'groups.0.required'],
    [
      'a group name over 64',
      { initiator: 'i', groups: [{ name: 'n'.repeat(65), users: users(['u-1']), required: 1 }] },
      'groups.0.name',
    ],
    [
      'an empty group name',
      { initiator: 'i', groups: [{ name: '', users: users(['u-1']), required: 1 }] },
      'groups.0.name',
    ],
    [
      'a user name over 64',
      { initiator: 'i', groups: [{ users: [{ id: 'u-1', name: 'n'.repeat(65) }], required: 1 }] },
      'groups.0.users.0.name',
    ],
    [
      'a user id over 128',
      { initiator: 'i', groups: [{ users: users(['u'.repeat(129)]), required: 1 }] },
      'groups.0.users.0.id',
    ],
    [
      'the initiator listed',
      { initiator: 'u-1', groups: [{ users: users(['u-2', 'u-1']), required: 1 }] },
      'groups.0.users.1.id',
    ],
    [
      'a user twice in one group',
      { initiator: 'i', groups: [{ users: users(['u-1', 'u-1']), required: 1 }] },
      'groups.0.users.1.id',
    ],
    [
      'a user in two groups',
      {
        initiator: 'i',
        groups: [
          { users: users(['u-1']), required: 1 },
          { users: users(['u-2', 'u-1']), required: 1 },
        ],
      },
      'groups.1.users.1.id',
    ],
    [
      '21 users in all',
      {
        initiator: 'i',
        groups: [
          { users: users(Array.from({ length: 11 }, (_, k) => `a-${k}`)), required: 1 },
          { users: users(Array.from({ length: 10 }, (_, k) => `b-${k}`)), required: 1 },
        ],
      },
      'groups',
    ],
    [
      '21 users in one group',
      {
        initiator: 'i',
        groups: [{ users: users(Array.from({ length: 21 }, (_, k) => `a-${k}`)), required: 1 }],
      },
      'groups.0.users',
    ],
    [
      'ttl 59',
      { initiator: 'i', ttl: 59, groups: [{ users: users(['u-1']), required: 1 }] },
      'ttl',
    ],
    [
      'ttl 604801',
      { initiator: 'i', ttl: 604_801, groups: [{ users: users(['u-1']), required: 1 }] },
      'ttl',
    ],
    [
      'a batch',
      {
        initiator: 'i',
        batch: { type: 'payroll.run', items: [WIRE] },
        groups: [{ users: users(['u-1']), required: 1 }],
      },
      'batch',
    ],
    [
      'an action of the service',
      {
        initiator: 'i',
        action: { type: 'psea.credential.add' },
        groups: [{ users: users(['u-1']), required: 1 }],
      },
      'action.type',
    ],
    [
      'the service audience',
      { initiator: 'i', audience: 'psea', groups: [{ users: users(['u-1']), required: 1 }] },
      'audience',
    ],
    [
      'a callbackUrl on another origin',
      {
        initiator: 'i',
        callbackUrl: 'https://evil.example/x',
        groups: [{ users: users(['u-1']), required: 1 }],
      },
      'callbackUrl',
    ],
    [
      'a reference over 128',
      {
        initiator: 'i',
        reference: 'r'.repeat(129),
        groups: [{ users: users(['u-1']), required: 1 }],
      },
      'reference',
    ],
  ])('%s → 400 invalid_request naming the field', async (_name, body, field) => {
    const r = await postQuorum(body);
    expectProblem(r, 400, 'invalid_request');
    expect(r.body.detail).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}\\b`));
  });

  it('an action over 16 KiB → 400', async () => {
    const [a] = await approvers(1);
    const r = await postQuorum({
      initiator: 'i',
      action: { type: 'big', blob: 'x'.repeat(17_000) },
      groups: [{ users: users([a!.id]), required: 1 }],
    });
    expectProblem(r, 400, 'invalid_request');
  });

  it('approvers with no active credential → 409 not_enrolled, naming each of them', async () => {
    const [a] = await approvers(1);
    const ghost1 = newUserId('ghost');
    const ghost2 = newUserId('ghost');
    const r = await postQuorum({
      initiator: 'i',
      groups: [
        { users: users([a!.id, ghost1]), required: 1 },
        { users: users([ghost2]), required: 1 },
      ],
    });
    expectProblem(r, 409, 'not_enrolled');
    expect(r.body.detail).toContain(ghost1);
    expect(r.body.detail).toContain(ghost2);
    expect(r.body.detail).not.toContain(a!.id);
  });

  it('20 approvers, ttl 60 and 604800, names kept: 201 with one ticket each, expiring with the quorum', async () => {
    const many = await approvers(20, 'm');
    const q = await createQuorum(
      [
        { users: many.slice(0, 15), required: 10, name: 'Ops' },
        { users: many.slice(15), required: 5 },
      ],
      { ttl: 604_800 },
    );
    expect(q.approvers).toHaveLength(20);
    expect(new Set(q.approvers.map((a) => a.ticket)).size).toBe(20);
    expect(Date.parse(q.expiresAt) - Date.now()).toBeGreaterThan(604_790_000);
    expect(q.statusToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const short = await createQuorum([{ users: many.slice(0, 1), required: 1 }], { ttl: 60 });
    expect(Date.parse(short.expiresAt) - Date.now()).toBeLessThan(62_000);
    const dflt = await createQuorum([{ users: many.slice(0, 1), required: 1 }]);
    expect(Math.abs(Date.parse(dflt.expiresAt) - Date.now() - 86_400_000)).toBeLessThan(5_000);
  });
});

describe('quorum routes: who may ask, unknown ids', () => {
  it('unknown or malformed ids → 404 quorum_not_found; a statusToken learns nothing (401)', async () => {
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }]);
    const unknown = 'f'.repeat(64);
    for (const id of [unknown, 'nope', '0'.repeat(64)]) {
      expectProblem(await call('GET', `/v1/quorums/${id}`), 404, 'quorum_not_found');
      expectProblem(await call('DELETE', `/v1/quorums/${id}`), 404, 'quorum_not_found');
      expectProblem(
        await call('GET', `/v1/quorums/${id}`, undefined, { auth: q.statusToken }),
        401,
        'unauthorized',
      );
    }
    expectProblem(
      await call('GET', `/v1/quorums/${q.quorum}`, undefined, { auth: false }),
      401,
      'unauthorized',
    );
    expectProblem(
      await call('DELETE', `/v1/quorums/${q.quorum}`, undefined, { auth: q.statusToken }),
      401,
      'unauthorized',
    );
    const other = await createQuorum([{ users: [a!], required: 1 }]);
    expectProblem(
      await call('GET', `/v1/quorums/${other.quorum}`, undefined, { auth: q.statusToken }),
      401,
      'unauthorized',
    );
    expect(
      (await call('GET', `/v1/quorums/${q.quorum}`, undefined, { auth: q.statusToken })).status,
    ).toBe(200);
    expectProblem(await call('GET', `/v1/quorums/${q.quorum}?wait=61`), 400, 'invalid_request');
  });
});

describe('quorum routes never answer 5xx to malformed input', () => {
  it('bodies, ids and tickets of every wrong shape: 4xx problems only', async () => {
    const [a] = await approvers(1);
    const q = await createQuorum([{ users: [a!], required: 1 }]);
    const ticket = q.approvers[0]!.ticket;
    const junk: unknown[] = [
      null,
      7,
      'x',
      [],
      {},
      { initiator: {} },
      { initiator: 'i', groups: {} },
      { initiator: 'i', groups: [null] },
      { initiator: 'i', groups: [{ users: [null], required: 1 }] },
      { initiator: 'i', groups: [{ users: [{ id: 5 }], required: 1 }] },
      { initiator: 'i', groups: [{ users: [{ id: a!.id }], required: 1 }], action: [] },
      { initiator: '\ud800', groups: [{ users: [{ id: a!.id }], required: 1 }], action: WIRE },
      {
        initiator: 'i',
        groups: [{ users: [{ id: a!.id, name: '\ud800' }], required: 1 }],
        action: WIRE,
      },
      {
        initiator: 'i',
        groups: [{ users: [{ id: a!.id }], required: 1 }],
        action: WIRE,
        display: { title: '' },
      },
    ];
    for (const body of junk) {
      const r = await call('POST', '/v1/quorums', body);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(body)).toBeLessThan(500);
    }
    const raw = await call('POST', '/v1/quorums', undefined, {
      raw: '{"initiator":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(raw, 400, 'invalid_request');
    for (const id of ['', '%00', 'a'.repeat(600), `${q.quorum}x`, q.quorum.toUpperCase(), '..']) {
      for (const [method, path] of [
        ['GET', `/v1/quorums/${id}`],
        ['DELETE', `/v1/quorums/${id}`],
        ['GET', `/v1/quorums/${id}/evidence`],
      ] as const) {
        const r = await call(method, path);
        expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${path}`).toBeLessThan(500);
      }
    }
    for (const t of [
      `${ticket}0`,
      `${ticket.slice(0, 108)}.${'0'.repeat(64)}`,
      `${ticket.slice(0, 108)}.zz`,
      `${ticket}.${q.quorum}`,
    ]) {
      for (const r of [
        await call('GET', `/v1/actions/${t}`, undefined, { auth: false }),
        await call('POST', `/v1/actions/${t}/verify`, { id: 'x' }, { auth: false }),
      ]) {
        expect(r.status, t).toBeGreaterThanOrEqual(400);
        expect(r.status, t).toBeLessThan(500);
      }
    }
  });
});

describe('POST /v1/quorums with an Idempotency-Key', () => {
  it('a repeat gets the same quorum and tickets; another body with the key is 422 idempotency_mismatch', async () => {
    const [a] = await approvers(1);
    const body = {
      initiator: newUserId('init'),
      groups: [{ users: [{ id: a!.id }], required: 1 }],
      action: WIRE,
      audience: 'payments-api',
    };
    const headers = { 'idempotency-key': `q-${Date.now()}` };
    const first = await call('POST', '/v1/quorums', body, { headers });
    expect(first.status).toBe(201);
    const again = await call('POST', '/v1/quorums', body, { headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expectProblem(
      await call('POST', '/v1/quorums', { ...body, ttl: 120 }, { headers }),
      422,
      'idempotency_mismatch',
    );
  });
});
