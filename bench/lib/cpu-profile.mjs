/**
 * Self time of a V8 CPU profile, by the bundle's source modules (esbuild's
 * `// path` markers) and by function. Built-ins and native calls are named
 * by their function, in parentheses; idle time is left out.
 */
export function selfTimeByModule(profile, bundleText) {
  const markers = [];
  bundleText.split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules|worker|bench|test)\/\S+)$/.exec(line);
    if (m) markers.push([i, m[1].replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, 'node_modules/$1 (package)')]);
  });
  const moduleOf = (line) => {
    let lo = 0;
    let hi = markers.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (markers[mid][0] <= line) {
        found = markers[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  const self = new Map(profile.nodes.map((node) => [node.id, 0]));
  profile.samples.forEach((id, i) => self.set(id, self.get(id) + (profile.timeDeltas[i] ?? 0)));
  const byModule = new Map();
  const byFunction = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const t = self.get(node.id);
    if (!t) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const inBundle = url.endsWith('index.js');
    const where = inBundle ? moduleOf(lineNumber) : url ? url : `(${functionName || 'native'})`;
    const fn = `${functionName || '(anonymous)'} — ${where}${inBundle ? `:${lineNumber + 1}` : ''}`;
    total += t;
    byModule.set(where, (byModule.get(where) ?? 0) + t);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
  }
  return { total, byModule, byFunction };
}
