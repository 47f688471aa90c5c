/**
 * The table: printed, and on a full run put between the markers of
 * docs/performance.md (`<!-- bench:table:start -->` … `end`, and the step
 * table between `bench:steps:…`), with each figure's medians in
 * bench/results.json and every round in bench/.tmp/results-raw.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PAGE = 'docs/performance.md';

const ms = (x) => (x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`);
const us = (x) => (x < 0.5 ? '< 0.5 µs' : `${x.toFixed(1)} µs`);
const int = (x) => Math.round(x).toLocaleString('en-US');
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const rps = (s) => `${int(s.rps)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`;
const x2 = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');

function rows(res) {
  const out = [];
  const add = (figure, value, baseline, ratio, goal, met) =>
    out.push({ figure, value, baseline, ratio, goal, met });
  const f = res.figures;

  if (f.cpu) {
    const m = f.cpu.medians;
    const floorMs = m.floor.cpuUs / 1000;
    const vMs = m.verify.cpuUs / 1000;
    const r = vMs / floorMs;
    add(
      '1. CPU per verify, whole path, in workerd (in-isolate batches)',
      `${ms(vMs)} (wall ${ms(m.verify.wallUs / 1000)})`,
      `crypto floor ${ms(floorMs)}`,
      r,
      '≤ 4× floor and ≤ 0.5 ms',
      r <= 4 && vMs <= 0.5,
    );
    if (m['verify-cold']) {
      const c = m['verify-cold'].cpuUs / 1000;
      add(
        '1. … the same for a ticket the vault no longer holds in memory (the object still running; for an object evicted and started again, see the `ref.` row below)',
        ms(c),
        `crypto floor ${ms(floorMs)}`,
        c / floorMs,
        '—',
        null,
      );
    }
    add(
      '1a. … of which the Durable Object (verifyAction over RPC)',
      ms(m['do-verify'].cpuUs / 1000),
      `crypto floor ${ms(floorMs)}`,
      m['do-verify'].cpuUs / m.floor.cpuUs,
      '—',
      null,
    );
    add(
      '1b. Stateless baseline in the same batches (simplewebauthn + jose)',
      ms(m.baseline.cpuUs / 1000),
      `crypto floor ${ms(floorMs)}`,
      m.baseline.cpuUs / m.floor.cpuUs,
      '—',
      null,
    );
  }
  // Rows 1e and 1f follow 1c and 1d, which come from the load runs.
  const statefulRows = () => {
    const m = f.cpu?.medians;
    const sf = m?.['stateful-floor'];
    if (!m || !sf) return;
    add(
      '1e. Stateful floor: the least an exactly-once approval on a Durable Object does (body read and parsed, one RPC, the crypto floor, one guarded UPDATE and its commit, a JSON response)',
      ms(sf.cpuUs / 1000),
      `crypto floor ${ms(m.floor.cpuUs / 1000)}`,
      sf.cpuUs / m.floor.cpuUs,
      '—',
      null,
    );
    add(
      '1f. Whole path against the stateful floor',
      ms(m.verify.cpuUs / 1000),
      `stateful floor ${ms(sf.cpuUs / 1000)}`,
      m.verify.cpuUs / sf.cpuUs,
      '—',
      null,
    );
  };
  const s = f.load?.summaries;
  if (!s) statefulRows();
  if (s) {
    const full1 = s['full c=1'];
    const floor1 = s['floor route c=1'];
    add(
      '1c. workerd main-thread CPU per HTTP request, c=1: verify vs floor route',
      ms(full1.cpuMsPerRequest),
      `floor route ${ms(floor1.cpuMsPerRequest)}`,
      full1.cpuMsPerRequest / floor1.cpuMsPerRequest,
      '—',
      null,
    );
    add(
      '1d. … an empty route, for scale (/healthz vs bare Hono)',
      ms(s['healthz c=1'].cpuMsPerRequest),
      `bare Hono ${ms(s['empty route c=1'].cpuMsPerRequest)}`,
      s['healthz c=1'].cpuMsPerRequest / s['empty route c=1'].cpuMsPerRequest,
      '—',
      null,
    );
    statefulRows();
    for (const c of [1, 16, 64]) {
      const a = s[`full c=${c}`];
      const b = s[`baseline c=${c}`];
      const r = a.rps / b.rps;
      add(
        `2. Verify throughput, ${res.counts.users} users, concurrency ${c}`,
        rps(a),
        `stateless ${rps(b)}`,
        r,
        '≥ 0.8× baseline req/s',
        r >= 0.8,
      );
    }
    if (s['stateful floor c=1']) {
      const floorRatio = (c) =>
        s[`stateful floor c=${c}`].rps / s[`baseline beside the floor c=${c}`].rps;
      for (const c of [1, 16, 64]) {
        const sf = s[`stateful floor c=${c}`];
        const b = s[`baseline beside the floor c=${c}`];
        add(
          `2e. Stateful floor (1e) per HTTP request, ${res.counts.users} objects, concurrency ${c}, in rounds of its own beside the baseline`,
          `${rps(sf)}; ${ms(sf.cpuMsPerRequest)} CPU per request`,
          `stateless ${rps(b)}; ${ms(b.cpuMsPerRequest)} CPU per request`,
          floorRatio(c),
          '—',
          null,
        );
      }
      const vs = [1, 16, 64].map(
        (c) => s[`full c=${c}`].rps / s[`baseline c=${c}`].rps / floorRatio(c),
      );
      add(
        "2f. Verify against the stateful floor: figure 2's ratio over 2e's, concurrency 1 / 16 / 64",
        vs.map((x) => x2(x)).join(' / '),
        'stateful floor (2e)',
        NaN,
        '—',
        null,
      );
    }
    const v = f.load.validity;
    const okAll =
      v.non2xx === 0 &&
      v.errors === 0 &&
      v.sameReceipt === v.ticketsFired &&
      v.baselineNon2xx === 0;
    add(
      '2. Valid flows under load',
      `${v.non2xx} non-2xx, ${v.errors} errors; ${int(v.sameReceipt)}/${int(v.ticketsFired)} tickets approved with exactly their one receipt`,
      '—',
      NaN,
      '0 non-2xx; one receipt per ticket',
      okAll,
    );
    const h = s['hot user c=64'];
    add(
      '3. Hot user: 64 concurrent approvals, one Durable Object',
      rps(h),
      `${res.counts.users} users c=64: ${int(s['full c=64'].rps)} req/s`,
      h.rps / s['full c=64'].rps,
      'report (worst case)',
      null,
    );
    const doUs = f.cpu?.medians?.['do-verify']?.cpuUs;
    if (doUs)
      add(
        "3a. … one user's ceiling in production: 1 / the object's CPU per verify (1a)",
        `≈ ${int(1e6 / doUs)} approvals/s`,
        '—',
        NaN,
        'report',
        null,
      );
    const hf = s['hot user c=64, fetch client'];
    if (hf)
      add(
        "3b. … the same 64 concurrent approvals from a second client (64 loops of Node fetch); ratio: its p99 to autocannon's",
        `${rps(hf)}, max ${ms(hf.max)}`,
        `autocannon: ${rps(h)}, max ${ms(h.max)}`,
        hf.p99 / h.p99,
        'report',
        null,
      );
  }
  if (f.receipt) {
    const u = f.receipt.usPerCall;
    add(
      '4. verifyReceipt (Node), JWKS object cached',
      us(u.verifyReceipt),
      `jose jwtVerify ${us(u.jose)}`,
      u.verifyReceipt / u.jose,
      '≤ 1.2×',
      u.verifyReceipt / u.jose <= 1.2,
    );
    add(
      '4a. … with the action check (JCS + SHA-256 of the action)',
      us(u.verifyReceiptWithAction),
      `jose jwtVerify ${us(u.jose)}`,
      u.verifyReceiptWithAction / u.jose,
      '—',
      null,
    );
  }
  const cm = f.cpu?.medians;
  if (cm?.['do-log-append'] && cm.verify) {
    const share = cm['do-log-append'].cpuUs / cm.verify.cpuUs;
    add(
      "7a. The log's append in a verify (the `approved` entry, in the object's transaction)",
      us(cm['do-log-append'].cpuUs),
      `whole verify ${ms(cm.verify.cpuUs / 1000)}`,
      share,
      '≤ 10% of a verify',
      share <= 0.1,
    );
  }
  if (f.evidence) {
    const u = f.evidence.usPerCall;
    const p = f.evidence.proof;
    add(
      '7b. verifyEvidence (Node), all eight checks, receipt included, custody root first (no link)',
      us(u.verifyEvidence),
      `bare verifyAuthenticationResponse ${us(u.bare)}`,
      u.verifyEvidence / u.bare,
      '≤ 2×',
      u.verifyEvidence / u.bare <= 2,
    );
    add(
      '7b. … without jwks (the receipt check unavailable)',
      us(u.verifyEvidenceNoReceipt),
      `bare verifyAuthenticationResponse ${us(u.bare)}`,
      u.verifyEvidenceNoReceipt / u.bare,
      '—',
      null,
    );
    if (u.verifyEvidenceOneLink)
      add(
        '7b. … a one-link chain of custody (a passkey added by approval), receipt included',
        us(u.verifyEvidenceOneLink),
        `bare verifyAuthenticationResponse ${us(u.bare)}`,
        u.verifyEvidenceOneLink / u.bare,
        '—',
        null,
      );
    add(
      `7c. Inclusion proof at ${int(p.logSize)} entries: size; made from the store; verified (WebCrypto)`,
      `${p.hashes} hashes = ${p.bytes} B (${p.wireBytes} B as JSON); made ${us(p.makeUs)}; verified ${us(p.verifyUs)}`,
      '—',
      NaN,
      '≤ ⌈log2 n⌉ hashes',
      p.hashes <= Math.ceil(Math.log2(p.logSize)),
    );
  }
  const ag = f.agents;
  if (ag) {
    for (const w of [ag.waiters.one, ag.waiters.full]) {
      const where =
        w.tickets === 1
          ? 'one ticket (its bound: 256)'
          : `${w.tickets} tickets of one vault (its bound: 1,024)`;
      const perAnswer = w.allAnsweredMs / w.want;
      add(
        `8a. Long-poll waits (\`?wait=60\`) held on ${where}: held; workerd RSS per wait; from the ${w.tickets === 1 ? 'verify' : `${w.tickets} verifies`} sent to each wait's answer; ratio: that time per answer over a plain status GET`,
        `${int(w.held)} held (one more: ${w.over.state} in ${ms(w.over.ms)}); ${kb(w.bytesPerWaiter)} RSS per wait; ${w.tickets === 1 ? 'verify' : 'verifies'} answered in ${ms(w.verifyAllMs)}; ${int(w.approvedAnswers)} approved, first ${ms(w.firstAnsweredMs)}, last ${ms(w.allAnsweredMs)} (${ms(perAnswer)} per answer)`,
        `plain status GET ${ms(w.plainGetMs)}; verify, nobody waiting ${ms(w.verifyMs)}`,
        perAnswer / w.plainGetMs,
        'every wait held is woken by the commit',
        w.held === w.want && w.approvedAnswers === w.want && w.over.state === 'pending',
      );
    }
    const h = ag.webhooks;
    add(
      "8b. Webhook at a loopback receiver after the verify's 200 (median; signature checked)",
      `${ms(h.deliveryMs)} (max ${ms(h.maxMs)}; ${h.delivered}/${h.rounds} delivered, ${h.badSignatures} bad signatures)`,
      `empty round trip ${ms(h.emptyMs)}`,
      h.deliveryMs / h.emptyMs,
      'every one delivered, signed',
      h.delivered === h.rounds && h.badSignatures === 0,
    );
  }
  const bt = f.batches;
  if (bt && !bt.skipped) {
    const p = bt.post;
    add(
      '9a. `POST /v1/actions` with a batch of 10,000 items: wall; workerd CPU per request',
      `${ms(p.batch.wallMs)} wall, ${ms(p.batch.cpuMs)} CPU`,
      `a single action: ${ms(p.single.wallMs)} wall, ${ms(p.single.cpuMs)} CPU`,
      p.batch.cpuMs / p.single.cpuMs,
      '—',
      null,
    );
    if (bt.page && !bt.page.skipped)
      add(
        '9b. 10,000 items in Chromium: from the GET answer to the button enabled (median)',
        ms(bt.page.answerToReadyMs),
        '—',
        NaN,
        '≤ 300 ms',
        bt.page.answerToReadyMs <= 300,
      );
    add(
      '9c. The batch part (`/pages/batch.js`), loaded on demand',
      `${kb(bt.sizes.batchPartGzip)} gzip (${kb(bt.sizes.batchPartRaw)} raw)`,
      `widget.js ${kb(bt.sizes.widgetGzip)} gzip`,
      NaN,
      '—',
      null,
    );
  }
  if (f.widget) {
    const w = f.widget;
    add(
      '5. widget.js size',
      `${kb(w.gzip)} gzip (${kb(w.raw)} raw, ${kb(w.brotli)} brotli)`,
      `budget ${kb(w.budgetGzip)} gzip`,
      w.gzip / w.budgetGzip,
      '≤ 15 KB gzip',
      w.gzip <= w.budgetGzip,
    );
  }
  const rt = f.roundTrips;
  if (rt && !rt.skipped) {
    for (const [key, label] of [
      ['hosted', 'hosted page, same origin'],
      ['embedded', 'embedded on a host page, cross-origin'],
    ]) {
      const x = rt[key];
      add(
        `6. Requests from click to receipt (${label})`,
        `${x.requests}: ${x.serviceRequests.join(' + ')}`,
        '—',
        NaN,
        '1',
        x.receipt && x.requests === 1,
      );
    }
  } else if (rt)
    add('6. Requests from click to receipt', `not measured: ${rt.skipped}`, '—', NaN, '1', null);
  const d = f.disk;
  if (d && s) {
    for (const [c, x] of [
      [1, d.c1],
      [16, d.c16],
    ]) {
      add(
        `ref. Verify with the SQLite files on this VM's disk (fsync per commit), concurrency ${c}`,
        rps(x),
        `${res.storage}: ${int(s[`full c=${c}`].rps)} req/s, p50 ${ms(s[`full c=${c}`].p50)}`,
        x.rps / s[`full c=${c}`].rps,
        '—',
        null,
      );
    }
  }
  const ev = f.evicted;
  if (ev?.evictedSummary) {
    const e = ev.evictedSummary;
    const w = ev.inMemorySummary;
    add(
      `ref. Verify that finds its object evicted (its user idle ${ev.waitMs / 1000} s; Cloudflare evicts an idle object after 10 s), concurrency 1`,
      `${ms(e.cpuMsPerRequest)} CPU per request; ${int(e.rps)} req/s, p50 ${ms(e.p50)}, p99 ${ms(e.p99)}`,
      `object in memory, same users: ${ms(w.cpuMsPerRequest)} CPU per request, p50 ${ms(w.p50)}`,
      e.cpuMsPerRequest / w.cpuMsPerRequest,
      '—',
      null,
    );
  }
  const wd = f.wranglerDev;
  if (wd && !wd.skipped && s) {
    add(
      'ref. Verify behind `wrangler dev`, concurrency 16 (reference only)',
      rps(wd.verify),
      `workerd direct ${int(s['full c=16'].rps)} req/s`,
      wd.verify.rps / s['full c=16'].rps,
      '—',
      null,
    );
    add(
      'ref. /healthz behind `wrangler dev`, concurrency 16',
      `${int(wd.healthz.rps)} req/s`,
      `workerd direct ${int(s['healthz c=16'].rps)} req/s`,
      wd.healthz.rps / s['healthz c=16'].rps,
      '—',
      null,
    );
  } else if (wd) add('ref. `wrangler dev`', `not measured: ${wd.skipped}`, '—', NaN, '—', null);
  return out;
}

/** Figure 1's steps: what each costs inside workerd, measured the same way as the whole path. */
const STEPS = [
  ['floor', 'Crypto floor: SHA-256 ×2, ECDSA P-256 verify, ECDSA P-256 sign (keys imported)'],
  ['ecdsa-verify', 'ECDSA P-256 verify + SHA-256(clientDataJSON), key already imported'],
  ['ecdsa-sign', 'ECDSA P-256 sign of a receipt-sized JWS input'],
  ['import-cose-key', '`importCosePublicKey` (once per credential per object; cached)'],
  [
    'check-assertion',
    '`checkAssertion`: clientDataJSON, rpIdHash and flag checks, bytes decoded once',
  ],
  [
    'verify-signature',
    '`verifyAssertionSignature` on the cached key (SHA-256, strict DER, ECDSA verify)',
  ],
  [
    'webauthn-lib',
    'Reference: `verifyAuthenticationResponse` (@simplewebauthn/server), key imported per call — what the library would cost in place of the two rows above',
  ],
  ['sign-receipt', '`signReceipt` (WebCrypto sign over a cached header)'],
  ['rp-id-hash', '`rpIdHash` (SHA-256(RP_ID), cached per isolate)'],
  ['ticket-hash', 'SHA-256 of the ticket'],
  ['zod-parse', 'JSON.parse + zod schema of the body'],
  ['get-vars', '`getVars` (cached per env)'],
  ['app-healthz', 'Hono app, GET /healthz'],
  ['post-not-found', 'Hono app, POST of the body to a route that does not exist'],
  ['bad-ticket', 'Front of a verify up to the ticket check (malformed ticket → 404)'],
  ['unknown-ticket', 'Front + RPC + ticket lookup (unknown ticket → 404)'],
  ['do-ping', 'Durable Object RPC round trip, empty'],
  ['do-status', 'RPC + one ticket read, result returned (`actionStatus`)'],
  ['do-unknown', 'RPC `verifyAction` on an unknown ticket (read + error result)'],
  [
    'do-sql-reads',
    "verifyAction's reads of a ticket not held in memory (`loadTicket` + `getCredential`), no RPC",
  ],
  ['do-sql-commit', 'Write transaction of two small unguarded UPDATEs, no RPC'],
  [
    'do-log-append',
    "The log's append of one `approved` entry (JCS, leaf hash, O(log n) tree nodes, the entry row) in its own transaction, no RPC",
  ],
  ['do-commit-rpc', 'RPC + two small unguarded UPDATEs + storage commit'],
  [
    'do-commit-real-rpc',
    "RPC + verifyAction's commit (`commitApproval`: one UPDATE with every guard, then the counter; the receipt into the ticket row) + storage commit",
  ],
  [
    'do-commit-floor',
    "Commit split, in the object, each its own transactionSync: the stateful floor's one guarded UPDATE",
  ],
  [
    'do-commit-guard',
    '… `consumeGuarded` instead: every guard, the receipt and the accepted hash into the row',
  ],
  ['do-commit-counter', '… + `advanceCounter`'],
  ['do-commit-log', "… + the log's `approved` entry"],
  ['do-commit-evidence', '… + `pruneEvidence` and the evidence row: the whole of `commitApproval`'],
  [
    'qr-svg',
    "The approve page's QR code of its own URL (`qrSvg`: uqr encode, eight masks scored, SVG)",
  ],
  [
    'approve-page',
    'Hosted approve page (`app.fetch` of GET /approve/:ticket, QR code included; no vault call)',
  ],
  ['baseline', 'Stateless baseline: library verify + jose sign'],
  [
    'stateful-floor',
    'Stateful floor: request body read and parsed, one RPC, in the object the three fields decoded, the crypto floor and one guarded UPDATE consuming a ticket (its commit), a JSON response',
  ],
  ['do-verify', 'Durable Object `verifyAction` over RPC'],
  ['verify-cold', "Whole verify path, ticket not held in the vault's memory (its row is read)"],
  ['verify', 'Whole verify path (`app.fetch` of POST /v1/actions/:ticket/verify)'],
];

function stepsTable(res) {
  const m = res.figures.cpu?.medians;
  if (!m) return '';
  const lines = [
    '| step (in-isolate batches, median) | kind | CPU per call | wall per call |',
    '|---|---|---|---|',
  ];
  for (const [k, label] of STEPS)
    if (m[k]) lines.push(`| ${label} | \`${k}\` | ${us(m[k].cpuUs)} | ${us(m[k].wallUs)} |`);
  return lines.join('\n');
}

const metText = (m) => (m === null ? '—' : m ? 'yes' : 'NO');

function textTable(rs) {
  const cols = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met?'];
  const cells = rs.map((r) => [r.figure, r.value, r.baseline, x2(r.ratio), r.goal, metText(r.met)]);
  const w = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => c.padEnd(w[i])).join(' | ');
  return [line(cols), w.map((n) => '-'.repeat(n)).join('-|-'), ...cells.map(line)].join('\n');
}

function machineLine(m) {
  const busy =
    m.loadAverageAtStart[0] > 0.5
      ? ` — the machine was not idle (load average ${m.loadAverageAtStart[0]} at start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd[0]} at end` : ''})`
      : '';
  return `Measured ${m.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, workerd ${m.workerd}, wrangler ${m.wrangler}, autocannon ${m.autocannon}; \`npm run bench\` took ${m.seconds} s${busy}.`;
}

function markdown(res, rs) {
  const esc = (t) => String(t).replace(/\|/g, '\\|');
  const lines = [
    machineLine(res.machine),
    '',
    '| figure | value | baseline (same run) | ratio | goal | met? |',
    '|---|---|---|---|---|---|',
    ...rs.map(
      (r) =>
        `| ${esc(r.figure)} | ${esc(r.value)} | ${esc(r.baseline)} | ${x2(r.ratio)} | ${esc(r.goal)} | ${metText(r.met)} |`,
    ),
  ];
  if (res.quick) lines.unshift('**Smoke run (`--quick`): small counts, not for publishing.**', '');
  return lines.join('\n');
}

async function replaceBetween(path, start, end, body) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return false;
  }
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return false;
  await writeFile(path, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`);
  return true;
}

/** What results.json keeps: each figure's medians, counts and checks, not every round. */
function summaryOf(res) {
  const { cpu, load, receipt, evicted, ...rest } = res.figures;
  const figures = { ...rest };
  if (cpu) figures.cpu = { rounds: cpu.rounds, n: cpu.n, medians: cpu.medians };
  if (load) figures.load = { summaries: load.summaries, validity: load.validity };
  if (receipt)
    figures.receipt = {
      rounds: receipt.rounds,
      iterations: receipt.iterations,
      usPerCall: receipt.usPerCall,
    };
  if (evicted) {
    const { evicted: _e, inMemory: _m, ...kept } = evicted;
    figures.evicted = kept;
  }
  return { ...res, figures };
}

export async function report(root, res, { write, log }) {
  const rs = rows(res);
  console.log(`\n${textTable(rs)}\n\n${machineLine(res.machine)}\n`);
  const m = res.figures.cpu?.medians;
  if (m)
    console.log(
      `Figure 1, step by step (µs CPU per call, median):\n${STEPS.filter(([k]) => m[k])
        .map(([k, label]) => `  ${m[k].cpuUs.toFixed(1).padStart(7)}  ${label}`)
        .join('\n')}\n`,
    );
  if (!write) return;
  await mkdir(join(root, 'bench/.tmp'), { recursive: true });
  await writeFile(join(root, 'bench/.tmp/results-raw.json'), JSON.stringify(res, null, 2) + '\n');
  await writeFile(join(root, 'bench/results.json'), JSON.stringify(summaryOf(res), null, 2) + '\n');
  const table = await replaceBetween(
    join(root, PAGE),
    '<!-- bench:table:start -->',
    '<!-- bench:table:end -->',
    markdown(res, rs),
  );
  const steps = await replaceBetween(
    join(root, PAGE),
    '<!-- bench:steps:start -->',
    '<!-- bench:steps:end -->',
    stepsTable(res),
  );
  if (!table || !steps) log(`${PAGE} lacks its bench:table or bench:steps markers: not refreshed`);
  log(`wrote bench/results.json, bench/.tmp/results-raw.json${table && steps ? `, ${PAGE}` : ''}`);
}
