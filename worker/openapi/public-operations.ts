/** The public routes: keys, this document, liveness, the widget, the hosted pages. */
import type { Answer, Operation } from './operation-model';

const PAGE: Answer = {
  description: 'The page (strict CSP, no framing, no referrer)',
  media: ['text/html'],
};
const BAD_LINK: Answer = {
  description: 'A malformed ticket: an "invalid link" page',
  media: ['text/html'],
};

export const PUBLIC_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    operationId: 'getJwks',
    audience: 'public',
    anyOrigin: true,
    summary: 'Public halves of every receipt signing key (cacheable for 300 s)',
    answers: { 200: { description: 'JWK Set', schema: 'Jwks' } },
    problems: ['misconfigured', 'internal_error'],
  },
  {
    method: 'get',
    path: '/.well-known/psea-log-key',
    operationId: 'getLogKeys',
    audience: 'public',
    anyOrigin: true,
    summary: 'v2: the log verifier keys, one a line, the current one first (cacheable for 300 s)',
    description:
      'Go note verifier keys (`<name>+<hash>+<key>`). Pin one out of band: a key fetched beside the data it checks proves nothing.',
    answers: { 200: { description: 'Verifier key strings, one a line', media: ['text/plain'] } },
    problems: ['misconfigured', 'internal_error'],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    audience: 'public',
    anyOrigin: true,
    summary: 'This document (cacheable for 300 s)',
    answers: { 200: { description: 'OpenAPI 3.1', media: ['application/json'] } },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    audience: 'public',
    summary: 'Liveness',
    answers: { 200: { description: 'Alive', schema: 'Health' } },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/widget.js',
    operationId: 'getWidget',
    audience: 'public',
    anyOrigin: true,
    summary: 'The widget: one ES module defining psea-enroll and psea-approve',
    description: 'With an ETag; cached for a year when `v` equals it, else for five minutes.',
    parameters: ['v'],
    answers: {
      200: { description: 'The module', media: ['text/javascript'] },
      304: { description: 'Not modified (If-None-Match names the ETag)' },
    },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/pages/{file}',
    operationId: 'getPageAsset',
    audience: 'public',
    anyOrigin: true,
    summary: 'A script or style sheet of the hosted pages',
    parameters: ['file', 'v'],
    answers: {
      200: { description: 'The asset', media: ['text/javascript', 'text/css'] },
      304: { description: 'Not modified (If-None-Match names the ETag)' },
    },
    problems: ['not_found', 'internal_error'],
  },
  {
    method: 'get',
    path: '/enroll/{ticket}',
    operationId: 'getEnrollPage',
    audience: 'public',
    summary: 'Hosted enrollment page, running the widget on the service origin',
    parameters: ['ticket'],
    answers: { 200: PAGE, 404: BAD_LINK },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/approve/{ticket}',
    operationId: 'getApprovePage',
    audience: 'public',
    summary: "Hosted approval page (for a second device, a QR code, or an agent's human)",
    parameters: ['ticket'],
    answers: { 200: PAGE, 404: BAD_LINK },
    problems: ['internal_error'],
  },
  {
    method: 'get',
    path: '/',
    operationId: 'getLanding',
    audience: 'public',
    summary: 'Landing page (the demo bank when DEMO is "true")',
    answers: { 200: PAGE },
    problems: ['internal_error'],
  },
];
