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
import { ensureDevVars, followOrigin, newLogSigningKey } from '../../scripts/dev-secrets.mjs';
// @ts-expect-error: a plain .mjs module of the repository's scripts, without types
import { splitPort } from '../../scripts/start-process.mjs';
import { parseSignerKey } from '../../packages/psea/src/log/note-keys';
import { parsePolicy } from '../../worker/policy/parse-policy';

const file = () => join(mkdtempSync(join(tmpdir(), 'psea-devvars-')), '.dev.vars');
const quiet = () => {};

describe('ensureDevVars', () => {
  it('first run: a log signer key named for the origin, which parses', async () => {
    const path = file();
    const vars = ensureDevVars(path, 'http://localhost:8787', quiet);
    expect(Object.keys(vars).sort()).toEqual([
      'ALLOWED_ORIGINS',
      'API_KEYS',
      'DEMO',
      'LOG_SIGNING_KEY',
      'POLICY',
      'RECEIPT_SIGNING_KEYS',
    ]);
    // The demo's offline switch: a rule that takes offline proofs of the transfer, and a policy the service parses.
    expect(
      parsePolicy(vars.POLICY).rules.find((r: { id: string }) => r.id === 'demo-transfer'),
    ).toMatchObject({ offline: true });
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
    await expect(parseSignerKey(a.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).rejects.toThrow(
      /key hash/,
    );
  });
});

describe('npm start on another port (followOrigin, splitPort)', () => {
  it('ALLOWED_ORIGINS and ISSUER follow the port; other origins and a chosen ISSUER are kept', () => {
    const path = file();
    ensureDevVars(path, 'http://localhost:8787', quiet);
    let vars = followOrigin(path, 'http://localhost:8787', quiet);
    expect(vars).toMatchObject({
      ALLOWED_ORIGINS: 'http://localhost:8787',
      ISSUER: 'http://localhost:8787',
    });
    // A host page's origin the developer added stays; the old port goes.
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        "ALLOWED_ORIGINS='http://localhost:8787'",
        "ALLOWED_ORIGINS='http://localhost:8787,http://localhost:3000'",
      ),
    );
    vars = followOrigin(path, 'http://localhost:8790', quiet);
    expect(vars).toMatchObject({
      ALLOWED_ORIGINS: 'http://localhost:8790,http://localhost:3000',
      ISSUER: 'http://localhost:8790',
    });
    const text = readFileSync(path, 'utf8');
    expect(text.match(/^ISSUER=/gm)).toHaveLength(1);
    expect(text).toContain("LOG_SIGNING_KEY='"); // the secrets are untouched
    // The same port again changes nothing.
    followOrigin(path, 'http://localhost:8790', quiet);
    expect(readFileSync(path, 'utf8')).toBe(text);
    // An ISSUER someone set by hand is theirs.
    writeFileSync(
      path,
      text.replace("ISSUER='http://localhost:8790'", "ISSUER='http://127.0.0.1:8790'"),
    );
    expect(followOrigin(path, 'http://localhost:8791', quiet)).toMatchObject({
      ISSUER: 'http://127.0.0.1:8790',
      ALLOWED_ORIGINS: 'http://localhost:8791,http://localhost:3000',
    });
  });

  it('an older file without the marker: the origin is added, ISSUER set', () => {
    const path = file();
    writeFileSync(path, "API_KEYS='k'\nALLOWED_ORIGINS='http://localhost:8787'\n");
    expect(followOrigin(path, 'http://localhost:9000', quiet)).toMatchObject({
      ALLOWED_ORIGINS: 'http://localhost:9000,http://localhost:8787',
      ISSUER: 'http://localhost:9000',
    });
  });

  it('the port: --port N, --port=N, else PORT, else 8787; the rest goes to wrangler', () => {
    expect(splitPort(['--port', '8790', '--persist-to', 'x'], undefined)).toEqual({
      port: 8790,
      rest: ['--persist-to', 'x'],
    });
    expect(splitPort(['--port=8791'], '9000')).toEqual({ port: 8791, rest: [] });
    expect(splitPort([], '9000')).toEqual({ port: 9000, rest: [] });
    expect(splitPort([], undefined)).toEqual({ port: 8787, rest: [] });
    expect(splitPort(['--port', 'http'], undefined).port).toBeUndefined();
    expect(splitPort([], '70000').port).toBeUndefined();
  });
});
