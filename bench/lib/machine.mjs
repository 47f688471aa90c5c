/** Where the numbers came from. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

export async function machineInfo(root) {
  const pkg = (name) =>
    JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  let workerd = pkg('workerd');
  try {
    workerd += ` (${execFileSync(join(root, 'node_modules/workerd/bin/workerd'), ['--version'], { encoding: 'utf8' }).trim()})`;
  } catch {
    // version only
  }
  return {
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `Linux ${release()}`,
    node: process.version,
    workerd,
    wrangler: pkg('wrangler'),
    autocannon: pkg('autocannon'),
    simplewebauthn: pkg('@simplewebauthn/server'),
    jose: pkg('jose'),
    hono: pkg('hono'),
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}
