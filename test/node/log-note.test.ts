/**
 * Note keys, signed notes and checkpoints (packages/psea/src/log): byte for byte as the
 * Go `note` package and C2SP write them, tested on their published keys and
 * notes, a real checkpoint signed by sum.golang.org, and every mangling of a
 * key string Go's own tests try.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  encodeBase64,
  formatCheckpoint,
  generateSignerKey,
  hashLeaf,
  logOrigin,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  verifierKeyOf,
  type NoteVerifier,
} from '../../packages/psea/src/log/index.ts';
import {
  BAD_CHECKPOINTS,
  C2SP,
  GO_NOTE,
  GO_TREE,
  KEY_PAIRS,
  SUMDB,
} from '../vectors/signed-notes.ts';

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

async function code(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** Every substring but the whole, and every one-character bump: Go's TestNewVerifier / TestNewSigner manglings. */
function manglings(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= key.length; i++)
    for (let j = i + 1; j <= key.length; j++)
      if (i !== 0 || j !== key.length) out.push(key.slice(i, j));
  for (let i = 0; i < key.length; i++)
    out.push(key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1));
  return out;
}

describe('note keys', () => {
  it("parses the Go package's key pair and derives its verifier key", async () => {
    const signer = await parseSignerKey(GO_NOTE.signer);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyHash).toBe(0xc74f20a3);
    expect(await verifierKeyOf(GO_NOTE.signer)).toBe(GO_NOTE.verifier);
    const verifier = await parseVerifierKey(GO_NOTE.verifier);
    expect(encodeBase64(verifier.publicKey)).toBe(encodeBase64(signer.publicKey));
  });

  it('derives the published verifier key of every published signer key', async () => {
    for (const { signer, verifier } of KEY_PAIRS)
      expect(await verifierKeyOf(signer)).toBe(verifier);
  });

  it('refuses every mangling of a verifier key', async () => {
    for (const bad of [...manglings(GO_NOTE.verifier), ...GO_NOTE.badVerifiers]) {
      expect(await code(parseVerifierKey(bad)), bad).toBe('invalid_key');
    }
  });

  it('refuses every mangling of a signer key, and never names the key in its error', async () => {
    for (const bad of manglings(GO_NOTE.signer)) {
      const err = await parseSignerKey(bad).then(
        () => undefined,
        (e: Error & { code: string }) => e,
      );
      expect(err?.code, bad).toBe('invalid_key');
      expect(err!.message).not.toContain('AYEKFALV');
    }
    expect(await code(parseSignerKey(GO_NOTE.verifier))).toBe('invalid_key');
  });

  it('generates signer keys that parse, sign, and verify under their verifier key', async () => {
    const key = await generateSignerKey('localhost:8787/psea');
    expect(key).toMatch(/^PRIVATE\+KEY\+localhost:8787\/psea\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(await generateSignerKey('localhost:8787/psea')).not.toBe(key);
    const note = await signNote('hello\n', await parseSignerKey(key));
    expect((await openNote(note, [await verifierKeyOf(key)])).text).toBe('hello\n');
    for (const name of ['', 'two words', 'a+b', 'tab\there', 'line\nbreak', 'no\u00a0break']) {
      expect(await code(generateSignerKey(name)), JSON.stringify(name)).toBe('invalid_key');
    }
  });
});

describe('signed notes', () => {
  const { text, peterSig, enochSig } = GO_NOTE;

  it('signs exactly as the Go package does', async () => {
    expect(await signNote(text, await parseSignerKey(GO_NOTE.signer))).toBe(`${text}\n${peterSig}`);
  });

  it('verifies the signatures of known keys and sets the others aside', async () => {
    const both = `${text}\n${peterSig}${enochSig}`;
    const one = await openNote(both, [GO_NOTE.verifier]);
    expect(one.text).toBe(text);
    expect(one.signatures.map((s) => [s.name, s.keyHash])).toEqual([['PeterNeumann', 0xc74f20a3]]);
    expect(one.unverified.map((s) => [s.name, s.keyHash])).toEqual([['EnochRoot', 0xaf0cfe78]]);
    const two = await openNote(both, [GO_NOTE.verifier, GO_NOTE.enochVerifier]);
    expect(two.signatures.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(two.unverified).toEqual([]);
    expect(await code(openNote(both, []))).toBe('unverified_note');
    expect(await code(openNote(both, [KEY_PAIRS[0]!.verifier]))).toBe('unverified_note');
  });

  it("rejects the whole note when a known key's signature fails", async () => {
    // Go inserts at byte 60; the em dash is 3 bytes there and one character here.
    const bent = `${text}\n${peterSig.slice(0, 58)}ABCD${peterSig.slice(58)}`;
    expect(await code(openNote(bent, [GO_NOTE.verifier]))).toBe('signature_invalid');
    const otherText = await openNote(`${text.replace('answer', 'Answer')}\n${peterSig}`, [
      GO_NOTE.verifier,
    ]).catch((e) => e.code);
    expect(otherText).toBe('signature_invalid');
  });

  it('drops repeated signatures, as Go does', async () => {
    const enochABCD = `${enochSig.slice(0, 58)}ABCD${enochSig.slice(58)}`;
    const note = await openNote(
      `${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${enochABCD}`,
      [GO_NOTE.verifier],
    );
    expect(note.signatures.length).toBe(1);
    expect(note.unverified.map((s) => s.base64)).toEqual([
      enochSig.slice(12, -1),
      enochABCD.slice(12, -1),
    ]);
  });

  it('refuses two different keys with one name and key hash', async () => {
    const real = await parseVerifierKey(GO_NOTE.verifier);
    const impostor: NoteVerifier = {
      ...(await parseVerifierKey(GO_NOTE.enochVerifier)),
      name: real.name,
      keyHash: real.keyHash,
    };
    expect(await code(openNote(`${text}\n${peterSig}`, [real, impostor]))).toBe('invalid_key');
    expect(
      (await openNote(`${text}\n${peterSig}`, [GO_NOTE.verifier, GO_NOTE.verifier])).signatures
        .length,
    ).toBe(1);
  });

  it('refuses what is not a signed note', async () => {
    const bad = [
      text,
      `${text}\n`,
      `${text}\n${peterSig.slice(0, -1)}`,
      `\x01${text}\n${peterSig}`,
      `\ud800${text}\n${peterSig}`, // Go's "\xff": not valid Unicode
      `${text}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${text}\n${peterSig}Unexpected line.\n`,
      `${text}\n${peterSig.replace('—', '-')}`,
      `${text}\n${peterSig.replace('=\n', '\n')}`, // base64 without its padding
      `${text}\n${'— PeterNeumann AAAA\n'}`, // shorter than a key hash and one byte
      `${text}\n${peterSig.repeat(101)}`,
    ];
    for (const note of bad)
      expect(await code(openNote(note, [GO_NOTE.verifier])), JSON.stringify(note.slice(-30))).toBe(
        'malformed_note',
      );
    expect(await code(signNote('no newline', await parseSignerKey(GO_NOTE.signer)))).toBe(
      'malformed_note',
    );
    expect(await code(signNote('bell\x07\n', await parseSignerKey(GO_NOTE.signer)))).toBe(
      'malformed_note',
    );
  });

  it("takes the text up to the last blank line (C2SP's example text has one)", async () => {
    expect(await code(openNote(C2SP.note, [GO_NOTE.verifier]))).toBe('unverified_note');
    const signed = await signNote(C2SP.noteText, await parseSignerKey(GO_NOTE.signer));
    expect((await openNote(signed, [GO_NOTE.verifier])).text).toBe(C2SP.noteText);
  });
});

describe('checkpoints', () => {
  it('opens a real checkpoint signed by sum.golang.org', async () => {
    const { checkpoint, signatures } = await openCheckpoint(
      SUMDB.note,
      [SUMDB.verifier],
      SUMDB.origin,
    );
    expect(checkpoint).toEqual({
      origin: SUMDB.origin,
      size: SUMDB.size,
      root: decodeBase64(SUMDB.root),
      extensions: [],
    });
    expect(signatures[0]!.name).toBe('sum.golang.org');
    expect(await code(openCheckpoint(SUMDB.note, [SUMDB.verifier], 'another log'))).toBe(
      'invalid_checkpoint',
    );
    expect(
      await code(
        openCheckpoint(SUMDB.note.replace('6476701', '6476702'), [SUMDB.verifier], SUMDB.origin),
      ),
    ).toBe('signature_invalid');
    expect(await code(openCheckpoint(SUMDB.note, [GO_NOTE.verifier], SUMDB.origin))).toBe(
      'unverified_note',
    );
  });

  it("ignores a signature that shares only the key hash of a known key (C2SP's example)", async () => {
    // Its signature carries sum.golang.org's key hash 033de0ae under another name: an unknown key.
    expect(
      await code(openCheckpoint(C2SP.checkpoint, [SUMDB.verifier], 'example.com/behind-the-sofa')),
    ).toBe('unverified_note');
    const text = C2SP.checkpoint.slice(0, C2SP.checkpoint.lastIndexOf('\n\n') + 1);
    expect(parseCheckpoint(text)).toMatchObject({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      extensions: [],
    });
  });

  it('formats and parses the Go tree note byte for byte, past 2^32', () => {
    const root = hashLeaf(sha256, new TextEncoder().encode(GO_TREE.leafData));
    expect(formatCheckpoint({ origin: GO_TREE.origin, size: GO_TREE.size, root })).toBe(
      GO_TREE.text,
    );
    expect(parseCheckpoint(GO_TREE.text)).toEqual({
      origin: GO_TREE.origin,
      size: GO_TREE.size,
      root,
      extensions: [],
    });
    expect(parseCheckpoint(`${GO_TREE.text}JOE\n`).extensions).toEqual(['JOE']);
  });

  it('refuses what is not a checkpoint', () => {
    const bad = [
      ...BAD_CHECKPOINTS,
      GO_TREE.text.replace('123456789012', '0xabcdef'),
      GO_TREE.text.replace('Bb0=', 'BTOOBIG='),
      GO_TREE.text.replace('123456789012', '0123'),
      GO_TREE.text.replace('123456789012', '9007199254740992'), // 2^53: no longer exact
      `${GO_TREE.text}\n`, // an empty extension line
      GO_TREE.text.replace('=\n', '\n'),
      'Log\n7\nYmFuYW5hcw==\n', // a 7-byte "root"
    ];
    for (const text of bad)
      expect(() => parseCheckpoint(text), JSON.stringify(text)).toThrow(
        expect.objectContaining({ code: 'invalid_checkpoint' }),
      );
    const root = new Uint8Array(32);
    for (const c of [
      { origin: '', size: 1, root },
      { origin: 'a\nb', size: 1, root },
      { origin: 'a', size: -1, root },
      { origin: 'a', size: 1.5, root },
      { origin: 'a', size: 1, root: root.subarray(1) },
    ]) {
      expect(() => formatCheckpoint(c)).toThrow(
        expect.objectContaining({ code: 'invalid_checkpoint' }),
      );
    }
  });

  it("names the user in the origin, so one user's checkpoint never passes for another's", async () => {
    const userHash = createHash('sha256').update('user-1').digest('base64url');
    expect(await logOrigin('psea.example.com/psea', 'user-1')).toBe(
      `psea.example.com/psea/${userHash}`,
    );
    const signer = await parseSignerKey(await generateSignerKey('psea.example.com/psea'));
    const verifier = await verifierKeyOf(signer);
    const mine = {
      origin: await logOrigin(signer.name, 'user-1'),
      size: 3,
      root: sha256(new Uint8Array([1])),
    };
    const note = await signCheckpoint(mine, signer);
    expect(note).toMatch(
      /^psea\.example\.com\/psea\/[A-Za-z0-9_-]{43}\n3\n[A-Za-z0-9+/]{43}=\n\n— psea\.example\.com\/psea [A-Za-z0-9+/]{91}=\n$/,
    );
    expect(
      (await openCheckpoint(note, [verifier], await logOrigin(signer.name, 'user-1'))).checkpoint
        .size,
    ).toBe(3);
    expect(
      await code(openCheckpoint(note, [verifier], await logOrigin(signer.name, 'user-2'))),
    ).toBe('invalid_checkpoint');
  });
});
