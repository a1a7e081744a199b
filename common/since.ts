/**
 * `claude history --since WHEN` and "what changed today?" (compiler/diagnose/operations.ts): the
 * time WHEN names. In common/ because `claude history` runs on the device, whose runtime has no
 * compiler (test/runtime-cli.test.ts).
 */

/** The start of `--since WHEN`: today/yesterday from local midnight, Nh/Nd/Nm back from now, or a date. */
export function sinceTime(when: string, now: Date): Date {
  const w = when.trim().toLowerCase();
  if (w === 'today' || w === 'yesterday') {
    const d = new Date(now);
    d.setHours(0, 0, 0, 0);
    if (w === 'yesterday') d.setDate(d.getDate() - 1);
    return d;
  }
  const rel = /^(\d+)\s*(m|min|h|d|w)$/.exec(w);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * { m: 60e3, min: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[rel[2] as 'm']);
  const t = /^\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?)?$/.test(w) ? Date.parse(when.trim().replace(' ', 'T')) : NaN;
  if (Number.isNaN(t)) throw new RangeError(`--since must be today, yesterday, a span such as 6h or 3d, or a date such as 2026-12-01, not '${when}'`);
  return new Date(t);
}

