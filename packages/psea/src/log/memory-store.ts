import type { LogStore } from './log-store.ts';

/**
 * A log store in memory: for tests, and for a verifier who rebuilds a user's
 * tree from the entries the service serves and compares its root with a
 * checkpoint.
 *
 * @example
 * ```ts
 * const log = new TransparencyLog(new MemoryLogStore(), sha256);
 * log.append({ v: 1, kind: 'revoked', at: 1767225600, sub: 'user-1', cred: 'AAEC' });
 * ```
 */
export class MemoryLogStore implements LogStore {
  private readonly levels: Uint8Array[][] = [];
  private readonly entries: string[] = [];

  size(): number {
    return this.levels[0]?.length ?? 0;
  }

  get(level: number, index: number): Uint8Array | undefined {
    return this.levels[level]?.[index];
  }

  put(level: number, index: number, hash: Uint8Array): void {
    const row = (this.levels[level] ??= []);
    if (row[index] !== undefined)
      throw new Error(`log node (${level}, ${index}) is already stored`);
    row[index] = hash.slice();
  }

  putEntry(index: number, text: string): void {
    if (this.entries[index] !== undefined) throw new Error(`log entry ${index} is already stored`);
    this.entries[index] = text;
  }

  getEntries(start: number, end: number): string[] {
    return this.entries.slice(start, end);
  }
}
