/** `2026-11-22T10:00:00Z`: whole seconds, as docs/api.md shows. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
