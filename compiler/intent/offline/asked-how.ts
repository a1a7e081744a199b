/**
 * Round 35 (INTENT2, issue 22): two ways a request is said that the readers took for something else.
 *
 * - A how-to question that is a request ("how do I open port 8443 for the api?", "how can I add a
 *   user for bob with sudo?", "How I can give access to the server for my colleague?"): the person
 *   wants it done. The question is read as the request it asks about, and the reply says that it is
 *   a proposal read from a question, so the person can say no. Only questions whose verb changes
 *   the state are read so ("how do I see the logs?" stays a question), and the engine's reading of
 *   the request is taken only when it proposes a change and asks nothing; otherwise the question
 *   is answered as before. Every guard reads the request as it is rewritten.
 * - A lifecycle verb said with sudo ("sudo restart postgres", "sudo systemctl restart postgres",
 *   "sudo service postgres restart"): read as "restart postgres" when postgres is a service of this
 *   host, and said so (Claude.OS needs no sudo and runs no command on the host). A name that is not
 *   a service here ("sudo restart docker") is not rewritten, so it is refused as a host command.
 */

/** Words before the question that carry nothing ("so", "hey", "I am new.", "quick question:"). */
const LEAD = String.raw`^\s*(?:(?:so|hey|hi|hello|ok(?:ay)?|um+|hmm+|quick\s+question|i\s+am\s+new(?:\s+(?:here|at\s+this))?|i'?m\s+new(?:\s+(?:here|at\s+this))?|sorry)[\s,.:!]+)*`;
/** "how do I", "how can we", "how would one", "how I can" (the word order of some speakers), "how do I go about". */
const HOW = String.raw`how\s+(?:(?:do|can|could|would|should|shall|might|may)\s+(?:i|we|one)|(?:i|we)\s+(?:can|could|do|should|may|might))\s+(?:go\s+about\s+|possibly\s+|actually\s+|just\s+)?`;
/** The verbs of a change: a question with one of these first is a request. */
const CHANGE_VERB = String.raw`(?:open|add|create|make|let|give|grant|allow|expose|publish|set\s+up|setup|install|deploy|run|start|restart|stop|put|limit|cap|block|close|restrict|schedule|back\s+up|enable|disable|turn\s+(?:on|off)|change|move|switch|scale|rename|increase|raise|lower|bump)`;
const HOW_TO = new RegExp(`${LEAD}${HOW}(?=${CHANGE_VERB}\\b)`, 'i');

/**
 * The request a how-to question asks about, or undefined: "how do I open port 8443 for the api?"
 * → "open port 8443 for the api."; what follows the question is kept ("… its on port 80. do that
 * for me"), as are the words before it.
 */
export function howToAsked(message: string): string | undefined {
  const m = HOW_TO.exec(message);
  if (!m) return undefined;
  const rest = message.slice(m[0].length);
  // Only the question's own mark becomes a full stop: "… for the api? its on port 80." → "… for the api. its on port 80."
  const q = rest.indexOf('?');
  const asked = q < 0 ? rest : `${rest.slice(0, q).trimEnd()}.${rest.slice(q + 1).replace(/^\?+/, '')}`;
  // "… kinda new at this", "I am new to linux": about the one asking, not the request.
  const own = asked.replace(/(?:^|(?<=[.!?,])\s*|\s+)(?:i'?m\s+|i\s+am\s+)?(?:kinda\s+|kind\s+of\s+|pretty\s+|very\s+|quite\s+|still\s+|totally\s+)?new(?:\s+(?:at|to|with)\s+(?:this|linux|servers?|all\s+(?:of\s+)?this))?\s*[.!]*\s*$/i, '');
  return own.trim() === '' ? undefined : own.trim();
}

/** The note before a proposal read from a how-to question. */
export function howToNote(message: string, request: string): string {
  return `(You asked "${message.trim()}"; I read it as the request "${request}" and propose the change below. Nothing is applied unless you say yes: say no to leave everything as it is.)`;
}

const SUDO_LEAD = String.raw`^\s*(?:(?:please|pls|just|now|ok|so|can\s+you|could\s+you)[\s,]+)*sudo\s+`;
const SUDO_VERB_FIRST = new RegExp(
  String.raw`${SUDO_LEAD}(?:(?:systemctl|service)\s+)?(restart|stop|start|reload)\s+(?:the\s+)?([a-z][\w-]{0,63})(?:\s+(?:service|container))?(?:\s+(?:please|pls|now))?\s*[.!]*\s*$`,
  'i',
);
const SUDO_NAME_FIRST = new RegExp(String.raw`${SUDO_LEAD}service\s+([a-z][\w-]{0,63})\s+(restart|stop|start|reload)(?:\s+(?:please|pls|now))?\s*[.!]*\s*$`, 'i');

/**
 * "sudo restart postgres" → "restart postgres" when postgres is one of `services`; undefined
 * otherwise. A reload is a restart (a container has no reload of its own here).
 */
export function sudoServiceOp(message: string, services: string[]): string | undefined {
  const a = SUDO_VERB_FIRST.exec(message);
  const b = a ? undefined : SUDO_NAME_FIRST.exec(message);
  const verb = (a?.[1] ?? b?.[2])?.toLowerCase();
  const name = (a?.[2] ?? b?.[1])?.toLowerCase();
  if (!verb || !name || !services.includes(name)) return undefined;
  return `${verb === 'reload' ? 'restart' : verb} ${name}`;
}

/** The note before a proposal read from a service operation said with sudo. */
export function sudoNote(message: string, request: string): string {
  return `(Read "${message.trim()}" as "${request}": no sudo is needed, Claude.OS manages its own services and runs no command on the host.)`;
}
