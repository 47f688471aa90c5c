import { html, type PropertyValues, type TemplateResult } from 'lit';
import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { Failure } from './api';
import { PseaElement, type PseaState } from './base';
import type { MessageKey } from './messages';
import type { DisplayField } from './action-json';
import { styles } from './psea-enroll.styles';
import { visible } from './visible';

/** What an existing passkey is asked to approve: a new passkey held by the ticket (docs/api.md). */
interface ApprovalJSON {
  statement: {
    v: 1;
    iss: string;
    aud: string;
    sub: string;
    act: string;
    dsp?: string;
    nonce: string;
  };
  display: { title: string; fields: DisplayField[] };
  options: PublicKeyCredentialRequestOptionsJSON;
}

/** `GET /v1/enrollments/:ticket` (docs/api.md ("Browser routes")); `pending` and `approval` once a new passkey is held. */
export interface EnrollmentJSON {
  user: { name: string; displayName?: string };
  options: PublicKeyCredentialCreationOptionsJSON;
  pending?: { credentialId: string; aaguid: string; deviceBound: boolean };
  approval?: ApprovalJSON;
}

export interface PseaEnrolledDetail {
  /** base64url credential id of the new passkey. */
  credentialId: string;
  /** True when the passkey cannot leave this device (not synced). */
  deviceBound: boolean;
}

/** A 202 of the registration: the new passkey is held until an existing one approves it. */
const isHeld = (r: unknown): r is Required<Pick<EnrollmentJSON, 'pending' | 'approval'>> =>
  typeof r === 'object' && r !== null && 'pending' in r && 'approval' in r;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Creates a user-verified passkey for the account an enrollment ticket names.
 * When the account already has a passkey, the service holds the new one: the
 * element then shows what is being added and asks for a passkey the person
 * already has, and only that approval enrolls it.
 *
 * @summary Passkey enrollment, approved by an existing passkey when there is one.
 *
 * @attr endpoint - Origin of the PSEA service; default: where `widget.js` came from.
 * @attr ticket - The enrollment ticket (`POST /v1/enrollments` → `ticket`).
 * @attr messages - JSON object overriding any message (see `MESSAGES`).
 * @attr state - Reflected, read-only: `loading` | `ready` | `waiting` | `verifying` | `done` | `error` | `cancelled`.
 * @attr step - Reflected, read-only: `create` (make the new passkey) | `approve` (an existing passkey approves it).
 *
 * @event {CustomEvent<PseaEnrolledDetail>} psea-enrolled - The passkey was created and stored (approved, when it needed to be).
 * @event {CustomEvent<PseaErrorDetail>} psea-error - It failed; `detail.code` is a docs/api.md problem code, a `WebAuthnError` code, `network_error` or `no_approver`.
 * @event {CustomEvent<{}>} psea-cancel - The person dismissed the passkey prompt (`NotAllowedError`).
 *
 * @csspart base - The card. @csspart title - The heading. @csspart intro - The explanation.
 * @csspart fields - The account and, when approving, the new passkey (`dl`). @csspart field - One row. @csspart label - Its label. @csspart value - Its value.
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
  // Lit merges these with the base class's properties.
  static override properties = { step: { reflect: true } };
  protected readonly kind = 'enrollments';
  /** Which step the element shows. Read-only for hosts. */
  declare step: 'create' | 'approve';

  constructor() {
    super();
    this.step = 'create';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.step = this._data?.approval ? 'approve' : 'create';
  }

  protected tail(data: EnrollmentJSON): string {
    return data.approval ? '/approve' : '';
  }

  protected label(data: EnrollmentJSON | undefined): MessageKey {
    return data?.approval ? 'approveAdd' : 'enroll';
  }

  protected statusKey(state: PseaState, data: EnrollmentJSON | undefined): MessageKey {
    const approving = !!data?.approval;
    if (state === 'ready') return approving ? 'readyApproveAdd' : 'readyEnroll';
    if (state === 'waiting') return approving ? 'waitingApproveAdd' : 'waiting';
    return state === 'done' ? 'enrolled' : state;
  }

  protected ceremony(data: EnrollmentJSON): Promise<unknown> {
    return data.approval
      ? startAuthentication({ optionsJSON: data.approval.options })
      : startRegistration({ optionsJSON: data.options });
  }

  protected override next(data: EnrollmentJSON, result: unknown): EnrollmentJSON | undefined {
    return isHeld(result)
      ? { ...data, pending: result.pending, approval: result.approval }
      : undefined;
  }

  /** An approval nobody can give: the account has no active passkey (the service lists every one it has). */
  protected override blocked(data: EnrollmentJSON): Failure | undefined {
    return data.approval && !data.approval.options.allowCredentials?.length
      ? new Failure('no_approver', false)
      : undefined;
  }

  protected succeed(result: { credentialId: string; deviceBound: boolean }): void {
    this.emit<PseaEnrolledDetail>('psea-enrolled', {
      credentialId: result.credentialId,
      deviceBound: result.deviceBound,
    });
  }

  protected renderBody(data: EnrollmentJSON | undefined): TemplateResult {
    const user = data?.user;
    const approval = data?.approval;
    const row = (label: string | TemplateResult, value: TemplateResult) =>
      html`<div part="field"><dt part="label">${label}</dt><dd part="value">${value}</dd></div>`;
    return html`<div class="title" id="title" part="title">${approval ? visible(text(approval.display.title)) : this.msg('enrollTitle')}</div>
      <p part="intro" class="intro">${this.msg(approval ? 'approveAddIntro' : 'enrollIntro')}</p>
      ${
        user
          ? html`<dl part="fields">
            ${row(this.msg('account'), user.displayName ? html`${visible(user.displayName)} · ${visible(user.name)}` : visible(user.name))}
            ${(approval?.display.fields ?? []).map((f) => row(visible(text(f.label)), visible(text(f.value))))}
          </dl>`
          : html`<div class="skeleton lines"></div>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'psea-enroll': PseaEnroll;
  }
  interface GlobalEventHandlersEventMap {
    'psea-enrolled': CustomEvent<PseaEnrolledDetail>;
  }
}
