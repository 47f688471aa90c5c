/**
 * Prepares valid flows through the real routes, as a host backend and a
 * browser would: enroll users with software authenticators, then per
 * verify request a fresh action ticket and its signed assertion. Nothing
 * here is timed.
 */
export const TRANSFER = {
  type: 'wire.transfer',
  amount: '1250.00',
  currency: 'EUR',
  to: 'DE89 3704 0044 0532 0130 00',
};
const DISPLAY = {
  title: 'Send €1,250.00',
  fields: [
    { label: 'To', value: TRANSFER.to },
    { label: 'Amount', value: '€1,250.00' },
  ],
};

/** Run `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool(items, concurrency, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

export function api(base, apiKey, origin) {
  async function call(path, { method = 'GET', body, server = false } = {}) {
    const headers = server ? { authorization: `Bearer ${apiKey}` } : { origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let data = null;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, data };
  }
  const must = async (want, path, opts) => {
    const r = await call(path, opts);
    if (r.status !== want)
      throw new Error(`${opts?.method ?? 'GET'} ${path}: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  };
  return { base, origin, call, must };
}

/**
 * Enroll one user: POST /v1/enrollments (API key), GET the options, let a
 * software authenticator register, POST the registration.
 */
export async function enrollUser(client, SoftAuthenticator, userId, authOptions = {}) {
  const { ticket } = await client.must(201, '/v1/enrollments', {
    method: 'POST',
    server: true,
    body: { user: { id: userId, name: `${userId}@example.com` } },
  });
  const { options } = await client.must(200, `/v1/enrollments/${ticket}`);
  const auth = await SoftAuthenticator.create(authOptions);
  const reg = await auth.register(options, { origin: client.origin });
  await client.must(201, `/v1/enrollments/${ticket}`, { method: 'POST', body: reg });
  return { id: userId, auth, next: auth.counter };
}

/** Prepare `count` tickets spread round-robin over `users` (ticket i for user i mod n). */
export function prepareTickets(client, users, count, concurrency = 12) {
  const plan = Array.from({ length: count }, (_, i) => users[i % users.length]);
  // Counters are taken in plan order before any request, so the order of completion does not matter.
  const withCounters = plan.map((user) => ({
    user,
    counter: user.auth.counterStep === 0 ? 0 : ++user.next,
  }));
  return pool(withCounters, concurrency, async ({ user, counter }) => {
    const { ticket } = await client.must(201, '/v1/actions', {
      method: 'POST',
      server: true,
      body: { user: { id: user.id }, action: TRANSFER, display: DISPLAY, audience: 'payments-api' },
    });
    const { options } = await client.must(200, `/v1/actions/${ticket}`);
    const assertion = await user.auth.assert(options, { origin: client.origin, bend: { counter } });
    return {
      ticket,
      body: JSON.stringify(assertion),
      user: user.id,
      serial: user.auth.counterStep !== 0,
    };
  });
}

/**
 * Items for the stateful floor route (figure 2): `count` approvals spread
 * round-robin over `users` objects of the cpu worker, each object holding
 * pending rows as long as a real action ticket's, one per approval.
 * Bodies are the fixture's assertions, which the floor checks.
 */
export async function prepareFloorItems(cpuClient, users, count, bodies) {
  const perObject = Math.ceil(count / users) + 1;
  const names = Array.from({ length: users }, (_, i) => `floor-user-${String(i).padStart(4, '0')}`);
  const data = JSON.stringify({
    userId: names[0],
    action: TRANSFER,
    display: DISPLAY,
    actionHash: 'A'.repeat(43),
    statement: {
      v: 1,
      iss: cpuClient.origin,
      aud: 'payments-api',
      sub: names[0],
      act: 'A'.repeat(43),
      nonce: 'A'.repeat(22),
    },
    rule: { id: 'default', require: {} },
  });
  const ids = [];
  for (let i = 0; i < names.length; i += 100) {
    const r = await cpuClient.must(200, '/__bench/floor-prep', {
      method: 'POST',
      body: { names: names.slice(i, i + 100), count: perObject, data },
    });
    ids.push(...r.ids);
  }
  return Array.from({ length: count }, (_, i) => {
    const id = ids[i % users];
    const k = Math.floor(i / users);
    return {
      ticket: `${id}/${k}`,
      body: bodies[i % bodies.length],
      user: id,
      serial: false,
      path: `/__bench/floor-route/${id}/${k}`,
    };
  });
}

/**
 * After a load run: every ticket must be approved and carry exactly the
 * receipt its one verify answered with. Returns counts of what was found.
 */
export async function checkTickets(client, tickets, receipts, concurrency = 16) {
  const found = { approved: 0, sameReceipt: 0, otherState: 0, missingReceipt: 0, mismatch: 0 };
  await pool(tickets, concurrency, async (t) => {
    const { status, data } = await client.call(`/v1/actions/${t.ticket}/status`, { server: true });
    if (status !== 200 || data?.state !== 'approved') {
      found.otherState++;
      return;
    }
    found.approved++;
    if (!data.receipt) found.missingReceipt++;
    else if (data.receipt === receipts.get(t.ticket)) found.sameReceipt++;
    else found.mismatch++;
  });
  return found;
}
