/** Every committed evidence vector gives, check for check, its expected result; a failing check says why. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHECK_NAMES,
  EvidenceError,
  verifyEvidence,
} from '../../packages/psea/src/evidence/index.ts';

const DIR = new URL('../vectors/evidence/', import.meta.url);
const vectors = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));

describe('evidence vectors', () => {
  it('are at least 20, valid and failing', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
    expect(vectors.filter((v) => v.name.startsWith('valid-')).length).toBeGreaterThanOrEqual(6);
  });

  for (const v of vectors) {
    it(`${v.name}: ${v.description}`, async () => {
      const { ok, checks } = await verifyEvidence(v.bundle, v.options);
      expect(checks.map((c) => c.name)).toEqual([...CHECK_NAMES]);
      expect(Object.fromEntries(checks.map((c) => [c.name, c.result]))).toEqual(v.expected);
      for (const c of checks) if (c.result !== 'pass') expect(c.why).toBeTruthy();
      // ok only when every check passes but receipt, which may be unavailable.
      expect(ok).toBe(
        Object.entries(v.expected).every(
          ([name, r]) => r === 'pass' || (name === 'receipt' && r === 'unavailable'),
        ),
      );
      const custody = checks.find((c) => c.name === 'custody')!;
      if (custody.result === 'pass')
        expect(custody.why).toMatch(new RegExp(`^root ${custody.root} at ${custody.rootIndex}`));
    });
  }
});

describe('verifyEvidence', () => {
  const valid = vectors.find((v) => v.name === 'valid-es256-device-bound');

  it('never throws for a bundle that is not one', async () => {
    for (const bundle of [
      null,
      'x',
      42,
      [],
      { v: 1 },
      { v: 1, credential: { enrollment: 7 }, log: [] },
    ]) {
      const { ok, checks } = await verifyEvidence(bundle, valid.options);
      expect(ok).toBe(false);
      expect(checks).toHaveLength(CHECK_NAMES.length);
    }
  });

  it('throws invalid_options for options that cannot work', async () => {
    const bad = [
      {},
      { ...valid.options, logKey: 'nope' },
      { ...valid.options, origins: [] },
      { ...valid.options, rpId: '' },
      { ...valid.options, extra: 1 },
      { ...valid.options, jwks: 'file.json' },
      { ...valid.options, custodyRoots: [] },
      { ...valid.options, custodyRoots: ['first', 'someone'] },
      { ...valid.options, custodyRoots: 'first' },
      { ...valid.options, allowUnanchored: 'yes' },
    ];
    for (const options of bad)
      await expect(verifyEvidence(valid.bundle, options)).rejects.toBeInstanceOf(EvidenceError);
  });

  it('uses the pinned key only: the right key in the bundle does not help', async () => {
    const other = vectors.find((v) => v.name === 'checkpoint-other-key');
    const { checks } = await verifyEvidence(
      { ...other.bundle, logKey: other.options.logKey },
      other.options,
    );
    expect(checks.find((c) => c.name === 'log')?.result).toBe('fail');
  });
});
