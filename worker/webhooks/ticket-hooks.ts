/** What an agent or a host asked for beside the action (docs/agents.md): kept on the ticket. */
export interface TicketHooks {
  reference?: string;
  /** base64url SHA-256 of the statusToken: a storage leak yields no token. */
  statusTokenHash: string;
  callbackUrl?: string;
}
