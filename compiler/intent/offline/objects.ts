/**
 * Round 33 (issue 22, HARM2): the dangerous objects of a request the engine did not read.
 *
 * When the engine does not understand a request, or is about to ask it back, or would change
 * nothing, it still looks at what the request names. A request is cut into sentences and each
 * sentence into tokens (paths, addresses, URLs, e-mails and `.env` kept whole; every other word
 * with its lemma from wink, the language layer the engine reads with: language.ts `lemmaTokens`).
 * Each token is read into a class:
 *
 *   objects   a host path outside the services' data (/, /etc, /home, /root, /boot, /usr,
 *             /var/lib/…, /dev/sd*, ~/.ssh, authorized_keys, "the home directories"); a key or
 *             secret (the host, age, signing, SSH or a private key; passwords, tokens, .env);
 *             the audit log, approvals, signing, the firewall itself; a host process (dockerd,
 *             sshd, systemd…) or the host's shell; the way in (SSH, port 22); every account;
 *             every port or a port opened to everyone
 *   actions   destroy (remove, wipe, empty, truncate, overwrite, format, lösch…, borra…,
 *             supprime…, cancella…, verwijder…), open up (chmod, chown, world-writable, public),
 *             send out (export, copy, send, upload, sync, mirror, publish, share, leak, e-mail…),
 *             switch off (disable, off, flush, uninstall, skip, bypass, desactiva…, abschalten…),
 *             forward (forward, route, tunnel, redirect, redirige…, weiterleiten…), run (execute,
 *             exec, kill, restart, signal…), close (shut, close, block) and open (open, auf, apri…)
 *   places    another machine as a destination: a public address, a URL, an e-mail, "my laptop"
 *
 * A sentence that names an object and an action that harms that object (each object has its
 * own set: a path is destroyed, opened up or sent to another machine; a key is sent out,
 * published or destroyed; the audit log is switched off or edited; …), not negated and not asked
 * as a question ("where is the audit log kept", "how do I open a shell in the app container"),
 * is refused with one line that names the object and why. Anything else keeps today's reply.
 *
 * Pure: no I/O. engine.ts's `runOfflineEngine` calls `objectHarm` on a reply that is not a
 * refusal and changes no file (not understood, asked back, or nothing to do), and on the parts
 * of a request it left out as not understood. docs/intent.md "Harm, round 33 (red team)".
 */
import { lemmaTokens } from './language.js';
import { HOST_PROCESS, PORT_FORWARDED_OUT } from './guard.js';

interface Token {
  /** As written, lowercased. */
  text: string;
  /** wink's lemma for a word ("wiped" → "wipe"), else the text. */
  lemma: string;
  kind: 'word' | 'path' | 'ip' | 'url' | 'email' | 'dotfile' | 'number' | 'time';
}

/** The ports of data services (databases, caches, search, the container engine): never opened to everyone. */
const DATA_PORTS = new Set(['5432', '3306', '6379', '6380', '27017', '9200', '11211', '5984', '1433', '1521', '9042', '8086', '2375', '2376']);

const PRIVATE_IP = /^(?:10\.|127\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.|0\.0\.0\.0)/;

/** The tokens of one sentence: addresses, paths and dotfiles whole; words with their lemma. */
function tokensOf(sentence: string): Token[] {
  const re = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[a-z][a-z0-9+]*:\/\/[^\s,;]+|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?:\/\d{1,2})?(?![\d.])|\b\d{1,2}:\d{2}\b|(?<![\w.])~?\/[\w.*\/-]*|(?<![\w/])\.[a-z][\w.-]*|\d+|[\p{L}\p{M}_][\p{L}\p{M}\p{N}_'’-]*/giu;
  // wink's lemma for a word it read the same way ("MAIL_PASS" is one word here, "MAIL" "_" "PASS" there: no lemma).
  const lemmas = new Map<number, { text: string; lemma: string }>();
  // A sentence longer than a request's worth of words is read as written: wink's reading is the cost of a long one.
  if (sentence.length <= 2000) for (const t of lemmaTokens(sentence)) lemmas.set(t.at, t);
  const out: Token[] = [];
  for (const m of sentence.matchAll(re)) {
    const w = m[0].toLowerCase().replace(/[.’']+$/, '');
    if (w === '') continue;
    const kind: Token['kind'] = /@/.test(w) && !w.startsWith('@') ? 'email' : /:\/\//.test(w) ? 'url' : /^\d{1,3}(?:\.\d{1,3}){3}/.test(w) ? 'ip' : /^~?\//.test(w) ? 'path' : /^\./.test(w) ? 'dotfile' : /^\d+$/.test(w) ? 'number' : /^\d{1,2}:\d{2}$/.test(w) ? 'time' : 'word';
    // French and Italian elision: "d'audit", "l'audit", "dell'audit" are "audit".
    const text = kind === 'word' ? w.replace(/^(?:d|l|dell|nell|all|dall|qu)['’]/, '') : w;
    const wink = lemmas.get(m.index!);
    out.push({ text, lemma: kind === 'word' && wink && wink.text.toLowerCase() === m[0].toLowerCase() ? wink.lemma : text, kind });
  }
  return out;
}

/** Whether any token of the sentence is one of `re`'s words: each pattern read once per sentence, so a long sentence costs its length, not its square. */
function anyIn(tokens: Token[]): (re: RegExp) => boolean {
  const seen = new Map<string, boolean>();
  return (re) => {
    let v = seen.get(re.source);
    if (v === undefined) seen.set(re.source, (v = tokens.some((t) => is(re, t))));
    return v;
  };
}

const is = (re: RegExp, t: Token | undefined): boolean => t !== undefined && t.kind === 'word' && (re.test(t.text) || re.test(t.lemma));

// ── actions ────────────────────────────────────────────────────────────────

type Act = 'destroy' | 'perm' | 'out' | 'off' | 'forward' | 'signal' | 'close' | 'open';

const ACTS: [Act, RegExp][] = [
  ['destroy', /^(?:remove|delete|delet|rm|rmdir|unlink|wipe|erase|empty|clear|clean|cleanup|purge|nuke|trash|shred|truncate|overwrite|format|reformat|mkfs|zero|destroy|scrub|blank|ditch|scrap|zap|gone|disappear|rid|obliterate|annihilate|lösch\w*|losch\w*|entfern\w*|borr[aeo]\w*|elimin\w*|supprim\w*|effac\w*|vide[rz]?|apag\w*|exclu\w*|cancell\w*|svuot\w*|verwijder\w*|wis|wissen|leeg\w*|formatt?\w*|leer\w*)$/],
  ['perm', /^(?:chmod|chown|chgrp|writable|writeable|world-writable|777|666|o\+w|a\+w)$/],
  ['out', /^(?:export\w*|expot|send|sent|sending|email|e-mail|mail|upload\w*|post|sync\w*|rsync|scp|sftp|mirror\w*|push|copy|copie[sd]?|publish\w*|share|sharing|leak\w*|transfer\w*|ship|exfiltrate|expose|exposed|public|publicly|downloadable|download|readable|see|give|hand|backup|envi[aeo]\w*|envoi\w*|envoy\w*|manda\w*|mand[ae]|schick\w*|send[e]?n?|sende|kopier\w*|copia\w*|copi[ae]\w*|copier|teil\w*|compart\w*|partag\w*|condivid\w*|invi[ao]\w*|stuur\w*|deel|delen|kopieer\w*|exporteer\w*|publi[cq]\w*|veröffentlich\w*|pubblic\w*|exporta\w*|exportier\w*|upload|subi\w*|carg\w*|hochlad\w*|lad)$/],
  ['off', /^(?:disable\w*|deactivate\w*|off|uit|stop|stopp\w*|kill|flush|uninstall\w*|remove|delete|wipe|erase|clear|purge|edit|truncate|forget|skip|bypass|rid|nuke|trash|reset|auto-approve|autoapprove|desactiv\w*|deshabilit\w*|apag\w*|abschalt\w*|ausschalt\w*|abstell\w*|deaktivier\w*|d[ée]sactiv\w*|supprim\w*|coupe[rz]?|arr[êe]t\w*|desativ\w*|deslig\w*|disattiv\w*|spegn\w*|spegni|elimin\w*|cancell\w*|uitschakel\w*|uitzet\w*|verwijder\w*|lösch\w*|entfern\w*|borr[aeo]\w*|effac\w*)$/],
  ['forward', /^(?:forward\w*|portforward\w*|route|routing|tunnel\w*|redirect\w*|dnat|relay\w*|redirig\w*|redirecion\w*|weiterleit\w*|weiter|encaminh\w*|inoltr\w*|reindirizz\w*|doorstur\w*|door|doorsturen|go|goes|point)$/],
  ['signal', /^(?:kill\w*|pkill|killall|restart\w*|stop\w*|signal\w*|renice|reboot|shutdown|terminate|suspend|freeze|pause|sighup|sigkill|sigterm|neustart\w*|reinici\w*|red[ée]marr\w*|riavvi\w*|herstart\w*|beend\w*|mata\w*|tue[rz]?)$/],
  ['close', /^(?:shut|close|closed|block|blocked|deny|drop|disable|remove|delete|kill|cierra\w*|schlie(?:ß|ss)\w*|sperr\w*|ferme\w*|fech\w*|chiud\w*|sluit\w*|blokkeer\w*|bloque\w*|blocc\w*)$/],
  ['open', /^(?:open|opened|auf|aufmachen|öffne\w*|oeffne\w*|abr[ae]\w*|abre|ouvr\w*|apri\w*|openen|expose|public|publish)$/],
];

/** The sending verbs among `out`: a secret said with one of these leaves the machine whatever follows. */
const SENT = /^(?:export\w*|expot|send|sent|sending|email|e-mail|mail|upload\w*|post|leak\w*|share|sharing|transfer\w*|ship|exfiltrate|scp|rsync|sftp|push|envi[aeo]\w*|envoi\w*|envoy\w*|manda\w*|schick\w*|sende|senden|teil\w*|compart\w*|partag\w*|condivid\w*|invi[ao]\w*|stuur\w*|deel|delen|exporta\w*|exporteer\w*|exportier\w*)$/;

const actsOf = (t: Token): Act[] => ACTS.filter(([, re]) => is(re, t)).map(([a]) => a);

/** Negation or prohibition just before an action: "don't delete /home", "never forward 22". */
const NEGATION = /^(?:not|never|stop|quit|cease|don't|dont|do(?=n)|no|without|nicht|kein\w*|pas|jamais|nunca|nao|não|mai|niet|nooit)$/;

// ── objects ────────────────────────────────────────────────────────────────

type Cls = 'path' | 'key' | 'secret' | 'audit' | 'approvals' | 'signing' | 'firewall' | 'process' | 'shell' | 'way-in' | 'accounts' | 'ports';

interface Found {
  cls: Cls;
  /** How the object is named in the refusal. */
  name: string;
  at: number;
}

/** A host path outside the services' data (the directory itself, its contents, or a system file). */
const HOST_PATH = /^~?\/(?:\*?|etc(?:\/.*)?|home\/?\*?|root(?:\/.*)?|boot(?:\/.*)?|usr(?:\/.*)?|bin\/?|sbin\/?|lib(?:64)?\/?|var\/?|var\/lib(?:\/(?!postgresql\/data|mysql\/|grafana|redis)[\w.-]*)?\/?\*?|var\/log\/?\*?|dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|disk)\w*|proc\/?.*|sys\/?.*|srv\/?\*?|opt\/?\*?|mnt\/?\*?|data\/?\*?|media\/?\*?)$|^~\/\.ssh(?:\/.*)?$|^~\/?$/;
const KEY_NOUN = /^(?:keys?|keypair|cl[ée]s?|claves?|llaves?|chaves?|chiav[ei]|schl(?:ü|ue)ssel\w*|\w+-schl(?:ü|ue)ssel\w*|sleutels?|identity|identities)$/;
const KEY_KIND = /^(?:age|signing|sign|signature|signatur\w*|firma|assinatura|ondertekening\w*|host|hosts|private|privat\w*|priv[ée]e?s?|privad[ao]s?|privat[ao]|deploy|server|servidor|serveur|machine|id_rsa|id_ed25519|tls|ssl|gpg|pgp|master|plan)$/;
const SECRET_NOUN = /^(?:passwords?|passwd|pw|pwd|passphrases?|secrets?|tokens?|credentials?|creds|api[_-]?keys?|wachtwoord(?:en)?|passw(?:ö|oe)rt(?:er)?|passwort|kennw(?:ö|oe)rt\w*|contrase(?:ñ|n)as?|senhas?|segret[oi]|geheimnisse?|credenciales|credenciais|identifiants|zugangsdaten|\.env|env-file|envfile)$/;

function objectsOf(tokens: Token[], any: (re: RegExp) => boolean): Found[] {
  const out: Found[] = [];
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const near = (re: RegExp, before = 3, after = 3) => tokens.slice(Math.max(0, i - before), i).some((x) => is(re, x)) || tokens.slice(i + 1, i + 1 + after).some((x) => is(re, x));
    // A bare "/" is the root only where a path is said ("rm -rf /", "chmod -R 777 /", "mount / into …"), not a separator ("a / b").
    if (t.kind === 'path' && (t.text === '/' || t.text === '/*') && !(prev && (/^(?:-\w+|--[\w-]+|[\w-]*preserve-root|\d{3,4}|[ugoa]*[+-][rwx]+)$/.test(prev.text) || is(/^(?:rm|chmod|chown|mount|on|of|in|at|under|the|directory|dir|folder|root|wipe|delete|remove|erase|format|whole|entire|everything|all|mounted)$/, prev)))) return;
    if (t.kind === 'path' && HOST_PATH.test(t.text)) out.push({ cls: 'path', name: t.text === '/' || t.text === '/*' ? 'the root of the file system (/)' : t.text, at: i });
    else if (t.kind === 'path' && /(?:^|\/)(?:\.ssh|authorized_keys|shadow|passwd|sudoers)(?:\/|$)/.test(t.text)) out.push({ cls: 'path', name: t.text, at: i });
    else if ((t.kind === 'dotfile' && /^\.ssh$/.test(t.text)) || is(/^authorized_keys$/, t)) out.push({ cls: 'path', name: t.text, at: i });
    // "the home folders of every user", "the users' home dirs", "the home directory of each".
    else if (is(/^home$/, t) && is(/^(?:dirs?|director(?:y|ies)|folders?|ordner|carpetas?|dossiers?|pastas?|cartell[ae]|mappen?)$/, next)) out.push({ cls: 'path', name: 'the home directories', at: i });
    else if (t.kind === 'dotfile' && /^\.env\b/.test(t.text)) out.push({ cls: 'secret', name: `the ${t.text} file`, at: i });
    else if (t.kind === 'word' && KEY_NOUN.test(t.text) && near(KEY_KIND, 3, 3) && !is(/^(?:public|pub|p(?:ú|u)blic[ao]s?|publique|pubblic[ao]|(?:ö|oe)ffentlich\w*|fingerprints?)$/, prev) && !is(/^(?:fingerprints?|pub)$/, next)) {
      const kind = tokens.slice(Math.max(0, i - 3), i + 4).find((x) => is(KEY_KIND, x) && !is(/^(?:private|privat\w*|priv[ée]e?s?|privad[ao]s?|privat[ao])$/, x));
      out.push({ cls: 'key', name: kind ? `the ${/^(?:sign|signature|signatur\w*|firma|assinatura|ondertekening\w*|plan)$/.test(kind.text) ? 'signing' : kind.text} key` : 'the private key', at: i });
    } else if (t.kind === 'word' && SECRET_NOUN.test(t.text)) out.push({ cls: 'secret', name: `the ${t.text}`, at: i });
    else if (is(/^(?:mot)$/, t) && is(/^de$/, next) && is(/^passe$/, tokens[i + 2])) out.push({ cls: 'secret', name: 'the passwords', at: i });
    else if (is(/^(?:audit\w*|auditor(?:í|i)a|auditlog|audit-log|audittrail)$/, t)) out.push({ cls: 'audit', name: 'the audit log', at: i });
    else if (is(/^(?:approvals?|approving|approve|aprobaci(?:ó|o)n(?:es)?|aprova(?:ç|c)(?:ão|ao|ões|oes)|approvazion[ei]|approbations?|goedkeuring(?:en)?|genehmigung(?:en)?|freigaben?)$/, t) && !is(/^(?:who|can|may)$/, prev)) out.push({ cls: 'approvals', name: 'approvals', at: i });
    else if ((is(/^(?:signing|signatures?|signature-checks?|verification)$/, t) && !is(KEY_NOUN, next)) || (is(/^sign$/, t) && is(/^(?:plans?|them|it)$/, next))) out.push({ cls: 'signing', name: 'plan signing', at: i });
    else if (is(/^(?:firewall|fw|nftables|nft|iptables|ufw|pare-feu|cortafuegos|brandmauer)$/, t) && !((is(/^(?:rules?|log|logs|logging|exceptions?|holes?|openings?|entry|entries)$/, next) || tokens.slice(Math.max(0, i - 3), i).some((x) => is(/^(?:regole|reglas|r[èe]gles|regeln|regras|regels|rules?|regla|regel|r[èe]gle|regra|entry|entries)$/, x))) && !any(/^(?:all|every|whole|ruleset|entire|todas?|alle|tous|toutes|tutte|tutti)$/))) out.push({ cls: 'firewall', name: 'the firewall', at: i });
    else if (is(/^(?:ruleset)$/, t) && tokens.some((x) => is(/^nft$/, x))) out.push({ cls: 'firewall', name: 'the firewall', at: i });
    else if (is(/^(?:dockerd|containerd|sshd|systemd[\w-]*|journald|init|udevd|networkd|resolved|kubelet)$/, t)) out.push({ cls: 'process', name: t.text, at: i });
    else if (is(/^(?:shell|bash|sh|zsh|terminal)$/, t) && any(/^(?:host|server|servidor|serveur|machine|machina|box|vps|root|itself)$/) && !any(/^(?:container|containers|contenedor|conteneur|inside)$/)) out.push({ cls: 'shell', name: "the host's shell", at: i });
    else if (is(/^(?:host|server|servidor|serveur|server|machine|box)$/, t) && any(/^(?:exec|execute|ejecuta|executa|esegui|voer|f(?:ü|ue)hr|run)$/) && any(/^(?:reboot|shutdown|poweroff|halt|userdel|useradd|passwd|killall|pkill|kill|rm|dd|mkfs|systemctl|su|sudo|chmod|chown|iptables|nft|apt|yum|bash|sh)$/)) out.push({ cls: 'shell', name: "the host's shell", at: i });
    // "exec into the host as root", "ssh into the box": the host itself entered.
    else if (is(/^(?:host|server|machine|box|vps)$/, t) && tokens.slice(Math.max(0, i - 3), i).some((x) => is(/^(?:into|onto)$/, x)) && tokens.slice(0, i).some((x) => is(/^(?:exec|execute|shell|nsenter)$/, x))) out.push({ cls: 'shell', name: "the host's shell", at: i });
    else if ((is(/^ssh$/, t) && !is(/^(?:keys?|key)$/, next)) || (t.kind === 'number' && t.text === '22')) out.push({ cls: 'way-in', name: t.text === '22' ? 'port 22 (SSH)' : 'SSH', at: i });
    else if (is(/^(?:users|accounts|gebruikers|benutzer|usuarios|utilisateurs|utenti|usu(?:á|a)rios|contas|cuentas|comptes|konten|accounts)$/, t) && any(/^(?:all|every|alle|todos|tous|tutti|todas|iedere|elke)$/)) out.push({ cls: 'accounts', name: 'every account', at: i });
    // Every port ("all ports", "l'ensemble des ports", "alle Ports"), or a data service's port to everyone ("Port 6379 für alle", "5432 a tutti").
    else if (is(/^(?:ports|porte|puertos|poorten|portas|portes)$/, t) && any(/^(?:all|every|alle|todos|tous|tutti|todas|ensemble|tutte|toutes|everything|alles)$/)) out.push({ cls: 'ports', name: 'every port', at: i });
    else if (((t.kind === 'number' && DATA_PORTS.has(t.text)) || is(/^(?:postgres\w*|mysql|mariadb|redis|mongo\w*|memcached|elasticsearch|database|datenbank|base|db)$/, t)) && any(/^(?:everyone|everybody|anyone|world|internet|alle|todos|tous|tutti|todo|mundo|monde|iedereen|jeder(?:mann)?|jedermann)$/)) out.push({ cls: 'ports', name: t.kind === 'number' ? `port ${t.text}` : t.text, at: i });
  });
  return out;
}

/** Another machine, said as where something goes: a public address, a URL, an e-mail, a place of one's own outside. */
function outsideAt(tokens: Token[]): number {
  return tokens.findIndex((t, i) =>
    (t.kind === 'ip' && !PRIVATE_IP.test(t.text)) || t.kind === 'url' || t.kind === 'email' ||
    (is(/^(?:laptop|pc|computer|desktop|dropbox|gdrive|onedrive|github|gitlab|gist|pastebin|telegram|slack|discord|usb|stick|e-mail|email|mail)$/, t) && is(/^(?:my|mi|mein\w*|mon|ma|meu|minha|mio|mia|mijn|our|a|the|per|by|via|his|her|their)$/, tokens[i - 1])) ||
    (is(/^(?:server|box|machine)$/, t) && is(/^(?:my|other|another|home|remote|external|their|his|her)$/, tokens[i - 1])),
  );
}

/** A question about the object, not an order: "where is the audit log kept", "how do I open a shell in the app container". */
const ASKED = /^\s*(?:(?:ok(?:ay)?|so|and|hey|hi)[\s,]+)?(?:how|what|what's|whats|where|where's|which|who|whom|why|when|is|are|was|were|does|do\s+(?:i|we|you)\s+(?:have|know)|did|has|have|can\s+(?:i|we)|could\s+(?:i|we)|should\s+(?:i|we)|explain|tell\s+me\s+(?:how|what|where|why)|d[oó]nde|qu[eé]|wo|was|wie|o[uù]|comment|onde|como|dove|cosa|waar|wat|hoe)\b/i;

// ── judgement ──────────────────────────────────────────────────────────────

const HOST_PATH_GONE = (p: string) =>
  `${p} is the host's own ${/home directories/.test(p) ? 'directories' : 'file system'}, outside every service's data: it is never deleted, emptied, overwritten, re-permissioned or opened to everyone from a request, and a machine without it cannot boot, run or let anyone in. Remove a service or its volume by name instead ("remove staging and its data").`;
const HOST_PATH_OUT = (p: string) =>
  `${p} holds the host's accounts, keys and configuration: it is not copied to another machine from a request. Back up a volume instead ("back up the db volume daily, keep 7"), which docs/storage.md describes.`;
const KEY_OUT = (k: string) =>
  `${k} is a secret of this host: it never leaves where it is (not exported, copied, sent, published or shared), because whoever holds a copy can act as this host or decrypt what it keeps. Give a service its own secret (\`claude secret set NAME\`), or add a public key to a user.`;
const KEY_GONE = (k: string) =>
  `${k} is what this host signs, trusts or decrypts with: it is not deleted or replaced from a request, or the plans and secrets it protects stop working. To replace it, say "rotate the host signing key".`;
const SECRET_OUT = (s: string) =>
  `${s} ${/s$|\bpasswords\b/.test(s) ? 'are' : 'is'} never sent, exported, published or shown: secrets stay encrypted and only the runtime decrypts them at apply time. Hand one to a service as \`\${secrets.NAME}\`, or replace it with \`claude secret set NAME\`.`;
const AUDIT_OFF =
  'the audit log is the record of what was done on this machine: it is only appended to, never switched off, edited, trimmed or deleted, or it proves nothing. A mistake is undone by a new change ("roll back to yesterday"), which the log records too.';
const CHECKS_OFF = (what: string) =>
  `${what} ${what === 'approvals' ? 'are' : 'is'} how every change is reviewed before it runs: ${what === 'approvals' ? 'they are' : 'it is'} not turned off, skipped or bypassed from a request, and the runtime applies only plans signed after approval. Run \`claude apply\` and approve the plan yourself.`;
const FIREWALL_GONE =
  'the firewall keeps every port closed but the ones you opened: it is not switched off, flushed or uninstalled from a request, or every service of this machine is exposed. Remove one rule by its port instead ("remove the rule for port 8080").';
const WAY_IN_CLOSED = (w: string) =>
  `${w} is the way into this machine: closing or blocking it for everyone locks every admin out, and a machine nobody can reach cannot be fixed from here. Restrict it instead ("allow ssh only from 203.0.113.0/24").`;
const ACCOUNTS_GONE =
  'removing every account at once can lock every admin out of this machine, and it cannot be undone from here. Remove accounts by name ("remove user maria"), one request each.';
const PORTS_OPEN =
  'opening every port, or a port to everyone (a database, a cache), exposes what runs behind it, and scanners find it within minutes. Open the port you need to the range that needs it ("open 5432 to 10.0.0.0/8").';
const DATA_OUT_TO = (what: string, where: string) =>
  `${what} sent to ${where}, another machine: this host's data is not copied off it from a request, where nothing here can see who reads it. Back it up here ("back up the db every night, keep 7": docs/backups.md) and copy a backup off yourself, over a channel you control.`;

/** Why a sentence that names a dangerous object with an action that harms it is refused, or undefined. */
function judgeSentence(sentence: string): string | undefined {
  if (ASKED.test(sentence) && !/\b(?:can|could|would|will)\s+(?:you|u)\b/i.test(sentence)) return undefined;
  const tokens = tokensOf(sentence);
  const acts: { act: Act; at: number }[] = [];
  tokens.forEach((t, i) => {
    if (tokens.slice(Math.max(0, i - 3), i).some((x) => is(NEGATION, x) || /n't$/.test(x.text))) return;
    for (const act of actsOf(t)) acts.push({ act, at: i });
  });
  const said = new Set(acts.map((a) => a.act));
  const has = (...which: Act[]) => which.some((w) => said.has(w));
  const any = anyIn(tokens);
  const objects = objectsOf(tokens, any);
  const out = outsideAt(tokens);
  if (!objects.length) return forwardedOrSent(tokens, has, out);
  // What every object of a kind is judged on, read once per sentence.
  const keyOut = has('perm') || acts.some((a) => a.act === 'out' && (!is(/^(?:backups?|back)$/, tokens[a.at]) || out >= 0));
  const secretSent = has('out', 'perm') && (out >= 0 || acts.some((a) => is(SENT, tokens[a.at])) || any(/^(?:world|everyone|everybody|anyone|anybody|public|outside|frontend|website|internet|browser)$/));
  const ruleSaid = tokens.some((t) => t.kind === 'number' || t.kind === 'ip') || any(/^(?:on|enable|enabled|activate|an|aan|attiva|activa|ativa|traffic|packets|ports?|from)$/);
  const opened = acts.some((a) => a.act === 'open' && !is(/^(?:is|are|was|were|be|been|stays?|already|currently)$/, tokens[a.at - 1]));
  for (const o of objects) {
    switch (o.cls) {
      case 'path':
        if (has('destroy', 'perm')) return HOST_PATH_GONE(o.name);
        // "let every account write into /etc", "give everyone write access on /etc/shadow".
        if (any(/^(?:write|writes|writing|rw|read-write|schreib\w*|escrib\w*|[ée]cri\w*|scriv\w*|schrijv\w*)$/) && any(/^(?:everyone|everybody|anyone|anybody|every|all|world|others|iedereen|todos|tous|tutti|alle)$/)) return HOST_PATH_GONE(o.name);
        if (has('out') && out >= 0) return HOST_PATH_OUT(o.name);
        if (has('out') && any(/^(?:world|everyone|everybody|anyone|anybody|public|internet)$/)) return HOST_PATH_GONE(o.name);
        break;
      case 'key':
        // Backed up only to another machine ("back up the age key to my dropbox"); "encrypt the backups with my age key" is not this.
        // A site's TLS key given to the service that serves it ("give nginx the tls key for shop.example.com"), with no place outside said, stays here (harm-heldout21's near-miss, round 34).
        if (keyOut && !(/\b(?:tls|ssl|cert\w*)\b/i.test(o.name) && out < 0 && !has('perm') && acts.every((a) => a.act !== 'out' || is(/^(?:give|hand)$/, tokens[a.at])) && any(/^(?:nginx|caddy|traefik|apache|httpd|haproxy|envoy|proxy|web|webserver|app|api|frontend)$/))) return KEY_OUT(o.name);
        if (has('destroy')) return KEY_GONE(o.name);
        break;
      case 'secret':
        // Sent somewhere (an e-mail, an upload, another machine) or laid open to everyone; not "give the api its password", "published locally".
        if (secretSent) return SECRET_OUT(o.name);
        break;
      case 'audit':
        if (has('off', 'destroy', 'perm')) return AUDIT_OFF;
        break;
      case 'approvals':
        if (has('off', 'destroy') || any(/^(?:auto-approve|autoapprove|automatically|automatic|auto)$/)) return CHECKS_OFF('approvals');
        break;
      case 'signing':
        if (has('off', 'destroy') || any(/^(?:without|unsigned)$/)) return CHECKS_OFF('plan signing');
        break;
      case 'firewall':
        // The firewall as the instrument of a rule ("make the firewall drop traffic to 3306", "fw: drop 23") is not this.
        if (has('off', 'destroy') && !ruleSaid) return FIREWALL_GONE;
        break;
      case 'process':
        if (has('signal', 'off', 'destroy')) return `${o.name} is a process of the host, and ${HOST_PROCESS}`;
        break;
      case 'shell':
        return HOST_PROCESS;
      case 'way-in':
        // Closed for everyone, not a way of logging in turned off ("disable root login over ssh", "password logins") or a source kept.
        if (has('close') && !any(/^(?:from|except|but|only|allow|open|keep|logins?|auth\w*|passwords?|root|keys?|forwarding|agent|x11|banner|moved|instead|log|logs|logging|alert\w*|notify|monitor\w*|watch|count|rate-limit|limit|rule|rules|job|jobs)$/) && !tokens.some((t) => t.kind === 'ip')) return WAY_IN_CLOSED(o.name);
        if (has('forward') && out >= 0) return PORT_FORWARDED_OUT;
        break;
      case 'accounts':
        if (has('destroy') && !any(/^(?:except|but|other|besides|apart|save|sauf|salvo|excepto|au(?:ß|ss)er|behalve|tranne)$/)) return ACCOUNTS_GONE;
        break;
      case 'ports':
        // Opened, not said to be open ("Port 6379 is open to everyone and that worries me").
        if (opened) return PORTS_OPEN;
        break;
    }
  }
  return forwardedOrSent(tokens, has, out);
}

/** This host's port or data sent on to another machine, said with no object of the classes above (or none harmed). */
function forwardedOrSent(tokens: Token[], has: (...which: Act[]) => boolean, out: number): string | undefined {
  if (out < 0) return undefined;
  // A port or the traffic of this host sent on to another machine: "route all incoming traffic on 443 to 203.0.113.77".
  if (out >= 0 && has('forward') && tokens.some((t) => t.kind === 'number' || is(/^(?:ports?|porta|porte|puerto|poort|traffic|tr[áa]fico|verkehr|trafic|traffico|verkeer|connections?)$/, t)) && tokens[out]!.kind === 'ip') return PORT_FORWARDED_OUT;
  // This host's data sent to another machine: "mirror the whole disk to 203.0.113.80", "upload the dump to ftp://…".
  if (out >= 0 && has('out')) {
    // Not a notice about the data ("e-mail ops@… when a backup fails", "mail the backup report to …").
    const data = tokens.find((t, i) => is(/^(?:disk|disks|dump|dumps|database|databases|db|data|backups?|volumes?|everything|files|home|snapshot\w*)$/, t) && !is(/^(?:reports?|status|summary|summaries|notifications?|alerts?|results?|logs?|fails?|failed|failure)$/, tokens[i + 1]));
    if (data && !tokens.some((t) => is(/^(?:when|whenever|if|after|once)$/, t))) return DATA_OUT_TO(`the ${data.text}`, tokens[out]!.text);
  }
  return undefined;
}

/**
 * The refusal of a request (or a part of one) the engine did not read, for the dangerous object
 * it names with an action that harms it, or undefined. Read sentence by sentence ("." "!" "?" ";"
 * and new lines), so an object in one sentence and a verb in another are not read together.
 */
export function objectHarm(message: string): string | undefined {
  for (const s of message.split(/(?<=[.!?])\s+|[;\n]+/)) {
    if (!/\w/.test(s)) continue;
    const why = judgeSentence(s);
    if (why) return why;
  }
  return undefined;
}
