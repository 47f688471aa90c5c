/**
 * npm start's .dev.vars (scripts/dev-secrets.mjs `ensureDevVars`): a first run
 * writes a log key named `<host>/psea` beside the other secrets; an older
 * file without one gets one added, named for its ISSUER, nothing else changed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module of the repository's scripts, without types
import { ensureDevVars, newLogSigningKey } from '../../scripts/dev-secrets.mjs';
import { parseSignerKey } from '../../packages/psea/src/log/note-keys';
import { parsePolicy } from '../../worker/policy/parse-policy';

const file = () => join(mkdtempSync(join(tmpdir(), 'psea-devvars-')), '.dev.vars');
const quiet = () => {};

describe('ensureDevVars', () => {
  it('first run: a log signer key named for the origin, which parses', async () => {
    const path = file();
    const vars = ensureDevVars(path, 'http://localhost:8787', quiet);
    expect(Object.keys(vars).sort()).toEqual(['ALLOWED_ORIGINS', 'API_KEYS', 'DEMO', 'LOG_SIGNING_KEY', 'POLICY', 'RECEIPT_SIGNING_KEYS']);
    // The demo's offline switch: a rule that takes offline proofs of the transfer, and a policy the service parses.
    expect(parsePolicy(vars.POLICY).rules.find((r: { id: string }) => r.id === 'demo-transfer')).toMatchObject({ offline: true });
    expect((await parseSignerKey(vars.LOG_SIGNING_KEY)).name).toBe('localhost:8787/psea');
    expect(readFileSync(path, 'utf8')).toContain(`LOG_SIGNING_KEY='${vars.LOG_SIGNING_KEY}'`);
  });

  it('an older file without a log key: one is added (named for ISSUER), the rest untouched', async () => {
    const path = file();
    const before = "API_KEYS='k'\nISSUER='https://approve.example.com'\nDEMO='true'";
    writeFileSync(path, before);
    const vars = ensureDevVars(path, 'http://localhost:8787', quiet);
    expect((await parseSignerKey(vars.LOG_SIGNING_KEY)).name).toBe('approve.example.com/psea');
    const after = readFileSync(path, 'utf8');
    expect(after.startsWith(`${before}\n`)).toBe(true);
    expect(after.match(/LOG_SIGNING_KEY=/g)).toHaveLength(1);
    // A second run changes nothing.
    ensureDevVars(path, 'http://localhost:8787', quiet);
    expect(readFileSync(path, 'utf8')).toBe(after);
  });

  it('keys are fresh each time and their hash matches (the service refuses a mismatched one)', async () => {
    const [a, b] = [newLogSigningKey('x.example/psea'), newLogSigningKey('x.example/psea')];
    expect(a).not.toBe(b);
    await parseSignerKey(a);
    await expect(parseSignerKey(a.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).rejects.toThrow(/key hash/);
  });
});
