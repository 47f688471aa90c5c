/** Reading a bundle that may be anything: each getter throws a plain Error saying what is missing, which its check reports. */
import { decodeB64url } from '../internal/base64url.ts';

export class BundleFault extends Error {}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function member(obj: unknown, path: string): unknown {
  let at: unknown = obj;
  for (const key of path.split('.')) {
    if (!isObject(at) || !Object.hasOwn(at, key))
      throw new BundleFault(`the bundle has no ${path}`);
    at = at[key];
  }
  return at;
}

export function text(obj: unknown, path: string): string {
  const v = member(obj, path);
  if (typeof v !== 'string' || v === '') throw new BundleFault(`${path} is not a string`);
  return v;
}

export function bytes(obj: unknown, path: string): Uint8Array<ArrayBuffer> {
  const v = text(obj, path);
  try {
    return decodeB64url(v);
  } catch {
    throw new BundleFault(`${path} is not base64url`);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function clientData(obj: unknown, path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(bytes(obj, path)));
  } catch (err) {
    if (err instanceof BundleFault) throw err;
    throw new BundleFault(`${path} is not JSON`);
  }
  if (!isObject(parsed)) throw new BundleFault(`${path} is not a JSON object`);
  return parsed;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export { sha256 } from '../internal/sha256.ts';
