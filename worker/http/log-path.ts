/**
 * A request path fit for a log line: the route's fixed words kept, every
 * other segment (a ticket, whose second half is a secret; a user or
 * credential id) replaced by `:param`.
 */
const FIXED = new Set([
  'v1',
  'actions',
  'enrollments',
  'verify',
  'status',
  'receipts',
  'redeem',
  'users',
  'credentials',
  'approve',
  'enroll',
  'demo',
  'pages',
  '.well-known',
  'jwks.json',
  'healthz',
  'widget.js',
  'openapi.json',
  'evidence',
  'log',
  'consistency',
  'offline-grants',
  'offline-proofs',
  'psea-log-key',
]);

export function logPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => (segment === '' || FIXED.has(segment) ? segment : ':param'))
    .join('/');
}
