/**
 * The import graph is the architecture (docs/architecture.md): arrows run one
 * way — demo → worker → packages/psea, widget → packages/psea — and nothing
 * imports in a circle, but for type-only ties to worker/env.ts (the Env type
 * names the Durable Object classes that import it).
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const DIRS = ['packages/psea/src', 'worker', 'widget', 'demo'];

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'generated' ? [] : files(path);
    return /\.(ts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Edge {
  to: string;
  typeOnly: boolean;
  spec: string;
}

/** Every import and re-export of a file, relative ones resolved to repository paths. */
function imports(file: string): Edge[] {
  const src = readFileSync(join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const edges: Edge[] = [];
  const re =
    /^\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of src.matchAll(re)) {
    const spec = (m[3] ?? m[4])!;
    const typeOnly = Boolean(m[2]) || /^\s*import\s+type\s/.test(m[0]);
    if (!spec.startsWith('.')) {
      edges.push({ to: spec, typeOnly, spec });
      continue;
    }
    const base = resolve(ROOT, dirname(file), spec);
    const hit = ['', '.ts', '.js', '.mjs', '/index.ts']
      .map((e) => base + e)
      .find((p) => existsSync(p) && statSync(p).isFile());
    edges.push({ to: hit ? relative(ROOT, hit) : `unresolved:${spec}`, typeOnly, spec });
  }
  return edges;
}

const graph = new Map(DIRS.flatMap(files).map((f) => [f, imports(f)] as const));
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

describe('the import graph', () => {
  it('resolves every relative import', () => {
    const bad = [...graph].flatMap(([f, es]) =>
      es.filter((e) => e.to.startsWith('unresolved:')).map((e) => `${f} → ${e.spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('packages/psea imports nothing of the service, nor node:* or cloudflare:*', () => {
    const bad = [...graph]
      .filter(([f]) => under(f, 'packages/psea/src'))
      .flatMap(([f, es]) =>
        es
          .filter(
            (e) =>
              /^(node|cloudflare):/.test(e.to) ||
              (!e.to.startsWith('@') &&
                e.to.includes('/') &&
                !under(e.to, 'packages/psea/src') &&
                !(f === 'packages/psea/src/widget/index.ts' && under(e.to, 'widget')) &&
                !/^[\w@][^/]*\//.test(e.spec)),
          )
          .map((e) => `${f} → ${e.to}`),
      );
    expect(bad).toEqual([]);
  });

  it("the library's internal/ imports only internal/", () => {
    const bad = [...graph]
      .filter(([f]) => under(f, 'packages/psea/src/internal'))
      .flatMap(([f, es]) =>
        es
          .filter((e) => e.spec.startsWith('.') && !under(e.to, 'packages/psea/src/internal'))
          .map((e) => `${f} → ${e.to}`),
      );
    expect(bad).toEqual([]);
  });

  it('no production code imports the demo, and the widget never imports the service', () => {
    const bad = [...graph].flatMap(([f, es]) =>
      es
        .filter(
          (e) =>
            (under(f, 'worker') && under(e.to, 'demo')) ||
            (under(f, 'widget') && under(e.to, 'worker')) ||
            (under(f, 'packages/psea/src') && under(e.to, 'demo')),
        )
        .map((e) => `${f} → ${e.to}`),
    );
    expect(bad).toEqual([]);
  });

  it('has no circle, but for type-only ties to worker/env.ts', () => {
    // Tarjan's strongly connected components over the relative imports.
    const index = new Map<string, number>(),
      low = new Map<string, number>(),
      stack: string[] = [],
      on = new Set<string>();
    const circles: string[][] = [];
    let n = 0;
    const next = (f: string) =>
      (graph.get(f) ?? [])
        .filter((e) => graph.has(e.to) && !(e.typeOnly && e.to === 'worker/env.ts'))
        .map((e) => e.to);
    const visit = (f: string) => {
      index.set(f, n);
      low.set(f, n);
      n++;
      stack.push(f);
      on.add(f);
      for (const t of next(f)) {
        if (!index.has(t)) {
          visit(t);
          low.set(f, Math.min(low.get(f)!, low.get(t)!));
        } else if (on.has(t)) low.set(f, Math.min(low.get(f)!, index.get(t)!));
      }
      if (low.get(f) === index.get(f)) {
        const scc: string[] = [];
        let x: string;
        do {
          x = stack.pop()!;
          on.delete(x);
          scc.push(x);
        } while (x !== f);
        if (scc.length > 1 || next(f).includes(f)) circles.push(scc.sort());
      }
    };
    for (const f of graph.keys()) if (!index.has(f)) visit(f);
    expect(circles).toEqual([]);
  });

  it('finds what it looks for', () => {
    expect(graph.get('worker/index.ts')!.map((e) => e.to)).toContain('worker/app.ts');
    expect(graph.get('demo/index.ts')!.map((e) => e.to)).toContain('worker/app.ts');
  });
});
