/**
 * Every verifyReceipt call in the docs' and README's code blocks says what it compares `act`
 * with (`action`, `actionHash`, `action: false`, `batch` or `item`): a reader copies these, and
 * one without throws `invalid_options` on its first receipt (docs/agents.md's webhook receiver
 * once did, ending the process).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The argument text of each `verifyReceipt(` call in the fenced code blocks of `md`. */
function calls(md: string): string[] {
  const out: string[] = [];
  for (const block of md.match(/```(?:ts|js|typescript|javascript)\n[\s\S]*?```/g) ?? []) {
    for (
      let i = block.indexOf('verifyReceipt(');
      i >= 0;
      i = block.indexOf('verifyReceipt(', i + 1)
    ) {
      let depth = 0;
      let j = i + 'verifyReceipt'.length;
      do {
        if (block[j] === '(') depth++;
        else if (block[j] === ')') depth--;
        j++;
      } while (depth > 0 && j < block.length);
      out.push(block.slice(i, j));
    }
  }
  return out;
}

describe('verifyReceipt in the docs', () => {
  it.each(files)('%s: every call names the action check', (file) => {
    for (const call of calls(readFileSync(join(root, file), 'utf8'))) {
      // A call that only mentions the function (`verifyReceipt(...)`, `{ ... }`) shows no options.
      if (/verifyReceipt\((\.\.\.|[^,]*, \{ \.\.\. \}|[^,]*\))/.test(call)) continue;
      expect(call, `${file}: ${call}`).toMatch(/\b(action|actionHash|batch|item)\b\s*[:,}\n]/);
    }
  });
});
