/**
 * The metadata roots of one authenticator model, and which roots FIDO
 * metadata lists for more than one model. WebAuthn §8.2.1: when a root serves
 * several models, a packed leaf MUST name its model (id-fido-gen-ce-aaguid),
 * or it could claim any model of that vendor.
 */
import { canonicalPem, certificateDer } from '../../packages/psea/src/internal/certificates';
import type { Metadata, MetadataEntry } from './types';

/**
 * The metadata statement's roots for this model, as canonical PEM.
 * @example modelRoots(trust.metadata.entries.get(aaguid))
 */
export function modelRoots(entry: MetadataEntry | undefined): string[] {
  const roots: string[] = [];
  for (const b64 of entry?.roots ?? []) {
    try {
      roots.push(canonicalPem(certificateDer(b64)));
    } catch {
      // A root the metadata mangled cannot vouch for anything; skip it.
    }
  }
  return roots;
}

/** Per metadata object: computed at the first enrollment that needs it, then kept. */
const shared = new WeakMap<Metadata, ReadonlySet<string>>();

/**
 * Roots (canonical PEM) that metadata lists under more than one AAGUID.
 * @example sharedRoots(trust.metadata).has(root)
 */
export function sharedRoots(metadata: Metadata): ReadonlySet<string> {
  let roots = shared.get(metadata);
  if (!roots) {
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const entry of metadata.entries.values()) {
      for (const root of new Set(modelRoots(entry))) (seen.has(root) ? twice : seen).add(root);
    }
    roots = twice;
    shared.set(metadata, roots);
  }
  return roots;
}
