import { html, type TemplateResult } from 'lit';
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { PseaElement, define, type PseaErrorDetail, type PseaState } from './base';
import type { MessageKey } from './messages';
import { styles } from './psea-approve.styles';

/** One row the person checks before approving. Values are shown as text, never as HTML. */
export interface DisplayField {
  label: string;
  value: string;
}

/** `GET /v1/actions/:ticket` (SPEC.md "Browser routes"). */
export interface ActionJSON {
  action: { type: string; [key: string]: unknown };
  display?: { title?: string; fields?: DisplayField[] };
  actionHash: string;
  statement: { v: 1; iss: string; aud: string; sub: string; act: string; nonce: string };
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface PseaApprovedDetail {
  /** The execution receipt, a `psea-receipt+jwt`: hand it to your backend, which checks it with `verifyReceipt`. */
  receipt: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

/**
 * Shows one action — its title and every field, as text — and lets the person
 * approve exactly that action with a user-verified passkey. The service
 * answers with a signed execution receipt.
 *
 * @summary Passkey approval of one exact action.
 *
 * @attr endpoint - Origin of the PSEA service; default: where `widget.js` came from.
 * @attr ticket - The action ticket (`POST /v1/actions` → `ticket`).
 * @attr messages - JSON object overriding any message (see `MESSAGES`).
 * @attr state - Reflected, read-only: `loading` | `ready` | `waiting` | `verifying` | `done` | `error` | `cancelled`.
 *
 * @event {CustomEvent<PseaApprovedDetail>} psea-approved - The action was approved; `detail.receipt` is the JWT.
 * @event {CustomEvent<PseaErrorDetail>} psea-error - It failed; `detail.code` is a SPEC problem code, a `WebAuthnError` code or `network_error`.
 * @event {CustomEvent<{}>} psea-cancel - The person dismissed the passkey prompt (`NotAllowedError`). Nothing was signed.
 *
 * @csspart base - The card.
 * @csspart title - The action's title.
 * @csspart fields - The list of fields (`dl`).
 * @csspart field - One row. @csspart label - A field's label. @csspart value - A field's value.
 * @csspart details - The "What you sign" disclosure (audience and action fingerprint).
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
  protected readonly kind = 'actions';

  protected tail(): string {
    return '/verify';
  }

  protected label(): MessageKey {
    return 'approve';
  }

  protected statusKey(state: PseaState): MessageKey {
    return state === 'ready' ? 'ready' : state === 'done' ? 'approved' : state;
  }

  protected ceremony(data: ActionJSON): Promise<unknown> {
    return startAuthentication({ optionsJSON: data.options });
  }

  protected succeed(result: { receipt: string }): void {
    this.emit<PseaApprovedDetail>('psea-approved', { receipt: result.receipt });
  }

  protected renderBody(data: ActionJSON | undefined): TemplateResult {
    if (!data) return html`<div class="title skeleton" id="title" part="title"></div><div class="skeleton lines"></div>`;
    const display = data.display ?? {};
    const fields =
      display.fields ??
      Object.entries(data.action)
        .filter(([k]) => k !== 'type')
        .map(([label, value]) => ({ label, value }));
    return html`<div class="title" id="title" part="title">${text(display.title ?? data.action.type)}</div>
      <dl part="fields">
        ${fields.map(
          (f) => html`<div part="field"><dt part="label">${text(f.label)}</dt><dd part="value">${text(f.value)}</dd></div>`,
        )}
      </dl>
      <details part="details">
        <summary>${this.msg('details')}</summary>
        <dl>
          <div><dt>${this.msg('audience')}</dt><dd>${text(data.statement?.aud)}</dd></div>
          <div><dt>${this.msg('fingerprint')}</dt><dd class="mono">${text(data.actionHash)}</dd></div>
        </dl>
      </details>`;
  }
}

define('psea-approve', PseaApprove);

declare global {
  interface HTMLElementTagNameMap {
    'psea-approve': PseaApprove;
  }
  interface GlobalEventHandlersEventMap {
    'psea-approved': CustomEvent<PseaApprovedDetail>;
    'psea-error': CustomEvent<PseaErrorDetail>;
    'psea-cancel': CustomEvent<Record<string, never>>;
  }
}
