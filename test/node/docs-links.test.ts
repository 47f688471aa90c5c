/**
 * The documentation a user clones must hold together on its own: every
 * relative link in README.md and docs/*.md reaches a file of this repository
 * (and its #anchor a heading there, by GitHub's slug rules), nothing points
 * outside the repository (the wire contract's `../shared` is not shipped),
 * and the README stays a front door of at most 250 lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Inline links and images: `[text](target)` or `[text](<target> "title")`. */
export function links(markdown: string): string[] {
  return [
    ...prose(markdown).matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
  ].map((m) => m[1]!);
}

/** GitHub's heading ids: lowercase, punctuation other than hyphens and spaces dropped, spaces to hyphens, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const ids = new Set<string>();
  const stripped = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  for (const [, heading] of stripped.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a linked heading keeps its text
      .replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) ids.add(id!);
  return ids;
}

interface Problem {
  page: string;
  link: string;
  why: string;
}

/** What is wrong with the links of `page` (a path from the root), whose text is `text`. */
function check(page: string, text = readFileSync(join(ROOT, page), 'utf8')): Problem[] {
  const problems: Problem[] = [];
  for (const link of links(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: … are not ours to resolve
    const [path, anchor] = link.split('#', 2) as [string, string | undefined]; // '' for a same-page #anchor
    const target = resolve(dirname(join(ROOT, page)), decodeURIComponent(path));
    const inRepo = relative(ROOT, target);
    if (
      inRepo.startsWith('..') ||
      inRepo.startsWith(sep) ||
      /(^|\/)\.\.\/shared(\/|$)/.test(link)
    ) {
      problems.push({ page, link, why: 'points outside the repository' });
      continue;
    }
    const rel = inRepo.split(sep).join('/');
    if (!existsSync(target)) {
      problems.push({ page, link, why: `no file ${rel}` });
      continue;
    }
    const targetText =
      path === ''
        ? text
        : statSync(target).isFile() && target.endsWith('.md')
          ? readFileSync(target, 'utf8')
          : undefined;
    if (anchor !== undefined && targetText !== undefined && !anchors(targetText).has(anchor)) {
      problems.push({ page, link, why: `no heading #${anchor} in ${rel}` });
    }
  }
  return problems;
}

describe('documentation links', () => {
  it('finds the pages and their links', () => {
    expect(PAGES).toContain('docs/api.md');
    expect(
      links('[a](b.md) `[c](d.md)` ![e](f.png "t") [g](<h.md>)\n```\n[j](k.md)\n```\n'),
    ).toEqual(['b.md', 'f.png', 'h.md']);
    expect([
      ...anchors(
        '# A `b` c\n## Serving `/widget.js`\n## What "attested" means\n## x\n## x\n```\n# not\n```\n',
      ),
    ]).toEqual(['a-b-c', 'serving-widgetjs', 'what-attested-means', 'x', 'x-1']);
  });

  it.each(PAGES)('every relative link in %s resolves inside the repository', (page) => {
    expect(check(page)).toEqual([]);
  });

  it('no page mentions ../shared, which a user of the repository never has', () => {
    for (const page of PAGES)
      expect(readFileSync(join(ROOT, page), 'utf8'), page).not.toContain('../shared');
  });

  it('the README is a front door: at most 250 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
    expect(lines.at(-1) === '' ? lines.length - 1 : lines.length).toBeLessThanOrEqual(250);
  });

  it('catches a missing file, a missing heading and a link out of the repository', () => {
    const page = [
      '[a](../../shared/SPEC.md)',
      '[b](../shared/SPEC.md)',
      '[c](nope.md)',
      '[d](api.md#no-such-heading)',
      '[e](#here)',
      '[f](#gone)',
      '[g](api.md#errors)',
      '[h](https://example.com/x.md)',
      '## Here',
    ].join('\n');
    expect(check('docs/fake.md', page).map((p) => p.link)).toEqual([
      '../../shared/SPEC.md',
      '../shared/SPEC.md',
      'nope.md',
      'api.md#no-such-heading',
      '#gone',
    ]);
  });
});
