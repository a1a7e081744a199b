/**
 * Two or more services of one product in one message, each told apart by its name or role
 * (round 33): "two nginx servers: one called blue on 8081 and one called green on 8082", "2x redis:
 * cache on 6380, queue on 6381", "spin up redis twice, cache on 6380 & queue on 6381", "nginx x2,
 * named left (8086) and right (8087)". Said as the engine's own words, one clause per service:
 * "add a redis called cache on port 6380 and add another redis called queue on port 6381".
 *
 * Read only when the whole message is that list (a lead such as "I need" or "deploy", a count, a
 * known product, then one name per service with an optional port, and at most a closing "is that
 * possible?" or "thanks"); anything else is left as it was said. Pure, no I/O.
 */

const COUNTS: Readonly<Record<string, number>> = { two: 2, '2': 2, three: 3, '3': 3, four: 4, '4': 4, pair: 2 };
const LEAD = String.raw`(?:(?:ok(?:ay)?|so|hi|hey|please)[\s,]+)*(?:(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)|i'd\s+like|(?:can|could)\s+(?:you|i|we)\s+(?:please\s+)?(?:add|get|have|run|set\s+up|spin\s+up|deploy|make|create|start)|(?:please\s+)?(?:add|deploy|run|start|spin\s+up|set\s+up|create|make|launch|give\s+me|install|bring\s+up|stand\s+up)(?:\s+(?:please|pls|me))?)?`;
const KIND = String.raw`(?:\s+(?:servers?|instances?|containers?|databases?|dbs?|services?|copies|caches?|boxes))?`;
/** "two separate redis instances", "a pair of nginx", "2x redis", "redis x2", "redis twice": the count and the product. */
const HEAD = new RegExp(
  String.raw`^${LEAD}\s*(?:(?:a\s+)?(?<n1>two|three|four|pair|2|3|4)\s*(?:x\s+|of\s+)?(?:separate\s+|different\s+|distinct\s+)?(?<p1>[a-z][a-z0-9-]*)${KIND}|(?<p2>[a-z][a-z0-9-]*)${KIND}\s+(?:x\s*(?<n2>[234])|(?<n3>twice)))\s*(?:[:,;–—-]\s*|\s+)`,
  'i',
);
/** Words of an item that are not its name. */
const FILLER = new Set(['one', 'another', 'the', 'first', 'second', 'third', 'other', 'is', 'called', 'named', 'as', 'a', 'an', 'on', 'at', 'port', 'with', 'and', 'for', 'listening', 'using']);
const CLOSING = /^(?:is\s+that\s+(?:possible|ok(?:ay)?|doable)|thanks?(?:\s+you)?|thx|ty|please|pls|cheers)[\s.!?]*$/i;

/**
 * The message as one "add" clause per service, or the message as it was when it is not such a
 * list (no known product, a count that does not match the names, a name that is a product).
 */
export function severalOfOneSaid(message: string, products: readonly string[]): string {
  const text = message.trim();
  if (text.length > 240) return message;
  const head = HEAD.exec(text);
  if (!head) return message;
  const product = (head.groups!.p1 ?? head.groups!.p2)!.toLowerCase();
  const known = products.includes(product) ? product : products.includes(product.replace(/e?s$/, '')) ? product.replace(/e?s$/, '') : undefined;
  if (!known) return message;
  const count = head.groups!.n3 ? 2 : COUNTS[(head.groups!.n1 ?? head.groups!.n2)!.toLowerCase()]!;
  // The list runs to the end of its sentence; what follows may only be a closing remark.
  let rest = text.slice(head[0].length);
  const end = /[.!?](?:\s+|$)/.exec(rest);
  if (end) {
    const after = rest.slice(end.index + 1).trim();
    if (after !== '' && !CLOSING.test(after)) return message;
    rest = rest.slice(0, end.index);
  }
  // Without ports, the names must be said as names ("called", "named", a list after a colon): "postgres twice a day, …" is no list.
  const named = /:\s*$/.test(head[0]) || /\b(?:called|named)\b/i.test(rest);
  rest = rest.replace(/^(?:named|called)\s+/i, '');
  const items = rest.split(/\s*(?:[,;&+]|\band\b|\bplus\b)\s*(?:and\s+)?/i).map((x) => x.trim()).filter((x) => x !== '');
  if (items.length !== count) return message;
  const clauses: string[] = [];
  for (const item of items) {
    const words = item.replace(/[()]/g, ' ').split(/\s+/).filter((w) => w !== '');
    const port = words.find((w) => /^\d{2,5}$/.test(w));
    const names = words.filter((w) => w !== port && !FILLER.has(w.toLowerCase()));
    if (names.length !== 1) return message;
    const name = names[0]!.toLowerCase();
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(name) || products.includes(name) && name !== known) return message;
    if (port === undefined ? !named : Number(port) < 1 || Number(port) > 65535) return message;
    clauses.push(`add ${clauses.length ? 'another' : /^[aeiou]/.test(known) ? 'an' : 'a'} ${known} called ${name}${port ? ` on port ${port}` : ''}`);
  }
  if (new Set(clauses.map((c) => c.split(' called ')[1]!.split(' ')[0])).size !== clauses.length) return message;
  return clauses.join(' and ');
}

/**
 * "wordpress with mysql instead of mariadb", "mysql backend (not mariadb)", "the database should be
 * MySQL, not MariaDB", "I prefer MySQL over MariaDB" (round 33): a product said in place of another
 * of its kind that is not there yet is that product alone; the other is left unsaid, so a stack's
 * part is never added beside it. `kin` says whether two words are products of one kind (two
 * databases, two web servers); the one replaced is a service here (`existing`), it is a swap and
 * left to the engine's replace ("use caddy instead of nginx").
 */
export function insteadSaid(message: string, kin: (a: string, b: string) => boolean, existing: readonly string[]): string {
  return message.replace(
    /\b([a-z][a-z0-9-]*)(\s+(?:as\s+(?:the\s+|a\s+|our\s+|my\s+)?)?(?:db|database|backend|server))?(\s*(?:,\s*)?(?:\(\s*)?)(?:(?:and\s+)?(?:instead\s+of|insted\s+of|instaed\s+of|in\s+place\s+of|rather\s+than|over|not|no)\s+(?:a\s+|an\s+|the\s+)?)([a-z][a-z0-9-]*)\b(\s*\))?/gi,
    (all, x: string, kind: string | undefined, _sep: string, y: string) => {
      const a = x.toLowerCase();
      const b = y.toLowerCase();
      if (a === b || existing.includes(b) || !kin(a, b)) return all;
      return `${x}${kind ?? ''}`;
    },
  );
}
