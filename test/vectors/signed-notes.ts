/**
 * Note keys, signed notes and checkpoints published by others, to test
 * `packages/psea/src/log` against. Data only; each block names its source.
 */

/**
 * golang/mod  sumdb/note/note_test.go  (commit 02c991387e35f9e4c0a9b7ce137717055f8d716d):
 * a key pair, a note signed by it (Ed25519 is deterministic, so signing the
 * text again gives these bytes exactly), and a second key's signature.
 */
export const GO_NOTE = {
  signer: 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
  verifier: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  enochVerifier: 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop',
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  peterSig:
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
  enochSig:
    '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n',
  /** Bad verifier keys from TestNewVerifier: a 35-byte key, and algorithm byte 0x65, each with a matching key hash. */
  badVerifiers: [
    'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
    'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  ],
};

/** transparency-dev/formats  log/note_test.go  (commit 5242c17862d31acd165afafa140ecc973a621469): signer/verifier key pairs. */
export const KEY_PAIRS = [
  {
    signer: 'PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ',
    verifier: 'Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs',
  },
  {
    signer: 'PRIVATE+KEY+Known+451c786d+AQPRoE2+Z+Ed1HaHBA9F/FfracvcZ2rDU39kCecMEoci',
    verifier: 'Known+451c786d+AXAQ0T7lbwuY4ABJ9/MYY9bWV3hmSyOGVt2x42NkmdUH',
  },
  {
    signer: 'PRIVATE+KEY+KnownAgain+4893b26c+ARhZda/l25zjGZswYLDZsLNRzNpmv5wYTN9IoTr1OJ2+',
    verifier: 'KnownAgain+4893b26c+AQ+LR7BFF/F/dkpIBjBpSvT0crkteizuUkavAoGeaYMj',
  },
  {
    signer: 'PRIVATE+KEY+Unknown+fdbb2e08+Aav2knTC6orbhXX8pMWuNiWgO+Wwk2DB+h1eU2Q1W1nU',
    verifier: 'Unknown+fdbb2e08+AWgRIYZ+8x1Vl+1Q+sR8zciNHiYI1SdlBjNw+RV0rots',
  },
];

/**
 * A real checkpoint of the Go checksum database, signed by sum.golang.org:
 *   transparency-dev/formats  log/note_test.go  (commit 5242c17862d31acd165afafa140ecc973a621469), TestSumDBNoteParsing
 * and its verifier key, as the go command pins it:
 *   golang/go  src/cmd/go/internal/modfetch/key.go  (commit c674ce87c2e47699bb51e02885fb80519ecbfb27)
 */
export const SUMDB = {
  verifier: 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
  origin: 'go.sum database tree',
  size: 6476701,
  root: 'mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=',
  note:
    'go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n' +
    '— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n',
};

/**
 * golang/mod  sumdb/tlog/note_test.go  (commit 774e77886cf18ba9e220baec8497d65b0c50373f), TestFormatTree:
 * a checkpoint body whose root is RecordHash("hello world") = H(0x00 ‖ "hello world").
 */
export const GO_TREE = {
  text: 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
  origin: 'go.sum database tree',
  size: 123456789012,
  leafData: 'hello world',
};

/**
 * The examples of the C2SP specifications, by keys they do not publish:
 *   C2SP/C2SP  signed-note.md  (commit 055287621bf3cd13ff4394418a3e8efc2d5e8ed7)
 *   C2SP/C2SP  tlog-checkpoint.md  (commit 2793893976c835db049c194d8f2c4f946dcb70ba)
 */
export const C2SP = {
  note:
    'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
    '— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n',
  noteText:
    'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n',
  checkpoint:
    'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
    '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n',
};

/**
 * transparency-dev/formats  log/checkpoint_test.go  (commit 7a6ef700ee5660b2580c9da92063af300820fdee),
 * TestUnmarshalLogState: checkpoint texts that are not checkpoints.
 */
export const BAD_CHECKPOINTS = [
  'Head\n9944\n',
  '\n9944\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n',
  'Log\n123\nYmFuYW5hcw==',
  'Log\nbananas\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n',
  'Log\n-34\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n',
  'Log\n3438945738945739845734895735\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n',
  "Log\n123\nThisIsn'tBase64\n",
];
