/**
 * The example MCP server: a bank with one tool that moves money, which runs
 * only after the person approves that exact transfer with their passkey, and
 * one that only reads.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { HumanApproval, type Display, type HumanApprovalOptions } from './human-approval.ts';
import { Ledger, type Transfer } from './ledger.ts';

export const SERVER_NAME = 'psea-example-bank';

function displayFor(t: Transfer): Display {
  return {
    title: `Transfer ${t.amount} ${t.currency} to ${t.to}`,
    fields: [
      { label: 'From', value: t.from },
      { label: 'To', value: t.to },
      { label: 'Amount', value: `${t.amount} ${t.currency}` },
      {
        label: 'Asked by',
        value: `an AI agent, through the MCP tool transfer_funds of ${SERVER_NAME}`,
      },
    ],
  };
}

export function createBankServer(options: HumanApprovalOptions, ledger = new Ledger()): McpServer {
  const mcp = new McpServer({ name: SERVER_NAME, version: '1.0.0' });
  const approval = new HumanApproval(mcp, SERVER_NAME, options);

  mcp.registerTool(
    'transfer_funds',
    {
      description:
        'Move money between accounts. The account holder approves each transfer with their passkey before it runs; ' +
        'when the answer gives an "approval" id, call again with the same arguments and that id.',
      inputSchema: {
        from: z.string().min(1).max(64).describe('account to debit'),
        to: z.string().min(1).max(64).describe('account to credit'),
        amount: z
          .string()
          .regex(/^\d{1,12}\.\d{2}$/)
          .describe('decimal with two places, e.g. "1250.00"'),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .describe('ISO 4217 code, e.g. "EUR"'),
        approval: z
          .string()
          .max(64)
          .optional()
          .describe('the approval id from an earlier answer, to wait for that approval'),
      },
      annotations: { destructiveHint: true, idempotentHint: false },
    },
    ({ approval: id, ...transfer }, extra) =>
      approval.run(
        extra,
        {
          tool: 'transfer_funds',
          arguments: transfer,
          display: displayFor(transfer),
          approval: id,
        },
        (claims) => {
          const entry = ledger.transfer(transfer, claims.jti);
          return {
            content: [
              {
                type: 'text',
                text: `Done: transfer #${entry.id}, ${entry.amount} ${entry.currency} from ${entry.from} to ${entry.to}.`,
              },
            ],
          };
        },
      ),
  );

  mcp.registerTool(
    'list_transfers',
    {
      description: 'The transfers executed so far (read-only: no approval needed).',
      annotations: { readOnlyHint: true },
    },
    () => ({ content: [{ type: 'text', text: JSON.stringify(ledger.entries) }] }),
  );

  return mcp;
}
