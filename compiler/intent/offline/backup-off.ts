/**
 * A backup turned off, said in any form (round 33, intent3): "prometheus data doesn't need backing
 * up, disable that", "the grafana backup can go", "backups of prometheus: off", "turn the backups
 * for grafana and prometheus off", "the database doesn't need nightly backups anymore". The
 * message is said again in the one form the backups reader reads, "turn off backups for X and Y"
 * (or "turn off backups for the database", "turn off all backups"; with no service said, the
 * message is left as it was), so no
 * later reader takes "disable that" or "switch it off" for the service, or "nightly" for a new
 * schedule (the backups were set to 03:00 again, the service stopped, the volume deleted).
 * A message that also asks for something else, says a retention ("no more than 3") or a time, or
 * asks a question, is left as it was. Pure.
 */

const BACKUP = String.raw`(?:back\s?ups?|back(?:ed|ing)?[\s-]+up|snapshots?)`;
/** What says a backup is not wanted: near the backup words, in either order. */
const OFF_BEFORE = new RegExp(String.raw`\b(?:disable|stop|skip|pause|cancel|drop|remove|get\s+rid\s+of|turn\s+off|switch\s+off|no\s+need\s+(?:to|for)|no\s+more|no)\s+(?:(?:the|its|their|any|all|[\w-]+'s|[\w-]+)\s+){0,3}${BACKUP}`, 'i');
const OFF_AFTER = new RegExp(String.raw`${BACKUP}\s*(?:(?:of|for|on)\s+[\w-]+(?:\s+(?:and|&)\s+[\w-]+)?\s*)?(?::\s*|\s+(?:is|are)\s+)?(?:off|disabled|not\s+needed|unnecessary|can\s+go|can\s+stop|(?:can|should)\s+be\s+(?:off|disabled|dropped|removed|stopped))\b|\b(?:turn|switch|shut)\s+(?:the\s+|its\s+|their\s+|all\s+)?(?:[\w-]+\s+)?${BACKUP}\s+(?:(?:for|of|on)\s+[\w-]+(?:\s+(?:and|&)\s+[\w-]+)?\s+)?off\b`, 'i');
const NOT_NEEDED = new RegExp(String.raw`\b(?:does|do)\s*(?:n'?t|\s+not)\s+need\s+(?:to\s+be\s+|any\s+|(?:nightly|daily|weekly|hourly)\s+)?${BACKUP}|\bneed(?:s)?\s+no\s+${BACKUP}|\b(?:is|are)\s+(?:disposable|throwaway|expendable)\b[^.]*\bno\s+${BACKUP}|\bno\s+${BACKUP}\s+(?:for|of|needed)\b`, 'i');
/** A clause that only points back at the backup: "disable that", "switch it off", "turn them off". */
const THAT_OFF = /^(?:(?:so|and|please|pls|just)\s+)*(?:disable|stop|turn\s+off|switch\s+off|cancel|drop|remove|kill)\s+(?:it|that|them|those|this)(?:\s+please)?\s*[.!]*$|^(?:(?:so|and|please|pls|just)\s+)*(?:turn|switch)\s+(?:it|that|them|this)\s+off(?:\s+please)?\s*[.!]*$/i;
/** Anything else said: a time, a retention, a question, a second request. */
const OTHER = /\?|\b(?:more|fewer|less)\s+than\b|\b(?:keep|retain|last)\s+\d|\b(?:at|every|each)\s+\d|\b\d{1,2}\s*(?:am|pm)\b|\b(?:instead|until|except|but\s+(?:keep|not))\b|\b(?:add|install|deploy|restart|upgrade|open|allow|block)\b/i;

export function backupOffSaid(message: string, services: readonly string[]): string {
  const t = message.trim();
  if (t.length > 200 || !new RegExp(BACKUP, 'i').test(t) || OTHER.test(t)) return message;
  const clauses = t.split(/\s*(?:[,;]|\.(?=\s|$)|\bso\b|\band\s+(?=(?:disable|stop|turn|switch|cancel|drop|remove|kill)\b))\s*/i).filter((c) => c.trim() !== '');
  const off = (c: string) => OFF_BEFORE.test(c) || OFF_AFTER.test(c) || NOT_NEEDED.test(c);
  const saying = clauses.filter((c) => new RegExp(BACKUP, 'i').test(c));
  if (saying.length === 0 || !saying.every(off)) return message;
  // Every other clause only points back at it ("disable that").
  if (!clauses.every((c) => new RegExp(BACKUP, 'i').test(c) || THAT_OFF.test(c.trim()))) return message;
  const lower = t.toLowerCase();
  const named = services.filter((n) => new RegExp(String.raw`(?<![\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(lower));
  if (named.length > 0) return `turn off backups for ${named.join(' and ')}`;
  const db = /\b(?:the|our|my)\s+(?:main\s+)?(?:database|db)\b/i.exec(t);
  if (db) return 'turn off backups for the database';
  if (/\b(?:all|every|everything)\b/i.test(t)) return 'turn off all backups';
  // Nothing this host names ("no backups for the cache"): left as said, for the backups reader.
  return message;
}
