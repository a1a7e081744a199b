/**
 * One clause per change (issue 22, round 30): a clause said as the clause before it with its verb
 * left out ("scale web to 4 and api to 2", "make the worker 2 replicas; the api 4", "put the api
 * on port 9000 and the worker on 9100") is that clause again with the other service and the other
 * value: the English gapping construction. Without it the bare "api to 2" was read alone, as a
 * version ("api: image ghcr.io/acme/api:2"), a wrong change.
 *
 * Read only when the clause has no verb of its own and both clauses have the same shape: one
 * service the request knows and one number (with its unit, if any) each. Anything else is left as
 * it was said. Pure: text in, text out.
 */

/** A number said as a value: not part of an image tag, an address or a name ("api:1.4", "10.0.0.1", "web-2"). */
const VALUE = /(?<![\w.:/@-])(\d+(?:\.\d+)?)([kmgt]i?b?|megs?|gigs?)?(?![\w.:/@-])/gi;
/** What may follow the value in the gapped clause: its unit, a courtesy. */
const GAPPED_REST = String.raw`((?:(?:to|at|on|onto|->|=)\s+)?(?:port\s+)?)(\d+(?:\.\d+)?(?:\s?(?:[kmgt]i?b?|megs?|gigs?)(?![a-z]))?)(?:\s+(?:replicas?|instances?|copies|containers?))?(?:\s+(?:please|pls|plz|too|as\s+well|each))*\s*[.!]*`;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The service names said in `text` (whole words), each with where it is. */
function namesAt(text: string, names: string[]): { name: string; index: number; length: number }[] {
  const out: { name: string; index: number; length: number }[] = [];
  for (const n of [...names].sort((a, b) => b.length - a.length)) {
    for (const m of text.matchAll(new RegExp(String.raw`(?<![\w./:-])${escapeRe(n)}(?![\w/:-]|\.\w)`, 'gi'))) {
      if (out.some((o) => m.index! < o.index + o.length && m.index! + m[0].length > o.index)) continue;
      out.push({ name: n, index: m.index!, length: m[0].length });
    }
  }
  return out;
}

/**
 * The clause with the verb of the clause before it, or undefined when it is not a gapped clause
 * of that one. `names`: the services the request knows (existing and added so far).
 */
export function gapFilled(before: string, clause: string, names: string[]): string | undefined {
  if (names.length === 0 || clause.length > 120 || before.length > 300) return undefined;
  const said = new RegExp(String.raw`^(?:(?:and|also|plus|then|,)\s+)*(?:the\s+)?([a-z0-9][\w-]*)(?:'s)?\s+${GAPPED_REST}$`, 'i').exec(clause.trim());
  if (!said) return undefined;
  const name = names.find((n) => n.toLowerCase() === said[1]!.toLowerCase());
  if (!name) return undefined;
  const there = namesAt(before, names);
  if (there.length !== 1 || there[0]!.name.toLowerCase() === name.toLowerCase()) return undefined;
  const values = [...before.matchAll(VALUE)];
  if (values.length !== 1) return undefined;
  const v = values[0]!;
  // The same construction: the value said after the same preposition ("to 4" / "to 2", "on port 9000" / "on 9100",
  // "2 replicas" / "4"); "redis 512mb, nginx on 8081" is two clauses of their own, never "nginx 8081mb".
  const prep = (s: string) => (/\b(?:on|at|onto|port)\s*$/i.test(s) ? 'on' : /\bto\s*$/i.test(s) ? 'to' : /(?:->|=)\s*$/.test(s) ? s.trim().slice(-2) : '');
  if (prep(before.slice(0, v.index!)) !== prep(said[2]!)) return undefined;
  // The value's own unit is kept when the gapped clause says none ("3 replicas" / "2": "2 replicas").
  const value = said[3]!;
  const unitSaid = /[a-z]$/i.test(value);
  // The gapped value is a value of the verb's kind (review 23 HIGH-2): after a port said ("on 9000", "move grafana to
  // 3001") it is a port, a whole number 1-65535 said as one ("move worker to port 2"), never a version
  // ("worker: image …:2"); a decimal after "scale … to" stays a decimal, and the scale reader asks.
  const portBefore = !v[2] && !v[1]!.includes('.') && (prep(before.slice(0, v.index!)) === 'on' || (prep(before.slice(0, v.index!)) === 'to' && /\b(?:move|moved|put|publish|expose|listen|serve|remap|map|port)\b/i.test(before.slice(0, v.index!))));
  if (portBefore && (unitSaid || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)) return undefined;
  const newValue = portBefore && !/\bport\s*$/i.test(before.slice(0, v.index!)) ? `port ${value}` : unitSaid || !v[2] ? value : `${value}${v[2]}`;
  const at = there[0]!;
  const parts = [
    { from: at.index, to: at.index + at.length, text: name },
    { from: v.index!, to: v.index! + v[0].length, text: newValue },
  ].sort((a, b) => b.from - a.from);
  let out = before;
  for (const p of parts) out = out.slice(0, p.from) + p.text + out.slice(p.to);
  return out;
}
