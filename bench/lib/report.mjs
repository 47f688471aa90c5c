/**
 * The table: printed, and on a full run put between the markers of
 * docs/performance.md (`<!-- bench:table:start -->` … `end`, and the step
 * table between `bench:steps:…`), with each figure's medians in
 * bench/results.json and every round in bench/.tmp/results-raw.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { x2 } from './report-format.mjs';
import { agentRows } from './report-rows-agents.mjs';
import { evidenceRows } from './report-rows-evidence.mjs';
import { pageRows } from './report-rows-pages.mjs';
import { referenceRows } from './report-rows-reference.mjs';
import { verifyRows } from './report-rows-verify.mjs';
import { STEPS, stepsTable } from './report-steps.mjs';

const PAGE = 'docs/performance.md';

/** The table's rows, in its order: figures 1–3, 4 and 7, 8, 9, 5 and 6, then the `ref.` rows. */
function rows(res) {
  const out = [];
  const add = (figure, value, baseline, ratio, goal, met) =>
    out.push({ figure, value, baseline, ratio, goal, met });
  verifyRows(res, add);
  evidenceRows(res, add);
  agentRows(res, add);
  pageRows(res, add);
  referenceRows(res, add);
  return out;
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
