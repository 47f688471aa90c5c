#!/usr/bin/env node
// psea --help | psea verify evidence.json --rp-id … --origin … --log-key … [options] (see HELP)
// One line per check (`pass statement`, `fail signature: …`, `pass custody: root first at 0`);
// exit 0 when every check passes (the receipt may be unavailable), 1 when one fails or is unavailable, 2 on bad usage.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

const USAGE = `usage: psea verify <evidence.json> --rp-id <id> --origin <origin> [--origin …] --log-key <key> [--log-key …]
                   [--checkpoint <file>] [--jwks <file or url>] [--root <pem file>] [--subject <id>]
                   [--custody-roots first,recovery,open,migrated] [--allow-unanchored]
                   [--quorum <groups.json>] [--user-checkpoint <user id>=<file> …]
       psea --help`;

const HELP = `psea: check the evidence of an approval without trusting the service (docs/evidence.md).

${USAGE}

  verify <evidence.json>   the body of GET /v1/actions/:ticket/evidence
  --rp-id <id>             the service's RP_ID (the passkeys' relying party)
  --origin <origin>        an origin the passkey may have signed on (ALLOWED_ORIGINS); repeatable
  --log-key <key>          the log verifier key you pinned (/.well-known/psea-log-key); repeatable
  --checkpoint <file>      a checkpoint you kept earlier (a credential.enrolled webhook's): the log
                           must have grown from it, and it anchors the chain of custody's root
  --jwks <file or url>     the receipt keys (/.well-known/jwks.json), to check the receipt too
  --root <pem file>        a trusted attestation root; repeatable
  --subject <id>           the user the approval must be for
  --custody-roots <list>   the roots a chain of custody may end at (default first): first, recovery,
                           open, migrated; name others only after checking them in your records
  --allow-unanchored       accept a custody root no --checkpoint anchors (it could be a made-up log)
  --quorum <groups.json>   a quorum's bundle (GET /v1/quorums/:id/evidence, docs/quorum.md): the
                           groups you require, { "groups": [ { "users": […], "required": n } ] };
                           --subject is then the initiator
  --user-checkpoint <user id>=<file>
                           a quorum's bundle: a checkpoint kept earlier of that approver's log; repeatable
  -h, --help               print this help

Prints one line per check (pass statement, fail signature: …, pass custody: root first at 0).
Exit 0 when every check passes (the receipt may be unavailable: no --jwks), 1 when one fails or
is unavailable, 2 on bad usage.`;

function usage(why) {
  console.error(`psea: ${why}\n${USAGE}\nRun psea --help for what each option means.`);
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help' || argv.length === 0) {
  console.log(HELP);
  process.exit(0);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      'rp-id': { type: 'string' },
      origin: { type: 'string', multiple: true },
      'log-key': { type: 'string', multiple: true },
      checkpoint: { type: 'string' },
      jwks: { type: 'string' },
      root: { type: 'string', multiple: true },
      subject: { type: 'string' },
      'custody-roots': { type: 'string' },
      'allow-unanchored': { type: 'boolean' },
      quorum: { type: 'string' },
      'user-checkpoint': { type: 'string', multiple: true },
    },
  });
} catch (err) {
  usage(err.message);
}
const { values, positionals } = parsed;
if (positionals[0] !== 'verify' || positionals.length !== 2)
  usage('give one command, verify, and one evidence file');
if (!values['rp-id'] || !values.origin || !values['log-key'])
  usage('--rp-id, --origin and --log-key are required');

const { verifyEvidence } = await import('../dist/evidence.js');
const read = (file) =>
  readFile(file, 'utf8').catch((err) => usage(`cannot read ${file}: ${err.code ?? err.message}`));
let bundle;
try {
  bundle = JSON.parse(await read(positionals[1]));
} catch {
  usage(`${positionals[1]} is not JSON`);
}
const options = { rpId: values['rp-id'], origins: values.origin, logKey: values['log-key'] };
if (values.checkpoint) options.knownCheckpoint = await read(values.checkpoint);
if (values.jwks)
  options.jwks = /^https?:\/\//.test(values.jwks)
    ? values.jwks
    : JSON.parse(await read(values.jwks));
if (values.root) options.roots = await Promise.all(values.root.map(read));
if (values.subject) options.subject = values.subject;
if (values['custody-roots'] !== undefined)
  options.custodyRoots = values['custody-roots'].split(',').map((r) => r.trim());
if (values['allow-unanchored']) options.allowUnanchored = true;
if (values.quorum) {
  try {
    options.quorum = JSON.parse(await read(values.quorum));
  } catch {
    usage(`${values.quorum} is not JSON`);
  }
}
if (values['user-checkpoint']) {
  options.knownCheckpoint = {};
  for (const pair of values['user-checkpoint']) {
    const at = pair.indexOf('=');
    if (at < 1) usage('--user-checkpoint takes <user id>=<file>');
    options.knownCheckpoint[pair.slice(0, at)] = await read(pair.slice(at + 1));
  }
}

let result;
try {
  result = await verifyEvidence(bundle, options);
} catch (err) {
  usage(err.message);
}
for (const c of result.checks) console.log(`${c.result} ${c.name}${c.why ? `: ${c.why}` : ''}`);
// A quorum's bundle: each approval's own checks, after the summary.
for (const a of result.approvals ?? [])
  for (const c of a.checks)
    console.log(`  ${a.sub}: ${c.result} ${c.name}${c.why ? `: ${c.why}` : ''}`);
process.exit(result.ok ? 0 : 1);
