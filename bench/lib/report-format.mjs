/** How the table writes its numbers: durations, sizes, rates and ratios. */

export const ms = (x) => (x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`);
export const us = (x) => (x < 0.5 ? '< 0.5 µs' : `${x.toFixed(1)} µs`);
export const int = (x) => Math.round(x).toLocaleString('en-US');
export const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
export const rps = (s) => `${int(s.rps)} req/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`;
export const x2 = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
