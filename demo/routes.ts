/**
 * The demo bank's backend, mounted at /demo, alive only when DEMO is "true"
 * and only on a loopback host. It plays the host backend: it calls the real
 * server routes in-process with the first API key (which never reaches the
 * browser), and verifies receipts the way a bank would: `verifyReceipt` with
 * the service's own JWKS, the issuer, audience `psea-demo`, the demo user as
 * subject, the exact transfer and its display, then a redeem.
 *
 * Anyone who reaches it can enroll a passkey for demo-user (an Origin header
 * is easy to forge outside a browser), so config.ts refuses DEMO unless RP_ID
 * is localhost and every origin loopback, and its receipts name an audience
 * of their own: no backend that expects `payments-api` accepts one.
 *
 *   GET  /demo/app.js               the bank page's script
 *   GET  /demo/api/state            { enrolled, passkeys } for demo-user
 *   POST /demo/api/enroll           POST /v1/enrollments → { ticket, enrollUrl, expiresAt }
 *   POST /demo/api/transfer         POST /v1/actions → { ticket, approveUrl, actionHash, expiresAt }
 *   POST /demo/api/suppliers        POST /v1/actions with a batch of 25 supplier payments (same answer)
 *   GET  /demo/api/status/:ticket   GET /v1/actions/:ticket/status (a second device approved?)
 *   POST /demo/api/offline          POST /v1/users/demo-user/offline-grants → { bundle, action, display }
 *   POST /demo/api/confirm          { receipt, batch? } → verified { claims, header, statement, challenge } + redeem
 */
import { Hono, type Context } from 'hono';
import { getSigningKeys, getVars, serviceOrigin } from '../worker/config';
import { isLoopbackHost } from '../worker/lib/loopback';
import type { AppEnv, Env } from '../worker/env';
import { ProblemError, problemResponse } from '../worker/errors';
import { ASSETS } from '../worker/generated/widget';
import { TICKET_RE } from '../worker/pages/html';
import { serveAsset } from '../worker/pages/serve';
import { statementChallenge, verifyReceipt } from '../packages/psea/src/receipt/index.ts';
import { DEMO_SUPPLIER_RUN, DEMO_SUPPLIERS } from './suppliers';

/** Something that answers like the Worker: the app itself, so the demo runs the real routes. */
export interface ApiFetcher {
  fetch: (req: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;
}

const DEMO_USER = { id: 'demo-user', name: 'demo-user', displayName: 'Demo User' };
/** Its own audience: a demo receipt is never one a real backend expects. */
const DEMO_AUDIENCE = 'psea-demo';
export const DEMO_TO = 'DE89 3704 0044 0532 0130 00';
export const DEMO_DISPLAY_AMOUNT = '€1,250.00';
/** The transfer the bank will execute, and so the action the passkey signs. */
const DEMO_ACTION = {
  type: 'wire.transfer',
  amount: '1250.00',
  currency: 'EUR',
  to: DEMO_TO,
};
/** What the person sees: only what the action holds, since only the action is signed. */
const DEMO_DISPLAY = {
  title: `Send ${DEMO_DISPLAY_AMOUNT}`,
  fields: [
    { label: 'To', value: DEMO_TO },
    { label: 'Amount', value: DEMO_DISPLAY_AMOUNT },
  ],
};

/** A request the Worker runtime may run without an execution context (tests): a no-op one. */
function ctxOf(c: Context<AppEnv>): ExecutionContext {
  try {
    return c.executionCtx as unknown as ExecutionContext;
  } catch {
    return {
      waitUntil() {},
      passThroughOnException() {},
      props: {},
    } as unknown as ExecutionContext;
  }
}

/** The demo is on (DEMO=true) and this request came to a loopback host. */
export function demoHere(c: Context<AppEnv>): boolean {
  return getVars(c.env).demo && isLoopbackHost(new URL(c.req.url).hostname);
}

const problem = (code: ConstructorParameters<typeof ProblemError>[0], detail?: string): Response =>
  problemResponse(new ProblemError(code, detail));

export function demo(api: ApiFetcher): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  /** Call a server route as the bank's backend would, with the first API key. */
  async function server(
    c: Context<AppEnv>,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Response> {
    const key = (c.env.API_KEYS ?? '').split(',')[0]?.trim();
    if (!key) return problem('misconfigured', 'API_KEYS is missing or malformed');
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = new Request(new URL(path, c.req.url), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return api.fetch(req, c.env, ctxOf(c));
  }

  /** Pass a server answer on, keeping its status and problem+json, or only the named members. */
  async function relay(res: Response, keep?: string[]): Promise<Response> {
    const data = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok || !data || !keep) {
      return new Response(JSON.stringify(data), {
        status: res.status,
        headers: {
          'content-type': res.headers.get('content-type') ?? 'application/json',
          'cache-control': 'no-store',
        },
      });
    }
    return Response.json(Object.fromEntries(keep.map((k) => [k, data[k]])), {
      headers: { 'cache-control': 'no-store' },
    });
  }

  app.use('*', async (c, next) => {
    // Off unless DEMO is "true", and then only on loopback: the demo spends the first API key.
    if (!demoHere(c)) return problem('not_found');
    if (c.req.method === 'POST') {
      // Only the bank page itself may drive the demo: JSON from the same origin. Browsers send
      // Origin on every POST, so a request without one is not from the page.
      if (c.req.header('origin') !== new URL(c.req.url).origin)
        return problem('unauthorized', 'demo requests come from the demo page only');
      if (!c.req.header('content-type')?.startsWith('application/json'))
        return problem('invalid_request', 'content-type must be application/json');
    }
    await next();
  });

  app.get('/app.js', (c) => {
    const a = ASSETS['/demo/app.js']!;
    return serveAsset(c, a.body, a.type, a.etag);
  });

  app.get('/api/state', async (c) => {
    const res = await server(c, 'GET', `/v1/users/${DEMO_USER.id}/credentials`);
    const data = (await res.json().catch(() => null)) as {
      credentials?: { state?: string }[];
    } | null;
    const passkeys = res.ok
      ? (data?.credentials ?? []).filter((k) => k.state === 'active').length
      : 0;
    return c.json({ enrolled: passkeys > 0, passkeys }, 200, { 'cache-control': 'no-store' });
  });

  app.post('/api/enroll', async (c) =>
    relay(await server(c, 'POST', '/v1/enrollments', { user: DEMO_USER }), [
      'ticket',
      'enrollUrl',
      'expiresAt',
    ]),
  );

  app.post('/api/transfer', async (c) =>
    relay(
      await server(c, 'POST', '/v1/actions', {
        user: { id: DEMO_USER.id },
        action: DEMO_ACTION,
        display: DEMO_DISPLAY,
        audience: DEMO_AUDIENCE,
        ttl: 300,
      }),
      ['ticket', 'approveUrl', 'actionHash', 'expiresAt'],
    ),
  );

  // "Pay 25 suppliers": one approval for the whole run (docs/batches.md).
  app.post('/api/suppliers', async (c) =>
    relay(
      await server(c, 'POST', '/v1/actions', {
        user: { id: DEMO_USER.id },
        batch: { type: DEMO_SUPPLIER_RUN, items: DEMO_SUPPLIERS },
        audience: DEMO_AUDIENCE,
        ttl: 300,
      }),
      ['ticket', 'approveUrl', 'actionHash', 'expiresAt'],
    ),
  );

  // The offline switch: grants for the transfer, fetched while online, and what the device will sign with them.
  app.post('/api/offline', async (c) => {
    const res = await server(c, 'POST', `/v1/users/${DEMO_USER.id}/offline-grants`, {
      count: 5,
      ttl: 3600,
      audience: DEMO_AUDIENCE,
      types: [DEMO_ACTION.type],
    });
    if (!res.ok) return relay(res);
    const { bundle } = (await res.json()) as { bundle: string };
    return c.json({ bundle, action: DEMO_ACTION, display: DEMO_DISPLAY }, 200, {
      'cache-control': 'no-store',
    });
  });

  app.get('/api/status/:ticket', async (c) => {
    const ticket = c.req.param('ticket');
    // Only the demo user's tickets: the relay spends the API key, and must not hand out anyone else's receipt.
    if (
      !TICKET_RE.test(ticket) ||
      !ticket.startsWith(`${c.env.VAULT.idFromName(DEMO_USER.id).toString()}.`)
    )
      return problem('ticket_not_found');
    return relay(await server(c, 'GET', `/v1/actions/${ticket}/status`));
  });

  app.post('/api/confirm', async (c) => {
    const body = (await c.req.json().catch(() => null)) as {
      receipt?: unknown;
      batch?: unknown;
    } | null;
    const receipt = body?.receipt;
    const batch = body?.batch === true;
    if (typeof receipt !== 'string' || receipt.length > 16_384)
      return problem('invalid_request', 'receipt must be a string');
    // Verify first, as a bank must: the service's keys, its issuer, our audience, our user, this exact
    // transfer and the display we sent with it. This bank takes offline approvals of it too (the switch).
    let verified;
    try {
      const [{ jwks }, vars] = await Promise.all([
        getSigningKeys(c.env),
        Promise.resolve(getVars(c.env)),
      ]);
      verified = await verifyReceipt(receipt, {
        jwks,
        issuer: serviceOrigin(vars, c.req.url),
        audience: DEMO_AUDIENCE,
        subject: DEMO_USER.id,
        // A supplier run is checked against the 25 items the bank will pay, never a summary.
        ...(batch
          ? { batch: DEMO_SUPPLIERS }
          : { action: DEMO_ACTION, display: DEMO_DISPLAY, allowOffline: true }),
      });
    } catch (err) {
      if (err instanceof ProblemError) return problemResponse(err);
      const code =
        err instanceof Error && 'code' in err
          ? String((err as { code: unknown }).code)
          : 'unverifiable';
      return problem('receipt_invalid', `verifyReceipt: ${code}`);
    }
    // Then spend it once.
    const items = batch ? { item: DEMO_SUPPLIERS.map((_, i) => i) } : {};
    const redeem = await server(c, 'POST', '/v1/receipts/redeem', {
      receipt,
      audience: DEMO_AUDIENCE,
      ...items,
    });
    const redeemed = redeem.ok;
    const redeemCode = redeemed
      ? undefined
      : ((await redeem.json().catch(() => null)) as { code?: string } | null)?.code;
    // The challenge the passkey signed, rebuilt from the claims alone.
    const challenge = await statementChallenge(verified.statement);
    return c.json({ ...verified, challenge, redeemed, redeemCode }, 200, {
      'cache-control': 'no-store',
    });
  });

  return app;
}
