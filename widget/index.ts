/**
 * widget.js: defines `<psea-enroll>` and `<psea-approve>` (SPEC.md "Widget").
 *
 * @example
 * <script type="module" src="https://approve.example.com/widget.js"></script>
 * <psea-approve ticket="…"></psea-approve>
 */
export { PseaApprove } from './psea-approve';
export { PseaEnroll } from './psea-enroll';
export { MESSAGES } from './messages';
export type { PseaApprovedDetail, ActionJSON, DisplayField } from './psea-approve';
export type { PseaEnrolledDetail, EnrollmentJSON } from './psea-enroll';
export type { PseaErrorDetail, PseaState } from './base';
export type { Messages, MessageKey } from './messages';
