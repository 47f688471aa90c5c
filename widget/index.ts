/**
 * widget.js: defines `<psea-enroll>` and `<psea-approve>` (docs/widget.md ("Widget")).
 * The component files only export their classes; the elements are defined
 * here, once per page even when the script is loaded twice.
 *
 * @example
 * <script type="module" src="https://approve.example.com/widget.js"></script>
 * <psea-approve ticket="…"></psea-approve>
 */
import { PseaApprove } from './psea-approve';
import { PseaEnroll } from './psea-enroll';

/** Register `name` unless a copy of this script already did (loading it twice is harmless). */
function define(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor);
}

define('psea-approve', PseaApprove);
define('psea-enroll', PseaEnroll);

export { PseaApprove, PseaEnroll };
export { MESSAGES } from './messages';
export type { PseaApprovedDetail, PseaProofDetail, ActionJSON, DisplayField } from './psea-approve';
export type { PseaEnrolledDetail, EnrollmentJSON } from './psea-enroll';
export type { PseaErrorDetail, PseaState } from './base';
export type { PseaErrorCode } from './error-code';
export type { Messages, MessageKey } from './messages';
