/**
 * A tool call that runs only after a person approves that exact call with
 * their passkey. The call becomes the action
 * `{ type: "mcp.tool_call", server, tool, arguments }`; the person is sent to
 * the service's approve page (by URL-mode elicitation when the client has it,
 * otherwise in the tool result); the receipt is checked against the call
 * about to run, for this user and audience, and redeemed once; only then
 * does the tool run.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PseaError, type ApprovalStatus, type PseaClient } from 'psea/client';
import { ReceiptError, verifyReceipt, type ReceiptClaims } from 'psea/receipt';

export interface HumanApprovalOptions {
  psea: PseaClient;
  /** The service's receipt issuer and keys (`<PSEA_URL>/.well-known/jwks.json`). */
  issuer: string;
  jwksUrl: string;
  /** The person this server acts for: their user id at the service. */
  userId: string;
  /** Receipts for this server are minted for, and checked against, this audience. */
  audience: string;
  /** How long one tool call waits for the person before answering "still waiting". */
  waitMs: number;
}

export interface Display {
  title: string;
  fields: { label: string; value: string }[];
}

export interface GuardedCall {
  tool: string;
  /** The arguments the tool will run with: exactly what the person approves. */
  arguments: Record<string, unknown>;
  display: Display;
  /** The id an earlier answer gave, to go on waiting for that approval. */
  approval?: string;
}

/** What the person approves: this server, this tool, these arguments. */
type ToolCallAction = {
  type: 'mcp.tool_call';
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
};

/** What a tool handler is given by the SDK (the parts used here). */
interface CallContext {
  requestId: string | number;
  signal: AbortSignal;
}

interface Pending {
  ticket: string;
  /** Authorises the status of this ticket only: the wait needs no API key. */
  statusToken: string;
  approveUrl: string;
  expiresAt: string;
  elicited: boolean;
}

type Asked = { id: string; pending: Pending } | { result: CallToolResult };

const say = (text: string, isError = false): CallToolResult => ({
  content: [{ type: 'text', text }],
  ...(isError ? { isError } : {}),
});

export class HumanApproval {
  /** Approvals asked for and not yet expired, by the id the agent is given. */
  readonly #pending = new Map<string, Pending>();

  readonly mcp: McpServer;
  readonly serverName: string;
  readonly options: HumanApprovalOptions;

  constructor(mcp: McpServer, serverName: string, options: HumanApprovalOptions) {
    this.mcp = mcp;
    this.serverName = serverName;
    this.options = options;
  }

  /** Ask for, wait for and check the approval of `call`; then, and only then, `run` it. */
  async run(
    ctx: CallContext,
    call: GuardedCall,
    run: (claims: ReceiptClaims) => CallToolResult | Promise<CallToolResult>,
  ): Promise<CallToolResult> {
    const action: ToolCallAction = {
      type: 'mcp.tool_call',
      server: this.serverName,
      tool: call.tool,
      arguments: call.arguments,
    };
    this.#prune();
    const asked =
      call.approval === undefined ? await this.#ask(ctx, call, action) : this.#pendingFor(call);
    if ('result' in asked) return asked.result;
    const { id, pending } = asked;

    const { psea, userId, audience } = this.options;
    let outcome: ApprovalStatus;
    try {
      outcome = await psea.waitForApproval(pending.ticket, {
        timeoutMs: this.options.waitMs,
        statusToken: pending.statusToken,
        signal: ctx.signal,
      });
    } catch (err) {
      if (!(err instanceof PseaError && err.code === 'timeout')) throw err;
      return say(
        `Still waiting for the person to approve at ${pending.approveUrl}. Call ${call.tool} again with the same arguments and "approval": "${id}".`,
      );
    }
    if (pending.elicited)
      await this.mcp.server.createElicitationCompletionNotifier(id, {
        relatedRequestId: ctx.requestId,
      })();
    if (outcome.state !== 'approved' || !outcome.receipt) {
      this.#pending.delete(id);
      return say(`The approval is ${outcome.state}; nothing was done.`, true);
    }

    // The receipt must be for THIS call (arguments included), by this person, for this server.
    let claims: ReceiptClaims;
    try {
      ({ claims } = await verifyReceipt(outcome.receipt, {
        jwksUrl: this.options.jwksUrl,
        issuer: this.options.issuer,
        audience,
        subject: userId,
        action,
        display: call.display,
      }));
    } catch (err) {
      if (err instanceof ReceiptError)
        return say(
          `Refused: the approval does not match this call (${err.code}); nothing was done.`,
          true,
        );
      throw err;
    }
    // Spent once, by the service: the same approval again, here or on another replica, is refused.
    // Any other failure throws before `run`: at most once, never twice.
    try {
      await psea.redeem(outcome.receipt, audience);
    } catch (err) {
      if (err instanceof PseaError && err.code === 'receipt_redeemed')
        return say('Refused: this approval was already used; nothing was done.', true);
      throw err;
    }
    return run(claims);
  }

  /** A new approval: the service makes the ticket; the person is sent to its page. */
  async #ask(ctx: CallContext, call: GuardedCall, action: ToolCallAction): Promise<Asked> {
    const { psea, userId, audience } = this.options;
    const id = crypto.randomUUID();
    const asked = await psea.requestApproval({
      user: { id: userId },
      action,
      display: call.display,
      audience,
      reference: id,
    });
    const pending: Pending = {
      ticket: asked.ticket,
      statusToken: asked.statusToken,
      approveUrl: asked.approveUrl,
      expiresAt: asked.expiresAt,
      elicited: false,
    };
    this.#pending.set(id, pending);
    if (!this.mcp.server.getClientCapabilities()?.elicitation?.url) {
      const text =
        `A person must approve this call with their passkey before it runs. Ask them to open ${pending.approveUrl} ` +
        `(valid until ${pending.expiresAt}). Then call ${call.tool} again with the same arguments and "approval": "${id}"; that call waits for them.`;
      return { result: say(text) };
    }
    // URL-mode elicitation: the client shows the page's host and asks the person to open it.
    const answer = await this.mcp.server.elicitInput(
      {
        mode: 'url',
        elicitationId: id,
        url: pending.approveUrl,
        message: `Approve with your passkey: ${call.display.title}`,
      },
      { relatedRequestId: ctx.requestId, signal: ctx.signal },
    );
    if (answer.action !== 'accept') {
      this.#pending.delete(id);
      return {
        result: say(
          `The person did not open the approval (${answer.action}); nothing was done.`,
          true,
        ),
      };
    }
    pending.elicited = true;
    return { id, pending };
  }

  /** An approval asked for by an earlier call. Only the ticket is kept: the receipt is checked against the call at hand. */
  #pendingFor(call: GuardedCall): Asked {
    const id = call.approval!;
    const pending = this.#pending.get(id);
    if (!pending)
      return {
        result: say(
          `No approval "${id}" is waiting (unknown or expired). Call ${call.tool} without "approval" to ask again.`,
          true,
        ),
      };
    return { id, pending };
  }

  /** Forget approvals whose ticket has expired; the service refuses them anyway. */
  #prune(): void {
    const now = Date.now();
    for (const [id, p] of this.#pending)
      if (Date.parse(p.expiresAt) <= now) this.#pending.delete(id);
  }
}
