/**
 * A value said as a change from the old one (round 27, the services grid): "api memory 512m ->
 * 1g", "worker replicas 2 -> 6", "change LOG_LEVEL on the api from debug to info", "half a gig
 * more for the api, its at 1g now". Every slot reader takes the first value it sees, so the old
 * value is taken out before any reads the request: "A -> B" and "from A to B" become "to B" when
 * A and B are the same kind of value (two sizes, two counts, or two words after a variable), and
 * the current value said beside a change ("its at 1g now") is dropped. Ports are left alone
 * ("port 8080 -> 8090" is read by the port readers, which know the old port from the new).
 */
import { findSizes } from './nlu.js';

const ARROW = String.raw`(?:->|=>|→|⇒)`;
/** One value: a size ("512m", "1.5 gigs"), a number, or a word; never spans a clause. */
const VALUE = String.raw`(\d+(?:\.\d+)?\s?[a-z]{0,9}|[A-Za-z][\w.-]{0,40})`;

function sameKind(a: string, b: string, variableBefore: boolean): boolean {
  const size = (v: string) => findSizes(v).length === 1 && findSizes(v)[0]!.text.length === v.trim().length;
  const count = (v: string) => /^\d{1,2}$/.test(v.trim());
  const word = (v: string) => /^[A-Za-z][\w.-]*$/.test(v.trim());
  return (size(a) && size(b)) || (count(a) && count(b)) || (variableBefore && word(a) && word(b));
}

export function newValueOnly(text: string): string {
  const variableBefore = (at: number, all: string) => /(?<![\w$])[A-Z][A-Z0-9]*_[A-Z0-9_]*\b[^.;,]{0,40}$/.test(all.slice(Math.max(0, at - 60), at));
  let out = text.replace(new RegExp(String.raw`(?<![\w.:/-])${VALUE}\s*${ARROW}\s*${VALUE}(?![\w.:/-])`, 'g'), (m, a: string, b: string, at: number, all: string) =>
    sameKind(a, b, variableBefore(at, all)) ? `to ${b}` : m,
  );
  out = out.replace(new RegExp(String.raw`\bfrom\s+${VALUE}\s+to\s+${VALUE}(?![\w.:/-])`, 'gi'), (m, a: string, b: string, at: number, all: string) =>
    sameKind(a, b, variableBefore(at, all)) ? `to ${b}` : m,
  );
  // "worker replicas 2 to 6", "memory 512m to 1g" (an arrow some layers before read as "to"): after the setting's word.
  out = out.replace(new RegExp(String.raw`(\b(?:replicas?|instances?|copies|memory|ram|mem|cpus?|cores?)\s+)${VALUE}\s+to\s+${VALUE}(?![\w.:/-])`, 'gi'), (m, lead: string, a: string, b: string) =>
    sameKind(a, b, false) ? `${lead}to ${b}` : m,
  );
  // "half a gig more, its at 1g now", "+512m (currently 1g)": the value now is only said.
  if (/\b(?:more|less|extra|fewer|on\s+top)\b/i.test(out) && findSizes(out).length === 2) {
    out = out.replace(/[,;]?\s*\(?\s*(?:it'?s|its|it\s+is|which\s+is|currently|now)\s+(?:at\s+|on\s+|got\s+|set\s+to\s+|currently\s+)?(\d+(?:\.\d+)?\s?[a-z]{1,9})(?:\s+(?:now|currently|right\s+now|atm))?\s*\)?/i, (m, v: string) => (findSizes(v).length === 1 ? '' : m));
  }
  return out;
}
