/**
 * /openapi.json cannot drift: its paths are the routes the app mounts (both
 * ways), its request bodies are the schemas those routes validate with (read
 * off the mounted middleware), its codes are PROBLEMS, and it holds together
 * as OpenAPI 3.1 (required members, every $ref resolves, every operation answers).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { version } from '../../package.json';
import app from '../../demo/index';
import { PROBLEMS } from '../../worker/errors';
import { bodyContractOf, type BodyContract } from '../../worker/http/validate';
import { openApiJson } from '../../worker/openapi/document';
import { JSON_SCHEMA_DIALECT, JSON_SCHEMA_OPTIONS } from '../../worker/openapi/json-schema';
import {
  OPERATIONS,
  REQUEST_SCHEMAS,
  UNDOCUMENTED_PREFIXES,
} from '../../worker/openapi/operations';
import { call } from './harness';

type Json = Record<string, any>;
const doc: Json = JSON.parse(openApiJson());
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** What the app mounts, as `METHOD /path/{param}`, with the body contracts of each route's middleware. */
function mountedRoutes(): Map<string, BodyContract[]> {
  const mounted = new Map<string, BodyContract[]>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue; // middleware (`use`): body limit, no-store, CORS, API key on /v1/users/*
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    if (UNDOCUMENTED_PREFIXES.some((prefix) => path.startsWith(prefix))) continue;
    const key = `${r.method} ${path}`;
    const contract = bodyContractOf(r.handler);
    mounted.set(key, [...(mounted.get(key) ?? []), ...(contract ? [contract] : [])]);
  }
  return mounted;
}

function documentedOperations(): Map<string, Json> {
  const ops = new Map<string, Json>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of METHODS)
      if (item[method]) ops.set(`${method.toUpperCase()} ${path}`, item[method]);
  }
  return ops;
}

/** A local JSON Pointer (`#/components/schemas/X`), or undefined. */
function resolve(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at =
      at !== null && typeof at === 'object' && Object.hasOwn(at, part)
        ? (at as Json)[part]
        : undefined;
  }
  return at;
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value))
      key === '$ref' && typeof v === 'string' ? found.push(v) : refsIn(v, found);
  }
  return found;
}

const bare = (schema: z.ZodType) => {
  const { $schema: _, ...json } = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as Json;
  return json;
};

describe('the document covers exactly the mounted routes', () => {
  const mounted = mountedRoutes();
  const documented = documentedOperations();

  it('every mounted route is documented', () => {
    expect([...mounted.keys()].filter((key) => !documented.has(key))).toEqual([]);
    expect(mounted.size).toBeGreaterThan(15);
  });

  it('every documented route is mounted', () => {
    expect([...documented.keys()].filter((key) => !mounted.has(key))).toEqual([]);
  });

  it('only /demo/ is left out, and it is mounted', () => {
    expect(UNDOCUMENTED_PREFIXES).toEqual(['/demo/']);
    expect(app.routes.some((r) => r.method !== 'ALL' && r.path.startsWith('/demo/'))).toBe(true);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/demo'))).toEqual([]);
  });

  it('each request body is the schema its mounted route validates with, and only routes that read one document one', () => {
    for (const [key, contracts] of mounted) {
      const op = documented.get(key);
      if (!op) continue; // undocumented: the first test names it
      const documentedBody = OPERATIONS.find(
        (o) => `${o.method.toUpperCase()} ${o.path}` === key,
      )?.body;
      expect(contracts.length, `${key}: at most one body validator`).toBeLessThanOrEqual(1);
      const contract = contracts[0];
      if (!contract) {
        expect(op.requestBody, `${key} reads no body`).toBeUndefined();
        continue;
      }
      // The very object, not a copy...
      const validating = Object.entries(REQUEST_SCHEMAS).find(
        ([, schema]) => schema === contract.schema,
      )?.[0];
      expect(validating, `${key}: the schema its route validates with`).toBe(
        documentedBody?.schema,
      );
      // ...and the document says what it says.
      const content = op.requestBody.content as Json;
      expect(Object.keys(content).sort(), key).toEqual(
        contract.textPlain ? ['application/json', 'text/plain'] : ['application/json'],
      );
      for (const media of Object.values(content))
        expect(resolve(media.schema.$ref), key).toEqual(bare(contract.schema));
      expect(op.requestBody.required).toBe(true);
    }
  });

  it('each documented request body is the JSON Schema of its named schema (also for routes not mounted yet)', () => {
    for (const [name, schema] of Object.entries(REQUEST_SCHEMAS))
      expect(doc.components.schemas[name], name).toEqual(bare(schema));
    expect(JSON.stringify(doc.components.schemas.ActionRequest.properties.action)).toContain(
      '"required":["type"]',
    );
  });
});

describe('the document is well-formed OpenAPI 3.1', () => {
  it('has the required top-level members', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'PSEA', version });
    expect(doc.jsonSchemaDialect).toBe(JSON_SCHEMA_DIALECT);
    expect(doc.servers).toBeUndefined(); // relative to wherever it is served
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  it('every $ref resolves', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(20);
    expect(refs.filter((ref) => resolve(ref) === undefined)).toEqual([]);
  });

  it('every operation has a unique id, known tags, responses with descriptions, and its path parameters', () => {
    const ids = new Set<string>();
    const tags = new Set(doc.tags.map((t: Json) => t.name));
    for (const [key, op] of documentedOperations()) {
      expect(ids.has(op.operationId), key).toBe(false);
      ids.add(op.operationId);
      for (const tag of op.tags) expect(tags.has(tag), key).toBe(true);
      const responses = Object.entries<Json>(op.responses ?? {});
      expect(responses.length, key).toBeGreaterThan(0);
      for (const [status, res] of responses) {
        expect(status, key).toMatch(/^[1-5]\d\d$/);
        expect(typeof res.description, `${key} ${status}`).toBe('string');
      }
      expect(
        responses.some(([status]) => status.startsWith('2')),
        key,
      ).toBe(true);
      const templated = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const params = (op.parameters ?? []).map((p: Json) => (p.$ref ? resolve(p.$ref) : p) as Json);
      expect(
        params
          .filter((p: Json) => p.in === 'path')
          .map((p: Json) => p.name)
          .sort(),
        key,
      ).toEqual(templated);
      for (const p of params) if (p.in === 'path') expect(p.required, key).toBe(true);
      for (const requirement of op.security ?? [])
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes[scheme], key).toBeDefined();
    }
  });
});

describe('problems are PROBLEMS', () => {
  it('the Problem code enum is every code, each with its status and title once', () => {
    const problem = doc.components.schemas.Problem;
    expect(problem.properties.code.enum).toEqual(Object.keys(PROBLEMS));
    expect(problem['x-psea-codes']).toEqual(
      Object.fromEntries(
        Object.entries(PROBLEMS).map(([code, [status, title]]) => [code, { status, title }]),
      ),
    );
    for (const [code, [status]] of Object.entries(PROBLEMS)) {
      expect(problem.properties.status.enum).toContain(status);
      expect(problem.description).toContain(`| ${status} | \`${code}\` |`);
    }
  });

  it("each operation's error answers carry their codes under their own status", () => {
    for (const [key, op] of documentedOperations()) {
      for (const [status, res] of Object.entries<Json>(op.responses)) {
        const codes: string[] | undefined = res['x-psea-codes'];
        if (!codes) continue;
        expect(codes.length, `${key} ${status}`).toBeGreaterThan(0);
        for (const code of codes)
          expect(PROBLEMS[code as keyof typeof PROBLEMS]?.[0], `${key} ${status} ${code}`).toBe(
            Number(status),
          );
        expect(res.content['application/problem+json'].schema.$ref).toBe(
          '#/components/schemas/Problem',
        );
      }
    }
  });
});

describe('GET /openapi.json', () => {
  it('answers the document, public and cacheable', async () => {
    const r = await call('GET', '/openapi.json', undefined, { auth: false });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.body).toEqual(doc);
  });
});
