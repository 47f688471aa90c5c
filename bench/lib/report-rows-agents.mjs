/**
 * The table's rows for figure 8: long-poll waiters and webhook latency.
 * `add` appends one row (report.mjs).
 */
import { int, kb, ms } from './report-format.mjs';

export function agentRows(res, add) {
  const f = res.figures;
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
}
