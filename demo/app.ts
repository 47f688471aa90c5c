/**
 * The demo bank's page script (served at /demo/app.js, loaded before
 * widget.js). It asks the bank's backend (/demo/api/*) for tickets, renders
 * the widget's elements, and on `psea-approved` hands the receipt to the
 * backend, which verifies and redeems it and answers with the claims shown.
 */
import type { PseaApprovedDetail } from '../widget/psea-approve';
import type { PseaEnrolledDetail } from '../widget/psea-enroll';
import type { PseaErrorDetail } from '../widget/base';
import { showText } from '../widget/pages/visible-dom';

export {};

declare global {
  // eslint-disable-next-line no-var
  var litNonce: string | undefined;
}
globalThis.litNonce =
  document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;

interface Verified {
  claims: Record<string, unknown> & { cred?: Record<string, unknown>; iat: number; exp: number };
  header: Record<string, unknown>;
  statement: Record<string, unknown>;
  challenge: string;
  redeemed: boolean;
  redeemCode?: string;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

class ApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(
      path,
      body === undefined
        ? { cache: 'no-store' }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
    );
  } catch {
    throw new ApiError('network_error');
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(data?.code ?? `http_${res.status}`);
  return data as T;
}

const FRIENDLY: Record<string, string> = {
  not_enrolled: 'demo-user has no passkey yet. Enroll this device first (step 1).',
  network_error: 'The service cannot be reached. Is `npm start` still running?',
  // Offline only: online, the element explains its own policy_unmet.
  policy_unmet:
    'The service took no offline approval of this transfer: its POLICY needs a rule with "offline": true for wire.transfer (a new .dev.vars from `npm start` has one).',
  misconfigured: 'The service is misconfigured: check API_KEYS and RECEIPT_SIGNING_KEYS.',
};

function say(id: string, text: string, tone: '' | 'ok' | 'bad' = ''): void {
  const el = $(id);
  el.textContent = text;
  el.className = `msg ${tone}`;
}

function busy(button: HTMLButtonElement, on: boolean): void {
  button.setAttribute('aria-disabled', String(on));
}

/** Run a button's job once at a time, reporting failures next to it. */
function action(button: HTMLButtonElement, msgId: string, job: () => Promise<void>): void {
  button.addEventListener('click', async () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    busy(button, true);
    say(msgId, '');
    try {
      await job();
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'error';
      say(msgId, FRIENDLY[code] ?? `Failed: ${code}`, 'bad');
    } finally {
      busy(button, false);
    }
  });
}

// Step 1: enroll.
const enrollBtn = $<HTMLButtonElement>('enroll-btn');
function markEnrolled(text: string): void {
  $('step-enroll').dataset.state = 'done';
  enrollBtn.textContent = 'Add another passkey';
  enrollBtn.classList.add('secondary');
  say('enroll-msg', text, 'ok');
}

api<{ enrolled: boolean; passkeys: number }>('/demo/api/state')
  .then((s) => {
    if (s.enrolled)
      markEnrolled(
        `demo-user has ${s.passkeys} passkey${s.passkeys === 1 ? '' : 's'}. You can go straight to step 2.`,
      );
  })
  .catch(() => undefined);

action(enrollBtn, 'enroll-msg', async () => {
  const { ticket } = await api<{ ticket: string }>('/demo/api/enroll', {});
  const el = document.createElement('psea-enroll');
  el.setAttribute('ticket', ticket);
  $('enroll-slot').replaceChildren(el);
  enrollBtn.hidden = true;
});

document.addEventListener('psea-enrolled', (e: CustomEvent<PseaEnrolledDetail>) => {
  markEnrolled(
    `Passkey created (${e.detail.deviceBound ? 'device-bound' : 'synced'}). Now send the transfer.`,
  );
  enrollBtn.hidden = false;
  $('enroll-slot').replaceChildren();
  $('transfer-btn').focus();
});

// Step 2: transfer, approved here or on a second device, or offline on this one.
const transferBtn = $<HTMLButtonElement>('transfer-btn');
let current = '';
let poll: ReturnType<typeof setInterval> | undefined;

/** The offline switch: grants fetched while online, and the transfer the bank lets the device sign with them. */
let offlineKit: { bundle: string; action: Record<string, unknown>; display: unknown } | undefined;
let offlineRuns = 0;
const offlineBtn = $<HTMLButtonElement>('offline-btn');
const showNet = (): void =>
  say(
    'net',
    navigator.onLine
      ? 'This browser is online.'
      : 'This browser is offline: approvals are stored on this device.',
  );
addEventListener('online', showNet);
addEventListener('offline', showNet);
showNet();
/** The transfer, for approval on this device: set up while online (the element loads its offline part then), signed with or without a network. */
function approveOffline(): void {
  current = `offline-${++offlineRuns}`;
  const el = Object.assign(document.createElement('psea-approve'), offlineKit);
  el.offline = true;
  $('approve-slot').replaceChildren(el);
  $('second-device').hidden = true;
  transferBtn.hidden = true;
}
action(offlineBtn, 'transfer-msg', async () => {
  offlineKit = offlineKit
    ? undefined
    : await api<NonNullable<typeof offlineKit>>('/demo/api/offline', {});
  offlineBtn.setAttribute('aria-pressed', String(!!offlineKit));
  offlineBtn.textContent = `Offline mode: ${offlineKit ? 'on' : 'off'}`;
  $('offline-help').hidden = !offlineKit;
  if (offlineKit) return approveOffline();
  $('approve-slot').replaceChildren();
  transferBtn.hidden = false;
});

/** "Pay 25 suppliers": one approval for a run of 25 payments, every one shown (docs/batches.md). */
const suppliersBtn = $<HTMLButtonElement>('suppliers-btn');
let batchTicket = '';
action(suppliersBtn, 'transfer-msg', () => ask('/demo/api/suppliers'));
action(transferBtn, 'transfer-msg', () => ask('/demo/api/transfer'));

async function ask(path: string): Promise<void> {
  const t = await api<{ ticket: string; approveUrl: string }>(path, {});
  if (path.endsWith('suppliers')) batchTicket = t.ticket;
  suppliersBtn.hidden = true;
  current = t.ticket;
  const el = document.createElement('psea-approve');
  el.setAttribute('ticket', t.ticket);
  $('approve-slot').replaceChildren(el);
  $<HTMLAnchorElement>('approve-link').href = t.approveUrl;
  $('second-device').hidden = false;
  transferBtn.hidden = true;
  clearInterval(poll);
  poll = setInterval(async () => {
    const ticket = current;
    const s = await api<{ state: string; receipt?: string }>(`/demo/api/status/${ticket}`).catch(
      () => null,
    );
    if (ticket === current && s?.state === 'approved' && s.receipt) void confirm(ticket, s.receipt);
    else if (s && s.state !== 'pending') clearInterval(poll);
  }, 2500);
}

document.addEventListener(
  'psea-approved',
  (e: CustomEvent<PseaApprovedDetail>) => void confirm(current, e.detail.receipt),
);
document.addEventListener('psea-error', (e: CustomEvent<PseaErrorDetail>) => {
  const offline = (e.target as HTMLElement).hasAttribute('offline');
  if (e.detail.code === 'not_enrolled' || (offline && e.detail.code === 'policy_unmet'))
    say('transfer-msg', FRIENDLY[e.detail.code]!, 'bad');
});

// Step 3: the bank's backend verifies and redeems; show what it checked.
let confirmed = '';
async function confirm(ticket: string, receipt: string): Promise<void> {
  if (confirmed === ticket) return;
  confirmed = ticket;
  clearInterval(poll);
  $('second-device').hidden = true;
  say('transfer-msg', 'Approved. The bank is verifying the receipt…');
  try {
    const batch = ticket === batchTicket;
    const v = await api<Verified>('/demo/api/confirm', { receipt, batch });
    $('step-transfer').dataset.state = 'done';
    $('step-receipt').dataset.state = 'done';
    say(
      'transfer-msg',
      `${batch ? 'Paid 25 suppliers' : `Sent ${'€1,250.00'}`}. The receipt was verified before the money moved.`,
      'ok',
    );
    showReceipt(v, receipt);
  } catch (err) {
    say(
      'transfer-msg',
      `The bank refused the receipt: ${err instanceof ApiError ? err.code : 'error'}`,
      'bad',
    );
  }
}

function showReceipt(v: Verified, jwt: string): void {
  const c = v.claims;
  const cred = c.cred ?? {};
  const time = (s: number): string => new Date(s * 1000).toLocaleString();
  const rows: [string, unknown, boolean?][] = [
    ['Issuer (iss)', c.iss],
    ['User (sub)', c.sub],
    ['Audience (aud)', c.aud],
    ['Action (act_type)', c.act_type],
    ['Action hash (act)', c.act, true],
    ['User verified (uv)', c.uv === true ? 'yes' : 'no'],
    [
      'Passkey',
      `${cred.device_bound ? 'device-bound' : 'synced'}${cred.backed_up ? ', backed up' : ''}`,
    ],
    ['Credential', cred.id, true],
    ['Issued (iat)', time(c.iat)],
    ['Expires (exp)', time(c.exp)],
    ['Receipt id (jti)', c.jti, true],
    ['Signed with', `${String(v.header.alg)} · kid ${String(v.header.kid)}`],
  ];
  if (c.offline === true) {
    rows.push([
      'Approved offline (offline)',
      'yes: signed on this device with no network, verified once back online',
    ]);
    rows.push([
      'Signed at (signed_at)',
      `${time(Number(c.signed_at))}, by this device's clock (its claim, not a trusted time)`,
    ]);
  }
  if (c.pol) rows.push(['Policy (pol)', c.pol]);
  const batch = c.batch as
    { count: number; totals: Record<string, string>; payees: number; root: string } | undefined;
  if (batch)
    rows.push([
      'Batch (batch)',
      `${batch.count} items to ${batch.payees} payees, ${Object.entries(batch.totals)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}; root ${batch.root}`,
      true,
    ]);
  $('claims').replaceChildren(
    ...rows.map(([label, value, mono]) => {
      const row = document.createElement('div');
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = label;
      showText(dd, String(value ?? ''));
      if (mono) dd.className = 'mono';
      row.append(dt, dd);
      return row;
    }),
  );
  const what = batch
    ? 'the Merkle root of the 25 payments the bank pays'
    : 'the hashes of this transfer and its display';
  $('receipt-badge').textContent =
    `✓ Verified with verifyReceipt: signature, issuer, audience, this user, and ${what}. ${
      v.redeemed
        ? batch
          ? 'Each item redeemed once.'
          : 'Redeemed once.'
        : `Redeem: ${v.redeemCode ?? 'failed'}.`
    }`;
  showText($('statement'), JSON.stringify(v.statement, null, 2), true);
  $('challenge').textContent = v.challenge;
  $('jwt').textContent = jwt;
  $('receipt-empty').hidden = true;
  $('receipt').hidden = false;
  $('receipt-badge').focus();
}

$('again-btn').addEventListener('click', () => {
  current = '';
  $('approve-slot').replaceChildren();
  transferBtn.hidden = false;
  suppliersBtn.hidden = false;
  if (offlineKit) approveOffline();
  $('step-transfer').dataset.state = '';
  say('transfer-msg', '');
  transferBtn.focus();
});
