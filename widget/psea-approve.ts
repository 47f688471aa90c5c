import { html, type TemplateResult } from 'lit';
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { PseaElement, type PseaErrorDetail, type PseaState } from './base';
import type { MessageKey } from './messages';
import { styles } from './psea-approve.styles';
import { signedMembers } from './signed-members';
import { memberPath, memberValue, visible } from './visible';

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
  /** `dsp` (v2): base64url SHA-256 of JCS(display), the display exactly as served here. */
  statement: { v: 1; iss: string; aud: string; sub: string; act: string; dsp?: string; nonce: string };
  options: PublicKeyCredentialRequestOptionsJSON;
}

export interface PseaApprovedDetail {
  /** The execution receipt, a `psea-receipt+jwt`: hand it to your backend, which checks it with `verifyReceipt`. */
  receipt: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

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
    return html`<div class="title" id="title" part="title">${visible(text(display.title ?? data.action.type))}</div>
      <dl part="fields">
        ${fields.map(
          (f) => html`<div part="field"><dt part="label">${visible(text(f.label))}</dt><dd part="value">${visible(text(f.value))}</dd></div>`,
        )}
      </dl>
      <details part="details" open>
        <summary>${this.msg('details')}</summary>
        <p class="hint">${this.msg('signed')}</p>
        <dl part="signed" class="signed">
          ${signedMembers(data.action).map(
            (m) => html`<div part="member"><dt part="member-name">${memberPath(m.path)}</dt><dd part="member-value">${memberValue(m.value)}</dd></div>`,
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
    'psea-error': CustomEvent<PseaErrorDetail>;
    'psea-cancel': CustomEvent<Record<string, never>>;
  }
}
