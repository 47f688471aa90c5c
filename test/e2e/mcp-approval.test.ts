/**
 * examples/mcp-approval end to end: an MCP client from the SDK calls
 * transfer_funds; the person opens the approve URL (sent by URL-mode
 * elicitation, or given in the tool result) in Chromium and approves with a
 * virtual authenticator's passkey; the tool runs exactly once, and never for
 * arguments other than the approved ones. The stdio test runs server.ts
 * itself, configured by environment variables as the README shows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ElicitationCompleteNotificationSchema,
  ElicitRequestSchema,
  type CallToolResult,
  type ElicitRequestURLParams,
} from '@modelcontextprotocol/sdk/types.js';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { PseaClient } from 'psea/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankServer } from '../../examples/mcp-approval/bank-server.ts';
import { Ledger } from '../../examples/mcp-approval/ledger.ts';
import { PSEA_SUBPATHS } from './psea-subpaths';
import {
  actionButton,
  ctx,
  device,
  enrollment,
  launch,
  newUser,
  server,
  waitForState,
} from './helpers';

const CALL = {
  from: 'checking-1',
  to: 'DE89 3704 0044 0532 0130 00',
  amount: '1250.00',
  currency: 'EUR',
};
const TITLE = `Transfer 1250.00 EUR to ${CALL.to}`;

let browser: Browser;
let page: Page;
let user: string;
let dir: string;

beforeAll(async () => {
  browser = await launch();
  ({ page } = await device(browser));
  user = newUser('mcp');
  await page.goto((await enrollment(user)).enrollUrl);
  await actionButton(page, 'psea-enroll').click();
  await waitForState(page, 'psea-enroll', 'done');
  dir = await mkdtemp(join(tmpdir(), 'psea-mcp-'));
});
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The person opens the link and approves what it shows. */
async function approveAt(url: string): Promise<void> {
  await page.goto(url);
  await waitForState(page, 'psea-approve', 'ready');
  expect(await page.locator('psea-approve [part~="title"]').textContent()).toBe(TITLE);
  // What is signed, member by member: the tool call itself, not only the display.
  const signed = (await page.locator('psea-approve [part~="member"]').allTextContents()).join('\n');
  for (const part of [
    'mcp.tool_call',
    'psea-example-bank',
    'transfer_funds',
    CALL.from,
    CALL.to,
    CALL.amount,
  ])
    expect(signed).toContain(part);
  await actionButton(page, 'psea-approve').click();
  await waitForState(page, 'psea-approve', 'done');
}

/** The example's server in this process, acting for the enrolled user. */
const bank = (ledger: Ledger, waitMs: number) =>
  createBankServer(
    {
      psea: new PseaClient({ baseUrl: ctx.service, apiKey: ctx.apiKey }),
      issuer: ctx.service,
      jwksUrl: `${ctx.service}/.well-known/jwks.json`,
      userId: user,
      audience: 'mcp-bank',
      waitMs,
    },
    ledger,
  );

const text = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;

describe('examples/mcp-approval', () => {
  it('asks through URL elicitation, runs the tool once after the passkey approval, and asks afresh for the next call', async () => {
    const ledger = new Ledger();
    const mcp = bank(ledger, 30_000);
    const client = new Client(
      { name: 'e2e', version: '1.0.0' },
      { capabilities: { elicitation: { url: {} } } },
    );
    const asked: ElicitRequestURLParams[] = [];
    const opened: Promise<void>[] = [];
    let answer: 'accept' | 'decline' = 'accept';
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      asked.push(req.params as ElicitRequestURLParams);
      // Like a client that, once the person consents, opens the link in their browser.
      if (answer === 'accept') opened.push(approveAt((req.params as ElicitRequestURLParams).url));
      return { action: answer };
    });
    const completed: string[] = [];
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => {
      completed.push(n.params.elicitationId);
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);

    const result = await client.callTool({ name: 'transfer_funds', arguments: CALL });
    await Promise.all(opened);
    expect(text(result)).toBe(`Done: transfer #1, 1250.00 EUR from checking-1 to ${CALL.to}.`);
    expect(result.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ mode: 'url', message: `Approve with your passkey: ${TITLE}` });
    expect(asked[0]!.url.startsWith(`${ctx.service}/approve/`)).toBe(true);
    expect(completed).toEqual([asked[0]!.elicitationId]);
    // The elicitation id is the action's reference at the service, echoed in its status (and webhooks).
    const ticket = decodeURIComponent(new URL(asked[0]!.url).pathname.split('/').pop()!);
    expect((await server(`/v1/actions/${ticket}/status`)).data).toMatchObject({
      state: 'approved',
      reference: asked[0]!.elicitationId,
    });
    expect(ledger.entries).toMatchObject([{ id: 1, ...CALL }]);

    // The same call again is a new transfer: it needs a new approval, and the person declines this one.
    answer = 'decline';
    const again = await client.callTool({ name: 'transfer_funds', arguments: CALL });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain('did not open the approval (decline); nothing was done');
    expect(asked).toHaveLength(2);
    expect(asked[1]!.url).not.toBe(asked[0]!.url);
    expect(ledger.entries).toHaveLength(1);
    await client.close();
  });

  it('answers "still waiting" when the person is slower than the wait, and runs nothing', async () => {
    const ledger = new Ledger();
    const client = new Client({ name: 'e2e-slow', version: '1.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([bank(ledger, 1_000).connect(serverSide), client.connect(clientSide)]);
    const first = await client.callTool({ name: 'transfer_funds', arguments: CALL });
    const approval = /"approval": "([^"]+)"/.exec(text(first))?.[1];
    const waited = await client.callTool({
      name: 'transfer_funds',
      arguments: { ...CALL, approval },
    });
    expect(waited.isError).toBeFalsy();
    expect(text(waited)).toMatch(
      new RegExp(
        `^Still waiting for the person to approve at ${ctx.service}/approve/\\S+\\. Call transfer_funds again with the same arguments and "approval": "${approval}"\\.$`,
      ),
    );
    expect(ledger.entries).toEqual([]);
    await client.close();
  });

  it('over stdio, without URL elicitation: the approve URL in the result, a tampered call refused, one execution, a replay refused', async () => {
    // server.ts as an MCP client launches it, bundled because Node 20 runs no TypeScript.
    const bundle = join(dir, 'server.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, '../../examples/mcp-approval/server.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The SDK's CommonJS dependencies require Node built-ins.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      plugins: [
        {
          name: 'psea-subpaths',
          setup: (b) =>
            b.onResolve({ filter: /^psea\// }, (a) =>
              PSEA_SUBPATHS[a.path] ? { path: PSEA_SUBPATHS[a.path] } : undefined,
            ),
        },
      ],
      logLevel: 'error',
    });
    const client = new Client({ name: 'e2e-plain', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [bundle],
        env: {
          PATH: process.env.PATH ?? '',
          PSEA_URL: ctx.service,
          PSEA_API_KEY: ctx.apiKey,
          PSEA_USER_ID: user,
          PSEA_WAIT_SECONDS: '30',
        },
        stderr: 'ignore',
      }),
    );
    const transfers = async () =>
      JSON.parse(
        text(await client.callTool({ name: 'list_transfers', arguments: {} })),
      ) as unknown[];

    const first = await client.callTool({ name: 'transfer_funds', arguments: CALL });
    expect(first.isError).toBeFalsy();
    const url = /(http:\/\/\S+\/approve\/[^\s)]+)/.exec(text(first))?.[1];
    const approval = /"approval": "([^"]+)"/.exec(text(first))?.[1];
    expect(url?.startsWith(`${ctx.service}/approve/`)).toBe(true);
    expect(approval).toBeTruthy();
    expect(await transfers()).toEqual([]);
    const unknown = await client.callTool({
      name: 'transfer_funds',
      arguments: { ...CALL, approval: 'made-up' },
    });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toContain('No approval "made-up" is waiting');

    // The agent changes an argument after the person was asked: the receipt is for the original call.
    const tampered = client.callTool({
      name: 'transfer_funds',
      arguments: { ...CALL, to: 'attacker-account', approval },
    });
    await approveAt(url!);
    expect((await tampered).isError).toBe(true);
    expect(text(await tampered)).toContain(
      'Refused: the approval does not match this call (action_mismatch)',
    );
    expect(await transfers()).toEqual([]);

    const genuine = await client.callTool({
      name: 'transfer_funds',
      arguments: { ...CALL, approval },
    });
    expect(text(genuine)).toBe(`Done: transfer #1, 1250.00 EUR from checking-1 to ${CALL.to}.`);

    const replay = await client.callTool({
      name: 'transfer_funds',
      arguments: { ...CALL, approval },
    });
    expect(replay.isError).toBe(true);
    expect(text(replay)).toContain('Refused: this approval was already used');
    expect(await transfers()).toMatchObject([{ id: 1, ...CALL }]);
    await client.close();
  });
});
