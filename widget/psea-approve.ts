import { html, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { startAuthentication } from '@simplewebauthn/browser';
import { actionTitle } from '../packages/psea/src/internal/action-title';
import { Failure } from './api';
import type { PseaErrorCode } from './error-code';
import { PseaElement, SCRIPT_ORIGIN, type PseaErrorDetail, type PseaState } from './base';
import type { ActionJSON } from './action-json';
import type { OfflineData } from './offline/approval';
import type { GrantRecord } from './offline/store';
import { offlineEngine } from './offline/load';
import { withBatch } from './batch/load';
import { submitStored, type Outcome } from './offline/submit';
import type { MessageKey } from './messages';
import { styles } from './psea-approve.styles';
import { signedMembers } from './signed-members';
import { memberPath, memberValue, visible } from './visible';
import { quorumEngine } from './quorum/load';

/** One row the person checks before approving. Values are shown as text, never as HTML. */
export type { ActionJSON, DisplayField } from './action-json';

/** `psea-proof` (offline): the proof, `{ action, display?, statement, assertion }`, kept on this device until the service takes it. */
export interface PseaProofDetail {
  proof: Record<string, unknown>;
}

export interface PseaApprovedDetail {
  /** The execution receipt, a `psea-receipt+jwt`: hand it to your backend, which checks it with `verifyReceipt`. */
  receipt: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/**
 * Shows one action — its title and every field, as text, then every member
 * of the action as signed — and lets the person approve exactly that action
 * with a user-verified passkey. The service answers with a signed execution
 * receipt. Every string is direction-isolated, and every character that hides
 * is shown as ⟨U+XXXX⟩ (docs/display.md).
 *
 * @summary Passkey approval of one exact action.
 *
 * @attr endpoint - Origin of the PSEA service; default: where `widget.js` came from.
 * @attr ticket - The action ticket (`POST /v1/actions` → `ticket`).
 * @attr messages - JSON object overriding any message (see `MESSAGES`).
 * @attr state - Reflected, read-only: `loading` | `ready` | `waiting` | `verifying` | `done` | `error` | `cancelled` | `stored` (offline).
 * @attr offline - Approve on the device with no request, from the `bundle`, `action` and `display` properties (docs/widget.md "Offline approvals").
 *
 * @event {CustomEvent<PseaApprovedDetail>} psea-approved - The action was approved; `detail.receipt` is the JWT.
 * @event {CustomEvent<PseaErrorDetail>} psea-error - It failed; `detail.code` is a docs/api.md problem code, a `WebAuthnError` code or `network_error`.
 * @event {CustomEvent<PseaProofDetail>} psea-proof - Offline: a proof was made and stored on this device, not yet verified.
 * @event {CustomEvent<{}>} psea-cancel - The person dismissed the passkey prompt (`NotAllowedError`). Nothing was signed.
 *
 * @csspart base - The card.
 * @csspart title - The action's title.
 * @csspart fields - The list of fields (`dl`).
 * @csspart field - One row. @csspart label - A field's label. @csspart value - A field's value.
 * @csspart details - "What you sign", open from the start: every member of the action, the audience and the action fingerprint.
 * @csspart signed - The list of the action's members (`dl`). @csspart member - One member.
 * @csspart member-name - Its path (`fee.amount`). @csspart member-value - Its value as signed (strings in quotes).
 * @csspart codepoint - A character that hides, shown as ⟨U+XXXX⟩ instead of being applied.
 * @csspart status - The live status line.
 * @csspart action - The primary button that starts the passkey ceremony.
 *
 * @cssprop --psea-accent - Button and focus colour. @cssprop --psea-accent-fg - Text on the button.
 * @cssprop --psea-bg - Card background. @cssprop --psea-fg - Text colour. @cssprop --psea-muted - Secondary text.
 * @cssprop --psea-border - Borders and dividers. @cssprop --psea-danger - Errors. @cssprop --psea-success - Success.
 * @cssprop --psea-radius - Corner radius. @cssprop --psea-font - Font family.
 */
export class PseaApprove extends PseaElement<ActionJSON> {
  static override styles = styles;
  static override properties: PropertyDeclarations = {
    offline: { type: Boolean, reflect: true },
    bundle: { attribute: false },
    action: { attribute: false },
    display: { attribute: false },
  };
  protected readonly kind = 'actions';

  /** Approve on the device, with no request: the proof is kept here and sent when the browser is online. */
  declare offline: boolean;
  /** Offline: the `psea-offline+jwt` from `POST /v1/users/:id/offline-grants`. */
  declare bundle: string | undefined;
  /** Offline: the action to sign (an object with a string `type`). */
  declare action: Record<string, unknown> | undefined;
  /** Offline: what the person is shown; the statement commits to it as `dsp`. */
  declare display: ActionJSON['display'];
  /** Offline: the nonce of the proof this element shows. */
  private _nonce: string | undefined;
  private _sending = false;
  /** A send was asked for while one ran (a new proof it may have missed): run again after it. */
  private _again = false;
  private _retry: ReturnType<typeof setTimeout> | undefined;
  private readonly _online = (): void => void this.send();

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this._online);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this._online);
  }

  protected override hasSource(): boolean {
    return this.offline
      ? this.bundle !== undefined && this.action !== undefined
      : super.hasSource();
  }

  protected override sourceKey(): string {
    return this.offline
      ? `offline ${this.endpoint} ${this.bundle} ${JSON.stringify([this.action, this.display])}`
      : super.sourceKey();
  }

  protected override reloads(changed: PropertyValues): boolean {
    return (
      super.reloads(changed) ||
      changed.has('offline') ||
      changed.has('bundle') ||
      changed.has('action') ||
      changed.has('display')
    );
  }

  protected override fetchData(): Promise<ActionJSON> {
    // A batch is checked and drawn by the batch part, loaded on demand (batch/load.ts); v3: an approver's
    // ticket of a quorum is shown by the quorum part (quorum/engine.ts), which extends this element.
    if (this.offline)
      return offlineEngine().then((e) =>
        e.offlineData(this.endpoint, this.bundle, this.action, this.display),
      );
    return super
      .fetchData()
      .then((d) => withBatch(d, this.endpoint || SCRIPT_ORIGIN))
      .then(
        async (d) => (
          d.quorum && (await quorumEngine(this.endpoint || SCRIPT_ORIGIN)).attach(this),
          d
        ),
      );
  }

  protected override blocked(data: ActionJSON): Failure | undefined {
    const o = data as OfflineData;
    return o.stored ? undefined : o.blocked;
  }

  protected override readyState(data: ActionJSON): PseaState {
    this._nonce = (data as OfflineData).stored?.nonce;
    // Once this state is set: proofs kept from an earlier page go out as soon as the element is ready.
    queueMicrotask(() => void this.send());
    return this._nonce ? 'stored' : 'ready';
  }

  protected override async complete(data: ActionJSON, response: unknown): Promise<unknown> {
    if (!this.offline) return super.complete(data, response);
    const rec = response as GrantRecord;
    await (await offlineEngine()).save(rec);
    this._nonce = rec.nonce;
    this.to('stored');
    this.emit<PseaProofDetail>('psea-proof', { proof: rec.proof! });
    void this.send();
    return undefined;
  }

  /**
   * Offline: post every proof this device keeps for this user to the service,
   * when the browser is online. Fires `psea-approved` for each one taken, and
   * `psea-error` for each one refused; the element shows what became of its own.
   * Called on connect, on the `online` event and after each approval; a proof
   * kept for want of an answer is tried again 30 s later.
   */
  async send(): Promise<void> {
    const data = this._data as OfflineData | undefined;
    if (!this.offline || !data?.bundle || !navigator.onLine) return;
    if (this._sending) {
      this._again = true;
      return;
    }
    this._sending = true;
    this._again = false;
    if (this.state === 'stored') this.to('verifying');
    try {
      const e = await offlineEngine();
      const all = await submitStored(e, this.endpoint, data.bundle.sub, (o: Outcome) => {
        const mine = o.rec.nonce === this._nonce;
        if (o.fail)
          return mine
            ? this.failed(o.fail)
            : this.emit<PseaErrorDetail>('psea-error', {
                code: o.fail.code,
                message: this.msg(o.fail.code),
              });
        if (mine) this.to('done');
        this.emit<PseaApprovedDetail>('psea-approved', { receipt: o.receipt });
      });
      clearTimeout(this._retry);
      if (!all && this.isConnected) this._retry = setTimeout(() => void this.send(), 30_000);
      if (this.state === 'verifying') {
        // Not settled here: kept for a retry, or settled by another tab (which heard its receipt).
        const outcome = (await e.records()).find((r) => r.nonce === this._nonce)?.outcome;
        if (outcome === 'approved') this.to('done');
        else if (outcome) this.failed(new Failure(outcome as PseaErrorCode, false));
        else this.to('stored');
      }
    } finally {
      this._sending = false;
    }
    if (this._again) void this.send();
  }

  protected tail(): string {
    return '/verify';
  }

  protected label(): MessageKey {
    return 'approve';
  }

  protected statusKey(state: PseaState): MessageKey {
    return state === 'ready'
      ? 'ready'
      : state === 'done'
        ? this.offline
          ? 'verified'
          : 'approved'
        : state === 'verifying' && this.offline
          ? 'sending'
          : state;
  }

  protected ceremony(data: ActionJSON): Promise<unknown> {
    return this.offline
      ? offlineEngine().then((e) => e.offlineCeremony(data as OfflineData))
      : startAuthentication({ optionsJSON: data.options });
  }

  protected succeed(result: { receipt: string }): void {
    this.emit<PseaApprovedDetail>('psea-approved', { receipt: result.receipt });
  }

  protected renderBody(data: ActionJSON | undefined): TemplateResult {
    if (!data)
      return html`<div class="title skeleton" id="title" part="title"></div><div class="skeleton lines"></div>`;
    const display = data.display ?? {};
    const fields =
      display.fields ??
      Object.entries(data.action)
        .filter(([k]) => k !== 'type')
        .map(([label, value]) => ({ label, value }));
    return html`<div class="title" id="title" part="title">${visible(display.title === undefined ? actionTitle(text(data.action.type)) : text(display.title))}</div>
      <dl part="fields">
        ${fields.map(
          (f) =>
            html`<div part="field"><dt part="label">${visible(text(f.label))}</dt><dd part="value">${visible(text(f.value))}</dd></div>`,
        )}
      </dl>
      ${(data as { list?: HTMLElement }).list}
      <details part="details" open>
        <summary>${this.msg('details')}</summary>
        <p class="hint">${this.msg('signed')}</p>
        <dl part="signed" class="signed">
          ${signedMembers(data.action).map(
            (m) =>
              html`<div part="member"><dt part="member-name">${memberPath(m.path)}</dt><dd part="member-value">${memberValue(m.value)}</dd></div>`,
          )}
        </dl>
        <dl>
          <div><dt>${this.msg('audience')}</dt><dd>${visible(text(data.statement?.aud))}</dd></div>
          <div><dt>${this.msg('fingerprint')}</dt><dd class="mono">${text(data.actionHash)}</dd></div>
        </dl>
      </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'psea-approve': PseaApprove;
  }
  interface GlobalEventHandlersEventMap {
    'psea-approved': CustomEvent<PseaApprovedDetail>;
    'psea-proof': CustomEvent<PseaProofDetail>;
    'psea-error': CustomEvent<PseaErrorDetail>;
    'psea-cancel': CustomEvent<Record<string, never>>;
  }
}
