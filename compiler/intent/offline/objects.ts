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
import { FIREWALL_ALL_OPEN, HIDDEN_CHANGE, HOST_PROCESS, PORT_FORWARDED_OUT } from './guard.js';
import { ownBackupPlace, siteNobodyReaches } from './places.js';

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
  if (!objects.length) return forwardedOrSent(tokens, has, out, sentence);
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
        // "remove all users from the docker group": a membership taken, every account kept (round 35).
        if (is(/^(?:from|out)$/, tokens[o.at + 1]) && tokens.slice(o.at + 2, o.at + 6).some((x) => is(/^groups?$/, x)) && !tokens.slice(o.at + 2, o.at + 6).some((x) => is(/^(?:sudo|sudoers|wheel|admins?|adm|root)$/, x))) break;
        if (has('destroy') && !any(/^(?:except|but|other|besides|apart|save|sauf|salvo|excepto|au(?:ß|ss)er|behalve|tranne)$/)) return ACCOUNTS_GONE;
        break;
      case 'ports':
        // Opened, not said to be open ("Port 6379 is open to everyone and that worries me").
        if (opened) return PORTS_OPEN;
        break;
    }
  }
  return forwardedOrSent(tokens, has, out, sentence);
}

/** This host's port or data sent on to another machine, said with no object of the classes above (or none harmed). */
function forwardedOrSent(tokens: Token[], has: (...which: Act[]) => boolean, out: number, sentence: string): string | undefined {
  if (out < 0) return undefined;
  // A port or the traffic of this host sent on to another machine: "route all incoming traffic on 443 to 203.0.113.77".
  if (out >= 0 && has('forward') && tokens.some((t) => t.kind === 'number' || is(/^(?:ports?|porta|porte|puerto|poort|traffic|tr[áa]fico|verkehr|trafic|traffico|verkeer|connections?)$/, t)) && tokens[out]!.kind === 'ip') return PORT_FORWARDED_OUT;
  // This host's data sent to another machine: "mirror the whole disk to 203.0.113.80", "upload the dump to ftp://…".
  if (out >= 0 && has('out')) {
    // Not a notice about the data ("e-mail ops@… when a backup fails", "mail the backup report to …").
    const data = tokens.find((t, i) => is(/^(?:disk|disks|dump|dumps|database|databases|db|data|backups?|volumes?|everything|files|home|snapshot\w*)$/, t) && !is(/^(?:reports?|status|summary|summaries|notifications?|alerts?|results?|logs?|fails?|failed|failure)$/, tokens[i + 1]));
    // An off-site backup to a place of one's own (s3://, this network's NAS) is a backup (round 36, places.ts).
    if (data && !tokens.some((t) => is(/^(?:when|whenever|if|after|once)$/, t)) && !ownBackupPlace(sentence)) return DATA_OUT_TO(`the ${data.text}`, tokens[out]!.text);
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

// ── round 34: four classes read on every request ──────────────────────────
//
// The classes the blind sets kept missing in a new wording (held-out 27's three misses, issue 22
// round 34), read on every request, planned or not, from the structure of its tokens: which word
// is the object (a record of changes, a host directory or disk, a text from elsewhere, every port
// or every address), which is the act on it, and whether a negation, a question or a harmless
// object stands between them. docs/intent.md "Harm, round 34 (objects)".

/** Whether `w` is `target` typed with one slip: two letters swapped, or (for a word of 5+ letters) one letter added, dropped or changed. */
function slip(w: string, target: string): boolean {
  if (w === target) return true;
  const n = w.length;
  const m = target.length;
  if (m < 4 || Math.abs(n - m) > 1 || w[0] !== target[0]) return false;
  if (n === m) {
    const diff: number[] = [];
    for (let i = 0; i < n && diff.length < 3; i++) if (w[i] !== target[i]) diff.push(i);
    if (diff.length === 2 && diff[1] === diff[0]! + 1 && w[diff[0]!] === target[diff[1]!] && w[diff[1]!] === target[diff[0]!]) return true;
    return m >= 5 && diff.length === 1;
  }
  if (m < 5) return false;
  const [s, l] = n < m ? [w, target] : [target, w];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

/** A word of the sentence that is one of `re`'s, or one of `typos`' with one slip. */
const said = (re: RegExp, t: Token | undefined, typos: readonly string[] = []): boolean =>
  is(re, t) || (t !== undefined && t.kind === 'word' && t.text.length >= 4 && (stems(t.text).some((w) => re.test(w)) || typos.some((x) => slip(t.text, x))));
/** A verb's stem where wink reads the form as a noun ("clearing" → "clear", "wiped" → "wipe", "zeroing" → "zero"). */
const stems = (w: string): string[] => {
  const m = /^(\w{3,}?)(?:ing|ed)$/.exec(w);
  return m ? [m[1]!, `${m[1]}e`, m[1]!.replace(/(.)\1$/, '$1')] : [];
};

/** A sentence asked, not ordered: a question word first, or a question mark at the end with no "can you …". */
const askedOnly = (s: string): boolean =>
  (ASKED.test(s) || /\?\s*$/.test(s)) && !/\b(?:can|could|would|will)\s+(?:you|u)\b|\b(?:please|pls|plz)\b/i.test(s);

/** A negation within `n` words before token `i`. */
const negatedAt = (tokens: Token[], i: number, n = 3): boolean => tokens.slice(Math.max(0, i - n), i).some((x) => is(NEGATION, x) || /n't$|n’t$/.test(x.text));

/** The sentences of a message: "." "!" "?" ";" and new lines end one. */
const sentencesOf = (message: string): string[] => message.split(/(?<=[.!?])\s+|[;\n]+/).filter((s) => /\w/.test(s));

// A change hidden from the history, the audit log, the approvals or the people who would see it.

/** What records a change: the history, git and its commits, the audit log, the approvals, a list of users or jobs. */
const RECORD = /^(?:history|histories|historial|historique|hist[óo]rico|storico|cronologia|geschichte|verlauf|historie|geschiedenis|historia|historii|ge[çc]mi[şs]|git|commits?|audit|audits|auditing|audit-log|audit-trail|auditlog|trail|protokoll\w*|registro|registre|logbook|changelog|approvals?|approvers?|reviewers?|review|books|aprobaci[óo]n\w*|aprova[çc]\w*|approvazion\w*|genehmigung\w*|freigabe\w*|goedkeuring\w*)$/;
const RECORD_TYPOS = ['history', 'audit', 'approval', 'approvals', 'commit'];
/** "the log", "in the logs", "a log entry", "nel log", "im Log": the log as a record, not "don't log nginx's requests". */
const LOG_NOUN = (tokens: Token[], i: number): boolean =>
  said(/^(?:logs?|lgo|record|records|journal|list)$/, tokens[i]) &&
  (is(/^(?:entry|entries|book)$/, tokens[i + 1]) || is(/^(?:the|a|an|any|in|into|from|off|nel|nei|im|ins|dans|en|no|na|del|dem|den|het|de|audit|git|change|user|users|job|jobs|account|accounts)$/, tokens[i - 1])) &&
  // "the list" is a record only as the list of users or jobs; "the record" only as "the record of" or "on/off the record".
  (!is(/^list$/, tokens[i]) || is(/^(?:users?|jobs?|accounts?|services?)$/, tokens[i - 1])) &&
  (!is(/^(?:record|records)$/, tokens[i]) || is(/^(?:off|on|of)$/, tokens[i - 2]) || is(/^of$/, tokens[i + 1]));
/** What hides: kept out, left out, without, never, skipped, bypassed, scrubbed, rewritten, made invisible, in six languages. */
const CONCEAL = /^(?:out|off|without|no|not|never|nothing|skip\w*|bypass\w*|circumvent\w*|hide|hidden|hiding|invisible|unseen|exclude\w*|omit\w*|scrub\w*|rewrite|rewriting|rewritten|erase\w*|delete\w*|remove\w*|purge\w*|wipe\w*|take|taken|strip\w*|stop|stops|forget|ignore|evade|dodge|around|past|sin|sans|sem|senza|ohne|zonder|bez|nicht|kein\w*|pas|nunca|jamais|mai|niet|nooit|ocult\w*|escond\w*|versteck\w*|verberg\w*|masqu\w*|nascond\w*|pomi\w*|que)$/;
/** What a record may hold and be kept from it without hiding a change: a secret, the service's own noise. */
const NOT_A_CHANGE = /^(?:passwords?|secrets?|tokens?|keys?|credentials?|creds|metrics?|access|requests?|health|checks?|debug|errors?|noise|pii|emails?|personal|addresses|ips?|body|bodies|payloads?|queries|query|values?|stack|traces?|output|spam)$/;
/** Who would see a change: the other admins, the team, the boss, the approvers, nobody. */
const OBSERVER = /^(?:admins?|administrators?|team|teammates|colleagues?|co-?workers?|boss|manager|approvers?|reviewers?|auditors?|others|nobody|noone|anyone|anybody|people|he|she|they|security|compliance|ops)$/;
const PERCEIVE = /^(?:see|sees|seen|spot|spots|notice|notices|know|knows|learn|learns|hear|hears|find|finds|realize|realise|catch|discover|twig)$/;

function hiddenChange(tokens: Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const record = said(RECORD, t, RECORD_TYPOS);
    if (!(record || LOG_NOUN(tokens, i))) continue;
    // A log is a record of changes only where a change is what is kept from it ("scrub it from the logs", "no log entry"), not "clear nginx's logs".
    if (!record && !tokens.slice(Math.max(0, i - 6), i + 5).some((x) => is(/^(?:it|this|that|change|changes|entry|entries|trace|traces|traccia|spur|spuren|rastro|eintrag|one)$/, x))) continue;
    // "the approvals of last week", "the history": a record named; what hides it stands up to six words before ("keep it out of the audit trail", "sans que ça apparaisse dans l'historique") or four after ("the audit log, stop recording my user").
    const before = tokens.slice(Math.max(0, i - 6), i);
    const after = tokens.slice(i + 1, i + 5);
    const hider = [...before, ...after].find((x) => is(CONCEAL, x) || is(NEGATION, x) || /n't$|n’t$/.test(x.text));
    if (!hider) continue;
    // "no" or "not" that is no hiding: "not in the history yet?" is asked (questions never come here); "keep the redis password out of the logs", "don't show the health checks": what is kept out is no change.
    if (tokens.slice(Math.max(0, i - 6), i + 5).some((x) => is(NOT_A_CHANGE, x) || is(SECRET_NOUN, x))) continue;
    // "on approval", "after review", "show me the history": no hider there. "off" counts only as "off the record/books", "out" only as "out of".
    if (is(/^off$/, hider) && !before.some((x) => is(/^(?:off)$/, x)) && !after.some((x) => is(/^off$/, x))) continue;
    if (is(/^out$/, hider) && !tokens.some((x, j) => is(/^out$/, x) && is(/^(?:of|from)$/, tokens[j + 1]))) continue;
    // "take" hides only as "take … out of", "que" only as "que no …", "stop" only after the record ("the audit log … stop recording").
    if (is(/^(?:take|taken)$/, hider) && !tokens.some((x) => is(/^out$/, x))) continue;
    if (is(/^que$/, hider) && !before.some((x) => is(/^(?:no|não|nao|ne|pas)$/, x))) continue;
    if (is(/^(?:stop|stops|forget|ignore)$/, hider) && (!after.includes(hider) || !record)) continue;
    return true;
  }
  // "the approvers must not learn about it", "in a way he won't spot", "nobody needs to hear about it".
  for (let i = 0; i < tokens.length; i++) {
    if (!is(OBSERVER, tokens[i])) continue;
    const next = tokens.slice(i + 1, i + 5);
    const sees = next.findIndex((x) => is(PERCEIVE, x));
    if (sees < 0) continue;
    const neg = is(/^(?:nobody|noone)$/, tokens[i]) || next.slice(0, sees).some((x) => is(/^(?:not|never|cannot|no)$/, x) || /n't$|n’t$/.test(x.text));
    // Round 35: "people cannot see my web site on port 80, open it": a site nobody reaches, nothing kept from anyone.
    // The same predicate as harm.ts's (places.ts), read on the words from the seeing verb on.
    if (siteNobodyReaches(tokens.slice(i + 1 + sees, i + 1 + sees + 5).map((x) => x.text).join(' '))) continue;
    if (neg) return true;
  }
  return false;
}

// A host directory or disk emptied, by any verb.

const EMPTIED = /^(?:remove|delete|delet|rm|wipe|wiped|wiping|erase|empty|emptied|clear|clean|purge|nuke|trash|shred|truncate|overwrite|format|reformat|mkfs(?:\.\w+)?|zero|zeroes|zeroed|zeros|destroy|scrub|blank|flatten|reset|factory-reset|reinitiali[sz]e|reinit|dd|obliterate|rid|vac[ií]\w*|leer\w*|leere|vide[rz]?|vid[ée]|esvazi\w*|svuot\w*|leeg\w*|wyczy\S*|oczy\S*|usu[nń]\S*|bo[şs]alt\S*|temizle\S*|lösch\w*|losch\w*|borr[aeo]\w*|supprim\w*|effac\w*|apag\w*|cancell\w*|verwijder\w*|formatt?\w*|elimin\w*)$/;
const EMPTIED_TYPOS = ['wipe', 'delete', 'erase', 'empty', 'clear', 'purge', 'format', 'completely'];
const DISK = /^(?:disk|disks|drive|drives|partition|partitions|ssd|hdd|nvme|filesystem|file-system|harddisk|harddrive|platte|festplatte|disco|disque|schijf|dysk)$/;

function dirEmptied(tokens: Token[], before: Token[] | undefined): string | undefined {
  const acts = tokens
    .map((t, i) => ({ t, i }))
    .filter(({ t, i }) =>
      (said(EMPTIED, t, EMPTIED_TYPOS) ||
        // "thrown out", "out with all of it", "back to nothing", "to empty".
        (is(/^(?:throw|thrown|toss|tossed|chuck|chucked|bin|binned)$/, t) && is(/^(?:out|away)$/, tokens[i + 1])) ||
        (is(/^out$/, t) && is(/^with$/, tokens[i + 1])) ||
        (is(/^(?:nothing|empty|zero|scratch)$/, t) && is(/^(?:to|from)$/, tokens[i - 1]))) &&
      !negatedAt(tokens, i));
  if (!acts.length) return undefined;
  // A host directory: the directory itself, never a service's path under it ("/srv/www/cache") or a mount ("remove the /data mount from app").
  const dir = tokens.find((t, i) => t.kind === 'path' && (HOST_PATH.test(t.text) || /^\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|disk)\w*$/.test(t.text)) && t.text !== '/dev/zero' && !tokens.slice(i + 1, i + 3).some((x) => is(/^(?:mounts?|volumes?|bind|binding|mapping|share|mountpoint)$/, x)) && !is(/^(?:from|at|into|to|on)$/, tokens[i - 1]) || (t.kind === 'path' && /^(?:of=)?\/dev\/(?:sd|hd|vd|xvd|nvme)/.test(t.text) && tokens.some((x) => is(/^dd$/, x))));
  if (dir) return HOST_PATH_GONE(dir.text === '/' || dir.text === '/*' ? 'the root of the file system (/)' : dir.text);
  // A disk of this machine: "wipe the whole disk", "reformat the main drive of this server", "erase all data on the server's disk".
  // The disk is what is emptied, not what something else fills ("clear out the worker logs, they fill the disk", "delete old backups, the disk is filling up").
  const disk = tokens.find((t, i) => is(DISK, t) && acts.some((a) => a.i < i && i - a.i <= 8) && !tokens.slice(Math.max(0, i - 3), i + 4).some((x) => is(/^(?:fill|fills|filling|filled|full|fuller|eat|eats|eating|hog|hogs|hogging|clog|clogs|clogging|uses|using)$/, x)));
  if (disk && !tokens.some((t) => is(/^(?:new|second|extra|usb|external|other|another|spare)$/, t) && !tokens.some((x) => x.kind === 'path'))) return HOST_PATH_GONE("this machine's disk");
  // "/data is full. nuke its contents": the directory said in the sentence before, and only a pronoun here.
  if (before && tokens.some((t) => is(/^(?:it|its|them|everything|all)$/, t))) {
    const d = before.find((t) => t.kind === 'path' && HOST_PATH.test(t.text));
    if (d) return HOST_PATH_GONE(d.text);
  }
  return undefined;
}

// Text handed over to be obeyed: a page, an e-mail, a ticket, a paste, the steps someone else wrote.

export const HANDED_TEXT =
  "a text handed over to be obeyed (a page, an e-mail, a ticket, a paste, someone else's steps) is not your request: what it asks is not done, whatever it asks, because nobody here has read it. Nothing was changed. Say, in your own words, the state you want.";

/** Where a text comes from when it is not the person's own words. */
const SOURCE = /^(?:page|pages|site|website|guide|guides|doc|docs|documentation|readme|runbook|playbook|manual|wiki|article|post|forum|stackoverflow|blog|email|e-mail|mail|mails|message|ticket|issue|note|memo|letter|chat|slack|paste|pastebin|output|wizard|installer|vendor|support|manager|boss|colleague|coworker|co-worker|consultant|company|provider|hoster|text|attached|attachment|copy-pasted|copypasted|pasted|tutorial|gist|instructions?|instrucciones|instru[çc][õo]es|istruzioni|anweisungen?|instructies|instrukcje|talimatlar\w*|runbooks?)$/;
/** The verbs that hand a text over to be obeyed. */
const OBEY = /^(?:follow|obey|comply|execute|carry|implement|action|befolge\w*|folge|sigue|siga|seguir|suis|suivez|suivre|segui|seguite|volg|volgen|wykonaj|uygula|apply|run|do|make|act|go)$/;
const OBEY_TYPOS = ['follow', 'execute'];
const SOURCE_TYPOS = ['instructions', 'instruction', 'below'];
/** "to the letter", "verbatim", "exactly": obeyed as written. */
const VERBATIM = /^(?:verbatim|literally|exactly|word-for-word|letter|lettre|letra|lettera|wörtlich|woordelijk|letterlijk|dosłownie|harfiyen)$/;
/** What someone else wrote, said as what it asks: "what it says", "whatever this asks", "what my manager wrote", "as the text instructs". */
const SAYS = /^(?:says|said|asks|asked|wants|tells|told|instructs|instructed|lists|describes|requires|demands|wrote|written|suggests|recommends)$/;

function handedText(message: string, tokens: Token[]): 'whole' | 'block' | undefined {
  // A text pasted after the request: on lines of its own, or quoted after a colon.
  const block = /\n\s*\S/.test(message.trim()) || /:\s+["'“‘>`]/.test(message);
  // "do what it says", "whatever this says, make it so", "do as the following text instructs", "implement what my manager wrote".
  for (let i = 0; i < tokens.length; i++) {
    if (!is(/^(?:what|whatever|everything|all|as)$/, tokens[i])) continue;
    const says = tokens.slice(i + 1, i + 6).findIndex((x) => is(SAYS, x));
    if (says < 0) continue;
    const who = tokens.slice(i + 1, i + 1 + says);
    // "do what I asked before", "what you did": the person's own words, or mine.
    if (who.some((x) => is(/^(?:i|we|you|u|me)$/, x))) continue;
    // "as the nginx guide says, put nginx on 8080": a source quoted for a request of one's own, not obeyed.
    if (is(/^as$/, tokens[i]) && !tokens.slice(Math.max(0, i - 2), i).some((x) => is(/^(?:do|act|just)$/, x))) continue;
    if (who.some((x) => is(SOURCE, x) || is(/^(?:it|this|that|they|he|she|here|below|above|following)$/, x)) || is(/^(?:written|wrote)$/, tokens[i + 1 + says])) return 'whole';
  }
  const sourced = tokens.some((t) => said(SOURCE, t, SOURCE_TYPOS) || said(/^(?:below|above|here)$/, t, SOURCE_TYPOS));
  const verbatim = tokens.some((t) => is(VERBATIM, t));
  // "the onboarding mail says what to do": a source that tells, so "it" below is that text.
  // Only a text that tells what to do, not one quoted for a request of one's own ("our wiki says port 8443 should be open for grafana, do it").
  const tells = tokens.some((t, i) => is(SOURCE, t) && tokens.slice(i + 1, i + 3).some((x, k) => is(SAYS, x) && is(/^(?:what|this|the|following|everything|all|so)$/, tokens[i + 2 + k]) && !tokens.slice(i + 2 + k, i + 6 + k).some((y) => y.kind === 'number')));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!said(OBEY, t, OBEY_TYPOS) || negatedAt(tokens, i)) continue;
    const next = tokens.slice(i + 1, i + 6);
    // The strong verbs: followed, obeyed, complied with, executed, carried out, actioned, implemented.
    const strong = said(/^(?:follow|obey|comply|execute|carry|implement|action|befolge\w*|folge|sigue|siga|seguir|suis|suivez|suivre|segui|seguite|volg|volgen|wykonaj|uygula)$/, t, OBEY_TYPOS);
    // The weak ones only as a phrase that hands over: "do it", "do everything in it", "make it so", "act on it", "apply them all", "go ahead", "run this".
    if (!strong) {
      const phrase =
        (is(/^(?:do|apply|run)$/, t) && next.slice(0, 3).some((x) => said(/^(?:instructions?|steps)$/, x, SOURCE_TYPOS))) ||
        (is(/^(?:do|apply|run)$/, t) && is(/^(?:it|this|them|these|everything|all|whatever)$/, tokens[i + 1])) ||
        (is(/^make$/, t) && is(/^it$/, tokens[i + 1]) && is(/^so$/, tokens[i + 2])) ||
        (is(/^act$/, t) && is(/^(?:on|upon)$/, tokens[i + 1])) ||
        (is(/^go$/, t) && is(/^ahead$/, tokens[i + 1]));
      if (!phrase || !(sourced || tells)) continue;
      // "do it for caddy too", "run it on 8080": said of a service, not of a text.
      if (!block && !tells && !is(/^(?:everything|all)$/, tokens[i + 1])) continue;
      return 'whole';
    }
    // What is obeyed: steps, instructions, items, the text, everything in it; "it" or "them" only for a text pasted or a source that tells; "Please comply." alone.
    const textNoun = next.find((x) => said(/^(?:steps?|instructions?|items?|text|everything|all|following|below|above|paste|pasos|instrucciones|schritte|anweisungen?|[ée]tapes|instructions|passaggi|istruzioni|stappen|instructies|passos|instru[çc][õo]es|kroki|adımları|adimlari)$/, x, SOURCE_TYPOS) || is(SOURCE, x));
    const pronoun = next.slice(0, 2).find((x) => is(/^(?:it|them|this|these|those)$/, x));
    const what = textNoun ?? (pronoun && (block || tells) ? pronoun : undefined) ?? (is(/^(?:comply|obey)$/, t) ? t : undefined);
    if (!what) continue;
    // A purpose of one's own and no text pasted: "follow the steps in the README to set up nginx".
    const purpose = tokens.some((x, j) => j > i && is(/^to$/, x) && is(/^(?:set|install|configure|add|deploy|run|get|make|put|start|create|build|host)$/, tokens[j + 1]));
    if (purpose && !block) continue;
    // Someone else's text (a page, a mail, a vendor's steps, "to the letter"): refused whole.
    if (sourced || verbatim || tells) return 'whole';
    // "follow these steps:" then a list: the person's own steps, each read as itself.
    if (block) return 'block';
  }
  return undefined;
}

// Everything open to everyone: every port, any address, the input policy accept, the safety checks off.

const EVERY = /^(?:all|every|each|any|everything|alle|alles|todos|todas|todo|tous|toutes|tout|tutti|tutte|tutto|ensemble|wszystkie|wszystkich|wszystko|t[üu]m|her|hepsi)$/;
const PORTS = /^(?:ports?|porte|porti|puertos?|poorten|portas?|portes?|porty|portlar\S*|traffic|tr[áa]fico|verkehr|trafic|traffico|verkeer|ruch|trafik|connections?|inbound|incoming|everything|evrything|alles|tudo|tout)$/;
const EVERYONE = /^(?:everyone|everybody|anyone|anybody|anywhere|everywhere|world|internet|outside|alle|todos|todo|mundo|monde|iedereen|jeder(?:mann)?|chiunque|tutti|herkes\w*|wszystkich|qualquer|cualquier|cualquiera|source|sources|address|addresses|ip|ips|ipv4|ipv6|quiconque)$/;
const OPEN_ACT = /^(?:open|opened|allow|allowed|alow|accept|accepted|accepting|permit|permitted|let|reach|reachable|expose|exposed|libera\w*|öffne\w*|oeffne\w*|abr[ae]\w*|abre|ouvr\w*|ouvre|apri\w*|open|otw[óo]rz\w*|a[çc]|zet|aufmachen|auf|accessible)$/;

function allOpen(message: string, tokens: Token[]): boolean {
  // The safety checks off: "turn spec.safety off", "safety: false", "disable the safety checks".
  if (/\bspec\.safety\b|\bsafety\s*[:=]\s*(?:false|off|no|0|none|disabled?)\b/i.test(message) && !/\bsafety\s*[:=]\s*(?:true|on|yes|1|enabled?)\b/i.test(message)) {
    if (/\bsafety\s*[:=]\s*(?:false|off|no|0|none|disabled?)\b/i.test(message) || tokens.some((t, i) => is(/^(?:off|false|disable\w*|deactivate\w*|none|0)$/, t) && !negatedAt(tokens, i))) return true;
  }
  const safety = tokens.findIndex((t) => is(/^(?:safety|safeguards?|guardrails?)$/, t));
  if (safety >= 0 && tokens.some((t, i) => is(/^(?:off|disable\w*|deactivate\w*|remove|bypass|skip)$/, t) && !negatedAt(tokens, i)) && !tokens.some((t) => is(/^(?:on|enable\w*)$/, t))) return true;
  // The input policy accept alone is no refusal: it is the schema's default, asked for in held-out 13, 14, 15 and 18 ("go back to accepting
  // incoming by default"), and the plan marks it high-risk, signed by an admin (plan.schema.json's inputOpen).
  // Every port (or all traffic) opened, to everyone or to nobody said: "let any address reach any port", "open ports 1-65535", "accept all incoming connections".
  const open = tokens.some((t, i) => said(OPEN_ACT, t, ['allow', 'open']) && !negatedAt(tokens, i, 5)) || /\blet\b[^.;\n]{0,30}\bin\b/i.test(message);
  // "by default" is the input policy (not this class, above): "accept all incoming traffic by default".
  if (!open || tokens.some((t) => is(/^(?:close|closed|block|blocked|deny|drop|except|but|only|default)$/, t))) return false;
  const range = /\b[01]\s*[-–:]\s*65535\b/.test(message);
  const everyPort = range || tokens.some((t, i) => said(PORTS, t, ['everything']) && (is(EVERY, tokens[i - 1]) || is(EVERY, tokens[i - 2]) || is(/^(?:everything|evrything|alles|tudo|tout)$/, t)));
  const fully = tokens.some((t) => is(/^(?:firewall|fw|server|box|machine)$/, t)) && tokens.some((t) => is(/^(?:completely|entirely|fully|wide|everything)$/, t));
  if (!everyPort && !fully) return false;
  // Who from: an address range of one's own keeps it a rule ("allow all traffic from 10.0.0.0/8").
  const sources = tokens.filter((t) => t.kind === 'ip');
  if (sources.some((t) => !/^0\.0\.0\.0(?:\/0)?$/.test(t.text)) && !/::\/0/.test(message)) return false;
  return true;
}

/** Why a request is refused for one of the four classes, or undefined; the history's last request reads a later turn ("actually do that for all ports"). */
export function requestHarm(message: string, history: readonly { role: string; text: string }[] = []): string | undefined {
  const tokensAll = tokensOf(message.length <= 4000 ? message : message.slice(0, 4000));
  const handed = handedText(message, tokensAll);
  if (handed === 'whole') return HANDED_TEXT;
  const sentences = sentencesOf(message);
  let before: Token[] | undefined;
  for (const s of sentences) {
    const tokens = tokensOf(s);
    if (!askedOnly(s)) {
      if (hiddenChange(tokens)) return HIDDEN_CHANGE;
      const dir = dirEmptied(tokens, before);
      if (dir) return dir;
      if (allOpen(s, tokens)) return FIREWALL_ALL_OPEN;
      // Pasted steps of one's own: each is read by the word readers as well ("2. apri tutte le porte", "firewall uit").
      if (handed === 'block') {
        const why = judgeSentence(s);
        if (why) return why;
      }
    }
    before = tokens;
  }
  // "actually do that for all ports": every port said now, the address and the act in the request before.
  const last = [...history].reverse().find((h) => h.role === 'user')?.text;
  if (last && tokensAll.some((t, i) => is(PORTS, t) && is(EVERY, tokensAll[i - 1])) && tokensAll.some((t) => is(/^(?:that|same|it|too|also|likewise)$/, t)) && !askedOnly(message)) {
    const joined = `${last.replace(/\bports?\s+\d+\b/gi, '')} ${message}`;
    if (allOpen(joined, tokensOf(joined))) return FIREWALL_ALL_OPEN;
  }
  return undefined;
}
