/** The wire shape of `GET /v1/actions/:ticket`, shared by the element and its offline part. */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { QuorumView } from './quorum/view';

export interface DisplayField {
  label: string;
  value: string;
}

/** `GET /v1/actions/:ticket` (docs/api.md ("Browser routes")). */
export interface ActionJSON {
  action: { type: string; [key: string]: unknown };
  display?: { title?: string; fields?: DisplayField[] };
  actionHash: string;
  /** `dsp` (v2): base64url SHA-256 of JCS(display), the display exactly as served here. */
  statement: {
    v: 1;
    iss: string;
    aud: string;
    sub: string;
    act: string;
    dsp?: string;
    nonce: string;
  };
  options: PublicKeyCredentialRequestOptionsJSON;
  /** v3: on an approver's ticket of a quorum (docs/quorum.md). */
  quorum?: QuorumView;
}
