/**
 * The PSEA edge service's app: route groups mounted on one Hono app, one
 * error boundary. A ProblemError becomes problem+json; anything else is
 * logged (without the request body) and answered with a generic 500.
 *
 * `extend` mounts routes ahead of the pages (the development entry,
 * demo/index.ts, mounts the demo bank there); production (worker/index.ts)
 * mounts nothing more, so no production code imports the demo.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { getVars } from './config';
import type { AppEnv } from './env';
import { asProblem, ProblemError, problemResponse } from './errors';
import { bodyLimits } from './http/body-limits';
import { logPath } from './http/log-path';
import { actions } from './routes/actions';
import { credentials } from './routes/credentials';
import { enroll } from './routes/enroll';
import { offline } from './routes/offline';
import { evidence } from './routes/evidence';
import { pages } from './routes/pages';
import { openApiRoute } from './openapi/route';
import { publicRoutes } from './routes/public';
import { receipts } from './routes/receipts';
import { quorums } from './routes/quorums';
import { quorumEvidence } from './routes/quorum-evidence';

export type App = Hono<AppEnv>;

export function createApp(extend?: (app: App) => void): App {
  const app = new Hono<AppEnv>();

  // Every answer, problems and the body limit's 413 included: its type is the one it says. Set on
  // the Response the route made, not with c.header() after the fact, which would copy it.
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('x-content-type-options'))
      c.res.headers.set('x-content-type-options', 'nosniff');
  });

  // A deployment that could never be safe (no ISSUER outside localhost, a demo reachable from
  // outside) answers nothing but 500 misconfigured, as for a missing secret.
  app.use('*', async (c, next) => {
    getVars(c.env);
    await next();
  });

  // Cap bodies before anything parses them (4 MiB for a batch, http/body-limits.ts).
  app.use('*', bodyLimits);

  // API answers carry tickets, statements and receipts: no cache keeps them.
  app.use('/v1/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  app.route('/', publicRoutes);
  app.route('/', openApiRoute);
  app.route('/', enroll);
  app.route('/', actions);
  app.route('/', receipts);
  app.route('/', quorums);
  app.route('/', quorumEvidence);
  app.route('/', credentials);
  app.route('/', offline);
  app.route('/', evidence);
  extend?.(app);
  app.route('/', pages);

  app.notFound(() => problemResponse(new ProblemError('not_found')));

  app.onError((err, c) => {
    const problem = asProblem(err);
    if (problem) return problemResponse(problem, c.res.headers);
    if (err instanceof HTTPException) {
      // Hono's own 4xx. Our routes parse bodies themselves (http/validate.ts), so this is a
      // guard: a framework refusal stays a 4xx problem, never a 500.
      if (err.status === 413) return problemResponse(new ProblemError('payload_too_large'));
      if (err.status < 500)
        return problemResponse(new ProblemError('invalid_request', 'malformed JSON body'));
    }
    console.error(
      `[psea] unhandled ${c.req.method} ${logPath(new URL(c.req.url).pathname)}:`,
      err instanceof Error ? err.stack : 'non-error thrown',
    );
    return problemResponse(new ProblemError('internal_error'));
  });

  return app;
}
