/**
 * Entry point: the bank MCP server over stdio, configured from the
 * environment (see README.md). stdout is the MCP channel, so anything for a
 * person goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { PseaClient } from 'psea/client';
import { createBankServer } from './bank-server.ts';

function env(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`mcp-approval: set ${name} (see examples/mcp-approval/README.md)`);
    process.exit(1);
  }
  return value;
}

const baseUrl = env('PSEA_URL').replace(/\/+$/, '');
const mcp = createBankServer({
  psea: new PseaClient({ baseUrl, apiKey: env('PSEA_API_KEY') }),
  issuer: env('PSEA_ISSUER', baseUrl),
  jwksUrl: env('PSEA_JWKS_URL', `${baseUrl}/.well-known/jwks.json`),
  userId: env('PSEA_USER_ID'),
  audience: env('PSEA_AUDIENCE', 'mcp-bank'),
  waitMs: Number(env('PSEA_WAIT_SECONDS', '50')) * 1000,
});
await mcp.connect(new StdioServerTransport());
console.error(`mcp-approval: ready, acting for ${process.env.PSEA_USER_ID} at ${baseUrl}`);
