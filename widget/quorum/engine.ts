/**
 * The quorum part of the widget, `/pages/quorum.js` (docs/quorum.md):
 * widget.js loads it, from its own origin and version, the first time a
 * `<psea-approve>` shows an approver's ticket of a quorum, so pages that
 * never do stay within widget.js's size budget. It extends that one element:
 * the quorum in its card, a closed quorum as a reason with no retry, the
 * status after the approval, and `psea-approved` with `{ receipt?, quorum }`.
 * Each extension falls back to the element's own code on any other ticket.
 */
import type { TemplateResult } from 'lit';
import type { QuorumDeps } from './deps';
import {
  QUORUM_MESSAGES,
  renderQuorum,
  waitingFor,
  type PseaQuorumApprovedDetail,
  type QuorumSummary,
  type QuorumView,
} from './view';

type Data = { quorum?: QuorumView } | undefined;

/** The element's members this part extends (protected in its class, reached here by name). */
interface Host {
  _data: Data;
  messages?: Record<string, string | undefined>;
  msg(key: string): string;
  blocked(data: Data): unknown;
  statusKey(state: string, data: Data): string;
  succeed(result: unknown): void;
  renderBody(data: Data): TemplateResult;
  emit(type: string, detail: unknown): void;
}

type Msg = (key: string) => string;

/** The element's text for `key` on a quorum ticket, or undefined for its own. */
function text(
  key: string,
  q: QuorumView,
  after: QuorumSummary | undefined,
  msg: Msg,
): string | undefined {
  if (key === 'quorum')
    return after?.state === 'approved'
      ? msg('quorumMet')
      : after
        ? waitingFor(q, after, msg)
        : undefined;
  if (key === 'quorum_closed' && q.state !== 'pending')
    return msg(`quorumClosed_${after?.state ?? q.state}`);
  return (QUORUM_MESSAGES as Record<string, string>)[key];
}

/** The loaded view with who has approved now, this approver included. */
function merge(q: QuorumView, after: QuorumSummary): QuorumView {
  return {
    ...q,
    state: after.state,
    groups: q.groups.map((g, i) => ({ ...g, approved: after.groups[i]?.approved ?? g.approved })),
  };
}

export function init(d: QuorumDeps & { Failure: new (code: string, retry: boolean) => unknown }) {
  /** Extend `element` for the quorum ticket it has just loaded. */
  function attach(element: object): void {
    const el = element as Host;
    const own = Object.getPrototypeOf(el) as Host;
    let after: QuorumSummary | undefined;
    el.blocked = (data) =>
      data?.quorum && data.quorum.state !== 'pending'
        ? new d.Failure('quorum_closed', false)
        : own.blocked.call(el, data);
    el.msg = (key) => {
      const q = el._data?.quorum;
      return (
        (q && el.messages?.[key] === undefined && text(key, q, after, el.msg)) ||
        own.msg.call(el, key)
      );
    };
    el.statusKey = (state, data) =>
      state === 'done' && after && data?.quorum ? 'quorum' : own.statusKey.call(el, state, data);
    el.succeed = (result) => {
      const r = result as PseaQuorumApprovedDetail;
      const q = el._data?.quorum;
      if (!r.quorum || !q) return own.succeed.call(el, result);
      after = r.quorum;
      el._data = { ...el._data, quorum: merge(q, after) };
      el.emit('psea-approved', r);
    };
    el.renderBody = (data) =>
      data?.quorum
        ? d.html`${own.renderBody.call(el, data)}${renderQuorum(d, data.quorum, el.msg)}`
        : own.renderBody.call(el, data);
  }
  return { attach };
}

export type QuorumEngine = ReturnType<typeof init>;
