/**
 * What `<psea-approve>` shows on an approver's ticket of a quorum
 * (docs/quorum.md): who asked, each group with how many it needs and who has
 * approved, and after the approval "Approved — waiting for …" or "Approved
 * by everyone needed". A closed quorum is a reason, never an error to retry.
 * Every name and id is shown as text through `visible`.
 */
import type { TemplateResult } from 'lit';
import type { QuorumDeps } from './deps';

type QuorumState = 'pending' | 'approved' | 'expired' | 'cancelled' | 'burned';

/** The `quorum` member of `GET /v1/actions/:ticket`. */
export interface QuorumView {
  id: string;
  initiator: string;
  state: QuorumState;
  groups: {
    name?: string;
    required: number;
    users: { id: string; name?: string }[];
    approved: string[];
  }[];
}

/** The `quorum` member of the verify's answer. */
export interface QuorumSummary {
  id: string;
  state: QuorumState;
  groups: { required: number; approved: string[] }[];
}

/** `psea-approved` on an approver's ticket: the quorum, and its receipt when this approval met it. */
export interface PseaQuorumApprovedDetail {
  receipt?: string;
  quorum: QuorumSummary;
}

export const QUORUM_MESSAGES = {
  quorumAskedBy: 'Asked by',
  quorumNeeds: 'needs {n}',
  quorumGroup: 'Group {n}',
  quorumWaiting: 'Approved — waiting for {rest}.',
  quorumMet: 'Approved by everyone needed. The action can go ahead.',
  quorum_closed: 'This request is closed. Nothing more is needed from you.',
  quorumClosed_approved: 'Already approved by everyone needed. Nothing more is needed from you.',
  quorumClosed_expired: 'This request has expired.',
  quorumClosed_cancelled: 'This request was cancelled.',
  quorumClosed_burned: 'This request can no longer be approved.',
};

type Msg = (key: string) => string;

const groupName = (g: QuorumView['groups'][number], i: number, msg: Msg) =>
  g.name ?? msg('quorumGroup').replace('{n}', String(i + 1));
const userName = (u: { id: string; name?: string }) => u.name ?? u.id;

/** "1 more of Finance and 1 more of CFO" from where the quorum stands after this approval. */
export function waitingFor(view: QuorumView | undefined, summary: QuorumSummary, msg: Msg): string {
  const parts = summary.groups
    .map((g, i) => ({
      missing: g.required - g.approved.length,
      name: view
        ? groupName(view.groups[i]!, i, msg)
        : msg('quorumGroup').replace('{n}', String(i + 1)),
    }))
    .filter((p) => p.missing > 0)
    .map((p) => `${p.missing} more of ${p.name}`);
  return msg('quorumWaiting').replace('{rest}', parts.join(' and '));
}

/** The quorum part of the card: who asked, each group, who approved (✓). */
export function renderQuorum(
  { html, nothing, visible }: QuorumDeps,
  q: QuorumView,
  msg: Msg,
): TemplateResult {
  return html`<section part="quorum" class="quorum">
    <p><span class="muted">${msg('quorumAskedBy')}</span> ${visible(q.initiator)}</p>
    <ul>
      ${q.groups.map(
        (g, i) => html`<li part="quorum-group">
          <strong>${visible(groupName(g, i, msg))}</strong>
          <span class="muted">${msg('quorumNeeds').replace('{n}', String(g.required))}</span>
          <ul>
            ${g.users.map((u) => {
              const done = g.approved.includes(u.id);
              return html`<li part="quorum-user" data-approved=${done ? 'true' : nothing}>${done ? html`<span aria-label="approved">✓ </span>` : nothing}${visible(userName(u))}</li>`;
            })}
          </ul>
        </li>`,
      )}
    </ul>
  </section>`;
}
