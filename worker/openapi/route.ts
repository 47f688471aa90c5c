import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { openApiJson } from './document';

/** The API description, built from the routes' own schemas; public like the keys. */
export const openApiRoute = new Hono<AppEnv>();

openApiRoute.get('/openapi.json', (c) =>
  c.body(openApiJson(), 200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'public, max-age=300',
    'access-control-allow-origin': '*',
  }),
);
