/**
 * Is a message a troubleshooting question, and about which service? Offline and
 * rule-based: "the website is down", "why is the database slow?", "redis keeps crashing",
 * "check system health". The intent layer (cli/commands/ask.ts) calls this first and
 * hands troubleshooting questions to the diagnose flow instead of proposing new files.
 */

export interface TroubleshootingRequest {
  /** The service the message is about, when one can be told (else: diagnose everything). */
  service?: string;
  /** "slow" questions get resource figures even without a finding. */
  kind: 'down' | 'slow' | 'errors' | 'health';
}

/** What the user may call a service, by the words they use. */
const TOPICS: { words: RegExp; match: RegExp; ports: number[] }[] = [
  { words: /\b(website|web ?site|site|web ?server|web|http|https|homepage|page|nginx|frontend|apache)\b/i, match: /nginx|web|httpd|apache|caddy|frontend|site/i, ports: [80, 443, 8080] },
  { words: /\b(database|db|postgres(ql)?|mysql|mariadb|sql)\b/i, match: /postgres|mysql|mariadb|db/i, ports: [5432, 3306] },
  { words: /\b(cache|redis|memcached?)\b/i, match: /redis|memcache|cache/i, ports: [6379, 11211] },
  { words: /\b(grafana|dashboards?)\b/i, match: /grafana/i, ports: [3000] },
  { words: /\b(prometheus|metrics|monitoring)\b/i, match: /prometheus/i, ports: [9090] },
];

const DOWN = /\b(down|not (working|loading|responding|running|up|reachable)|doesn'?t (work|load|respond)|isn'?t (working|loading|responding|running|up)|can'?t (reach|connect|access|load|open)|cannot (reach|connect|access|load)|unreachable|broken|dead|offline|stopped|crash(ed|es|ing)?|keeps? (crashing|restarting|dying)|refus(ed|es)|timed? ?out|50[234]|gone)\b/i;
const SLOW = /\b(slow|sluggish|lag(gy|ging)?|latency|takes? (too )?long|high (cpu|load|memory)|hanging|hangs|freez(es|ing))\b/i;
/**
 * Questions about resources are "slow" questions too (the answer shows the figures): "why is
 * postgres using so much memory", "what's eating all the ram", "cpu is at 100%", "nginx is
 * hogging the cpu", "running out of memory". Bounded gaps only (linear on long input).
 */
const RESOURCE = /\b(?:(?:so|too) much|a lot of|lots of|all (?:the|my|our)|most of the) (?:memory|ram|cpu|cpu time|processor)\b|\b(?:eat(?:s|ing)?|hog(?:s|ging)?|us(?:es|ing)|consum(?:es|ing)|chew(?:s|ing)?(?: up)?|burn(?:s|ing)?|leak(?:s|ing)?|maxing(?: out)?|max(?:es|ed)? out)\b(?: \S+){0,3}? (?:memory|ram|cpu|cores?)\b|\b(?:memory|ram|cpu)(?: usage| use| load)? (?:is |at |is at |spik\w* (?:to )?)?(?:100|9\d) ?%|\b(?:run(?:s|ning)?|ran) out of (?:memory|ram)\b|\boom(?:[- ]?kill\w*)?\b|\bout of memory\b/i;
const ERRORS = /\b(errors?|failing|fails|failed|exception|what'?s wrong|wrong with|problem|issue|troubleshoot|diagnose|debug|investigate|why)\b/i;
const HEALTH = /\b(check (the )?(system|server|services?)( health)?|system health|health ?check|is (everything|all) (ok|okay|fine|up|running))\b/i;
/** Requests to change things are not troubleshooting even when they mention a problem word. */
const CHANGE = /^\s*(please\s+)?(set ?up|set|unset|install|add|create|deploy|remove|delete|uninstall|configure|enable|disable|open|close|allow|block|lock|scale|rename|move|change|upgrade|update|limit|restrict|give|expose|publish|mount|turn|make|put|raise|lower|increase|decrease|bump|pin|use|switch|replace|schedule|rotate)\b/i;
/** An assignment (`LOG_LEVEL=debug`) is a configuration change, whatever its words ("debug"). */
const ASSIGNMENT = /\b[A-Za-z_][A-Za-z0-9_]*=\S/;

export interface ServiceRef {
  name: string;
  image?: string;
  ports?: number[];
}

/** Which known service a message names: by its own name first, then by the topic words. */
export function serviceFromMessage(message: string, services: readonly ServiceRef[]): string | undefined {
  const lower = message.toLowerCase();
  const byName = [...services].sort((a, b) => b.name.length - a.name.length).find((s) => new RegExp(`\\b${s.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(lower));
  if (byName) return byName.name;
  for (const t of TOPICS) {
    if (!t.words.test(message)) continue;
    const hit = services.find((s) => t.match.test(s.name)) ?? services.find((s) => t.match.test(s.image ?? '')) ?? services.find((s) => (s.ports ?? []).some((p) => t.ports.includes(p)));
    if (hit) return hit.name;
  }
  return undefined;
}

/** Null when the message is not a troubleshooting question. */
export function troubleshootingRequest(message: string, services: readonly ServiceRef[] = []): TroubleshootingRequest | null {
  if (CHANGE.test(message) || ASSIGNMENT.test(message)) return null;
  const kind = DOWN.test(message) ? 'down' : SLOW.test(message) || RESOURCE.test(message) ? 'slow' : HEALTH.test(message) ? 'health' : ERRORS.test(message) ? 'errors' : null;
  if (!kind) return null;
  const service = serviceFromMessage(message, services);
  return { kind, ...(service ? { service } : {}) };
}

const RIGHT_SIZE = /\bright[- ]?siz(e|ed|ing)\b|\b(tune|adjust|optimi[sz]e|fix) (the |my |all )?(memory |cpu |resource )+limits\b/i;
const HEALTH_QUESTION = /\bwhen will (the |my )?(disk|drive|storage|file ?system|volume)s?\b.*\b(be )?(full|fill)|\b(disk|storage|drive)s?\b.*\b(fill(s|ing)? up|run(s|ning)? out of (space|room))\b|\bhealth (score|report)\b|\bpredictions?\b|\bhow healthy\b|\b(memory )?leak(s|ing)?\b|\bclaude health\b/i;

/**
 * Is the message a question for `claude health` ("when will the disk be full?", "is
 * anything leaking memory?") or a right-sizing request ("right-size my services")? Null
 * otherwise. Checked before troubleshooting and before proposing new state files.
 */
export function healthQuestion(message: string): 'health' | 'right-size' | null {
  if (RIGHT_SIZE.test(message)) return 'right-size';
  if (CHANGE.test(message) && !/^\s*(please\s+)?(check|predict)/i.test(message)) return null;
  return HEALTH_QUESTION.test(message) ? 'health' : null;
}
