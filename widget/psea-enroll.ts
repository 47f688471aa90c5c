import { html, type TemplateResult } from 'lit';
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { PseaElement, define } from './base';
import { styles } from './psea-enroll.styles';
import { visible } from './visible';

/** `GET /v1/enrollments/:ticket` (SPEC.md "Browser routes"). */
export interface EnrollmentJSON {
  user: { name: string; displayName?: string };
  options: PublicKeyCredentialCreationOptionsJSON;
}

export interface PseaEnrolledDetail {
  /** base64url credential id of the new passkey. */
  credentialId: string;
  /** True when the passkey cannot leave this device (not synced). */
  deviceBound: boolean;
}

/**
 * Creates a user-verified passkey for the account an enrollment ticket names.
 *
 * @summary Passkey enrollment.
 *
 * @attr endpoint - Origin of the PSEA service; default: where `widget.js` came from.
 * @attr ticket - The enrollment ticket (`POST /v1/enrollments` → `ticket`).
 * @attr messages - JSON object overriding any message (see `MESSAGES`).
 * @attr state - Reflected, read-only: `loading` | `ready` | `waiting` | `verifying` | `done` | `error` | `cancelled`.
 *
 * @event {CustomEvent<PseaEnrolledDetail>} psea-enrolled - The passkey was created and stored.
 * @event {CustomEvent<PseaErrorDetail>} psea-error - It failed; `detail.code` is a SPEC problem code, a `WebAuthnError` code or `network_error`.
 * @event {CustomEvent<{}>} psea-cancel - The person dismissed the passkey prompt (`NotAllowedError`).
 *
 * @csspart base - The card. @csspart title - The heading. @csspart intro - The explanation.
 * @csspart fields - The account (`dl`). @csspart field - One row. @csspart label - Its label. @csspart value - Its value.
 * @csspart codepoint - A character that hides, shown as ⟨U+XXXX⟩ instead of being applied.
 * @csspart status - The live status line.
 * @csspart action - The primary button that starts the passkey ceremony.
 *
 * @cssprop --psea-accent - Button and focus colour. @cssprop --psea-accent-fg - Text on the button.
 * @cssprop --psea-bg - Card background. @cssprop --psea-fg - Text colour. @cssprop --psea-muted - Secondary text.
 * @cssprop --psea-border - Borders and dividers. @cssprop --psea-danger - Errors. @cssprop --psea-success - Success.
 * @cssprop --psea-radius - Corner radius. @cssprop --psea-font - Font family.
 */
export class PseaEnroll extends PseaElement<EnrollmentJSON> {
  static override styles = styles;
  protected readonly kind = 'enrollments';
  protected readonly tail = '';
  protected readonly label = 'enroll';

  protected ceremony(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<unknown> {
    return startRegistration({ optionsJSON });
  }

  protected succeed(result: { credentialId: string; deviceBound: boolean }): void {
    this.emit<PseaEnrolledDetail>('psea-enrolled', { credentialId: result.credentialId, deviceBound: result.deviceBound });
  }

  protected renderBody(data: EnrollmentJSON | undefined): TemplateResult {
    const user = data?.user;
    return html`<div class="title" id="title" part="title">${this.msg('enrollTitle')}</div>
      <p part="intro" class="intro">${this.msg('enrollIntro')}</p>
      ${user
        ? html`<dl part="fields">
            <div part="field">
              <dt part="label">${this.msg('account')}</dt>
              <dd part="value">${user.displayName ? html`${visible(user.displayName)} · ${visible(user.name)}` : visible(user.name)}</dd>
            </div>
          </dl>`
        : html`<div class="skeleton lines"></div>`}`;
  }
}

define('psea-enroll', PseaEnroll);

declare global {
  interface HTMLElementTagNameMap {
    'psea-enroll': PseaEnroll;
  }
  interface GlobalEventHandlersEventMap {
    'psea-enrolled': CustomEvent<PseaEnrolledDetail>;
  }
}
