/**
 * FIDO metadata for the Worker: the compact file `npm run mds:import`
 * writes after verifying a MDS3 BLOB's signature (scripts/mds-import.mjs).
 * It is bundled with the Worker, so nothing is fetched at run time. The
 * checked-in file is empty: no names, no metadata roots, no status checks
 * until the relying party imports a BLOB.
 */
import * as z from 'zod';
import bundled from './metadata.json';
import { REFUSED_STATUSES, type Metadata, type MetadataEntry, type MetadataFile } from './types';

const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MetadataFileSchema = z.object({
  source: z.string().nullable(),
  no: z.number().int().nonnegative(),
  nextUpdate: z.string().nullable(),
  importedAt: z.string().nullable(),
  entries: z.record(
    z.string().regex(AAGUID, 'entries: keys must be lowercase AAGUIDs'),
    z.object({
      name: z.string().nullable(),
      statuses: z.array(z.string()),
      roots: z.array(z.string().min(1)),
    }),
  ),
});

/**
 * Validate a metadata file and index it by AAGUID.
 * @throws Error `path: why` when the file is malformed; callers fail closed.
 */
export function parseMetadata(json: unknown): Metadata {
  const result = MetadataFileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const file: MetadataFile = result.data;
  return {
    no: file.no,
    nextUpdate: file.nextUpdate,
    entries: new Map(Object.entries(file.entries)),
  };
}

let cached: Metadata | Error | undefined;

/** The metadata bundled with this Worker, parsed once per isolate. */
export function bundledMetadata(): Metadata {
  if (cached === undefined) {
    try {
      cached = parseMetadata(bundled);
    } catch (err) {
      cached = err instanceof Error ? err : new Error('invalid');
    }
  }
  if (cached instanceof Error) throw cached;
  return cached;
}

/** True when any status report revokes the model or reports a compromise. */
export function isRefused(entry: MetadataEntry): boolean {
  return entry.statuses.some((s) => REFUSED_STATUSES.has(s));
}

/** AAGUIDs the metadata refuses, sorted. */
export function refusedModels(metadata: Metadata): string[] {
  return [...metadata.entries]
    .filter(([, e]) => isRefused(e))
    .map(([aaguid]) => aaguid)
    .sort();
}
