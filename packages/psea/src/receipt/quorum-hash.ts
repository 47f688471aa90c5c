import { canonicalJson } from '../internal/canonical-json.ts';
import { sha256B64url } from '../internal/sha256-b64url.ts';
import type { QuorumDescription } from './quorum-types.ts';

/** The media type of a quorum receipt's header. */
export const QUORUM_TYP = 'psea-quorum+jwt';

/** `qrm`: base64url(SHA-256(UTF-8(JCS({ id, initiator, groups })))), which every approver's statement carries. */
export function hashQuorum(quorum: QuorumDescription): Promise<string> {
  return sha256B64url(
    canonicalJson({ id: quorum.id, initiator: quorum.initiator, groups: quorum.groups }),
  );
}
