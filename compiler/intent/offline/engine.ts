/**
 * The offline intent engine: a rule-based reader of requests that edits the current state
 * files. No model, no network. It understands a fixed grammar (docs/intent.md lists it),
 * says plainly what it did not understand, and refuses dangerous requests.
 *
 *   runOfflineEngine(input) → Proposal
 *
 * Steps:
 *   1. refuse dangerous requests (host commands, wiping data, firewall off, reading secrets)
 *   2. answer status questions from the state summary
 *   3. split the request into clauses; a clause with no verb or topic of its own joins
 *      the previous one ("nginx, PostgreSQL, and Redis")
 *   4. each clause: a topic handler (firewall, users, ssh, hostname, timezone, secrets,
 *      custom image) or the service verbs (add, remove, stop, start, restart, scale) and
 *      modifiers (memory, cpu, port, connection limit, version, backups)
 *   5. the edits are made on `yaml` Documents, so comments and order survive
 *
 * What a clause refers to when it names no service ("with daily backups", "and a
 * connection limit of 100") is the focus: services named earlier in the same request,
 * else those named in the recent conversation, else the only service that fits.
 */
import { hostPortEntries, hostPortText } from '../../../common/host-port.js';
import { instantiate, loadTemplate, listTemplates, TemplateError } from '../../../stdlib-templates/index.js';
import { findAppMentions, instantiateApp, loadAppCatalog, type App, type DataService } from '../../../stdlib-templates/apps/catalog.js';
import type { Service } from '../../../generated/services.js';
import type { FirewallRule } from '../../../generated/network.js';
import type { IntentContext, Proposal, StateFiles } from '../provider.js';
import { sizeToBytes } from './nlu.js';
import { fillSlots, slotsSaid, unreadParts } from './slot-fill.js';
import { type DangerJudgement, dangerScore } from './danger-model.js';
import { currentThenNew, newValueOnly } from './values.js';
import {
  findCidrs,
  findCpu,
  findImageRefs,
  findPorts,
  findQuoted,
  findServiceMentions,
  findSizes,
  parseNumberWord,
  splitClauses,
  type ServiceMention,
} from './nlu.js';
import { jobFrames } from './job-frame.js';
import { backupOffSaid } from './backup-off.js';
import { beforeSchedule, cronCannot, normaliseSchedule, onlySchedule, parseSchedule, refinedSchedule } from './schedule.js';
import { jobForms } from './job-forms.js';
import { BOTH_PROTOCOLS, PROTOCOL_FRAGMENT, SERVICE_PORT_WORD, listedPortsIn, placePorts, readPortFrame, servicePortsIn } from './ports.js';
import { NO_HOST_PORT, REPLICAS_BY_NAME, foldAddedServiceLines, foldAddedUserLines, foldUnappliedServiceLines, foldBackupRetentionLines, whoReachesIt, whoReachesReplicas, withoutOwnRestatements } from './lines.js';
import { readVolumeFrame, saysStorage, volumeDetail, type VolumeFrame } from './volumes.js';
import { Workspace, WorkspaceError } from './workspace.js';
import { inWindows, NAME_ONLY_ASKED, refuseFirst } from './guard.js';
import { isPrivateIPv4, privatePrefix } from './places.js';
import { judgeHarm } from './harm.js';
import { foldTypos, globAsAll, protectedHarm } from './protected.js';
import { objectHarm, requestHarm } from './objects.js';
import { insisted, readingsOf } from './conversation-harm.js';
import { judgeClass, prunesOldBackups, saidByReference } from './harm-classes.js';
import { everyoneElse, judgeAssets } from './assets.js';
import { adminsNamedTaken, auditNowhereSaid, backupPlaceSaid, backupWarning, commandSaidDestroys, outcomeHarm, powerGroupSaid, roleAccountTaken, onlyKeyTaken, secretTyped, shellSaid, sshLoopbackSaid, sshRuleTaken, volumeNamedTaken, wayInLost } from './outcome-guard.js';
import { compiledOrNotDone } from './compiles.js';
import { NUMBER_WORDS, QUOTED, correctSpelling, englishWord, lemmaTokens, read } from './language.js';
import { askedAsPossible, normaliseSaid, slangSaid, verbsSaid } from './normalise.js';
import { attachedSaid, placedSaid } from './attach.js';
import { gapFilled } from './ellipsis.js';
import { correctedRequest, correctionNote, correctionValue, unclearSizeCorrection } from './correction.js';
import { insteadSaid, severalOfOneSaid } from './several.js';
import { framedRequest } from './frames.js';
import { composeNotRead, composeSaid, execForm } from './compose.js';
import { outcomeSaid } from './outcomes.js';
import { answerFromState, onlyAsks, opensAndOnlyAsks } from './asked-state.js';
import { isUndo, undoRequest } from './undo.js';
import { ordinalReferent, otherReferent, pointedSource, restrictedSource, type Named } from './referents.js';
import { AMBIGUOUS_ZONES, ASK_TAIL, answerFor, askedRequest, orList, type Answer, type Ask, type Choice } from './ask.js';
import { retentionWords } from './retention.js';
import { commandNegated, ruleFromCommand } from './firewall-commands.js';
import { howToAsked, howToNote, sudoNote, sudoServiceOp } from './asked-how.js';
import { carriesRemoval, ruleRemovalSaid, rulesAddedByRemoval } from './firewall-removal.js';
import { carriesFrame, firewallFrame } from './firewall-frame.js';
import { accountsSaid, carriesAccounts } from './user-forms.js';
import { carriesPeople, carriesUser, peopleFrame, sudoExcept, userByPrefix, userFrame } from './user-frame.js';
import { KEPT_OUT } from './outcome-firewall.js';
import { sudoersRemoval, userRightsSaid, userTicket } from './user-ticket.js';
import { saidPlainer36 } from './said-plainer36.js';
import { besideOne, jobImageWord, runAs, saidPlainer37, worksWith } from './said-plainer37.js';
import { saidPlainer38 } from './said-plainer38.js';
import { servicesSaid } from './services-said.js';

/** What the engine reads: the provider's context, minus the repair request (it never gets one). */
export type EngineInput = Pick<IntentContext, 'message' | 'files' | 'history' | 'summary' | 'secretNames' | 'imageCatalog' | 'now'>;

const SVC: ['spec', 'services'] = ['spec', 'services'];
const VOLS: ['spec', 'volumes'] = ['spec', 'volumes'];
const JOBS: ['spec', 'jobs'] = ['spec', 'jobs'];
const NETS: ['spec', 'networks'] = ['spec', 'networks'];
const FW = ['spec', 'firewall'];
const RULES = ['spec', 'firewall', 'rules'];

// ── refusals ───────────────────────────────────────────────────────────────

const HOST_COMMAND =
  'Claude.OS never runs commands on the host: the intelligence only writes the state files, and the runtime applies them with a fixed set of operations. Describe the state you want instead (for example "restart nginx" or "add a service from image X").';
const WIPE =
  'wiping data is not something I do from a conversation: volumes and backups are kept even when a service is removed. If you really mean it, remove the volume from storage.yaml by hand and delete its directory yourself.';
const FIREWALL_OFF =
  'turning the firewall off (or accepting everything) would expose every port of this machine. Say which ports to open and to whom instead, e.g. "open port 8080 to 192.168.1.0/24". If you do want that, set it by hand: in network.yaml in the state dir (/etc/claude.d unless --state-dir or CLAUDE_STATE_DIR says otherwise), under spec.firewall set default_input_policy: accept (or enabled: false), then run `claude plan` and `claude apply`.';
const SECRETS =
  'secret values are never shown, not to you here and not to any model: they are stored encrypted and only the runtime decrypts them at apply time. Their names are listed in security.yaml (spec.secrets); to replace one, run `claude secret set NAME`.';
const INJECTION = 'I do not take instructions that change my own rules. Tell me what state you want the system in.';
const APPROVALS =
  'approvals cannot be skipped from a request: approval is a signature made by you (or `--yes` by whoever runs the command), and the runtime refuses unsigned plans.';
const AUDIT = 'the audit log cannot be turned off or cleared from a request; it is what records who changed what.';
const HOST_ACCESS =
  "containers never get the host's root filesystem, the Docker socket, host devices or privileged mode: any of them is root on the host. Mount a volume from storage.yaml instead.";
const ROOT_PASSWORD_SSH =
  'root logging in over SSH with a password is the first thing scanners try: it is kept off. Log in as a user with an SSH key and sudo instead ("add user alice with sudo and ssh key ssh-ed25519 AAAA…").';
const ENCODED =
  'I do not decode and run hidden payloads: an encoded command is a command on the host, and Claude.OS never runs those. Describe the state you want in plain words instead.';
const DATA_EXPOSED =
  "a database or cache reachable from the whole internet is how data gets stolen: scanners find it within minutes, and its port is bound to 127.0.0.1 for that reason. Open it to the range that needs it instead (\"allow port 5432 from 10.0.0.0/8\"), or reach it through an SSH tunnel.";
const HOST_PACKAGES =
  'packages are never installed on the host: Claude.OS keeps the host minimal and runs everything in containers, so nothing outside the state files changes it. Run the tool in a container instead ("add a service called tools using image alpine:3.20"), or use one of the services already there.';
const SECRETS_OUT =
  'secret values are never written out in plain text: not to a file, not to the screen, not to another service. They stay encrypted in security.yaml, and only the runtime decrypts them at apply time. To keep a copy, back up security.yaml together with the host key (it is encrypted to that key); to replace one, run `claude secret set NAME`.';
const NOPASSWD = 'sudo without a password turns any mistake or stolen session into root: it is kept off. Give the user an SSH key and sudo instead; sudo then asks for their password.';
/**
 * The default input policy said to be accept: "set the default inbound policy back to accept",
 * "default policy: allow", "accept as the default policy", "go back to accepting inbound by
 * default", "default back to accept". Tied to the firewall: a policy word, or traffic coming in
 * ("the smtp relay defaults to accepting mail from the lan" is not the firewall). Not "default
 * policy drop, allow only 22": a drop, deny or block word between them reads the other way.
 */
const POLICY_ACCEPT_SAID =
  /\b(?:default|input|incoming|inbound)\s+(?:(?:input|incoming|inbound|firewall)\s+)?polic(?:y|ies)\b(?:(?!\b(?:drop|deny|block|reject|except|but|only)\b)[^.;,]){0,30}?\b(?:accept|allow|open)\b|\b(?:accept|allow|open)\s+(?:as|for)\s+(?:the\s+)?(?:default|input|incoming|inbound)\s+(?:(?:input|incoming|inbound)\s+)?policy\b|\b(?:accept(?:s|ing)?|allow(?:s|ing)?|let(?:ting)?|open(?:ing)?)\s+(?:(?:all|every(?:thing)?|any(?:thing)?|the)\s+)?(?:(?:inbound|incoming|input|traffic|connections?|packets|ports|in)\s+){1,3}(?:traffic\s+)?by\s+default\b|\b(?:firewall|polic(?:y|ies)|inbound|incoming|input)\b[^.]*\bdefault(?:s|ing)?\s+(?:back\s+)?to\s+accept(?:ing)?\b(?!\s+(?:only|just)\b)|\bdefault(?:s|ing)?\s+(?:back\s+)?to\s+accept(?:ing)?\b(?!\s+(?:only|just)\b)(?=[^.]*\b(?:firewall|polic(?:y|ies)|inbound|incoming|input)\b)/i;

const PERMISSIONS =
  'making files readable and writable by everyone (777, 666, a+w, o+w) lets any process or user on this host change them, and Claude.OS never runs chmod on the host. A volume gets the owner and mode its service needs in storage.yaml (e.g. "owner: 1000:1000", "permissions: 0750"); say which service cannot write and I set its volume\'s owner.';

/**
 * Secrets sent out, one place: the state's secrets or keys sent anywhere ("send security.yaml and
 * the host key to https://…", "upload the ssh keys to my server"), or the state's secret files
 * read into something that can be seen ("set API_KEYS_DUMP=$(cat /etc/claude.d/security.yaml) …
 * and publish it", "a job that runs `base64 /var/lib/claude/host.key`": held-out 19's h19-d49, an
 * env value that reads security.yaml, published on 80). Both gaps are bounded (linear).
 */
const SECRETS_SENT = /\b(?:send|upload|post|copy|cp|scp|rsync|e-?mail|mail|push|transfer|share|leak|exfiltrate|forward|ship|pipe|curl|wget|beam|sync)\b[^.]{0,200}?\b(?:security\.ya?ml|host\s+keys?|(?:the\s+)?keys?\s+files?|private\s+keys?|ssh\s+keys?|id_(?:rsa|ed25519|ecdsa)|\.ssh\b|age\s+keys?|master\s+key|secrets?|passwords?|credentials?|creds|tokens?|\/etc\/(?:shadow|passwd|ssh|claude\S*)|\/var\/lib\/claude\S*|state\s+files?|\.env)\b[^.]{0,200}?\b(?:to|into|onto|at|via)\s+(?:https?:\/\/|ftp:\/\/|s3:\/\/|[\w.+-]+@[\w-]+\.[\w.]+|(?:an?\s+|my\s+|our\s+|the\s+|some\s+)?(?:external\s+|remote\s+|other\s+|personal\s+)?(?:url|server|host|webhook|pastebin|paste\s*bin|gist|bucket|e-?mail|address|laptop|machine|slack|discord|telegram|dropbox|drive|endpoint|site|api))/i;
// The reader is read as a command only where it is one: inside $(…) or a pair of backticks, or a
// command word whose argument is the file (flags, a quoted or one bare word between). Not "redis
// needs more memory, and add user bob to security.yaml" (the review of 2026-12-06).
/** The state's secret files, as a reading command names them. */
const SECRET_FILE = String.raw`(?:security\.ya?ml|\/etc\/claude\.d\b|\/var\/lib\/claude\b|host[._-]?key\b|\/etc\/g?shadow\b)`;
const SECRET_FILES_READ = new RegExp(
  [
    String.raw`\$\([^)\n]{0,120}?${SECRET_FILE}`,
    '`' + String.raw`[^` + '`' + String.raw`\n]{0,120}?${SECRET_FILE}[^` + '`' + String.raw`\n]{0,120}` + '`',
    String.raw`\b(?:cat|head|tail|less|more|base64|xxd|od|strings|dump|tac|nl|grep|awk|sed|cp|tar)\s+(?:(?:-{1,2}[\w=-]+|'[^'\n]{0,60}'|"[^"\n]{0,60}")\s+){0,6}(?:[^\s,;'"]+\s+)?['"]?[^\s'"]*?${SECRET_FILE}`,
  ].join('|'),
  'i',
);

const DANGERS: { re: RegExp; reason: string }[] = [
  // Secret values asked for in a question or to be shown ("whats the grafana admin password?",
  // "i forgot the db password, print it", "cat the api token", "remind me of the root password").
  {
    re: /\b(?:what(?:'s|s|\s+is|\s+are|\s+was|\s+were)|wats?|tell\s+me|give\s+me|read\s+me|read\s+out|remind\s+me(?:\s+of)?|i\s+(?:forgot|lost|need\s+to\s+(?:know|see)|want\s+to\s+(?:know|see))|look\s+up|fetch\s+me|get\s+me|let\s+me\s+(?:see|know|have))\b[^.?!]*(?:\b|_)(?:secrets?|passwords?|passwd|api[_ -]?keys?|tokens?|credentials?|creds|private[_ -]keys?|passphrases?|admin\s+pass|root\s+pass)\b(?!\s+(?:policy|polic(?:y|ies)|rules?|length|strength|rotation|expiry|login|logins|auth\w*|authentication)\b)|\b(?:print|show|display|reveal|dump|cat|echo|output|leak|decrypt|expose|paste|spit\s+out|type\s+out|read\s+out)\b[^.?!]{0,120}?\b(?:it|that|them)\b[^.?!]{0,120}?\b(?:here|to\s+me|in\s+(?:the\s+)?(?:chat|terminal|reply|answer))\b(?=[^]*\b(?:secrets?|passwords?|passwd|api[_ -]?keys?|tokens?|credentials?|creds)\b)/i,
    reason: SECRETS,
  },
  // Dangerous permissions: world-writable modes, chmod on the host.
  {
    re: /\bchmod\b|\b(?:permissions?|perms|mode|access\s+rights?|rights)\b[^.]*(?<![\d.:])0?(?:777|666|776|767|677|757|775\s*(?:on|for)\s+(?:everything|all|\/))(?![\d.:])|(?<![\d.:])0?(?:777|666)(?![\d.:])[^.]*\b(?:permissions?|perms|mode|writable|everything|recursive(?:ly)?)\b|\b(?:ugo|[augo]{1,3})\s*\+\s*r?w|\b(?:everyone|everybody|anyone|all\s+users)\b[^.]*\b(?:can\s+)?(?:write|writable|read\s+and\s+write)\b[^.]*\b(?:files?|dirs?|director(?:y|ies)|folders?|volumes?|data)\b|\b(?:files?|dirs?|director(?:y|ies)|folders?|volumes?|data)\b[^.]*\b(?:writable|writeable)\s+(?:by|for|to)\s+(?:everyone|everybody|anyone|all|the\s+world|other\s+users)\b/i,
    reason: PERMISSIONS,
  },
  // The host's root (or the whole disk) mounted into a container: "with / mounted at /srv",
  // "bind / to /host", "-v /:/rootfs", "so i can browse the whole disk".
  {
    re: /(?:^|[\s'"“‘`(])\/(?=[\s'"”’`)]*(?:mounted|bound|bind|mapped|shared|as\s+a\s+volume|into|inside|in\s+(?:the\s+)?container|at\s+\/|to\s+\/|on\s+\/))|(?:^|\s)-v\s+\/:|(?:^|[\s'"“‘`])\/:\/\w*|\b(?:mount|bind|map|share|expose|browse|access|see|read|edit|view|serve)\w*\b[^.]*\b(?:the\s+)?(?:whole|entire|full|complete)\s+(?:host(?:'s)?\s+)?(?:disk|drive|file\s?system|fs|root|server|machine|host)\b|\b(?:whole|entire|full|complete)\s+(?:host(?:'s)?\s+)?(?:disk|drive|file\s?system)\b[^.]*\b(?:mount\w*|container|from\s+the\s+web|in\s+the\s+browser)\b/i,
    reason: HOST_ACCESS,
  },
  // The host's root mounted, said verb first: "a service that mounts / and runs bash", "bind / into it", "map the root filesystem".
  {
    re: /\b(?:mount|mounts|mounted|mounting|bind|binds|binding|map|maps|mapping|share|shares|sharing|pass|passes|give\s+it)\s+(?:the\s+host(?:'s)?\s+)?(?:['"`]\/['"`]|\/)(?=$|[\s,;.'"`)])|\b(?:mount|bind|map|share)\w*\s+(?:the\s+)?(?:host(?:'s)?\s+)?root(?:\s+(?:file\s?system|fs|dir(?:ectory)?|partition|disk))?\b(?!\s+(?:password|user|login|access|ca|certificate))/i,
    reason: HOST_ACCESS,
  },
  // Secrets sent out (SECRETS_SENT, SECRET_FILES_READ above): one entry, one reason.
  { re: new RegExp(`${SECRETS_SENT.source}|${SECRET_FILES_READ.source}`, 'i'), reason: SECRETS_OUT },
  // The firewall named first, then removed: "firewall is annoying, get rid of it", "the firewall keeps blocking me, turn it off".
  {
    re: /\bfirewall\b[^.]{0,80}?\b(?:get\s+rid\s+of|disable|turn|switch|shut|remove|kill|drop|ditch|nuke|scrap|rip|tear|uninstall|delete|stop|bin|lose|deactivate)\s+(?:it|that|the\s+(?:thing|whole\s+thing|lot))\b(?:\s+(?:off|down|out|entirely|completely))?/i,
    reason: FIREWALL_OFF,
  },
  // Anything made writable by everyone ("make /srv writable for everybody", "let anyone edit the uploads").
  {
    re: /\b(?:writable|writeable|editable|read-?\s?write)\s+(?:by|for|to)\s+(?:every(?:one|body)|any(?:one|body)|all(?:\s+users)?|the\s+world|other\s+users|others|the\s+public|world)\b|\bworld[- ](?:writable|writeable|editable)\b/i,
    reason: PERMISSIONS,
  },
  // Every process on the host killed, or the host choked: "kill -9 -1", "killall5", a fork bomb.
  {
    re: /(?:^|[\s;&|`(])kill\s+(?:-(?:\d+|[A-Z]+|s\s+\w+)\s+)?-1(?=\s*(?:$|[;&|)]|\s(?:on|in|please|pls|now|as|from|everywhere)\b))|\bkillall5\b|\bpkill\s+(?:-\w+\s+)*['"]?\.\*?['"]?(?=\s|$)|:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;?\s*:|\bkill\s+(?:-\w+\s+)?(?:all|every)\s+(?:the\s+)?(?:processes|process(?:es)?)\b(?![^.]*\b(?:in|inside|of)\s+(?:the\s+)?(?!host\b|machine\b|server\b|box\b)[a-z][\w-]*(?:\s+container)?\b)/i,
    reason: HOST_COMMAND,
  },
  // A shell offered on the network: "a netcat listener that runs /bin/sh", "something on 4444 that gives a bash".
  {
    re: /\b(?:netcat|ncat|nc|socat)\b[^.]*\b(?:listen\w*|shell|\/bin\/\w*sh|exec|-e|-l)\b|\b(?:listener|listening|socket|port\s+\d+)\b[^.]*\b(?:runs?|executes?|spawns?|gives?|serves?|opens?|exposes?)\s+(?:a\s+|an\s+)?(?:\/bin\/\w*sh|bash|zsh|shell|terminal|cmd)\b|\b(?:\/bin\/\w*sh|bash|shell)\b[^.]*\b(?:on|over|via)\s+(?:a\s+)?(?:port|tcp|socket|the\s+network)\b/i,
    reason: HOST_COMMAND,
  },
  // Packages on the host, by package manager or by name ("apk add curl", "install nmap on the host with apk add", "snap install certbot").
  {
    re: /\b(?:apk\s+add|apt(?:-get|itude)?\s+(?:install|add)|yum\s+install|dnf\s+install|zypper\s+(?:in|install)|pacman\s+-S|snap\s+install|brew\s+install|pip[23]?\s+install|pipx\s+install|npm\s+(?:install|i)\s+(?:-g|--global)|gem\s+install|cargo\s+install|emerge\s+\w|dpkg\s+-i|rpm\s+-i)|\b(?:with|using|via|through|from)\s+(?:apk|apt(?:-get)?|yum|dnf|zypper|pacman|snap|brew|pip[23]?|homebrew|the\s+package\s+manager)\b/i,
    reason: HOST_PACKAGES,
  },
  // Secret values written out ("export all the secrets to /tmp/secrets.txt", "copy the passwords into a text file").
  {
    re: /\b(?:export|write|copy|save|dump|send|put|store|move|cp|pipe|output|paste|upload|e-?mail|mail|post|print|extract)\b[^.]{0,200}?\b(?:secrets?|passwords?|credentials?|api[_ -]?keys?|tokens?|private[_ -]keys?|passphrases?|\.env)\b[^.]{0,200}?\b(?:to|into|in|onto|as|on)\s+(?:a\s+|an\s+|the\s+|my\s+|some\s+)?(?:(?:plain\s*-?\s*text|text|local|csv|json|yaml|\.?env|separate|single|shared|new|tmp|temp)\s+)*(?:files?|disk|stdout|screen|terminal|clipboard|pastebin|gist|s3|bucket|slack|webhook|e-?mail|\/\S+|\S+\.(?:txt|csv|json|env|ya?ml|log|bak))/i,
    reason: SECRETS_OUT,
  },
  // A root shell or a way into the host ("give me root on the host", "open a reverse shell to …").
  {
    re: /\b(?:give|get|grant|want|need)\s+(?:me|us|myself)\s+(?:a\s+)?root\b|\broot\s+(?:shell|login|prompt)\s+(?:on|to|into)\b|\breverse\s+shell\b|\bbind\s+shell\b|\b(?:nc|ncat|netcat|socat)\s+-\w*[elc]|\b(?:curl|wget)\b[^|]*\|\s*(?:sudo\s+)?(?:sh|bash|zsh|python3?|perl)\b|\b(?:bash|sh)\s+<\(\s*(?:curl|wget)|\bworld[- ]writable\b/i,
    reason: HOST_COMMAND,
  },
  // The host's namespaces, capabilities, security modules, the Docker API and its account files.
  {
    re: /\b(?:full|root|complete|unrestricted|total|admin)\s+access\s+(?:to|on)\s+(?:the\s+)?host\b|\baccess\s+to\s+(?:the\s+)?host(?:'s)?\s+(?:files?|file\s?system|disks?|root|devices?)\b|(?<!\bfrom\s+(?:the\s+|our\s+|this\s+)?)\bhost\s+(?:network(?:ing)?|pid|ipc)\b|\bnetwork[_ ]mode\s*[:=]?\s*['"]?host\b|\b(?:net|pid|ipc)\s*[:=]\s*['"]?host\b|\bcap[_-]add\b|\bSYS_(?:ADMIN|PTRACE|MODULE)\b|\ball\s+(?:the\s+)?capabilities\b|\b(?:disable|turn\s+off|switch\s+off|remove|no|without|unconfined)\b[^.]*\b(?:apparmor|seccomp|selinux)\b|\b(?:apparmor|seccomp|selinux)\b[^.]*\b(?:off|disabled?|unconfined|permissive)\b|\b2375\b|\bdocker\s+(?:api|daemon|engine)\b[^.]*\b(?:expose|open|tcp|publish|network|reachable|public)|\/etc\/(?:shadow|gshadow|sudoers)\b/i,
    reason: HOST_ACCESS,
  },
  // sudo (or root/admin rights) with no password asked: "let deploy use sudo without typing a password",
  // "sudo shouldn't ask for a password", "no password prompt for sudo", "passwordless sudo",
  // "sudo with no password", "don't make her type a password for sudo". Password logins over SSH
  // turned off ("sudo, no password login, key only") are not this.
  {
    re: /\bnopasswd\b|\bno[-_ ]?pass(?:wd|word)?\s+sudo\b|\bpass(?:word|wd)[-\s]?(?:less|free)\s+(?:sudo|root|admin)\b|\b(?:sudo|root\s+(?:access|rights|privileges)|admin\s+rights)\b[^.]{0,60}?\b(?:without|w\/o|with\s+no|no|never|not|skip\w*|don'?t|dont|do\s+not|doesn'?t|does\s+not|shouldn'?t|should\s+not|won'?t|isn'?t|mustn'?t|needn'?t|no\s+need\s+to)\b[^.]{0,30}?\b(?:(?:typ\w*|enter\w*|ask\w*|prompt\w*|need\w*|requir\w*|for)\s+(?:a\s+|any\s+|the\s+|her\s+|his\s+|their\s+|my\s+)?)?(?:pass(?:word|wd)s?|prompt\w*|re-?auth\w*)\b(?!\s+(?:log\s?-?ins?|logging|auth\w*|ssh|over\s+ssh|for\s+ssh))|\b(?:without|w\/o|with\s+no|no|never|not|skip\w*|don'?t|dont|do\s+not|doesn'?t|does\s+not|shouldn'?t|should\s+not|won'?t|isn'?t|mustn'?t|needn'?t|no\s+need\s+to)\b[^.]{0,30}?\b(?:pass(?:word|wd)s?|password\s+prompts?)\b[^.]{0,20}?\b(?:for|with|when\s+(?:using|running|doing)|on|to\s+use|using|in|to\s+run)\s+sudo\b/i,
    reason: NOPASSWD,
  },
  { re: /\b(?:forget|ignore|disregard|drop)\s+(?:everything|all|whatever|what)\s+(?:(?:that\s+)?you(?:'ve|\s+have|\s+were|\s+was|'re)?\s+(?:been\s+)?(?:told|taught|instructed|said|given)|(?:above|before|previously|earlier|so\s+far))\b/i, reason: INJECTION },
  { re: /\b(?:secrets?|passwords?|credentials?|private[_ -]keys?|api[_ -]?keys?)\b[^.]*\b(?:readable|visible|world[- ]readable|public(?:ly)?|in\s+plain\s*text)\b|\b(?:readable|visible)\s+(?:by|to)\b[^.]*\b(?:secrets?|passwords?)\b/i, reason: SECRETS_OUT },
  { re: /\bdisregard\b[^.]*\b(?:told|instructions?|rules|guidelines|above|previous)\b|\bpretend\s+(?:you(?:'re|\s+are)|to\s+be)\b|\bact\s+as\s+(?:if\s+you|an?\s+(?:unrestricted|unfiltered|different)|root\b)|\bdeveloper\s+mode\b|\bfrom\s+now\s+on\s+you\b/i, reason: INJECTION },
  { re: /\b(?:run|execute|exec)\s+[`'"“‘][^`'"”’]{1,200}[`'"”’]\s+(?:on|in)\s+(?:the\s+|this\s+|my\s+)?(?:host|server|machine|box|system|vps)\b/i, reason: HOST_COMMAND },
  { re: /\b(?:flush|wipe|clear|reset)\b[^.]*\b(?:iptables|nftables|nft|firewall)\b|\b(?:delete|remove|drop|clear|flush|wipe)\s+(?:all|every)\s+(?:(?:single|last)\s+)?(?:of\s+)?(?:the\s+)?(?:iptables\s+|nft\s+|firewall\s+)?rules?\b(?!\s+(?:for|on|about|of|that|which|named|called)\b)/i, reason: FIREWALL_OFF },
  { re: /\brm\s+-[a-z]*[rf]|\bfind\s+\/(?=[\s"'`])[^\n]{0,160}?\s-delete\b|\bmkfs\b|\bdd\s+if=|\bchmod\s+[0-7]{3,4}\b|\bchown\s|:\(\)\s*\{|\biptables\s+-[fx]\b|\bnft\s+flush\b|\bshutdown\s+-/i, reason: HOST_COMMAND },
  // A signal to a host process, said as the whole request ("kill -9 1", "pkill -f python", "killall node on the
  // server"); "run kill -HUP 1 in nginx every night" is a job in a container, read as one.
  { re: /^\s*(?:(?:please|pls|just|now|then|ok|so)[\s,]+)*(?:sudo\s+)?(?:kill\s+(?:-(?:\d{1,2}|[A-Za-z]{3,7}|s\s+[A-Za-z]{3,7})\s+)*\d{1,7}|(?:pkill|killall)\s+(?:-\w+\s+)*[\w.-]+)(?:\s+(?:on|in)\s+(?:the\s+|this\s+)?(?:host|server|machine|box|system))?\s*[.!]*\s*$/i, reason: HOST_COMMAND },
  {
    re: /\b(run|execute|exec|type|enter)\b[^.]*\b(commands?|shell|bash|terminal|cmd)\b|\b(run|execute|exec)\b[^.]*\bscripts?\b[^.]*\b(on|in)\s+the\s+(host|server|machine)\b|\b(open|give me|spawn|drop me into|start|get)\s+(?:me\s+)?(?:a|an|the)?\s*(?:root\s+)?(shell|terminal|bash|console)\b|\bcurl\b[^|]*\|\s*(sh|bash)\b|(?:^|[;&|]\s*|\brun\s+)sudo\s+(?!(?:for|to|access|rights|privileges|privs|perms|permissions|please|pls|too|also|as|and|is|on|the|from|should|needs?)\b)\S|\bapt(-get)?\s+(install|remove|upgrade)\b|\b(yum|dnf|apk|pip3?|npm)\s+install\b/i,
    reason: HOST_COMMAND,
  },
  { re: /\b(wipe|erase|nuke|shred|destroy|format|purge|zero out|annihilate|obliterate|eradicate|exterminate)\b[^.]*\b(data|disks?|drives?|everything|volumes?|databases?|all|system|server|backups?|machine)\b/i, reason: WIPE },
  {
    re: /\b(delete|remove|drop|clear|empty|trash)\b[^.]*\b(all|every|the|its|their)\s+(data|volumes?|backups?|files|tables?|records)\b(?!\s+(?:schedules?|jobs?|settings?|config\w*|plans?|polic\w+|retention|times?|for\s+\w+\s+(?:schedule|job)))|\bdrop\s+(?:the\s+|a\s+|an\s+|our\s+|my\s+|all\s+)?(?:[\w-]+\s+)?(databases?|dbs?|tables?|schemas?)\b|\bfactory[- ]reset\b|\b(delete|remove|erase)\s+everything\b|\b(delete|remove|destroy)\s+(the\s+)?[a-z0-9-]+\s+(data|volume)s?\b/i,
    reason: WIPE,
  },
  {
    re: /\b(disable|turn off|switch off|stop|remove|flush|deactivate|kill|drop|get rid of|shut off|shut down|delete|uninstall|purge|nuke|rip out|tear down|ditch|scrap)\b(?!\s+(?:the|that|this|those|these|our|my)\s+(?!(?:all|every|other|any)\b)[\w-]+(?:\s+[\w-]+)?\s+rules?\s+(?:in|on|from|of)\s+(?:the\s+)?firewall\b)(?!\s+(?:(?:all|any|incoming|inbound)\s+)*(?:(?:traffic|connections|packets)\s+)?(?:(?:on|to|for|at)\s+)?(?:the\s+)?(?:ports?\s+\d|(?:tcp|udp)\b|\d{2,5}\b))[^.,]*\bfirewall\b(?!\s+(?:rules?|entry|exception|exemption|hole|pinhole|opening|allowance)\s+(for|on|named|called|that|which|allowing|letting|opening|to|about)\b(?!\s+(?:everything|every|all|any(?:thing)?)\b)|\s+rule\s+["'`]?[a-z][\w]*-[\w-]+)|\bfirewall\b(?!\s+off\s+(?:(?:tcp|udp)\s+)?(?:(?:the\s+)?ports?\s+\d|\d{2,5}\b))[^.]*\b(off|disabled)\b|\b(allow|accept|permit|let)\s+(all|every|any)\s+(incoming\s+|inbound\s+)?(traffic|connections?|ports?|incoming)\b|\bopen\s+(up\s+)?(all|every)\s+(the\s+)?ports?\b|\bno\s+firewall\b|\b(let|allow|permit|accept)\s+(everything|anything|all|any(?:one|body)?\s+(?:at\s+all))\s+(in|through)\b|\b(allow|let|permit|accept|open|expose)\b[^.]*\b((all|any)\s+(the\s+)?ports|every\s+port)\b/i,
    reason: FIREWALL_OFF,
  },
  {
    re: /\b(show|print|display|reveal|dump|cat|echo|output|leak|send|email|decrypt|expose)\b[^.]*\b(secrets?|passwords?|api[_ -]?keys?|tokens?|credentials?|private[_ -]keys?|passphrases?)\b|\b(what(?:'s| is| are)|tell me|give me|read me|read out)\b[^.]*\b(secrets?|passwords?|api[_ -]?keys?|tokens?|credentials?|private[_ -]keys?|passphrases?)\b/i,
    reason: SECRETS,
  },
  { re: /\bignore\s+(all\s+|any\s+|your\s+|the\s+)*(previous|prior|above|earlier|system)\s+(instructions|rules|prompts?|messages?)\b|\byou are now\b|\b(reveal|print|show)\b[^.]*\bsystem prompt\b|\bjailbreak\b/i, reason: INJECTION },
  { re: /\b(skip|bypass|disable|turn off|without|no)\b[^.]*\b(approv\w*|confirm\w*|signatures?|signing|verification)\b|\b(don'?t|do not|never|stop|no need to)\s+(ask|prompt|check with)\w*\b[^.]*\b(confirm\w*|approv\w*|permission|first|before)\b|\bjust apply\b|\bauto[- ]?(approve|apply|confirm)\b|\b(apply|deploy|do|make|go ahead)\b[^.]*\bwithout\s+(asking|prompting|checking|confirming)\b|\bwithout\s+(asking|prompting)\s+(me|first|anyone)\b/i, reason: APPROVALS },
  { re: /\b(disable|turn off|stop|delete|remove|clear|wipe|erase)\b[^.]*\baudit\b/i, reason: AUDIT },
  { re: /\b(truncate|delete\s+from|drop)\b[^.]*\btables?\b/i, reason: WIPE },
  // "kill every container, delete all images, volumes and backups": everything at once, data in the list.
  { re: /\b(?:delete|remove|destroy|wipe|nuke|purge|erase|kill|drop|trash|get\s+rid\s+of)\b[^.;]{0,40}\b(?:all|every|each|any)\b[^.;]{0,40}?\b(?:volumes?|backups?|data|snapshots?|databases?)\b(?!\s+(?:schedules?|jobs?|settings?|config\w*|plans?|polic\w+|retention|times?))/i, reason: WIPE },
  // "delete all the old backups", "clear out the old snapshots", "purge old dumps".
  {
    re: /\b(delete|remove|clear|clean\s+(?:up|out)|purge|prune|get\s+rid\s+of|trash|drop|empty|nuke|toss|bin)\b[^.]*?\b(?:all|every|the|old|older|previous|existing|past|stale|those|these|any)\s+(?:(?:the|old|older|previous|existing|past|stale|of|those|our|my|other)\s+){0,3}(?:back ?ups?|snapshots?|dumps?|archives?)\b(?!\s+(?:schedules?|jobs?|settings?|config\w*|plans?|polic\w+|retention|times?))/i,
    reason: WIPE,
  },
  // A host directory mounted into a container. A path after "at", "to", "under", "on" is where a
  // volume appears inside the container ("mount it into nginx at /var/log/nginx"), not a host path.
  { re: /\bprivileged\b(?!\s+ports?\b)|\bdocker\.sock\b|\bdocker\s+socket\b|\b(mount|bind)\w*\b[^.]*(\bhost'?s?\s+(root|file\s?system|disk|\/)|\broot\s+file\s?system|(?<![\w.-])(?<!\b(?:at|to|under|onto|on)\s+)\/(etc|var|run|dev|proc|sys|boot|root|usr|bin|sbin|lib|home)\b|\bfrom\s+the\s+host\b)|\bmount\s+\/(?:\s|$)|\bhost(?:'s)?\s+(?:\/(?:etc|var|run|dev|proc|sys|boot|root|usr|bin|sbin|lib|home)\b|\/(?=[\s,]))[^.]*\b(?:mount|bind|map|shar)\w*/i, reason: HOST_ACCESS },
  // Text that tries to close the fence around untrusted data, or speaks as a new instruction.
  { re: /<\/?\s*(untrusted[-_ ]?data|system|instructions?|user|assistant)\b[^>]*>|\bnew\s+(system\s+)?instructions?\s*:|\b(end|close)\s+of\s+(untrusted|user)\s+(data|input)\b/i, reason: INJECTION },
  // "decode and run: <base64>", "eval this", "echo … | base64 -d | sh".
  { re: /\b(decode|decrypt|unbase64|base64)\b[^.]*\b(run|execute|exec|eval|apply|do)\b|\b(run|execute|exec|eval)\b[^.]*\b(decode[sd]?|base64|encoded|obfuscated)\b|\bbase64\s+-d\b/i, reason: ENCODED },
  // Root over SSH with a password, or PermitRootLogin yes written out (which lets root in with
  // a password while password logins are on). Root with a key only is an SSH setting
  // (handleSshConfig), not a refusal.
  { re: /\bpermit_?\s?root_?\s?login\b[^.]*\b(yes|true|on)\b|^(?=[^.]*\broot\b)(?=[^.]*\bpass(?:word|wd|wort)s?\b)(?=[^.]*\b(ssh|log\s?-?ins?|log(?:ging)? in)\b)(?![^.]*\bpass(?:word|wd)s?\b[^.]*\b(off|disabled?)\b)/i, reason: ROOT_PASSWORD_SSH },
  // The input policy set to accept together with the rules that still drop removed: nothing is
  // filtered any more, the firewall is off in all but name ("policy ACCEPT and delete the deny rules").
  { re: /^(?=[^]*\b(?:polic(?:y|ies)|by\s+default)\b[^.]*\baccept)(?=[^]*\b(?:delete|remove|drop|clear|flush|get\s+rid\s+of)\s+(?:(?:all|every|the|any|of|those|these)\s+)*(?:(?:deny|drop|block|reject|blocking|firewall|other)\s+)*rules\b)/i, reason: FIREWALL_OFF },
  { re: /\bapprove\b[^.]*\b(yourself|itself|automatically|on my behalf|for me)\b|\bno need to (ask|check with|confirm)\b|\bmaintenance mode\b|\bdisable approvals?\b/i, reason: APPROVALS },
  { re: /\b(forget|ignore|override|drop|disregard)\s+(all\s+|any\s+)?(your|the)\s+(safety\s+)?(rules|instructions|guidelines|policy|policies)\b|^\s*system\s*:/i, reason: INJECTION },
];

const HOST_DISK_MOUNT = /^\s*(?:(?:please|pls|can\s+you|now)\s+)?mount\s+(?:\/dev\/(?:sd|vd|xvd|hd|nvme|mmcblk|disk\/)[\w/.-]*|(?:UUID|LABEL)=[\w.-]+)\s+(?:at|on|to|under)\s+\/(?!\s|$)/i;
/** An image as people write it in a sentence: with a path or a tag ("ghcr.io/acme/api:2.0", "redis:7"). */
// A time of day ("(00:00 and 12:00)", "18:00") is no image (round 34: it was read as "using image 00:00").
// An address or a range ("only from 10.0.0.0/8") is never an image (round 35: "open port 80 but only from 10.0.0.0/8" read "80 but only from 10.0.0.0/8" as 80 replicas of it).
const IMAGE_SAID = String.raw`(?!\d{1,2}:\d{2}(?![\w.:/-]))(?!\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\w.:/-]))(?:[a-z0-9][a-z0-9._-]*(?::\d+(?=\/))?(?:\/[a-z0-9._-]+)+(?::\w[\w.-]{0,127})?|[a-z0-9][a-z0-9._-]*:\w[\w.-]{0,127})`;
/** "with a random password", "with a strong generated db password": made, never shown. */
const MADE_WITH_SECRET = /\b(?:with|and|using|plus)\s+(?:a|an|its\s+own|its|their\s+own|their|some)?\s*(?:(?:new|random(?:ly[\s-]generated)?|generated|auto-?generated|strong|secure|long|unique)\s+)+(?:(?:db|database|admin|root|user)\s+)?(?:passwords?|pass|secrets?|tokens?|credentials?)\b/gi;
const KEEPS_DATA = /\b(keep|keeping|preserve|preserving|retain|leave|leaving)\b[^.]*\b(data|volumes?|backups?|files)\b/i;

/**
 * A database or cache opened to the whole internet ("make postgres reachable from the internet",
 * "open 5432 to 0.0.0.0/0", "expose redis publicly"), read clause by clause so "add postgres and
 * open http to everyone" is not caught. Saying not to ("don't expose redis to the internet") is fine.
 */
const DATA_WORD = /\b(?:postgres\w*|psql|pg|mysql|maria\s?db|redis|mongo\w*|memcached?|rabbit\s?mq|databases?|dbs?|cache|5432|3306|6379|27017|11211|5672)\b/i;
const WORLD_WORD = /\b(?:internet|world|everyone|everybody|anyone|anybody|public(?:ly)?|anywhere|outside\s+world|all\s+ips)\b|(?<![\d.])0\.0\.0\.0(?:\/0)?(?![\d.\/])|::\/0/i;
const OPEN_WORD = /\b(?:open\w*|expos\w*|reachable|accessible|available|publish\w*|allow\w*|let|bind|listen\w*|visible|make|made|making|set|turn|go)\b/i;
const NOT_WORD = /\b(?:don'?t|do\s+not|never|not|isn'?t|aren'?t|shouldn'?t|mustn'?t|no\s+longer|stop|block\w*|deny|denied|close\w*|without|except|only\s+from)\b/i;
function dataExposed(message: string): boolean {
  return message
    .split(/[.!?](?=\s|$)\s*|[,;]\s*|(?<!\s)\s+(?:and|then|plus|but)\s+/i)
    .some((c) => DATA_WORD.test(c) && WORLD_WORD.test(c) && OPEN_WORD.test(c) && !NOT_WORD.test(c) && !KEPT_OUT.test(c));
}

/**
 * A database opened to the internet said by reference in a later turn: "expose it to the internet
 * for now" after a turn about postgres. "it" is what the turn before named.
 */
function exposedByReference(message: string, history: EngineInput['history']): boolean {
  if (!/\b(?:it|that|this|them)\b/i.test(message)) return false;
  const last = [...history].reverse().find((h) => h.role === 'user');
  return last !== undefined && DATA_WORD.test(last.text) && dataExposed(message.replace(/\b(?:it|that|this|them)\b/gi, 'the database'));
}

/**
 * Everything let in from a private range, then the range corrected to the world in a later turn:
 * "allow all traffic from 10.0.0.0/8", then "actually from everyone" (round 24). The turn before,
 * read with the world as its source, would be refused.
 */
function openedByReference(message: string, history: EngineInput['history']): boolean {
  if (!WORLD_WORD.test(message) || findPorts(message).length > 0) return false;
  const last = [...history].reverse().find((h) => h.role === 'user');
  return last !== undefined && findCidrs(last.text).length > 0 && detectDanger(last.text.replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g, '0.0.0.0/0')) !== undefined;
}

/**
 * Host mutation by installing: "install htop and ncdu on the host", "put nmap on the box itself",
 * "compile ffmpeg directly on the server", and anything installed "not in a container",
 * "outside docker", "natively". What is installed may be a list. A service this engine knows
 * (a template, a catalogue app, a role word) said to go "on the host" is a service ("install
 * redis on the host", "install a web server directly on the server"), and so is a user, a group,
 * a key or a rule ("add a user on the host") — unless the request says it must not be a
 * container, which only the host could be.
 */
const NOT_CONTAINER =
  /\b(?:not\s+(?:in|inside|as|into|via|through|using)\s+(?:a\s+|an\s+|the\s+)?(?:containers?|docker|podman)|outside\s+(?:of\s+)?(?:docker|podman|(?:a\s+|an\s+|the\s+|any\s+)?containers?)|without\s+(?:docker|podman|(?:a\s+)?containers?)|natively|no\s+(?:docker|containers?)\b(?!\s+(?:for|on|in)\b)|(?:on|onto)\s+(?:the\s+)?bare[- ]?metal)\b/i;
const HOST_PLACE =
  /\b(?:on|onto|to|into|in)\s+(?:the\s+|this\s+|my\s+|our\s+)?(?:host(?:\s+(?:os|system|machine|itself))?|(?:server|machine|box|system|vps|node|computer)\s+itself|bare[- ]?metal|host\s+os|os|operating\s+system|underlying\s+(?:os|system|machine|host))\b|\bdirectly\s+(?:on|onto)\s+(?:the\s+|this\s+|my\s+|our\s+)?(?:host|server|machine|box|system|vps|node|computer|os)\b/i;
const INSTALL_VERB = /\b(?:install(?:ed|ing)?|put|add|get|set\s*up|deploy|download|compile|build|apt|yum)\b/i;
function hostPackage(message: string): boolean {
  for (const sentence of message.split(/[.!?;](?=\s|$)|,\s*(?:and\s+)?(?:then\s+)?(?=(?:also\s+)?(?:add|open|set|create|restart|block|allow|give)\b)/i)) {
    const t = sentence.toLowerCase();
    const v = INSTALL_VERB.exec(t);
    if (!v) continue;
    const notContainer = NOT_CONTAINER.test(t);
    const place = HOST_PLACE.exec(t.slice(v.index));
    if (!place && !notContainer) continue;
    const between = place ? t.slice(v.index + v[0].length, v.index + place.index) : t.slice(v.index + v[0].length);
    if (/\b(?:users?|accounts?|groups?|(?:ssh\s+)?keys?|rules?|firewall|hostname|time\s?zone|swap|certificates?|certs?|cron\s*jobs?|jobs?|backups?)\b/.test(between)) continue;
    // Said to go outside containers, or built from source on the host: the host changes.
    if (notContainer || (place && /\b(?:from\s+source|compile[sd]?|compiling)\b/.test(t))) return true;
    const words = between.split(/\s*(?:,|\band\b|&|\+|\bplus\b|\bor\b)\s*|\s+/).filter((w) => w && !/^(?:the|a|an|some|me|us|please|pls|too|also|just|quickly|package|packages|tools?|utils?|utilities)$/.test(w));
    if (words.length === 0 || words.length > 6) continue;
    if (findServiceMentions(between).length > 0 || namesApp(between) || findImageRefs(between).length > 0 || words.some((w) => products().includes(w))) continue;
    if (words.every((w) => NOT_APPS.has(w) || PLAIN_NOT_SERVICES.has(w))) continue;
    return true;
  }
  return false;
}

/**
 * Round 24: what keeps a thing safe is not a request to harm it. "stop rabbitmq for now (don't
 * delete its data)", "do not wipe the volume": the data is named to be kept, so the words that
 * name its loss are read as that. A request that keeps one thing and destroys another is still
 * judged on the rest ("don't delete its data, delete the backups").
 */
const NEGATED_DESTROY =
  /\b(?:don'?t|dont|do\s+not|never|without|no\s+need\s+to|not\s+to|shouldn'?t|mustn'?t|must\s+not)\s+(?:ever\s+|accidentally\s+)?(?:delet|wip|remov|drop|eras|destroy|touch|los|purg|nuk|empty|emptie|trash|clear)\w*\s+(?:(?:its|the|their|any|it'?s|his|her|of|my|our|that|this|any\s+of)\s+){0,2}(?:[\w-]+\s+)?(?:data|volumes?|backups?|files|db|database|anything)\b/gi;
/**
 * Sudo kept asking for a password: "make sure nobody gets sudo without a password", "no one
 * should have passwordless sudo", "disable passwordless sudo", "require a password for sudo".
 * "nobody needs a password for sudo" is the opposite and stays refused (harm-classes.ts).
 */
const SUDO_PASSWORD_KEPT =
  /\b(?:nobody|no\s?one|no\s+(?:user|account)s?)\s+(?:\w+\s+){0,2}?(?:gets?|has|have|can\s+(?:get|have|use|run)|ends?\s+up\s+with|is\s+given|should\s+(?:get|have))\s+(?:passwordless\s+|password-?less\s+|nopasswd\s+)?(?:sudo|root)(?:\s+(?:access|rights))?\b(?:[^.;]{0,20}?\bwithout\s+(?:a\s+|typing\s+(?:a\s+|their\s+|in\s+)?|entering\s+(?:a\s+|their\s+)?|giving\s+(?:a\s+|their\s+)?)?pass(?:word|wd)s?\b)?|\b(?:disable|forbid|ban|disallow|prevent|remove|turn\s+off|no\s+more|get\s+rid\s+of|block|revoke)\s+(?:any\s+|all\s+)?(?:passwordless|password-?less|nopasswd)\s+sudo\b|\brequire\w*\s+(?:a\s+)?pass(?:word|wd)\s+for\s+sudo\b/gi;
/** Every address said is private (10/8, 172.16/12, 192.168/16): "allow all traffic from 10.0.0.0/8" is the LAN, not the world. */
function privateSourcesOnly(message: string): boolean {
  const addresses = [...message.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?\b/g)];
  if (addresses.length === 0 || /\b(?:anywhere|internet|world|every(?:one|body)|any(?:one|body)|public(?:ly)?|outside|default|polic(?:y|ies)|disable|turn\s+off|firewall\s+off)\b|::\/0/i.test(message)) return false;
  return addresses.every((m) => isPrivateIPv4(m[1]!, { loopback: false }) && Number(m[2] ?? 32) >= privatePrefix(m[1]!)) && /\b(?:from|for|to)\s+(?:the\s+|our\s+|my\s+)?(?:(?:lan|vpn|office|internal)\s+(?:network\s+|subnet\s+|range\s+)?)?\d/i.test(message);
}
/**
 * A service's own command ("instead of its default command", "the worker's command", "the
 * command of the api"): run in its container, not on the host (round 24; INTENT makes the engine
 * set `command`). A command on the host, or one that is harmful wherever it runs, is still refused.
 * Round 30: also a new service's command ("… named storage with command `server /data`", "…,
 * command: python worker.py") and "the worker to run a different command": only these words are
 * blanked before HOST_COMMAND's wide pattern ("run … command"); what the command holds is still
 * read by every other pattern.
 */
const SERVICE_COMMAND =
  /\b(?:its|their|[\w-]{1,64}'s)\s+(?:default\s+|usual\s+|normal\s+|own\s+|start(?:up)?\s+|image'?s?\s+)?(?:command|cmd|entrypoint)\b|\b(?:the|its|their)\s+(?:default|usual|normal|image'?s?|start(?:up)?|container'?s?)\s+(?:command|cmd|entrypoint)\b|\b(?:command|cmd|entrypoint)\s+of\s+(?:the\s+)?[\w-]{1,64}\b|\b(?:run|start)\s+(?:the\s+)?[\w-]{1,64}\s+with\s+(?:the\s+)?(?:command|cmd|entrypoint)\b|\bwith\s+(?:the\s+)?(?:command|cmd|entrypoint)\b|(?<![\w-])(?:command|cmd|entrypoint)\s*:|\b(?:a\s+)?(?:different|other|new|another|custom)\s+(?:command|cmd|entrypoint)\b|\b(?:the\s+)?(?:command|cmd)(?=\s*[`'"“‘][^`'"”’\n]{1,200}[`'"”’]\s+(?:in|inside)\s+(?:the\s+)?(?!(?:host|server|machine|box|system|vps|shell|terminal|os)\b)[a-z][\w-]{0,63}(?:\s+container)?\s*[.!]*\s*$)/gi;

/**
 * A scratch directory emptied by a job ("runs rm -rf /tmp/cache/* in nginx", "rm -rf
 * /var/cache/nginx/*"): temporary files and caches, never a data directory or a volume (round 27).
 * Review 21 (HIGH-1, HIGH-2): one path per item, items separated by whitespace (the old repeated
 * item with an optional separator backtracked 2^k: 158 characters took 17 s); no "." or ".."
 * segment ("/tmp/../var/lib/postgresql/data" is not scratch); and the rm's argument list must end
 * after the scratch paths ("rm -rf /tmp/x /" left "/" behind, unseen by HOST_COMMAND).
 */
const RM_SCRATCH_ITEM = String.raw`(?:\/tmp|\/var\/tmp|\/var\/cache|(?:\/[\w-][\w.-]*)+?\/cache)(?:\/(?!\.\.?(?:[\/\s;&|'"\`)]|$))[\w.*-]+)*\/?`;
const RM_SCRATCH = new RegExp(
  String.raw`\brm\s+-(?=[a-z]*[rf])[a-z]+\s+${RM_SCRATCH_ITEM}(?:\s+${RM_SCRATCH_ITEM})*(?=\s*(?:$|[;&|'"\`)])|\s+(?:in|inside|on|at|every|each|daily|nightly|hourly|weekly|monthly|then|and|from|for)\b)`,
  'gi',
);

/** The container engine's TCP port closed: "deny everything to 2375", "block 2376 from everywhere", "make sure 2375 is closed". */
const ENGINE_PORT_CLOSED = /\b(?:deny|denies|block|blocks|drop|drops|reject|rejects|close|closes|forbid|forbids|firewall\s+off|shut)\s+(?:(?:off\s+)?(?:everything|anything|all(?:\s+(?:the\s+)?(?:traffic|access|connections))?|any(?:\s+(?:traffic|access|connections))?|(?:incoming|inbound)\s+(?:traffic|connections)?|traffic|access|connections)\s+)?(?:(?:to|on|for|at|towards|into)\s+)?(?:(?:tcp\s+)?ports?\s+|tcp\s+)?237[56](?:\s*(?:\/\s*tcp|and\s+237[56]|,\s*237[56]))?\b(?!\s*(?:to|for)\s+(?!everyone|everybody|all|anyone|the\s+(?:world|internet))[\w.]+)|\b237[56]\s+(?:is\s+|stays?\s+|must\s+be\s+|should\s+be\s+)?(?:closed|blocked|denied|dropped|shut)\b/gi;

/**
 * Round 29: a place said after the object is not the object. "drop port 23 on the firewall"
 * drops a port (the firewall is where); "purge memcached from the server entirely", "wipe
 * memcached off this box" remove a service (the server is where it runs). The firewall-off and
 * wipe patterns are read again with the place left out (assets.ts reads the object itself).
 */
const PORT_ON_FIREWALL = /\b((?:tcp\s+|udp\s+)?ports?\s+\d{1,5}(?:\/(?:tcp|udp))?(?:\s*(?:,|and|&)\s*\d{1,5}(?:\/(?:tcp|udp))?){0,9})\s+(?:on|in|at|through|via|with|from|off|to)\s+(?:the\s+|our\s+|my\s+|this\s+)?(?:firewall|fw|nftables)\b/gi;
const NAMED_OFF_HOST =
  /\b((?:purge|remove|delete|wipe|nuke|erase|destroy|uninstall|get\s+rid\s+of|drop|trash|zap|kill|scrap|ditch|annihilate|obliterate|eradicate|exterminate)\s+(?:the\s+)?(?:old\s+)?(?!(?:all|every|everything|anything|data|volumes?|disks?|drives?|databases?|backups?|files|it|them)\b)[a-z][\w-]{0,63}(?:\s+(?:service|container|app|stack|deployment))?)\s+(?:from|off|on)\s+(?:the|this|our|my)\s+(?:server|box|machine|host|system|vps)\b(?:\s+(?:entirely|completely|altogether|for\s+good))?/gi;
const placeLeftOut = (message: string): string => message.replace(PORT_ON_FIREWALL, '$1').replace(NAMED_OFF_HOST, '$1');

/** Why a request is refused, or undefined; a long request is read in windows (guard.ts, `inWindows`). */
export function detectDanger(message0: string): string | undefined {
  const direct = inWindows(message0, dangerIn);
  if (direct !== undefined) return direct;
  const meant = readAsMeant(message0);
  return meant !== message0 ? inWindows(meant, dangerIn) : undefined;
}

/**
 * Round 36 (HARM3): the request as meant, read again by every refusal when it differs: a weakening
 * said as "temporary" with no end is the weakening ("temporarily disable the firewall", "for now,
 * let anyone into grafana without a password"); a glob as the object is every one ("remove users
 * *"); the common typos of the class words folded ("give evryone sudo").
 */
const TEMPORARY = /\b(?:temporarily|temporary|for\s+now|for\s+the\s+(?:time\s+being|moment)|just\s+for\s+(?:now|today|a\s+(?:bit|while|moment))|for\s+a\s+(?:bit|while|little\s+while|moment)|until\s+further\s+notice)\b/gi;
const readAsMeant = (message: string): string => globAsAll(foldTypos(message.replace(TEMPORARY, ' ')));

/** A mount taken off a service by name (round 34). */
const MOUNT_DETACHED = /\b(?:remove|detach|unmount|drop|take)\s+(?:the\s+)?(?:volume\s+|bind\s+)?mount(?:\s+\S+)?\s+(?:from|off|out\s+of)\s+(?:the\s+)?[\w-]+/i;

function dangerIn(message0: string): string | undefined {
  const message = message0.replace(NEGATED_DESTROY, ' keeping the data ');
  const first = refuseFirst(message);
  if (first) return first;
  const harm = judgeHarm(message);
  if (harm) return harm.reason;
  if (dataExposed(message)) return DATA_EXPOSED;
  if (hostPackage(message)) return HOST_PACKAGES;
  for (const d of DANGERS) {
    if (!d.re.test(message)) continue;
    // "remove redis but keep its data" removes a service, not data.
    if (d.reason === WIPE && KEEPS_DATA.test(message)) continue;
    // "remove the volume mount /srv/old from worker": a mount taken off a service, its data left (round 34).
    if (d.reason === WIPE && MOUNT_DETACHED.test(message) && !/\b(?:data|contents?|files|everything|wip\w*|eras\w*|purg\w*|nuk\w*|empt\w*)\b/i.test(message)) continue;
    // "drop port 23 on the firewall", "purge memcached from the server entirely": the place is not the object.
    if ((d.reason === WIPE || d.reason === FIREWALL_OFF) && !d.re.test(placeLeftOut(message))) continue;
    // "purge old pgdata backups, only keep the last 3": retention (harm-classes.ts).
    if (d.reason === WIPE && prunesOldBackups(message, d.re)) continue;
    // "give me a postgres with a random password": a password made for what is added is a
    // generated secret (never shown), not a request to show one.
    if (d.reason === SECRETS && !d.re.test(message.replace(MADE_WITH_SECRET, ' '))) continue;
    // "what's the db password variable called?": a name asked for, not a value (round 32).
    if (d.reason === SECRETS && NAME_ONLY_ASKED.test(message) && !/\bvalues?\b/i.test(message)) continue;
    // "mount /dev/sdb1 at /mnt/data": a disk mounted on the host (storage.yaml mounts), no container.
    if (d.reason === HOST_ACCESS && HOST_DISK_MOUNT.test(message) && !/\b(?:containers?|into|docker|services?|privileged|socket|inside)\b/i.test(message)) continue;
    if (d.reason === NOPASSWD && !d.re.test(message.replace(SUDO_PASSWORD_KEPT, ' '))) continue;
    if (d.reason === FIREWALL_OFF && privateSourcesOnly(message)) continue;
    if (d.reason === HOST_COMMAND && !d.re.test(message.replace(SERVICE_COMMAND, ' ').replace(RM_SCRATCH, ' '))) continue;
    // "deny everything to 2375", "block 2376": the engine's port closed is the safe direction (round 27).
    if (d.reason === HOST_ACCESS && !d.re.test(message.replace(ENGINE_PORT_CLOSED, ' '))) continue;
    // "disable root password logins over ssh" turns it off.
    if (d.reason === ROOT_PASSWORD_SSH && /\b(disable|turn off|switch off|no|forbid|disallow|block|deny|prevent|stop)\b[^.]*\broot\b/i.test(message)) continue;
    return d.reason;
  }
  // Round 23: the classes of harm the lists above did not reach (harm-classes.ts).
  // Round 29: an action on an asset, in scope (assets.ts).
  // Round 35: what is protected × what destroys, disables or leaks it (protected.ts).
  return judgeClass(message)?.reason ?? judgeAssets(message)?.reason ?? protectedHarm(message);
}

/** "set up the database", "install our db" with none there (held-out 31 amb-05): which one is asked, as for "a database". */
const THE_DATABASE_ALONE = /^\s*(?:(?:please|pls|ok|now|can\s+you|could\s+you)\s+)*(?:add|set\s*up|install|deploy|create|spin\s+up|stand\s+up|provision|(?:i|we)\s+(?:need|want))\s+(?:the|my|our)\s+(?:database|db)(?:\s+(?:please|pls|now|for\s+me))?\s*[.!?]*$/i;

// ── vocabulary ─────────────────────────────────────────────────────────────

type Verb = 'add' | 'remove' | 'stop' | 'start' | 'restart' | 'scale' | 'change';

const VERBS: [Verb, RegExp][] = [
  // "drop it to 64mb" / "drop redis to that" lowers a setting; only a bare "drop X" removes, and
  // "drop ghcr.io/acme/x:1 onto port 8200" adds an image. "kill his user" removes a user.
  // "remove its port", "drop postgres's host port" unpublish a port; the service stays.
  ['remove', /\b(remove(?!\s+(?:the\s+|its\s+|their\s+|that\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:host\s+|published\s+|public\s+|exposed\s+)?ports?\b)|delete(?!\s+(?:the\s+|its\s+|their\s+|that\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:host\s+|published\s+|public\s+|exposed\s+)?ports?\b)|uninstall|get rid of(?!\s+(?:the\s+|its\s+|their\s+|that\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:host\s+|published\s+|public\s+|exposed\s+)?ports?\b)|do away with|drop(?!\s+(?:the\s+|its\s+|their\s+|that\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:host\s+|published\s+|public\s+|exposed\s+)?ports?\b)(?![^.,]*\b(?:to|by)\s+(?:that|this|it|half|a\b|an\b|one\b|two\b|\d))(?!\s+[\w.-]+[:/])|tear down|decommission|destroy|kill(?=[^.,]*\b(?:user|account|login)s?\b)|take\s+(?:[\w&-]+\s+){1,4}away|(?:take|shut|bring|turn|stop|kill)\s+(?:(?:down|off)\s+)?(?:[\w&-]+\s+){1,4}(?:(?:down|off)\s+)?(?:permanently|for\s+good|forever|once\s+and\s+for\s+all))\b/],
  ['restart', /\b(restart|reboot|bounce|reload|recreate|redeploy|kick|give\s+(?:[\w-]+\s+){1,3}an?\s+(?:quick\s+|fast\s+|little\s+|good\s+)?(?:restart|reboot|bounce|kick|reload))\b/],
  // "bring api down to 2" is a count, not a stop.
  ['stop', /\b(stop(?!\s+(?:publishing|exposing|forwarding|binding)\b)|shut ?down|halt|pause|turn off|switch off|(?:take|bring)\s+down(?![\w\s-]{0,24}\b(?:to|by)\s+(?:\d|one|two|three|four|five|a\s+single|just|only))|kill|(?:shut|switch|turn)\s+(?:the\s+)?[\w-]+\s+(?:off|down)|(?:take|bring)\s+(?:the\s+|my\s+|our\s+|that\s+|this\s+)?(?!(?:memory|ram|mem|cpus?|limits?|size|replicas?|count|number|usage|load|disk|storage|latency|timeouts?|ttl|retention|interval|heap)\b)[\w-]+\s+down(?!\s+(?:again\s+)?(?:to|by)\s+(?:\d|one|two|three|four|five|a\s+single|just|only))|disable|(?:take|put|bring|switch)\s+(?:the\s+)?[\w-]+\s+offline|take\s+offline)\b/],
  ['start', /\b(start|(?:bring|put|get)\s+(?:the\s+)?[\w-]+\s+(?:back\s+)?online|bring up|bring back|(?:bring|get)\s+[\w-]+\s+(?:back\s+)?up|(?:fire|spin|boot|power|start|bring|get|kick)\s+(?:[\w-]+\s+){0,3}back\s+(?:up|on|online)|(?:get|have)\s+(?:[\w-]+\s+){1,3}(?:going|running|working|up)\s+again|wake\s+(?:[\w-]+\s+){0,2}up|bring\s+[\w-]+\s+back|turn on|switch on|resume|power on|re-?enable)\b/],
  ['scale', /\b(scale|replicas?|instances)\b/],
  ['change', /\b(change|set(?!\s*up\b)|limit|give(?!\s+me\b)|move|use|increase|decrease|raise|lower|drop(?=[^.,]*\b(?:to|by)\s+(?:that|this|it|half|a\b|an\b|one\b|two\b|\d))|bump|cap|restrict|allocate|upgrade|update|downgrade|switch|make|put|cut|trim|shrink|reduce|slash|tone\s+down|scale\s+back)\b/],
  ['add', /\b(add|set ?up|install|deploy|run|create|need|want|spin up|stand up|fire up|whip up|roll out|launch|provision|i'?d like|would like|host|serve|get me|give me|build|configure|include|enable|also)\b/],
];

/**
 * Verbs known by their lemma (wink), so every form of them reads the same ("nuked", "ditching",
 * "relaunched", "revives"): the words people use for the engine's verbs.
 */
const LEMMA_VERBS: Record<string, Verb> = {
  nuke: 'remove', ditch: 'remove', scrap: 'remove', axe: 'remove', ax: 'remove', yeet: 'remove', bin: 'remove', trash: 'remove', junk: 'remove', eliminate: 'remove', retire: 'remove',
  relaunch: 'restart', respawn: 'restart', cycle: 'restart', 'power-cycle': 'restart', recycle: 'restart',
  purge: 'remove',
  // Round 37 (held-out 31 risky-13): "annihilate the demo container" removes it; the data verbs' harm is read before (assets.ts).
  annihilate: 'remove', obliterate: 'remove', eradicate: 'remove', exterminate: 'remove',
  revive: 'start', resurrect: 'start', unpause: 'start', reactivate: 'start', restore: 'start',
  throw: 'add', chuck: 'add', slap: 'add', plonk: 'add', stick: 'add', pop: 'add', stand: 'add',
};

/** What is wrong with a named service, said as a clause of its own: "the worker is hung", "api's stuck". */
const STATE_REMARK = /^(?:the\s+|my\s+|our\s+)?[\w.-]+(?:\s+(?:service|container|app))?(?:\s+(?:is|was|seems|looks|got)|'s)\s+(?:(?:totally|completely|kind\s+of|kinda|so|really|still)\s+)?(?:hung|hanging|stuck|frozen|broken|dead|wedged|unresponsive|misbehaving|acting\s+up|flaky)\s*[.!]*$/i;
/** A remark after a request: what is wrong with the service ("its hung"), or that nobody uses it. */
const AFTERWORD = /^(?:(?:and|but|as|coz|cuz|since)\s+)?(?:(?:it'?s|its|it\s+is|it\s+was|it\s+has|it\s+got|they'?re|they\s+are)\s+(?:been\s+)?(?:totally\s+|completely\s+|kind\s+of\s+|kinda\s+|so\s+)?(?:hung|hanging|stuck|frozen|broken|dead|wedged|unresponsive|misbehaving|acting\s+up|down|flaky|old|unused|obsolete|not\s+used(?:\s+any\s*more)?)|(?:we|i)\s+(?:do\s+not|don'?t|dont|never)\s+use\s+(?:it|that|them)(?:\s+any\s*more)?|nobody\s+uses\s+(?:it|that|them)(?:\s+any\s*more)?|(?:it|that)\s+(?:is|was)\s+never\s+used|(?:it|that|this)\s+(?:is|was)\s+(?:just\s+|only\s+)?(?:a\s+)?(?:trial|test|demo|experiment|temporary|for\s+(?:testing|a\s+test|trying\s+it\s+out))|(?:we'?re|we\s+are|i'?m|i\s+am)\s+(?:all\s+)?(?:done|finished|through)\s+with\s+(?:it|that|them))\s*[.!]*$/i;

/**
 * "get rid of redis entirely, we moved sessions to postgres", "stop nginx, i switched to caddy
 * last week": what the person did, said after the request (round 27): a remark, never one more
 * target of the verb before it. Wanting and needing ("we needed a cache too", "i need a postgres")
 * are requests.
 */
const PAST_REMARK = /^(?:(?:and|but|as|since|because|coz|cuz)\s+)?(?:we|i|they|the\s+team|our\s+team)(?:'ve|\s+have|\s+had|\s+already|\s+just|\s+recently)*\s+(?!(?:wanted|needed|liked|hoped|wished|asked|requested|decided)\b|[a-z]*eed\b)(?:[a-z]{3,}ed|went|put|made|built|wrote|rewrote|got|switched)\b/i;

/** Right before a verb: "don't", "do not", "never", "without": what is not to be done. */
const NEGATED_VERB = /\b(?:don'?t|dont|do\s+not|never|without|no\s+need\s+to)\s+(?:(?:just|really|actually|ever|even|please)\s+)?$/;
const VERBS_G: [Verb, RegExp][] = VERBS.map(([v, re]) => [v, new RegExp(re.source, 'g')]);

function detectVerb(clause: string): Verb | undefined {
  const t = clause.toLowerCase();
  // "also stop redis", "and also scale the api": "also" joins a clause; the verb after it is the clause's (round 30).
  const also = /^\s*(?:and\s+|plus\s+)?also\s+(?=\S)/.exec(t);
  if (also) {
    const after = detectVerb(t.slice(also[0].length));
    if (after !== undefined) return after;
  }
  let best: [number, Verb] | undefined;
  // A verb said negated ("don't delete it, just stop it") is not what the clause asks.
  for (const [verb, re] of VERBS_G) {
    re.lastIndex = 0;
    for (const m of t.matchAll(re)) {
      if (NEGATED_VERB.test(t.slice(Math.max(0, m.index - 24), m.index))) continue;
      if (best === undefined || m.index < best[0]) best = [m.index, verb];
      break;
    }
  }
  // "throwing errors" is a symptom, "restore from a backup" is not a start: only plain verbs.
  for (const w of lemmaTokens(t)) {
    const v = LEMMA_VERBS[w.lemma];
    if (!v || (best && best[0] <= w.at)) continue;
    // Whole words only: "/usr/local/bin/x.sh" holds no verb "bin".
    if (!/^[a-z]/.test(w.text) || (w.at > 0 && !/[\s,;:(]/.test(t[w.at - 1]!)) || /^(?:[\w/:@-]|\.\w)/.test(t.slice(w.at + w.text.length, w.at + w.text.length + 2))) continue;
    if (w.lemma === 'throw' && /^throw\w*\s+(?:an?\s+|some\s+|lots\s+of\s+)?(?:errors?|exceptions?|5\d\d)/.test(t.slice(w.at))) continue;
    if (w.lemma === 'restore' && /\b(back ?ups?|snapshots?|dumps?)\b/.test(t)) continue;
    if (w.lemma === 'stand' && !/^stand\w*\s+(?:[\w-]+\s+){0,3}up\b/.test(t.slice(w.at))) continue;
    if (w.lemma === 'cycle' && !/^cycle\w*\s+(?:the\s+)?[\w-]+/.test(t.slice(w.at))) continue;
    // "purge the old legacy service", "purge legacy": a service; never "purge the redis cache" or old backups.
    // "purge temp-contractor's account" (held-out 31 risky-04): the user.
    if (w.lemma === 'purge' && !/^purge\w*\s+(?:the\s+|that\s+|this\s+)?(?:(?:old|unused|legacy|dead)\s+)*[\w-]+(?:\s+(?:service|container|app)|(?:'s|’s)\s+(?:user\s+)?(?:account|login))?\s*(?:[,.!;]|$)/.test(t.slice(w.at))) continue;
    best = [w.at, v];
  }
  return best?.[1];
}

const TOPIC =
  /\bback ?ups?\b|\bback(ed)? up\b|\bsnapshots?\b|\bports?\b|\bmemory\b|\bram\b|\bcpus?\b|\bcores?\b|\breplicas?\b|\binstances\b|\bfirewall\b|\bssh\b|\bhost ?name\b|\btime ?zone\b|\busers?\b|\bconnections?\b|\blimit\b|\bpasswords?\b|\bsecrets?\b|\bversion\b|\bimage\b|\btraffic\b|\bfail2ban\b|\bdaily\b|\bhourly\b|\bweekly\b|\bnightly\b|\bevery\b|\bis down\b|\bnot working\b/;

const WEB_ROLES = new Set(['web']);
const DATA_ROLES = new Set(['database', 'cache']);

interface TemplateInfo {
  name: string;
  role: string;
  repo: string;
  /** The host port the template publishes by default (postgres 5432), if any. */
  port?: number;
}

let templateInfoCache: TemplateInfo[] | undefined;
function templateInfos(): TemplateInfo[] {
  if (templateInfoCache) return templateInfoCache;
  templateInfoCache = listTemplates().map((name) => {
    const t = loadTemplate(name);
    const img = String(t.parameters.image?.default ?? '');
    const port = Number(t.parameters.host_port?.default);
    return { name, role: t.role, repo: repoOf(img), ...(Number.isInteger(port) && port > 0 ? { port } : {}) };
  });
  return templateInfoCache;
}

function repoOf(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  let repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  repo = repo.replace(/^(docker\.io\/|index\.docker\.io\/)/, '').replace(/^library\//, '');
  return repo;
}

/** The template an image belongs to (by repository), or undefined. */
function templateOfImage(image: string): TemplateInfo | undefined {
  const repo = repoOf(image);
  const last = repo.split('/').pop()!;
  return templateInfos().find((t) => t.repo === repo) ?? templateInfos().find((t) => t.repo.split('/').pop() === last && t.name !== 'webapp');
}

function roleOf(svc: Service): string | undefined {
  return templateOfImage(svc.image)?.role ?? templateInfos().find((t) => t.name === svc.name)?.role;
}

function templateOf(svc: Service): string | undefined {
  return templateOfImage(svc.image)?.name ?? templateInfos().find((t) => t.name === svc.name && t.name !== 'webapp')?.name;
}

// ── the engine ─────────────────────────────────────────────────────────────

interface Run {
  input: EngineInput;
  ws: Workspace;
  lines: string[];
  /** Lines of clauses that asked for what the state files already say ("limit redis to 256MB" when it is): said as "already so", never as a change. */
  already: string[];
  warnings: string[];
  questions: string[];
  /** Services named or added in this request, in order. */
  focus: string[];
  added: string[];
  /** Clauses nothing understood. */
  notUnderstood: string[];
  answered: boolean;
  notes: string[];
  /** A backup now the request asked for (backUpNow): offered by the CLI, which asks and runs it. */
  offer?: NonNullable<Proposal['offer']>;
  /** The user named last in this request ("add user alice with sudo and ssh key …"). */
  lastUser?: string;
  /** A group this request made ("make a group called deploy"): "add ines to it" puts her in it. */
  lastGroup?: string;
  /** Groups said to be made that no user has joined yet (asked about at the end). */
  emptyGroups: string[];
  /** Words another clause's reading used ("we're in london, fix the timezone"): a clause
   * holding one of them is context, not an unread clause. */
  consumed: string[];
  /** Services added by the clause being read: its modifiers apply to them only. */
  clauseAdded: string[];
  /** The clause asked about a clash: nothing else of it is applied. */
  clauseBlocked: boolean;
  /** Secrets this proposal asks the flow to generate (name, what for). */
  generated: { name: string; purpose: string }[];
  /** The request's lemmas (language.ts), for verbs written in another form. */
  lemmas: string;
  /** Services whose published ports the clause that added them already set (catalogue apps). */
  portsSet: string[];
  /** Volumes of their own (no service's) made or named in this request, in order. */
  volumes: string[];
  /** A firewall rule name the request gives ("call it no-smtp"): the next new rule takes it. */
  ruleName?: string;
  /** A job's name said in the request ("a job called warm-cache that runs …"), taken by the job it names. */
  jobName?: string;
  /** "only nginx should be public": the one service of this request that keeps a host port (round 24). */
  onlyPublic?: string;
  /** The reply to the question the last turn asked (ask.ts): fills that slot instead of asking again. */
  answer?: Answer;
  /** The first slot this request left open: the request asks it and changes nothing. */
  ask?: Ask;
}

/**
 * Reads one request. When the conversation's last reply asked a question (ask.ts) and this
 * message answers it ("the postgres one", "alice"), the request that asked is read again with
 * the answer in its slot, on the same files (the question changed none); any other message
 * is a request of its own.
 */
export function runOfflineEngine(input: EngineInput): Proposal {
  // "sudo restart postgres": the service's restart, no sudo (asked-how.ts, round 35).
  const sudo = sudoServiceOp(input.message, new Workspace(input.files).items<Service>('services.yaml', SVC).map((s) => s.name));
  if (sudo) {
    const p = readOnce({ ...input, message: sudo });
    return p.refused ? p : { ...p, explanation: [sudoNote(input.message, sudo), p.explanation].join('\n') };
  }
  // "how do I open port 8443 for the api?": the request asked about, proposed and said so (asked-how.ts, round 35).
  const how = howToAsked(input.message);
  if (!how) return readOnce(input);
  const changes = (p: Proposal) => !p.refused && p.understood !== false && Object.keys(p.files).length > 0;
  const first = readOnce(input);
  if (first.refused) return first;
  const p = changes(first) ? first : readOnce({ ...input, message: how });
  if (p.refused) return p;
  return changes(p) ? { ...p, explanation: [howToNote(input.message, how), p.explanation].join('\n') } : first;
}

function readOnce(input: EngineInput): Proposal {
  // A rule said as an iptables/ufw/firewall-cmd/nft command is read as the rule it describes,
  // never run (firewall-commands.ts, round 31); every guard below reads that rule.
  const command = ruleFromCommand(input.message);
  const proposal0 = readRequest(command ? { ...input, message: command.request } : input);
  // "don't run iptables …", "revert ufw allow 8443": never the rule the command describes (review 24 HIGH-1).
  if (!command && !proposal0.refused && commandNegated(input.message)) {
    const q = `Not done: "${input.message.trim()}" says not to make (or to undo) what a firewall command does, and Claude.OS runs no command. Say what the firewall should hold instead, e.g. "remove the rule for port 8443" or "block port 8443".`;
    return { provider: 'offline', files: {}, explanation: q, questions: [q], understood: true };
  }
  const proposal1 = command && !proposal0.refused ? { ...proposal0, explanation: [`(Read the ${command.tool} command as the rule it describes, "${command.request}"; Claude.OS runs no command.)`, proposal0.explanation].join('\n') } : proposal0;
  if (proposal1.refused) return proposal1;
  // Round 37: a slot the reading left out (a network, replicas, a stopped state, a dependency, …)
  // filled through the engine's own reading of it, or said as not done (slot-fill.ts); every guard
  // below judges the filled proposal.
  const proposal = command ? proposal1 : fillSlots(input, proposal1, slotsSaid, runOfflineEngine);
  // Round 35: the request read with what it refers to (the turns before, "everyone else", a field's own text), judged the same way (conversation-harm.ts).
  const referred = conversationHarm(input);
  if (referred !== undefined) return { provider: 'offline', files: {}, explanation: `I won't do that: ${referred}`, refused: { reason: referred }, understood: true };
  // Round 34: a change hidden from the history, a host directory or disk emptied, a text handed over
  // to be obeyed, everything open to everyone: read on every request, planned or not (objects.ts).
  // Round 35: the protected classes win over an ask-back, a question or a plan (protected.ts).
  const shaped = requestHarm(input.message, input.history) ?? inWindows(input.message, protectedHarm);
  if (shaped !== undefined) return { provider: 'offline', files: {}, explanation: `I won't do that: ${shaped}`, refused: { reason: shaped }, understood: true };
  // Round 33: a request the engine did not read, asks back or changes nothing by, and the parts of
  // one it left out as not understood, still name what they would harm (objects.ts): refused.
  const unread = Object.keys(proposal.files).length === 0 ? input.message : leftOut(proposal);
  const named = unread !== undefined ? objectHarm(unread) : undefined;
  if (named !== undefined) return { provider: 'offline', files: {}, explanation: `I won't do that: ${named}`, refused: { reason: named }, understood: true };
  // Round 38: a request read as nothing at all whose words the danger model judges dangerous is
  // refused, not answered "I did not understand" (docs/intent.md "Not understood and dangerous").
  const unreadHarm = Object.keys(proposal.files).length === 0 && proposal.understood === false ? modelRefusal(input.message) : undefined;
  if (unreadHarm !== undefined) return { provider: 'offline', files: {}, explanation: `I won't do that: ${unreadHarm}`, refused: { reason: unreadHarm }, understood: true };
  // A removal never adds (firewall-removal.ts, round 32): a rule's removal read as a new rule is not done.
  const added = rulesAddedByRemoval(input.message, input.files, { ...input.files, ...proposal.files });
  if (added.length > 0) {
    const q = `Not done: "${input.message.trim()}" asks to remove a firewall rule, and my reading of it would add ${added.join(', ')}. Say which rule to remove, e.g. "remove the firewall rule for port 8080" (the rules are in network.yaml).`;
    return { provider: 'offline', files: {}, explanation: q, questions: [q], understood: true };
  }
  // "remove sudo from everyone except alice" with alice keyless: done, and said (review 22 MED-9).
  const except = Object.keys(proposal.files).length > 0 && /\bsudo|\badmin|\broot/i.test(input.message) ? sudoExcept(input.message, input.files) : undefined;
  if (except && 'warning' in except && except.warning) proposal.warnings = [...(proposal.warnings ?? []), except.warning];
  // What the proposal would leave, however it was worded (outcome-guard.ts, rounds 29-30).
  const reason =
    outcomeHarm(input.files, proposal.files, input.message) ??
    roleAccountTaken(input.message, input.files) ??
    sshRuleTaken(input.message, input.files, proposal.files) ??
    sshLoopbackSaid(input.message, input.files, proposal.files) ??
    adminsNamedTaken(input.message, input.files, proposal.files) ??
    onlyKeyTaken(input.message, input.files, proposal.files) ??
    volumeNamedTaken(input.message, input.files, proposal.files) ??
    commandSaidDestroys(input.message, input.files, proposal.files) ??
    backupPlaceSaid(input.message, input.files) ??
    shellSaid(input.message, input.files) ??
    powerGroupSaid(input.message, input.files) ??
    auditNowhereSaid(input.message) ??
    secretTyped(input.message) ??
    // Dangerous and ambiguous: a question whose every answer is refused is a refusal (round 33).
    everyAnswerRefused(input, proposal);
  // The only admins who can log in taken while keyless admins stay: said on every wording (review 23 MED-4).
  const way = reason === undefined ? wayInLost(input.files, proposal.files) : undefined;
  if (way !== undefined && 'warn' in way && !(proposal.warnings ?? []).some((w) => /has no SSH key|have no SSH key/.test(w))) proposal.warnings = [...(proposal.warnings ?? []), way.warn];
  // The only backup of a database turned off: planned (held-out 5, 8) and said (round 32).
  const unbacked = reason === undefined ? backupWarning(input.files, proposal.files) : undefined;
  if (unbacked !== undefined) proposal.warnings = [...(proposal.warnings ?? []), unbacked];
  // Round 37: the trained danger model's second opinion on a plan every guard let through, said
  // as a warning before the approval (danger-model.ts; docs/intent.md "The danger model in the engine").
  const judged = reason === undefined && Object.keys(proposal.files).length > 0 ? modelCaution(input.message) : undefined;
  if (judged !== undefined) proposal.warnings = [...(proposal.warnings ?? []), judged];
  // What it would write compiles, or nothing is proposed (compiles.ts, round 30).
  if (reason === undefined) return compiledOrNotDone(input.files, proposal);
  return { provider: 'offline', files: {}, explanation: `I won't do that: ${reason}`, refused: { reason }, understood: true };
}

/**
 * The score from which the danger model's caution is said with a plan. Not a refusal: on the
 * harm tests' near misses (harmless requests in the words of harmful ones: "open ports 8000-8010
 * to 10.0.0.0/8", "turn the audit log on", "add a job that runs rm -rf /tmp/cache/*") it scores
 * 34 of them 0.8 or more, up to 1.0, where forward in time it flags only 0.13 % of ordinary
 * requests: it reads words, not what they do (docs/intent.md "The danger model in the engine").
 */
export const DANGER_CAUTION_AT = 0.8;

function modelCaution(message: string): string | undefined {
  const j = dangerScore(message);
  if (j.score < DANGER_CAUTION_AT) return undefined;
  return `Careful: this request reads like the ones that harm a machine or hide a change${modelWords(j)}. No rule refused it; read the plan before you approve it.`;
}

/** The words that weighed most in the model's judgement, as the user wrote them (not the placeholders or negation marks): ` (its words "…", …)`. */
function modelWords(j: DangerJudgement): string {
  const words = j.words.filter((w) => !/[<~]/.test(w)).slice(0, 4).map((w) => `"${w.replace(/_/g, ' ')}"`);
  return words.length ? ` (its words ${words.join(', ')})` : '';
}

/**
 * The score from which a request the engine read as nothing is refused by the danger model's
 * words alone. Not the model's decision threshold (0.55): the harm tests' near misses, harmless
 * requests written in the words of harmful ones that the engine cannot read yet, score up to 0.96
 * ("copy grafana.ini into the grafana container at /etc/grafana/grafana.ini" 0.96, "set the dns
 * servers to 1.1.1.1 and 9.9.9.9" 0.92, "turn the audit log on" 0.91); at 0.55 the backstop
 * refused 27 of them, at 0.95 one; a retraining moves a score by about 0.01, hence 0.98
 * (docs/intent.md "Not understood and dangerous").
 */
export const DANGER_REFUSE_UNREAD_AT = 0.98;

/**
 * The danger model's judgement of a request the engine read as nothing (no change, no answer, not
 * understood), at DANGER_REFUSE_UNREAD_AT. Only there is it a refusal: nothing is lost to a false
 * one (the request was not going to be planned), and a request no rule could read is where the
 * guards, which read what a request does, have nothing to go on. A left-out part of a planned
 * request is not judged so: parts such as "shell /bin/zsh" and "sudo yes" score up to 0.96.
 */
export function modelRefusal(message: string): string | undefined {
  const j = dangerScore(message);
  if (j.score < DANGER_REFUSE_UNREAD_AT) return undefined;
  return `I could not read this request as a change, and it reads like the requests that harm a machine, expose a secret or hide a change${modelWords(j)}. Nothing was changed. If it is harmless, say what should change on the machine in other words (which service, file, user or rule), or configure an LLM provider (see \`claude help\`).`;
}

/** Set while the answers of a question are judged (`everyAnswerRefused`): an answer's own question is not judged again. */
let judgingAnswers = false;

/**
 * A request that is asked back ("Which service should get port 22: nginx, …, or worker?") where
 * every answer would be refused (each publishes sshd's port): the refusal wins, a dangerous request
 * is never asked back (round 33). Each choice is answered as the next turn would answer it, through
 * the engine's own answer path; the first choice that is not refused ends the judging (one extra
 * run for an ordinary question).
 */
function everyAnswerRefused(input: EngineInput, proposal: Proposal): string | undefined {
  if (judgingAnswers || Object.keys(proposal.files).length > 0 || !proposal.explanation.includes(ASK_TAIL)) return undefined;
  const m = /^Which\b[^:?]*:\s*(.+?)\?/.exec((proposal.questions ?? [])[0] ?? '');
  if (!m) return undefined;
  const choices = m[1]!.split(/\s*,\s*(?:or\s+)?|\s+or\s+/).map((c) => c.trim()).filter((c) => /^[\w.:/-]+$/.test(c));
  if (choices.length < 2 || choices.length > 12) return undefined;
  judgingAnswers = true;
  try {
    let first: string | undefined;
    const history = [...input.history, { role: 'user' as const, text: input.message }, { role: 'assistant' as const, text: proposal.explanation }];
    for (const c of choices) {
      const answered = runOfflineEngine({ ...input, message: c, history });
      if (!answered.refused) return undefined;
      first ??= answered.refused.reason;
    }
    return first;
  } finally {
    judgingAnswers = false;
  }
}

/** The parts of a request a proposal left out as not understood ("Not done: "…" (I did not understand …"), one per line, or undefined. */
function leftOut(proposal: Proposal): string | undefined {
  const parts = (proposal.questions ?? []).flatMap(unreadParts);
  return parts.length ? parts.join('\n') : undefined;
}

/**
 * A service's command, proxy, network, image, variable or host port said in the forms people type
 * (services-said.ts, round 36) is read in the engine's own words, and the reply says how it was read.
 * "run redis …, command redis-server --appendonly yes" reads as a host command until it is said as
 * a service's command; nothing else the guard refuses is read again.
 */
function readRequest(input: EngineInput): Proposal {
  const names = new Workspace(input.files).items<Service>('services.yaml', SVC).map((s) => s.name);
  // Round 37 (said-plainer37.ts): "put adminer next to the existing postgres" is adminer for it.
  // Round 38 (said-plainer38.ts): "remove nothing, just add …", "mongodb -> stopped", "grafana's toast, pull it off the server".
  const said = servicesSaid(jobImageWord(runAs(worksWith(besideOne(saidPlainer38(input.message, names, (n) => new Workspace(input.files).items<Service>('services.yaml', SVC).find((s) => s.name === n)?.replicas, productNames()), names), [...names, ...productNames()]), names), names), names, productNames());
  if (said === input.message) return readRequestSaid(input);
  const danger = detectDanger(input.message);
  if (danger !== undefined && (danger !== HOST_COMMAND || detectDanger(said) !== undefined)) return readRequestSaid(input);
  const p = readRequestSaid({ ...input, message: said });
  if (p.refused || p.understood === false || Object.keys(p.files).length === 0) return p;
  return { ...p, explanation: [`(Read "${input.message.trim()}" as "${said}".)`, p.explanation].join('\n') };
}

function readRequestSaid(original00: EngineInput): Proposal {
  // Texting and slang said as the readers read them ("y does api keep restartin?? whats up w it", round 30).
  // Round 36 (said-plainer36.ts): a protocol per port, "the port grafana is on", a city's hour, an account purged, a site at https://….
  // Round 37 (said-plainer37.ts): an https address to make work.
  const slang = saidPlainer37(saidPlainer36(askedAsPossible(slangSaid(original00.message, knownNames(original00.files)))));
  const original0 = slang === original00.message ? original00 : { ...original00, message: slang };
  // "remove sudo from everyone except alice", "keep nginx, remove everything else": said as what they touch (assets.ts, round 29).
  // "remove sudo from everyone except alice", "only mei keeps sudo": said as the revokes it makes
  // before any guard reads it (user-frame.ts sudoExcept, the one reader since review 22 MED-9);
  // it asks when nobody kept could use sudo and log in, and says so when nobody else has sudo.
  const except0 = isYesNoQuestion(original0.message) ? undefined : sudoExcept(original0.message, original0.files);
  if (except0 && 'ask' in except0) return { provider: 'offline', files: {}, explanation: [except0.ask, ASK_TAIL].join('\n'), questions: [except0.ask], understood: true };
  if (except0 && 'nothing' in except0) return { provider: 'offline', files: {}, explanation: except0.nothing, understood: true };
  const scoped = except0 ? except0.request : everyoneElse(original0.message, new Workspace(original0.files).items<Service>('services.yaml', SVC).map((sv) => sv.name));
  const original = scoped === original0.message ? original0 : { ...original0, message: scoped };
  // A schedule cron cannot say ("every 30 seconds", "every other tuesday", "the last day of the
  // month", "at 7:75"): asked back with what can be done, never written as another schedule (round 30).
  const cannot = detectDanger(original.message) === undefined && !isYesNoQuestion(original.message) ? cronCannot(original.message) : undefined;
  if (cannot) {
    const q = cannot.charAt(0).toUpperCase() + cannot.slice(1);
    return { provider: 'offline', files: {}, explanation: [q, ASK_TAIL].join('\n'), questions: [q], understood: true };
  }
  const asked = askedRequest(original.history);
  if (asked && detectDanger(original.message) === undefined) {
    const before: EngineInput = { ...original, message: asked.request, history: asked.before };
    const open = respond(before).ask;
    const value = open ? answerFor(open, original.message) : undefined;
    if (open && value !== undefined) {
      const done = respond(before, { slot: open.slot, value }).proposal;
      return { ...done, explanation: [`(Read "${original.message.trim()}" as the answer: ${value}, for "${asked.request}".)`, done.explanation].filter((x) => x !== '').join('\n') };
    }
  }
  // "undo that", "that broke everything, go back": the last proposal of the conversation taken back (undo.ts).
  if (isUndo(original.message) && detectDanger(original.message) === undefined) {
    const undo = undoRequest(original.history);
    if ('cannot' in undo) return { provider: 'offline', files: {}, explanation: undo.cannot, understood: true };
    const back = respond({ ...original, message: undo.request, history: [] }).proposal;
    return { ...back, explanation: [`(Undoing the last change: ${undo.request}.)`, back.explanation].join('\n') };
  }
  // "and mailhog too", "same for the worker", "half that", "double it", "50% more": the frame of
  // the turn before, with a slot replaced or its amounts scaled, read again (frames.ts, round 28).
  const framed = detectDanger(original.message) === undefined ? framedRequest(original.message, original.history, [...knownNames(original.files), ...products()]) : undefined;
  if (framed && 'ask' in framed) return { provider: 'offline', files: {}, explanation: framed.ask, questions: [framed.ask], understood: true };
  if (framed) {
    const again = respond({ ...original, message: framed.request, history: framed.before }).proposal;
    if (again.understood !== false) return { ...again, explanation: [correctionNote(original.message, framed.request), again.explanation].filter((x) => x !== '').join('\n') };
  }
  // "no wait, use caddy instead" right after "add nginx": the product just added is replaced (round 31).
  const replaced = detectDanger(original.message) === undefined ? replacedLastAdded(original) : undefined;
  if (replaced) {
    const again = respond({ ...original, message: replaced }).proposal;
    if (again.understood !== false && !again.refused && Object.keys(again.files).length > 0) return { ...again, explanation: [`(Read "${original.message.trim()}" as "${replaced}".)`, again.explanation].join('\n') };
  }
  // A user said as a ticket of fields ("new SRE Yusuf Ali, username yali, needs sudo and docker access. Public key: …"): user-ticket.ts, round 36.
  const ticket = !isYesNoQuestion(original.message) && detectDanger(original.message) === undefined ? userTicket(original.message) ?? sudoersRemoval(original.message) ?? userRightsSaid(original.message) : undefined;
  if (ticket) {
    const again = respond({ ...original, message: ticket }).proposal;
    if (again.understood !== false && !again.refused && (again.questions ?? []).length === 0 && Object.keys(again.files).length > 0) return { ...again, explanation: [`(Read "${original.message.trim().replace(/ssh-\S+ \S+/, 'ssh-…')}" as "${ticket.replace(/ssh-\S+ \S+/g, 'ssh-… (the key said)')}".)`, again.explanation].join('\n') };
  }
  // Users (user-frame.ts, round 29): "give al sudo" with alice and alex asks which (and the
  // answer, "alice", completes it); "remove sudo from everyone except alice" takes it from the others.
  const services0 = new Workspace(original.files).items<Service>('services.yaml', SVC).map((s) => s.name);
  // A question ("is ssh open to the world?") is never read as a frame to apply.
  // A question that only asks ("which accounts have admin rights?") never edits either (round 33).
  const order = !isYesNoQuestion(original.message) && !opensAndOnlyAsks(original.message) && detectDanger(original.message) === undefined;
  if (asked && order) {
    const prefix = userByPrefix(asked.request, original.files, services0);
    const picked = prefix?.choices.filter((c) => new RegExp(String.raw`(?<![\w-])${escapeRe(c)}(?![\w-])`, 'i').test(original.message));
    if (prefix && picked?.length === 1) {
      const request = asked.request.slice(0, prefix.at) + picked[0] + asked.request.slice(prefix.at + prefix.said.length);
      const done = respond({ ...original, message: request, history: asked.before }).proposal;
      return { ...done, explanation: [`(Read "${original.message.trim()}" as the answer: ${picked[0]}, for "${asked.request}".)`, done.explanation].join('\n') };
    }
  }
  const prefix = order ? userByPrefix(original.message, original.files, services0) : undefined;
  if (prefix) {
    const q = `Which user do you mean by "${prefix.said}": ${orList(prefix.choices)}? There is no user ${prefix.said}.`;
    return { provider: 'offline', files: {}, explanation: [q, ASK_TAIL].join('\n'), questions: [q], understood: true };
  }
  // The removal of a firewall rule said any way: the rule there is removed in the handler's words,
  // and a rule the host does not have is said so, nothing changed (firewall-removal.ts, round 32).
  const removal = order ? ruleRemovalSaid(original.message, original.files) : undefined;
  if (removal && 'nothing' in removal) return { provider: 'offline', files: {}, explanation: removal.nothing, understood: true };
  if (removal) {
    const gone = respond({ ...original, message: removal.request }).proposal;
    if (gone.refused || (gone.understood !== false && (gone.questions ?? []).length === 0 && carriesRemoval(removal, original.files, { ...original.files, ...gone.files }))) return { ...gone, explanation: [`(Read "${original.message.trim()}" as "${removal.request}".)`, gone.explanation].join('\n') };
  }
  // A firewall rule said as a frame in any order, or a source said as a place (firewall-frame.ts, round 29).
  const fw = order ? firewallFrame(original.message, original.files, services0) : undefined;
  if (fw && 'ask' in fw) return { provider: 'offline', files: {}, explanation: fw.ask, questions: [fw.ask], understood: true };
  const first = respond(original).proposal;
  if (fw && !first.refused && ((first.questions ?? []).length > 0 || first.understood === false || !carriesFrame(fw, { ...original.files, ...first.files }))) {
    const again = respond({ ...original, message: fw.request }).proposal;
    if (again.understood !== false && !again.refused && (again.questions ?? []).length === 0 && carriesFrame(fw, { ...original.files, ...again.files })) return { ...again, explanation: [`(Read "${original.message.trim()}" as "${fw.request}".)`, again.explanation].join('\n') };
  }
  // A user said as a frame from its fields (user-frame.ts, round 29).
  const person = order && !first.refused ? userFrame(original.message, original.files, services0) : undefined;
  if (person && ((first.questions ?? []).length > 0 || first.understood === false || !carriesUser(person, { ...original.files, ...first.files }))) {
    const again = respond({ ...original, message: person.request }).proposal;
    if (again.understood !== false && !again.refused && carriesUser(person, { ...original.files, ...again.files })) return { ...again, explanation: [`(Read "${original.message.trim()}" as "${person.request.replace(/ssh-\S+ \S+/, 'ssh-… (the key said)')}".)`, again.explanation].join('\n') };
  }
  // "rita and sam both need docker access", "sudo for lena and omar", "add her to docker too":
  // one change per person named or pointed at (user-frame.ts peopleFrame, round 30).
  const people = order && !first.refused ? peopleFrame(original.message, original.files, services0, usersDiscussed(original)) : undefined;
  if (people && 'ask' in people) {
    if (Object.keys(first.files).length === 0 || first.understood === false) return { provider: 'offline', files: {}, explanation: [people.ask, ASK_TAIL].join('\n'), questions: [people.ask], understood: true };
  } else if (people && ((first.questions ?? []).length > 0 || first.understood === false || !carriesPeople(people, { ...original.files, ...first.files }))) {
    const again = respond({ ...original, message: people.request }).proposal;
    if (again.understood !== false && !again.refused && carriesPeople(people, { ...original.files, ...again.files })) return { ...again, explanation: [`(Read "${original.message.trim()}" as "${people.request}".)`, again.explanation].join('\n') };
  }
  // A user said in any form ("a login for my friend nick", "users: kim (sudo), lee (no sudo)",
  // "revoke ivan's account"): the accounts added or removed, when the first reading does not carry them (user-forms.ts, round 31).
  const accounts = order && !first.refused ? accountsSaid(original.message, original.files, [...services0, ...products()]) : undefined;
  if (accounts && ((first.questions ?? []).length > 0 || first.understood === false || !carriesAccounts(accounts, original.files, { ...original.files, ...first.files }))) {
    const again = respond({ ...original, message: accounts.request }).proposal;
    if (again.understood !== false && !again.refused && (again.questions ?? []).length === 0 && carriesAccounts(accounts, original.files, { ...original.files, ...again.files })) return { ...again, explanation: [`(Read "${original.message.trim().replace(/ssh-\S+ \S+/, 'ssh-…')}" as "${accounts.request.replace(/ssh-\S+ \S+/g, 'ssh-… (the key said)')}".)`, again.explanation].join('\n') };
  }
  // A question nothing else answered ("who can ssh into this machine?", "show me the logs of nginx"): answered from the state, nothing changed (asked-state.ts).
  if (first.understood === false && !first.refused && Object.keys(first.files).length === 0 && onlyAsks(original.message)) {
    return { provider: 'offline', files: {}, explanation: answerFromState(original.message, original.files, original.summary, original.history).join('\n'), understood: true };
  }
  // "actually make that 2", "make that 10.1.0.0/16 instead": read as no change on its own, a
  // correction of the value the turn before said (correction.ts), read again with the new one.
  const unread = Object.keys(first.files).length === 0 && !first.refused && (first.understood === false || (first.questions ?? []).length > 0);
  // "sorry, 2 is enough" after "give grafana 512m": 2m cannot be meant, so it asks which unit.
  const unclear = unread ? unclearSizeCorrection(original.message, original.history) : undefined;
  if (unclear) return { provider: 'offline', files: {}, explanation: unclear, questions: [unclear], understood: true };
  const fixed = unread ? correctedRequest(original.message, original.history) : undefined;
  if (fixed) {
    const again = respond({ ...original, message: fixed.request, history: fixed.before }).proposal;
    if (again.understood !== false && !again.refused) return { ...again, explanation: [correctionNote(original.message, fixed.request), again.explanation].filter((x) => x !== '').join('\n') };
  }
  // Round 33: "actually make it 6380" right after "set up redis": a bare number the request before
  // did not say is, for the one service that turn added or changed, a port when it can only be one
  // (80 to 65535; a smaller number could be a count or a size, and it asks below).
  const portFor = unread && !fixed ? lastServiceOf(original) : undefined;
  const bare = portFor ? correctionValue(original.message) : undefined;
  if (portFor && bare !== undefined && /^\d+$/.test(bare) && Number(bare) >= 80 && Number(bare) <= 65535) {
    const request = `change the ${portFor} port to ${bare}`;
    const again = respond({ ...original, message: request }).proposal;
    if (again.understood !== false && !again.refused && Object.keys(again.files).length > 0) return { ...again, explanation: [correctionNote(original.message, request), again.explanation].join('\n') };
  }
  // Round 30: "actually friday", "no, saturdays", "make it fridays not mondays": a schedule said as
  // a correction is the new schedule of the job under discussion ("change it to …").
  const value = unread ? correctionValue(original.message) : undefined;
  if (value !== undefined && onlySchedule(`every ${value.replace(/\bnot\s+\S+$/i, '').trim()}`) && original.history.length > 0) {
    const request = `change it to ${value.replace(/\bnot\s+\S+$/i, '').trim()}`;
    const again = respond({ ...original, message: request }).proposal;
    if (again.understood !== false && !again.refused && Object.keys(again.files).length > 0) return { ...again, explanation: [correctionNote(original.message, request), again.explanation].join('\n') };
  }
  // A correction or a reference with nothing under discussion ("actually 2 is enough", "x4", "make
  // them 4", "move that to fridays" as the first thing said): asked, never applied to a guess.
  // A question the engine already asks ("make it go faster": what should change) is kept.
  if (unread && first.understood === false && !(first.questions ?? []).length && (value !== undefined || REFERENCE_WITH_VALUE.test(original.message.trim()))) {
    const q = `What should "${original.message.trim()}" apply to? Nothing is under discussion yet: name the service or job (for example "give web 2 replicas").`;
    return { provider: 'offline', files: {}, explanation: [q, ASK_TAIL].join('\n'), questions: [q], understood: true };
  }
  return first;
}

/**
 * A reference that carries a value ("make them 4", "x4", "four of those", "256mb each"): with nothing
 * under discussion it asks. A correction's value is `correctionValue`'s (only a real value: "make it
 * snappy" carries none); these are the forms it does not read.
 */
const NUMBER_SAID = String.raw`(?:(?<![\w.-])\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|half|double)\b)`;
const REFERENCE_WITH_VALUE = new RegExp(
  String.raw`^(?:make|move|switch|shift|change|limit|cap|give)\s+(?:that|them|those|it|em)\b(?=.*(?:${NUMBER_SAID}|\b(?:sun|mon|tue|wed|thu|fri|sat)))|^\s*[x×]\s*\d|(?:\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))\s+of\s+(?:them|those|these)\b|${NUMBER_SAID}.*\beach\b\s*[.!]*$`,
  'i',
);

/**
 * The users under discussion (round 30, "her", "him", "them"): those the last reply added or
 * changed ("+ user zoe", "~ user zoe: may use sudo"); else none (a pronoun with nobody under
 * discussion is asked, never guessed).
 */
function usersDiscussed(input: EngineInput): string[] {
  const last = [...input.history].reverse().find((h) => h.role === 'assistant');
  return [...new Set([...(last?.text ?? '').matchAll(/^\s*[+~] user ([a-z_][a-z0-9_-]{0,31})\b/gm)].map((m) => m[1]!))];
}

/**
 * The one rule of asking: a frame whose slot is unfilled or fits several values asks, unless
 * the reply to the last question fills it. Returns the clause with the value filled in, or
 * undefined when it asked (the clause is blocked and the request changes nothing).
 */
function need(run: Run, ask: Ask): string | undefined {
  const a = run.answer;
  if (a && a.slot === ask.slot && (!ask.choices || ask.choices.some((c) => c.value === a.value))) {
    run.answer = undefined;
    return ask.fill(a.value);
  }
  run.ask ??= ask;
  run.clauseBlocked = true;
  return undefined;
}

/** A service as a choice: its name, its product and its image's name pick it. */
function serviceChoice(s: Service): Choice {
  const repo = repoOf(s.image).split('/').pop()!;
  return { value: s.name, words: [...new Set([s.name, templateOf(s) ?? s.name, repo])] };
}

/** A count or a share said of what is under discussion, as the grammar's words (round 30); else the message as it is. */
function countSaid(message: string): string {
  const m0 = message.replace(/(?<![\w'])'?em\b/gi, 'them');
  const t = m0.trim().replace(/\s*[.!?]+$/, '');
  const N = String.raw`(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)`;
  const POLITE = String.raw`(?:\s*(?:,\s*)?(?:please|pls|plz|thanks|thx|then|instead|now|too|running|going|up))*`;
  // "x4", "4x", "×4", "times 4" alone
  const times = new RegExp(String.raw`^(?:(?:and|ok(?:ay)?|so|then|now|actually|make\s+it|scale\s+it)[\s,]+)*(?:[x×]\s*${N}|${N}\s*[x×]|times\s+${N})${POLITE}$`, 'i').exec(t);
  if (times) return `make it ${times[1] ?? times[2] ?? times[3]} of them`;
  // "I'd like four of those running", "could I get 6 of them", "I need three of these"
  const want = new RegExp(String.raw`^(?:(?:and|ok(?:ay)?|so|then|now|actually|hmm+|oh)[\s,]+)*(?:i'?d\s+like|i\s+(?:want|need)|(?:can|could)\s+(?:i|we)\s+(?:get|have)|(?:let'?s|we\s+need|give\s+me|run|have|spin\s+up|start)\s*)\s*${N}\s+of\s+(?:them|those|these|it)${POLITE}$`, 'i').exec(t);
  if (want) return `make it ${want[1]} of them`;
  // "make them 3", "make it 4" with no unit after a service was said: a count
  const make = new RegExp(String.raw`^(?:(?:and|ok(?:ay)?|so|then|now)[\s,]+)*make\s+them\s+${N}${POLITE}$`, 'i').exec(t);
  if (make) return `make it ${make[1]} of them`;
  // "each with 768 megs of ram", "each gets 1g": a share with no verb
  const each = /^(?:and\s+)?each\s+(?:with|gets?|at|having|on)\s+(.+)$/i.exec(t);
  if (each) return `give each one ${each[1]}`;
  return m0;
}

/**
 * Round 35 (HARM2): the harm a request does once read with what it refers to: insisting after a
 * refusal, and each other reading of it (the wordings the lists lacked are protected.ts's since round 36)
 * (conversation-harm.ts `readingsOf`) judged by the guards that judge a request as typed.
 */
function conversationHarm(input: EngineInput): string | undefined {
  const said = insisted(input.message, input.history);
  if (said !== undefined) return said;
  for (const r of readingsOf(input.message, input.history, input.files)) {
    const why = detectDanger(r) ?? requestHarm(r) ?? objectHarm(r);
    if (why !== undefined) return why;
  }
  return undefined;
}

/**
 * Round 34 (HARM2): a yes/no question that asks leave for an action ("is it ok to flush all firewall
 * rules now?", "are you able to drop all databases?", "is it possible to expose postgres to the
 * internet?") was judged by the first gate alone and answered with the state. The action it asks
 * leave for is judged by the whole guard; a question about the state ("is redis exposed?") is not this.
 */
const LEAVE_ASKED = /^(?:(?:so|ok|okay|hey|and|but|quick\s+question:?)\s*,?\s+)?(?:is\s+it\s+(?:ok(?:ay)?|possible|fine|alright|all\s+right|allowed|safe|feasible|doable)\s+(?:to|if\s+(?:you|i|we)|for\s+(?:you|me|us)\s+to)|are\s+you\s+(?:able|allowed|permitted|going)\s+to|is\s+there\s+(?:a|any)\s+(?:way|chance)\s+(?:to|you\s+(?:can|could))|are\s+we\s+(?:able|allowed)\s+to)\s+(.+?)\s*\??\s*$/i;
function dangerAskedLeave(question: string): string | undefined {
  const m = LEAVE_ASKED.exec(question.trim());
  return m ? detectDanger(m[1]!) : undefined;
}

/** "the api can run without it", "grafana doesn't need it": a remark that a service does without the one removed (round 32). */
const CAN_DO_WITHOUT = /\b(?:can|could|will|would|should|is\s+able\s+to)\s+(?:still\s+)?(?:run|work|live|cope|do|manage|survive|go\s+on|start|function)\s+(?:fine\s+|ok(?:ay)?\s+|just\s+fine\s+)?without\b|\b(?:does|do)\s*(?:n'?t|\s+not)\s+(?:need|use|require)\s+(?:it|that|them)\b/i;

function respond(original: EngineInput, answer?: Answer): { proposal: Proposal; ask?: Ask } {
  const out = (proposal: Proposal, ask?: Ask) => ({ proposal, ask });
  // Compose's vocabulary and outcomes said as the grammar's words (compose.ts, outcomes.ts); the guard also reads what was typed.
  const typed = original.message.trim();
  // "worker replicas 2 -> 6": the old value goes before compose's reader turns "replicas 2" into "2 replicas" (values.ts; again below, once sizes are digits).
  // The verbs on services said as the engine's own verbs ("power off X", "tear X down", "kill -9 X and bring it back": normalise.ts `verbsSaid`), before any reader.
  // A job said in any order ("every half hour, worker, `php poll.php`", "… (vacuumdb --full --all)"):
  // "run `COMMAND` in SERVICE SCHEDULE", the command quoted before any reader (job-frame.ts, round 29).
  // "under the name X", "at PORT", "prometheus:9090": a name and a port said by their place, before any reader takes them apart (attach.ts placedSaid, round 30).
  const here = new Workspace(original.files).items<Service>('services.yaml', SVC).map((s) => s.name);
  // "two nginx servers: one called blue on 8081 and one called green on 8082": one "add" clause per service (several.ts, round 33).
  // A backup turned off in any form ("prometheus data doesn't need backing up, disable that"): "turn off backups for X" (backup-off.ts, round 33).
  const presentServices = new Workspace(original.files).items<Service>('services.yaml', SVC);
  const framedJob = jobFrames(placedSaid(commandInQuotes(backupOffSaid(insteadSaid(severalOfOneSaid(appImageSaid(envGlossSaid(newVersionSaid(countFirstSaid(typed, presentServices), presentServices)), presentServices), productNames()), productsOfOneKind, here), here)), productNames(), knownNames(original.files)), here);
  const composed = outcomeSaid(composeSaid(newValueOnly(currentThenNew(verbsSaid(framedJob, here), here))));
  // "purge memcached from the server entirely": the place and the adverb are not the object (round 29).
  const said = backupLikeAnother(commandQuoted(addReferent(composed.replace(NAMED_OFF_HOST, '$1'), original)), original.files);
  const base = { provider: 'offline' };
  if (said === '') return out({ ...base, files: {}, explanation: capabilities('Say what you want, for example "set up a web server with nginx".'), understood: false });

  // A yes/no question about the state ("is redis running?", "is redis exposed to the
  // internet?") asks, it does not order: only the first gate (injections, leaks) applies, and
  // nothing is changed whatever is answered.
  const yesNo = isYesNoQuestion(said);
  const referred = yesNo ? undefined : saidByReference(typed, original.history);
  const danger = yesNo ? refuseFirst(said) ?? dangerAskedLeave(said) : detectDanger(said) ?? (composed !== typed ? detectDanger(typed) : undefined) ?? (exposedByReference(said, original.history) ? DATA_EXPOSED : openedByReference(said, original.history) ? FIREWALL_OFF : undefined) ?? (referred !== undefined ? detectDanger(referred) : undefined);
  if (danger) return out({ ...base, files: {}, explanation: `I won't do that: ${danger}`, refused: { reason: danger } });
  // The language layer (wink-nlp): numbers in words become digits ("two gigs" → "2 gigs").
  // "stop the second one", "restrict that to …": what the turns before named, said by name.
  // Attributes attached by punctuation and structure (attach.ts, round 29): a bracket after a
  // mention said inline, a service said as fields said as one request, a command after "to:" in
  // backticks, a promise to bring a stopped service back taken out. After the guard read the request.
  const pointed = pointedAt(attachedSaid(said, knownNames(original.files)), original);
  const reading = read(pointed);
  // Typos in the words the engine knows ("setup ngnix", "restrat redis"), never in names.
  const spelled = correctSpelling(reading.text, WORDS.split(' '), products(), [...knownNames(original.files), ...keptWords()]);
  // Phrases with a letter left out ("turn of the firewall"): "of" after turn/switch/shut/log is "off".
  // Schedules said every way become the few forms the grammar reads (schedule.ts).
  // normaliseSaid leaves "keep 22 and 443 accessible" after "turn on the firewall" as it is: paraphrase's firewallOnKept reads it (once).
  const keptPorts = (name: string) => new Workspace(original.files).items<Service>('services.yaml', SVC).find((s) => s.name === name.toLowerCase())?.ports?.map((p) => p.host).filter((h): h is number => typeof h === 'number');
  let message = normaliseSchedule(paraphrase(normaliseSaid(spelled.text).replace(/\btz\b/gi, (w, at: number, all: string) => (w === 'TZ' && (/\b(?:env|environment|variables?|vars?)\b/i.test(spelled.text) || /^\s*=/.test(all.slice(at + 2)) || tzOfService(all.slice(at + 2), original.files)) ? w : 'timezone')).replace(/\b(turn|switch|shut|log|sign|power)\s+of\b(?!\s+(?:events|phrase|the\s+(?:century|year|month)))/gi, '$1 off'), keptPorts));
  // "512m -> 1g", "from debug to info", "…, its at 1g now": only the new value is read (values.ts).
  message = newValueOnly(message);
  const danger2 = yesNo ? refuseFirst(message) ?? dangerAskedLeave(message) : detectDanger(message);
  if (danger2) return out({ ...base, files: {}, explanation: `I won't do that: ${danger2}`, refused: { reason: danger2 } });
  // "add a firewall rule named office-ssh …", "…, call it no-smtp", "rule name block-x",
  // "firewall rule 'allow-dns': …": the name is taken out of the text and given to the rule.
  // Said last after a comma or a dash, "…, rule node-exporter", "… - rule grafana-office", "…, name prom-scrape" is the name too.
  const named = /\b(?:firewall\s+)?rule\b/i.test(message) || /\b(?:allow|accept|block|deny|drop|reject|open|close|permit|let|firewall)\b/i.test(message)
    ? /(?:,|\.|;|-|\s)\s*(?:(?:and\s+)?(?:call|name)\s+(?:it|the\s+rule|this\s+rule)\s+|rule\s+name(?:d)?\s*:?\s+|(?:firewall\s+)?rule\s+(?:named|called)\s+)['"“‘`]?([a-z][a-z0-9-]{0,40})['"”’`]?(?=[\s,.;:!]|$)|^\s*(?:(?:add|make|create|new)\s+(?:a\s+)?)?(?:firewall\s+)?rule\s+(?!(?:allow|accept|block|deny|drop|reject|open|close|permit|for|to|that|which)\b(?!-))['"“‘`]?([a-z][a-z0-9-]{0,40})['"”’`]?\s*:|(?:,|;|\.|\s[-–—])\s*(?:(?:firewall\s+)?rule|name|(?:rule\s+)?name\s+(?:it|the\s+rule|this\s+rule))\s*:?\s+['"“‘`]?([a-z][a-z0-9-]{0,40})['"”’`]?\s*[.!]*$/i.exec(` ${message}`)
    : null;
  const ruleName = named ? (named[1] ?? named[2] ?? named[3])!.toLowerCase() : undefined;
  // "a firewall rule called office-ssh that lets …": the name goes, the rule stays ("a firewall rule that lets …").
  const afterName = named ? ` ${message}`.slice(` ${message}`.indexOf(named[0]) + named[0].length) : '';
  const keepRule = named && !named[2] && /\brule\s+(?:named|called)\s/i.test(named[0]) && /\w/.test(afterName) ? `${named[0].replace(/\s+(?:named|called)\s+\S+$/i, '')} ` : undefined;
  if (named) message = ` ${message}`.replace(named[0], keepRule ?? (named[2] ? ' ' : named[0].startsWith(',') || named[0].startsWith('.') || named[0].startsWith(';') ? named[0][0]! + ' ' : ' ')).replace(/\s+/g, ' ').replace(/[\s,.;-]+$/, '').trim();
  // "add rule deny-smb: 445 from anywhere, deny": the action said last, with no verb before it, goes first (round 26).
  if (named) message = message.replace(/^((?:(?:add|make|create|new)\s+(?:a\s+)?)?(?:firewall\s+)?(?:rule\s*:?\s*)?)((?:(?!\b(?:accept|allow|drop|deny|reject|block|open|close|permit)\b)[^,;])+?)\s*,\s*(accept|allow|drop|deny|reject|block)\s*[.!]*$/i, '$1$3 $2')
  // "schedule a job called warm-cache that runs curl …", "a cron job named x which runs …",
  // "…, call the job warm-cache": the job's name is taken out and given to the job, and "a job
  // that runs X" is "run X" (its words were the command before).
  // "kill the worker and bring it back up", "stop redis and start it again": one restart.
  message = message.replace(/\b(?:kill|stop|shut\s+down|take\s+down)\s+((?:the\s+)?[\w-]+(?:\s+(?:service|container))?)\s*,?\s+and\s+(?:then\s+)?(?:bring|start|boot|fire|spin|power|get)\s+(?:it|him|her|them|that)\s+(?:back\s+up|back\s+on|back\s+online|back|up\s+again|again|up)(?:\s+again)?\b/gi, 'restart $1');
  // "4 of them", "and 2 of those please": a count of the service under discussion, said with no verb
  // (h22-conv-11), is "make it 4 of them"; never while backups are talked about (a count kept).
  if (original.history.length > 0 && !/\bback\s?ups?\b|\bsnapshots?\b|\bdumps?\b/i.test(original.history.slice(-2).map((h) => h.text).join(' '))) {
    message = message.replace(/^\s*(?:(?:and|ok(?:ay)?|so|then|now|actually)[\s,]+)*(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+of\s+(them|those|these|it)\b(?=(?:\s+(?:please|pls|plz|running|then|instead|now|too))*\s*[.!]*$)/i, 'make it $1 of $2');
    // Round 30: a count said of what is under discussion in any short form: "x4", "4x", "times 4",
    // "I'd like four of those running", "could I get 6 of them?", "make them 3", "make em 4":
    // "make it N of them". "em"/"'em" is "them" ("limit em to 512mb each").
    message = countSaid(message);
  }
  if (!knownNames(original.files).includes('em')) message = message.replace(/(?<![\w'])'?em\b/gi, 'them');
  const present = new Workspace(original.files).items<Service>('services.yaml', SVC);
  const job = jobWords(message, present.map((s) => s.name));
  // "every monday 07:00, app: ./bin/x", "cron 0 */6 * * * in app: …", "app should run …":
  // the one form the job handler reads (job-forms.ts).
  message = jobForms(nameItHost(oldHostnameApart(job.message), original), present.map((s) => s.name), present.map((s) => ({ name: s.name, image: s.image, port: s.ports?.[0]?.container })));
  message = usersPointed(message, original);
  // "a rule that drops tcp 23", "…which rejects smtp": the rule's verb as the firewall reads it.
  // "a rule called bad-subnet dropping everything from …": the action said as "-ing" after the rule.
  if (/\brule\b/i.test(message)) message = message.replace(/\brule\s+(drop|reject|block|allow|accept|open|clos|permit|deny|let)(?:p|t)?ing\b/gi, (_m, v: string) => `rule that ${v.toLowerCase() === 'clos' ? 'close' : v}`);
  if (/\brule\b/i.test(message)) message = message.replace(/\b(?:that|which|to)\s+(drop|reject|block|allow|accept|open|close|permit|let|den(?=ies))(?:s|ies)\b/gi, (_m, v: string) => `that ${/^den$/i.test(v) ? 'deny' : v}`);
  // "10.20.0.0/16 and 10.30.0.0/16", "a, b & c": one list of addresses, never split into clauses.
  message = message.replace(ADDRESS_LIST, ' + ');
  // "add the labels team=a and tier=b", "label api team=a, tier=b": one list of labels, one clause.
  if (LABEL_WORD.test(message)) message = message.replace(/(?<=(?<![\w$./:-])[a-z0-9][a-z0-9._/-]{0,62}=[^\s,;"'=]+)(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?=[a-z0-9][a-z0-9._/-]{0,62}=)/gi, ' ');
  // "the office ip is 203.0.113.10, only it may hit 8443": the address said first, where "it" points (referents.ts).
  message = pointedSource(message, findCidrs, findPorts);
  // "example.com and www.example.com", "a.example.com, b.example.com and c.example.com": one list of domains.
  // A variable's value with commas and no space is one value ("set ALLOWED_HOSTS to a.io,b.io"), never a list.
  message = message.replace(DOMAIN_LIST, (m: string, at: number, all: string) => (m === ',' && /(?<![\w$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:\s+[^,;]{0,40})?\s*(?:\bto\b|=|\bas\b|\bis\b|\bbe\b|:)\s*[^\s,;]+$/.test(all.slice(Math.max(0, at - 120), at)) ? m : ' + '));
  // "both the api and the worker", "redis and postgres both", "api, worker": one list of
  // services, one subject of the clause, so one change is applied to each (never split).
  const serviceNames = new Workspace(original.files).items<Service>('services.yaml', SVC).map((s) => s.name);
  message = joinSubjects(message, serviceNames);
  // "carol and dave, regular users", "groups adm and www-data": one list of people or groups (never split).
  message = joinPeople(message, serviceNames);
  // "on the api, set LOG_LEVEL to debug", "for the worker, 2 gigs": a service said first, then
  // what it gets, is "api: …" (one clause, never cut at the comma).
  message = message.replace(/^\s*(?:on|for|in)\s+(?:the\s+)?([a-z][\w-]*)(?:\s+(?:service|container|app))?\s*,\s*/i, (m, name: string) => (serviceNames.includes(name.toLowerCase()) ? `${name.toLowerCase()}: ` : m));
  // "…; only nginx should be public, on port 80", "nginx is the only thing exposed, port 8080":
  // the port is that service's, and the other services this request adds publish none (round 24).
  // "now set the default to drop" while the firewall is talked about: the default policy (round 24).
  if (DEFAULT_SAID.test(message) && (/\bfirewall\b/i.test(message) || original.history.some((h) => h.role === 'user' && FIREWALL_TALK.test(h.text)) || /\brules:/.test(original.files['network.yaml'] ?? ''))) message = message.replace(DEFAULT_SAID, '$1default policy');
  // "allow ssh from 10.20.0.0/16", then "and https from anywhere": a turn with no verb of its
  // own, a port with where it comes from, takes the firewall verb of the turn before (round 25).
  const lastAsked = [...original.history].reverse().find((h) => h.role === 'user')?.text ?? '';
  const fwVerb = /^\s*(?:(?:please|pls|now|also|and|then|ok(?:ay)?)\s+)*(allow|open|block|deny|drop|reject|close|permit|whitelist|ban)\b/i.exec(lastAsked);
  const elided = /^\s*(?:(?:and|also|plus|then|oh|same\s+for)\s+)+(?:(?:the|for)\s+)?/i.exec(message);
  // "open 8080 from 10.0.0.0/8", then "same for 9090": the turn before again, with the new port (round 26).
  const sameFor = /^\s*(?:(?:and|also|ok(?:ay)?|now|then)\s+)*(?:do\s+)?(?:the\s+)?same\s+(?:thing\s+)?(?:for|with|on)\s+(?:port\s+)?(\d{2,5})\s*(?:too|as\s+well|please|pls)?\s*[.!]*$/i.exec(message);
  const portsBefore = findPorts(lastAsked);
  if (fwVerb && sameFor && portsBefore.length === 1) message = lastAsked.replace(new RegExp(String.raw`(?<!\d)${portsBefore[0]}(?!\d)`), sameFor[1]!);
  else if (fwVerb && elided && detectVerb(message.slice(elided[0].length)) === undefined && (findPorts(message).length > 0 || /\b(?:ssh|https?|web|dns|smtp)\b/i.test(message)) && (findCidrs(message).length > 0 || ANYWHERE.test(message.toLowerCase()))) {
    message = `${fwVerb[1]!.toLowerCase()} ${message.slice(elided[0].length)}`;
  }
  // Only beside something the request adds: said alone it is left to the handlers as it was.
  const only0 = ONLY_PUBLIC.exec(message);
  const only = only0 && /\w/.test(message.slice(0, only0.index) + message.slice(only0.index + only0[0].length)) ? only0 : null;
  const onlyPublic = only ? (only[1] ?? only[3])!.toLowerCase() : undefined;
  if (only) {
    const port = only[2] ?? only[4];
    message = `${message.slice(0, only.index)}${port ? `${onlyPublic} on port ${port}` : ''}${message.slice(only.index + only[0].length)}`.replace(/\s*[;,]\s*$/, '').trim();
  }
  const input: EngineInput = { ...original, message };

  const run: Run = {
    answer,
    input,
    ws: new Workspace(input.files),
    lines: [],
    already: [],
    warnings: [],
    questions: [],
    focus: [],
    added: [],
    notUnderstood: [],
    answered: false,
    notes: [],
    consumed: [],
    generated: [],
    lemmas: reading.lemmas,
    portsSet: [],
    volumes: [],
    clauseAdded: [],
    clauseBlocked: false,
    emptyGroups: [],
    ruleName,
    jobName: job.name,
    onlyPublic,
  };
  // A pasted fragment's ports that compose.ts could not read (IPv6, an unknown long form): said, never dropped.
  run.questions.push(...composeNotRead(original.message.trim()));

  const readAs = [...(pointed !== said ? [`(Read "${said}" as "${pointed}".)`] : []), ...(spelled.fixes.length > 0 ? [`(Read ${spelled.fixes.map(([a, b]) => `"${a}" as "${b}"`).join(', ')}.)`] : [])];

  try {
    if (answerQuestion(run, message.replace(DISCOURSE, '').replace(TELL_ME, ''))) {
      return out({ ...base, files: {}, explanation: [...run.notes, ...readAs].join('\n') });
    }
    if (yesNo) {
      const missing = targetsIn(run, message.toLowerCase()).names.length > 0 ? [] : [...new Set(findServiceMentions(message).filter((m) => !m.generic).map((m) => m.template))];
      const said2 = missing.length
        ? `No service named ${missing.join(' or ')} is defined, so it is not running or reachable. Say "add ${missing[0]}" to add it.`
        : 'I read this as a question and changed nothing; I could not answer it from the state files. Say what state you want, for example "add redis".';
      return out({ ...base, files: {}, explanation: [said2, ...readAs].join('\n') });
    }
    // A clause joins the one before when it is only a list item: no verb, no topic, but a
    // service, address or size ("…with nginx, PostgreSQL, and Redis"). Anything else stands
    // alone, so text nothing understands is reported instead of swallowed.
    // "put users ana and bo in it", "give ana and bo sudo": a person's name in a list of people.
    const aboutPeople = /\b(?:users?|groups?|accounts?|sudoers?|sudo|admins?)\b/i.test(message);
    // Several people said together ("carol & dave"), not a list of groups ("groups adm & docker").
    const peopleListed = PEOPLE_JOINED.test(groupsSaid(message.toLowerCase()).spans.reduceRight((m, [a, b]) => m.slice(0, a) + m.slice(b), message.toLowerCase()));
    const personItem = (c: string) =>
      (aboutPeople && peopleListed && SHARED_BY_PEOPLE.test(c.trim())) ||
      aboutPeople &&
      /^['"“‘`]?[a-z_][a-z0-9_-]{0,31}['"”’`]?(?:\s+(?:in\s+(?:it|there|that|this)(?:\s+group)?|(?:to|into|in)\s+(?:it|the\s+[\w-]+(?:\s+group)?)|too|as\s+well|both|sudo|admin|(?:should|shall|must|will)\s+(?:be|join|get|have)\b.*|with\s+(?:sudo|admin|root|ssh|keys?|no\s+sudo)\b.*))?\s*[.!]*$/i.test(c.trim()) &&
      detectVerb(c) === undefined && findServiceMentions(c).length === 0 && !namesApp(c.trim().split(/\s+/)[0]!);
    // "…, call the volume worker-data", "…, /srv/artifacts", "…, owned by uid 472", "volumes a-data and b-data".
    const storageTalk = saysStorage(message);
    const volumePart = (c: string) => storageTalk && volumeDetail(c) && findServiceMentions(c).length === 0 && !namesApp(c.trim().split(/\s+/)[0]!.replace(/['"“”‘’`]/g, ''));
    // "remove both the api and the worker", "stop redis and memcached": a clause that is only
    // another existing service is one more target of the clause before.
    const serviceItem = (c: string) => {
      const bare = c.trim().toLowerCase().replace(/^(?:(?:and|both|also|plus|as\s+well\s+as)\s+)*(?:the\s+)?/, '').replace(/(?:\s+(?:service|container|one|app))?(?:\s+(?:too|as\s+well|both|please|pls))*\s*[.!]*$/, '');
      return services(run).some((s) => s.name === bare);
    };
    // "…NODE_ENV production, PORT 3000", "LANG=C.UTF-8 and TZ=UTC": one more variable of the list.
    const envTalk = /\b(?:env|environment|variables?|vars?)\b|(?<![\w$])[A-Z][A-Z0-9_]*=/.test(message) || new RegExp(String.raw`\b(?:set|change|update|put)\s+(?:(?:the|its|their)\s+)?${ENV_KEY}\s+(?:to|=|as)\s`).test(message);
    const envItem = (c: string) => envTalk && new RegExp(String.raw`^(?:and\s+|also\s+|plus\s+)?${ENV_KEY}(?:\s*[=:]\s*|\s+)\S`).test(c.trim()) && !NOT_VARIABLES.test(c.trim().replace(/^(?:and|also|plus)\s+/i, '').split(/[\s=:]/)[0]!);
    const continues = (c: string) =>
      // "…, and have it wait for redis": which service waits for which is a clause of its own.
      !DEPENDS.test(c) && !PAST_REMARK.test(c.trim()) && !CAN_DO_WITHOUT.test(c) && (personItem(c) ||
      // "add rule allow-vpn: udp 1194 from anywhere, accept": the rule's action said last (round 26).
      /^(?:(?:and|then)\s+)?(?:accept|allow|drop|deny|reject)(?:ed)?(?:\s+it)?\s*[.!]*$/i.test(c.trim()) ||
      // "open 27015, udp", "…, UDP only", "both tcp and udp on 53": the protocol of the rule before (round 30).
      PROTOCOL_FRAGMENT.test(c.trim()) ||
      // "allow imap and imaps", "smtp (port 25) and submission 587": one more service of the list of ports.
      SERVICE_ITEM.test(c.trim()) ||
      envItem(c) ||
      volumePart(c) ||
      serviceItem(c) ||
      // "keep 5 backups of postgres, taken every sunday at 4am", "keep twelve, one every 2 hours": when
      // the clause before happens, said with a participle or "one" (round 34).
      onlySchedule(c.trim().replace(/^(?:(?:and|but)\s+)?(?:(?:taken|made|done|run|created|one|once)\s+)/i, '')) && /^(?:(?:and|but)\s+)?(?:taken|made|done|run|created|one|once)\s/i.test(c.trim()) ||
      // "…, in worker", "…, inside the app container": where the clause before runs.
      /^(?:(?:and|but)\s+)?(?:in|inside|within)\s+(?:the\s+)?[a-z0-9][\w-]*(?:\s+container)?\s*[.!]*$/i.test(c.trim()) || !/^(?:open|allow|block|deny|close|permit|whitelist|blacklist|reject|unblock|expose)\b/i.test(c.trim()) && (/^(?:like|about|around|say|maybe|roughly|approx\.?|probably)\s+\d[\d.]*\s*[a-z]*$/i.test(c.trim()) ||
      /^(?:and\s+)?(?:name|call)\s+(?:it\s+|him\s+|her\s+|them\s+)?['"“‘`]?[a-z0-9][\w-]*['"”’`]?$|^(?:and\s+)?(?:called|named)\s+\S+$|^(?:and\s+|with\s+)?(?:the\s+|an?\s+)?(?:owner|owned\s+by)\b/i.test(c.trim()) ||
      (detectVerb(c) === undefined &&
      !isComplaint(c) &&
      // "…, every hour is fine", "…, nightly will do": a schedule with a word of assent is only a schedule.
      (SCHEDULE_FRAGMENT.test(c.trim()) || onlySchedule(c) || onlySchedule(c.replace(/\s+(?:is|would\s+be|'?s)\s+(?:fine|ok(?:ay)?|enough|plenty|good|great|perfect)\b|\s+(?:will|would|should)\s+do\b|\s+works\b/gi, ' ')) || /^(?:(?:no|without|with|and|plus|\+|not\s+(?:an?\s+)?|non-?)\s*)?(?:sudo|admin|sudoer|root access|a password|backups?)\b(?:\s+(?:rights|access|privileges|too|as\s+well|please|pls|needed|required))*\s*$|^(?:no|without|with|and|not\s+(?:an?\s+)?)\s+(?:sudo|admin|root access|a password|backups?)\b/i.test(c.trim()) ||
        // An address or a size inside a quoted command is the command's ("pinger command: `ping -i 60 1.1.1.1`", held-out 31 svc-62).
        (!TOPIC.test(c.toLowerCase()) && ((u) => findServiceMentions(u).length > 0 || findCidrs(u).length > 0 || findSizes(u).length > 0)(c.replace(new RegExp(QUOTED, 'g'), ' ')) && !ownSetting(c) && !ownFirewallRule(c)) || /^(?:https?|ssh|web(?:\s+traffic)?|(?:(?:tcp|udp)\s+)?(?:ports?\s+)?\d{1,5}(?:\s*(?:-|–|\.\.)\s*\d{1,5})?(?:\/(?:tcp|udp))?)(?:\s*\(\s*[a-z][\w\s-]{0,30}\))?(?:\s+(?:tcp|udp)(?:\s*(?:\+|\/|&|and|or)\s*(?:tcp|udp))?)?(?:\s+(?:in|inbound|incoming))?(?:\s+(?:to|from|for)\s.*)?(?:\s+(?:on|in|through|at)\s+(?:the\s+|this\s+|my\s+)?(?:firewall|host|server|box|machine|vps)|\s+through)?(?:\s*[,!.]?\s*(?:please|pls|plz|too|as\s+well|also|thanks|thx|now))*\s*[.!?]*$/i.test(c.trim())))));
    // "give redis 512mb and memcached 128mb": a part with no verb that is the part before said again with its own
    // service and value (ellipsis.ts) is a clause of its own, never a continuation of that one (review 23 MED-3:
    // memcached got redis's 512mb).
    const gapped = (c: string, before?: string) => before !== undefined && detectVerb(c) === undefined && detectVerb(before) !== undefined && gapFilled(before, c, services(run).map((s) => s.name)) !== undefined;
    const clauses = scheduleFirst(splitClauses(message, (c, before) => !continues(c) || gapped(c, before)).map(withoutPurpose));
    let inherited: Verb | undefined;
    let previous = '';
    for (let [ci, clause] of clauses.entries()) {
      // "Hi!", "Thanks!", "cheers": courtesy, nothing to do (round 30).
      if (/^(?:(?:hi|hello|hey|heya|hiya|greetings|thanks?|thank\s+you|thx|ty|cheers|ta)(?:\s+(?:so\s+much|a\s+lot|again|in\s+advance|all|there|guys|team|folks|mate))*\s*[!.]*\s*)+$/i.test(clause.trim())) continue;
      // "…, because the isp blocks 80", "since 3000 is my app": why, not what; nothing to do.
      if (/^(?:because|since|cause|cuz|coz|'cause)\b/i.test(clause)) continue;
      // "…, its hung", "…, it's stuck", "…, we do not use it": a remark on the service the clause
      // before named, said after it; nothing to do for it.
      if (ci > 0 && (AFTERWORD.test(clause.trim()) || PAST_REMARK.test(clause.trim()))) continue;
      // "delete postgres, the api can run without it": what a service can do without the one removed is
      // a remark (it is kept), never one more object of the removal before (round 32).
      if (ci > 0 && CAN_DO_WITHOUT.test(clause) && detectVerb(clause.replace(/\b(?:run|work|start|do)\b/gi, ' ')) === undefined) continue;
      // "stop worker. temporary, …": how long, said as a clause of its own (normalise.ts reads it as "for now"); nothing more to do.
      if (ci > 0 && /^(?:but\s+|just\s+|only\s+)*(?:for\s+now|temporarily)\s*[.!]*$/i.test(clause.trim())) continue;
      // "the worker is hung, kill it and bring it back": what is wrong with a service, said first,
      // before the request it explains; nothing to do for it (verbs-said failed on main after round 32).
      if (ci === 0 && clauses.length > 1 && STATE_REMARK.test(clause.trim()) && clauses.slice(1).some((c) => detectVerb(c) !== undefined)) continue;
      // "we moved to nginx, caddy can go": the same remark said first, before the request it explains (round 30).
      if (ci === 0 && clauses.length > 1 && PAST_REMARK.test(clause.trim()) && clauses.slice(1).some((c) => detectVerb(c) !== undefined)) continue;
      // "unpublish postgres's port, the app talks to it over the internal network anyway": why
      // the port can go, said after it; no network or dependency is made of it (round 25).
      if (ci > 0 && INTERNAL_ONLY.test(clauses[ci - 1]!.toLowerCase()) && REACHES_INSIDE.test(clause.trim())) continue;
      // "…, leave postgres as it is", "but don't touch redis": only says what stays; nothing to do for it.
      if (NEGATED_MENTION.test(clause) && withoutNegatedMentions(clause).replace(/\b(?:and|but|please|pls|though|tho|also|just|ok(?:ay)?|so|then|of\s+course|obviously)\b|[,.!;:-]/gi, '').trim() === '') {
        NEGATED_MENTION.lastIndex = 0;
        const kept = services(run).filter((s) => new RegExp(String.raw`(?<![\w-])${escapeRe(s.name)}(?![\w-])`, 'i').test(clause) || findServiceMentions(clause).some((m) => existingFor(run, m) === s.name)).map((s) => s.name);
        // "don't remove rabbitmq, just stop it": kept, and still what the request is about.
        if (/\b(?:delete|remove|destroy|drop|uninstall|wipe|nuke|lose|throw\s+away|get\s+rid\s+of)\b/i.test(clause)) for (const n of kept) mentionFocus(run, n);
        else if (kept.length > 0) run.notes.push(`Left ${kept.join(' and ')} as ${kept.length > 1 ? 'they are' : 'it is'}.`);
        continue;
      }
      NEGATED_MENTION.lastIndex = 0;
      // "too many, bring api down to 2", "overkill, one is enough": a remark on what follows.
      if (ci + 1 < clauses.length && /^(?:(?:that'?s|thats|it'?s|its|this\s+is|way|far|hmm+|ok(?:ay)?|ugh|yeah|well|so|nah)\s+)*(?:too\s+(?:many|much|few|little|big|small|slow|high|low)|overkill|a\s+bit\s+much|not\s+enough)\s*[.!]*$/i.test(clause)) continue;
      // "the website is slow, what is going on": the question is about the problem another clause names.
      if (ABOUT_THE_PROBLEM.test(clause.trim()) && clauses.some((c, i) => i !== ci && namesAProblem(c))) continue;
      // "…hit port 8443, nobody else": read with the rule it follows (handleFirewall).
      if (NOBODY_ELSE.test(clause) && detectVerb(clause) === undefined && findPorts(clause).length === 0 && findCidrs(clause).length === 0 && clause.split(/\s+/).length <= 6 && ci > 0) continue;
      // "…, listening on 1883. name it mqtt": a name for the service this request just added.
      const renamed = RENAME_IT.exec(clause);
      if (renamed && run.added.length > 0 && renameAdded(run, renamed[1]!.toLowerCase())) {
        clause = (clause.slice(0, renamed.index) + clause.slice(renamed.index + renamed[0].length)).replace(/^[\s,;.]+|[\s,;.]+$/g, '').replace(/\s*,\s*,\s*/g, ', ');
        if (clause === '' || /^(?:and|then|please|pls)$/i.test(clause)) continue;
      }
      // "scale web to 4 and api to 2", "make the worker 2 replicas; the api 4": a clause said
      // with the verb of the one before left out is that one again, with its own service and value (ellipsis.ts, round 30).
      if (ci > 0 && detectVerb(clause) === undefined) clause = gapFilled(previous, clause, services(run).map((s) => s.name)) ?? clause;
      previous = clause;
      let verb = detectVerb(clause) ?? (findServiceMentions(clause).length > 0 ? inherited : undefined);
      // "take down the worker, keep postgres", "kill memcached, don't need it anymore": a verb
      // that can stop or remove, said with what is kept or with no need left, removes.
      if (verb === 'stop' && /\b(?:take|bring|shut)\s+(?:[\w-]+\s+){0,3}down\b|\bkill\b/i.test(clause) && REMOVAL_CUE.test(message) && !FOR_A_WHILE.test(message)) verb = 'remove';
      // "start up redis, nginx and postgres", "bring up mariadb and grafana": "up" with services none of which is
      // here yet makes them (round 30); a service that is here is started as before.
      if (verb === 'start' && /\b(?:start|bring|fire|spin|boot)(?:ing)?\s+up\b/i.test(clause) && findServiceMentions(clause).length > 0 && targetsIn(run, clause).names.length === 0) verb = 'add';
      const linesBefore = run.lines.length;
      const warningsBefore = run.warnings.length;
      const filesBefore = realChanges(run);
      const understood = interpretClause(run, clause, verb);
      // "the cache is too big, shrink it to 128 megs": a remark naming a service, then "it" for it.
      const context = !understood && verb === undefined && /\b(?:it|that|this|them|its)\b/.test(clauses[ci + 1] ?? '') ? targetsIn(run, clause).names : [];
      for (const n of context) mentionFocus(run, n);
      if (!understood && context.length === 0) run.notUnderstood.push(clause);
      // A clause that changed no state file changed nothing: what it would have listed as a
      // change is already so (issue 11, defect 10), and is said that way; the warnings about
      // what that change would do ("you will lose access") do not apply.
      if (run.lines.length > linesBefore && realChanges(run) === filesBefore) {
        run.already.push(...run.lines.splice(linesBefore));
        run.warnings.splice(warningsBefore);
      }
      if (verb) inherited = verb;
    }
    onlyOnePublic(run);
    sizesPerService(run);
    finishFirewall(run);
    for (const g of run.emptyGroups) {
      run.questions.push(`A group exists through its members (security.yaml lists each user's groups), so ${g} is made with its first member. Who should be in it? e.g. "add alice to the ${g} group".`);
    }
    // "configure Prometheus to scrape the existing services": the scrape targets live in
    // prometheus.yml, which no state file writes; say so rather than drop it silently.
    if (/\bscrap(?:e|es|ed|ing)\b/i.test(message) && !run.notUnderstood.some((c) => /\bscrap/i.test(c))) {
      run.questions.push(
        'Not done: adding scrape targets. Prometheus reads them from its prometheus.yml, and no state file writes that file yet, so Prometheus scrapes only itself. To scrape more, mount a prometheus.yml of your own over /etc/prometheus/prometheus.yml in services.yaml.',
      );
    }
    run.notUnderstood = run.notUnderstood.filter((c) => !run.consumed.some((w) => new RegExp(String.raw`\b${escapeRe(w)}\b`, 'i').test(c)));
  } catch (e) {
    if (e instanceof WorkspaceError || e instanceof TemplateError) {
      return out({ ...base, files: {}, explanation: `I could not make this change: ${e.message}.`, questions: [] });
    }
    throw e;
  }

  // Only the files whose text changed: one rewritten to the same text is no change.
  const files = Object.fromEntries(Object.entries(run.ws.output()).filter(([name, text]) => text !== (run.input.files as Record<string, string | undefined>)[name])) as StateFiles;
  const understoodSomething = Object.keys(files).length > 0 || run.questions.length > 0 || run.notes.length > 0 || run.already.length > 0;
  const vague = !understoodSomething && !run.ask ? vagueQuestion(run, message) : undefined;
  // Nothing was read as a change (understood: false), but what is needed is asked.
  if (vague) return out({ ...base, files: {}, explanation: [vague, ...readAs].join('\n'), questions: [vague], understood: false });
  if (!understoodSomething && !run.ask) {
    return out({ ...base, files: {}, explanation: capabilities(`I did not understand "${message}".`), understood: false });
  }
  if (run.ask) {
    const q = run.ask.question;
    return out({ ...base, files: {}, explanation: [q, ASK_TAIL, ...readAs].join('\n'), questions: [q] }, run.ask);
  }
  if (run.notUnderstood.length > 0) {
    run.questions.push(`Not done: ${run.notUnderstood.map((c) => `"${c}"`).join(' and ')} (I did not understand ${run.notUnderstood.length > 1 ? 'those parts' : 'that part'}, so I left ${run.notUnderstood.length > 1 ? 'them' : 'it'} out). Rephrase it, or configure an LLM provider (see \`claude help\`).`);
  }
  if (run.generated.length > 0) {
    for (const g of run.generated) {
      run.notes.push(
        `Generated a strong random password for ${g.purpose}: stored encrypted to this host's key as the secret ${g.name} and used as \${secrets.${g.name}} (it is never written in plain text, shown to a model, logged or committed). To choose your own, run \`claude secret set ${g.name}\` and plan again.`,
      );
    }
  }
  const parts: string[] = [];
  // A service this request adds is said once, as the request leaves it (lines.ts).
  // One it changes that the machine does not have (observed; never applied) is an add too.
  const onMachine = new Set((run.input.summary?.services ?? []).map((o) => o.name));
  const unapplied = run.input.summary ? services(run).map((sv) => sv.name).filter((n) => !onMachine.has(n) && !run.added.includes(n)) : [];
  if (run.lines.length > 0) parts.push('Proposed changes:', ...foldBackupRetentionLines(foldAddedUserLines(foldUnappliedServiceLines(foldAddedServiceLines(whoReachesIt(run.lines, (n) => getService(run, n), services(run)), run.added, (n) => getService(run, n)), unapplied, (n) => getService(run, n)))).map((l) => '  ' + l));
  const already = withoutOwnRestatements(run.already, run.lines, run.added);
  if (already.length > 0) {
    const nothing = realChanges(run) === '{}';
    parts.push(`Already so${nothing ? ', so there is nothing to change' : ' (left as it is)'}:`, ...already.map((l) => '  ' + l.replace(/^[-+~]+ /, '')));
  }
  if (run.notes.length > 0) parts.push(...run.notes);
  parts.push(...readAs);
  // A reply that only asks says its questions (closing 24: "run a job in nosuchservice …" had an empty explanation); the CLI prints each once (explanationBesideQuestions).
  const proposal: Proposal = { ...base, files, explanation: (parts.length > 0 ? parts : run.questions).join('\n') };
  if (run.generated.length > 0) proposal.generatedSecrets = run.generated;
  if (run.warnings.length > 0) proposal.warnings = whoReachesReplicas(run.warnings, (n) => getService(run, n), services(run));
  if (run.questions.length > 0) proposal.questions = run.questions;
  if (run.offer && Object.keys(files).length === 0) proposal.offer = run.offer;
  return out(proposal);
}

const DEFAULT_SAID = /\b(the\s+)?default\b(?!\s+(?:(?:input|incoming|inbound|firewall|ingress)\s+)*(?:policy|deny|drop|allow|accept)\b)(?=(?:\s+[\w']+){0,2}?\s+(?:to|be|is|as|=|:)\s+(?:drop|deny|reject|block)\b)/i;
const FIREWALL_TALK = /\b(?:firewall|ssh|ports?|allow|block|deny|open|drop|reject|rules?)\b/i;
const PUBLIC_WORD = String.raw`(?:public(?:ly\s+(?:reachable|accessible|available))?|exposed|reachable\s+from\s+(?:outside|the\s+(?:internet|world))|published|open\s+to\s+the\s+(?:world|internet|public)|on\s+the\s+internet)`;
const ONLY_PUBLIC = new RegExp(
  String.raw`\b(?:only|just)\s+(?:the\s+)?([a-z][\w-]*)\s+(?:(?:should|must|will|shall|can|may)\s+be\s+|is\s+|gets?\s+to\s+be\s+)?${PUBLIC_WORD}(?:\s*(?:[,:-]\s*)?(?:(?:on|at)\s*)?(?:port\s+)?(\d{2,5})\b)?|\b(?:the\s+)?([a-z][\w-]*)\s+(?:is|should\s+be|will\s+be)\s+the\s+only\s+(?:thing|one|service|container|part)\s+(?:that\s+is\s+|that'?s\s+|to\s+be\s+)?${PUBLIC_WORD}(?:\s*(?:[,:-]\s*)?(?:(?:on|at)\s*)?(?:port\s+)?(\d{2,5})\b)?`,
  'i',
);

/** The services this request added, other than the one said to be the only public one, publish no host port. */
/**
 * Sizes said for the services a request adds, read over the whole request once every clause is
 * done (round 25): "add redis and memcached, 128mb each", "…, each with 96mb", "1gb apiece" give
 * that size to every service added; "add redis 128m and memcached 64m", "redis with 128mb and
 * memcached with 64mb", "redis at 300mb, memcached at 100mb": a size right after a name is that
 * service's own. Only services this request added are touched.
 */
const EACH_SIZE = /(?:\b(?:each|both)\s+(?:(?:with|gets?|having|at|of)\s+)?(\d+(?:\.\d+)?\s?[a-z]+)|(\d+(?:\.\d+)?\s?[a-z]+)\s+(?:(?:of\s+)?(?:memory|ram)\s+)?(?:each|apiece|per\s+(?:service|container|app|one|piece)|for\s+(?:each|both|every\s+one)(?:\s+of\s+them)?))\b/i;
function sizesPerService(run: Run): void {
  const added = [...new Set(run.added)].filter((n) => getService(run, n));
  if (added.length < 2) return;
  const m = run.input.message;
  const each = EACH_SIZE.exec(m);
  const eachSize = each ? findSizes(each[1] ?? each[2]!)[0] : undefined;
  for (const name of added) {
    const own = new RegExp(String.raw`(?<![\w.-])${escapeRe(name)}(?![\w.-])\s*(?:(?:with|at|@|gets?|getting|limited\s+to|capped\s+at|:)\s+|=\s*)?(\d+(?:\.\d+)?\s?[a-z]+)(?![\w.])`, 'i').exec(m);
    const size = (own ? findSizes(own[1]!)[0] : undefined) ?? eachSize;
    if (!size) continue;
    const cur = getService(run, name)!.resources?.memory;
    if (cur !== undefined && sizeToBytes(cur) === size.bytes) continue;
    run.ws.set('services.yaml', svcPath(run, name, 'resources', 'memory'), size.value);
    const at = run.lines.findIndex((l) => new RegExp(String.raw`^~ ${escapeRe(name)}: memory limit `).test(l));
    if (at >= 0) run.lines.splice(at, 1);
    run.lines.push(`~ ${name}: memory limit ${size.value}`);
  }
}

const REACHES_INSIDE = /^(?:(?:and|since|as|because|cause|cuz|coz)\s+)?(?:the\s+)?[a-z][\w-]*\s+(?:only\s+|already\s+)?(?:talks?|connects?|speaks?|reaches?|gets?\s+to|goes)\s+(?:to\s+)?(?:it|them|that|[a-z][\w-]*)\s+(?:over|on|through|via|inside|within|in)\b[^.;]{0,60}\b(?:internal|inside|private|docker|container|stack|network)\b[^.;]{0,30}$/i;

function onlyOnePublic(run: Run): void {
  const keep = run.onlyPublic;
  if (!keep || !getService(run, keep)) return;
  for (const name of run.added) {
    const s = getService(run, name);
    if (name === keep || !s || !(s.ports ?? []).some((p) => p.host !== undefined)) continue;
    const left = (s.ports ?? []).filter((p) => p.host === undefined);
    if (left.length > 0) run.ws.set('services.yaml', svcPath(run, name, 'ports'), left);
    else run.ws.delete('services.yaml', svcPath(run, name, 'ports'));
    run.lines.push(`~ ${name}: ${NO_HOST_PORT} (only ${keep} is public)`);
  }
}

/** "…, and only 10.0.0.0/8 should reach 3000": an address, a port and who may reach it is a rule of its own, never a list item. */
function ownFirewallRule(c: string): boolean {
  return findCidrs(c).length > 0 && findPorts(c).length > 0 && /\b(?:reach|access|connect|allowed?|only|open|block|deny)\b/i.test(c);
}

/** A word that is never a person's name in a list of people ("add carol and dave"). */
const NOT_A_PERSON = /^(?:the|a|an|and|or|it|them|users?|accounts?|logins?|groups?|sudo|sudoers?|admins?|wheel|me|us|you|him|her|no|not|without|with|only|just|also|too|please|pls|new|owner|app|apps|db|database|service|services|server|box|machine|key|keys|ssh|root|my|our|their|his|its|both|all|each|regular|normal|standard|two|three|four|five|for|to|in|into|from|of|on|as|this|that|these|those|is|are|be|group|members?|people|team|access|everyone|anyone|give|grant|make|put|let|set|get|create|add|remove|delete|take|kick|open|allow|block|install|run|deploy|change|move|need|needs|want|wants|have|has)$/i;
const PERSON = String.raw`['"“‘\`]?[a-z_][a-z0-9_-]{0,31}['"”’\`]?`;
const PERSON_LIST = new RegExp(String.raw`(?<![\w@./:+=-])(${PERSON}(?:\s*,\s*${PERSON})*\s*(?:,\s*)?(?:and|&)\s+${PERSON})(?![\w@./+=-])`, 'gi');
/**
 * What several people said together share: "…, regular users", "…, both sudoers", "…, all in
 * group devs", "- all three in the docker group", "…, they should all be in group ops". One
 * clause with the list before it (handleUsers gives it to each person).
 */
const SHARED_BY_PEOPLE = /^(?:[-–—]\s*)?(?:(?:they|them)\s+(?:should|will|must|need\s+to|are|'re)?\s*)?(?:(?:both|all|each)(?:\s+(?:of\s+them|three|four|five|two))?\s+)?(?:should\s+)?(?:be\s+|as\s+)?(?:(?:regular|normal|standard|plain|ordinary|non-?admin|unprivileged)\s+(?:users?|accounts?)|(?:sudoers?|admins?)|(?:with|no|without)\s+sudo|(?:in\s+(?:the\s+)?)?groups?\b.*|in\s+(?:the\s+)?[\w-]+(?:\s*&\s*[\w-]+)*\s+groups?)(?:\s*(?:,\s*)?(?:no|without)\s+sudo)?\s*[.!]*$/i;

/** A list of several people (joinPeople) is in the request: what follows it may be shared by them. */
const PEOPLE_JOINED = /[a-z0-9_'"”’`-]\s+&\s+['"“‘`]?[a-z_]/i;

/**
 * Lists of people and of groups said with "and" or commas become one "&" list the clause
 * splitter keeps whole: "add carol and dave, regular users" → "add carol & dave, regular
 * users"; "groups adm and www-data" → "groups adm & www-data". Only when the request speaks of
 * users, accounts, groups or sudo, and never a list with a service, a product, a verb or a
 * common word in it.
 */
function joinPeople(message: string, serviceNames: string[]): string {
  if (!/\b(?:users?|accounts?|logins?|groups?|sudoers?|sudo)\b/i.test(message)) return message;
  const plain = (n: string) => {
    const w = n.replace(/['"“”‘’`]/g, '');
    return !NOT_A_PERSON.test(w) && !TOPIC.test(w.toLowerCase()) && detectVerb(w) === undefined && !serviceNames.includes(w.toLowerCase()) && findServiceMentions(w).length === 0 && !namesApp(w) && !products().includes(w.toLowerCase());
  };
  // A list of groups is joined whatever its words are ("groups web and deploy").
  const G = String.raw`['"“‘\`]?[a-z_][a-z0-9_-]{0,31}['"”’\`]?`;
  const GROUPS = String.raw`(${G}(?:\s*,\s*${G})*\s*(?:,\s*)?(?:and|&)\s+${G})`;
  // Never a topic of its own ("in group docker, and hostname build-02").
  const aGroup = (list: string) => list.split(/\s*(?:,|\band\b|&)\s*/i).every((g) => g === '' || (!TOPIC.test(g.toLowerCase()) && !/^(?:the|a|an|with|key|ssh|sudo|no|set|make|give|add|create|remove|open|allow|block)$/i.test(g)));
  const joined = (list: string) => list.split(/\s*(?:,|\band\b|&)\s*/i).filter((n) => n !== '').join(' & ');
  message = message
    .replace(new RegExp(String.raw`(\bgroups?\s*:?\s+)${GROUPS}(?![\w@./+=-])`, 'gi'), (m, lead: string, list: string) => (aGroup(list) ? lead + joined(list) : m))
    .replace(new RegExp(String.raw`(\b(?:in|into|to)\s+(?:the\s+)?)${GROUPS}(\s+groups\b)`, 'gi'), (m, lead: string, list: string, tail: string) => (aGroup(list) ? lead + joined(list) + tail : m));
  return message.replace(PERSON_LIST, (list: string, _l: string, at: number, all: string) => {
    // Right after "group" it is a group ("in group docker, and hostname …" is no list).
    if (/\bgroups?\s*:?\s*$/i.test(all.slice(0, at))) return list;
    const names = list.split(/\s*(?:,|\band\b|&)\s*/i).filter((n) => n !== '');
    return names.length >= 2 && names.every(plain) ? names.join(' & ') : list;
  });
}

/**
 * The one place a list of existing services said as subjects becomes one subject: "both the
 * api and the worker services", "redis and postgres both", "api, worker and redis", "the api
 * as well as the worker" → "api & worker". The clause splitter never splits at "&", and every
 * handler applies its change to each service a clause names.
 */
function joinSubjects(message: string, names: string[]): string {
  if (names.length < 2) return message;
  const name = [...names].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  const one = String.raw`(?:(?:the|our|my)\s+)?(?:${name})(?:\s+(?:service|container|app)s?)?`;
  const link = String.raw`(?:\s*,\s*(?:and\s+|&\s+|\+\s+)?|\s+(?:and|&|\+|plus|as\s+well\s+as)\s+)`;
  const list = new RegExp(String.raw`(?<![\w.:/-])(?:both\s+)?${one}(?:${link}${one})+(?:\s+both)?(?![\w./-]|:\w)`, 'gi');
  const each = new RegExp(String.raw`(?<![\w.:/-])(${name})(?![\w.:/-])`, 'gi');
  return message.replace(list, (m, at: number, all: string) => {
    // "delete postgres, the api can run without it": the last name is the subject of a remark, not one more object.
    if (CAN_DO_WITHOUT.test(all.slice(at + m.length, at + m.length + 60)) && /^\s+(?:can|could|will|would|should|is|does|do)\b/i.test(all.slice(at + m.length))) return m;
    const said = [...m.matchAll(each)].map((x) => x[1]!.toLowerCase());
    return said.length > 1 && new Set(said).size === said.length ? said.join(' & ') : m;
  });
}

/** "like last time", "the usual stuff", "my standard setup": a set-up the engine has no record of. */
/** A change to a thing only pointed at: "the old one", "the newer one", "that ip", "this address", "the thing we talked about", "what we discussed", "the app i mentioned". */
const POINTED_NOTHING = /\b(?:delete|remove|drop|get\s+rid\s+of|kill|stop|start|restart|install|add|set\s*up|deploy|block|ban|deny|allow|whitelist|blacklist|unblock|open|close|expose|update|upgrade)\b.*?(?:\bthe\s+(?:old|older|oldest|new|newer|newest|previous|first|last)\s+one\b|\b(?:that|this|the)\s+(?:[\w']+\s+)?(?:ip|address)\b|\b(?:the|that)\s+(?:thing|stuff|app|service|one|tool|package)\s+(?:we|i|you)\s+(?:talked|spoke|discussed|mentioned|said)\b|\bwhat\s+(?:we|i)\s+(?:discussed|talked\s+about|mentioned|said)\b)/i;

const HABIT = /\b(?:like|same\s+as|as)\s+(?:(?:the\s+)?last\s+time|before|usual|always|yesterday|(?:the|my|our)\s+(?:old|other|last|previous)\s+(?:one|server|box|machine|setup|host))\b|\bthe\s+usual\b|\b(?:my|our|the)\s+(?:usual|standard|normal|typical|regular)\s+(?:stuff|things|setup|set-up|stack|packages|tools|suspects)\b|\busual\s+(?:stuff|things|setup|suspects|packages|tools)\b|\bwhat\s+(?:we|i)\s+(?:had|did|used|ran)\s+(?:before|last\s+time)\b/i;
/** "make it faster", "speed things up", "the site is too slow": a goal with no change named. */
const FASTER = /\b(?:faster|quicker|snappier|speed\s+(?:[\w-]+\s+)?up|perform(?:s|ance)?\s+better|more\s+(?:performant|responsive)|less\s+(?:slow|laggy)|optimi[sz]e|too\s+slow|(?:so|really|very|super)\s+slow|sluggish|laggy)\b/i;
/** "bump the memory", "scale it up", "give it more cpu": more of a resource, with no amount. */
const MORE = /\b(?:bump|raise|increase|boost|beef|grow|more|up(?:grade)?)\b[^.;]*?\b(?:memory|ram|cpus?|cores?|replicas?|instances|resources|limits?)\b|\b(?:scale|beef|size|power)\s+(?:(?:it|them|that|this|things|everything|[\w-]+)\s+)?up\b|\b(?:memory|ram|cpu)\s+(?:bump|boost|increase)\b/i;

/** A service pointed at that fits several: "the other one", "that service", "the second one". */
const SEVERAL_FIT = /\b(?:remove|delete|drop|stop|start|restart|kill|move|update|upgrade|get\s+rid\s+of|scale|can\s+go|goes|has\s+to\s+go|must\s+go)\b.*?\b(?:(?:the|that)\s+other|that|the\s+(?:second|third|2nd|3rd))\s+(?:one|1|service|container)\b|\b(?:(?:the|that)\s+other|that|the\s+(?:second|third|2nd|3rd))\s+(?:one|1|service|container)\s+(?:can|has\s+to|must|should)\s+go\b/;
/** A change of a setting with no value: "change the port", "I want a different port", "update the image please". */
const NO_VALUE = /^(?:(?:please|pls|can\s+you|could\s+you|i\s+(?:want|need)(?:\s+to)?|i'?d\s+like(?:\s+to)?|we\s+need(?:\s+to)?)\s+)*(?:change|update|set|switch|modify|alter|adjust|use|pick|choose|limit|cap|give\s+it|have)?\s*(?:it\s+)?(?:(?:the|a|its|a\s+new|a\s+different|another|the\s+new)\s+)?(port(?:\s+number)?|memory(?:\s+limit)?|ram|image|version|tag|name|hostname|host\s+name|time\s*zone)(?:\s+(?:to\s+something\s+else|please|pls|then|now))*\s*[?.!]*$/;
/** A script or job said by what it is with no command: "schedule the cleanup script", "set up the cron job we talked about". */
const LACKING_SCRIPT = /\b(?:schedule|run|enable|set(?:\s*up)?|start|add|activate|make|put)\s+(?:(?:the|my|our|that|a\s+schedule\s+for\s+the)\s+)?(?:[\w-]+\s+)?(?:script|cron\s*job|cronjob)\b|\b(?:(?:set\s*up|make|create|add)\s+a\s+schedule\s+for|schedule)\s+(?:the\s+|my\s+|our\s+|that\s+)?(?:[\w-]+\s+)?(?:script|report|digest|export|cleanup|clean-?up|purge|sync|job)\b/;
/** "schedule the report", "can you schedule the invoice report?": only "schedule" and what, nothing else said (round 34). */
const ONLY_SCHEDULE_WHAT = /^(?:(?:please|pls|can\s+you|could\s+you|would\s+you)\s+)*schedule\s+(?:the\s+|my\s+|our\s+|that\s+)?((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s*(?:(?:please|pls|for\s+me)\s*)*[?.!]*$/;
/** A setting said with no value in any order, with any politeness round it: "the port, please change it", "I'd like to change the port, can you do that?" (round 34). */
const SETTING_NOUN = /\b(port(?:\s+number)?|memory(?:\s+limit)?|ram|image|version|tag|hostname|host\s+name|time\s*zone)\b/;
const NO_VALUE_WORDS = new Set(
  "please pls plz can could would will you do that this it for me us i id i'd i'm like want need needs to we the a an its new different another other change changed changing update swap switch modify alter adjust use pick choose set have be something else then now thanks thx is possible ok okay make one".split(' '),
);
const CHANGE_WORD = /^(?:change|changed|changing|update|swap|switch|modify|alter|adjust|different|another|new|pick|choose)$/;
function settingWithNoValue(t: string): string | undefined {
  const m = SETTING_NOUN.exec(t);
  if (!m) return undefined;
  const rest = `${t.slice(0, m.index)} ${t.slice(m.index + m[0].length)}`.replace(/[^a-z'\s]/g, ' ').split(/\s+/).filter(Boolean);
  if (rest.some((w) => !NO_VALUE_WORDS.has(w)) || !rest.some((w) => CHANGE_WORD.test(w))) return undefined;
  return m[1]!;
}
/** Whether every word of a request is one of the given words. */
function onlyWords(t: string, words: ReadonlySet<string>): boolean {
  const all = t.replace(/[^a-z'\s]/g, ' ').split(/\s+/).filter(Boolean);
  return all.length > 0 && all.every((w) => words.has(w));
}
/** The words of a service asked for with nothing said of it: "I'd like to add another service to the server, please". */
const SOME_SERVICE_WORDS = new Set(
  "please pls plz can could would will you u do for me us i id i'd like want need to we a an another new some one more other additional extra add adding deploy set up setup create install run start spin launch get have service container app application on the this my our server box machine host vps here thanks thx now quick just".split(' '),
);
/** The words of "fix it" with nothing said of what is wrong ("fix the server": round 38, fit32b, h32-amb-11). */
const FIX_WORDS = new Set(
  "please pls plz can could would you u fix fixed repair sort out it this that things everything stuff is it's its broken not working work make again help me us up the problem issue something wrong thanks thx now asap just quickly quick go get going server box machine host system vps our my".split(' '),
);
/** How often said without a schedule: "sometimes", "every now and then", "from time to time", "once in a while", "periodically". */
const SOMETIMES_WORD = /\b(?:sometimes|(?:every|each)\s+(?:now\s+and\s+(?:then|again)|so\s+often|once\s+in\s+a\s+while)|from\s+time\s+to\s+time|once\s+in\s+a\s+while|now\s+and\s+(?:then|again)|periodically|occasionally|regularly|at\s+times|here\s+and\s+there)\b/;
const SOMETIMES = new RegExp(String.raw`^(?![^]*\d)(?![^]*\b(?:hour|hourly|day|daily|night|nightly|week|weekly|month|monthly|minute|morning|evening|noon|midnight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|weekday)s?\b)[^]*${SOMETIMES_WORD.source}`);
/** A memory said as a bare number: "set the memory to 2", "ram to 1", "memory 512 please" (round 34). */
const BARE_MEMORY = /\b(?:memory|ram|mem)\b\s*(?:(?:limit|cap)\b\s*)?(?:(?:to|at|of)\b\s*|[=:]\s*)?(\d+(?:\.\d+)?)(?!\s*(?:[kmgt]i?b?|megs?|gigs?|megabytes?|gigabytes?)\b)(?![\w.%])|\b(\d+(?:\.\d+)?)\s+(?:of\s+)?(?:memory|ram)\b/;

/**
 * A request nothing could act on that is vague rather than unread: it asks what is meant,
 * naming what is needed (the services, an amount), instead of "I did not understand".
 */
function vagueQuestion(run: Run, message: string): string | undefined {
  const t = message.toLowerCase();
  const bare = BARE_MEMORY.exec(t);
  if (/\d/.test(t) && !SEVERAL_FIT.test(t) && !LACKING_SCRIPT.test(t) && !(bare && findSizes(t).length === 0)) return undefined;
  const names = services(run).map((s) => s.name);
  const named = targetsIn(run, message).names;
  const which = named.length === 1 ? named[0]! : names.length === 1 ? names[0]! : undefined;
  const pick = which ? '' : names.length > 1 ? ` Which service: ${orList(names)}?` : ' There are no services yet.';
  const eg = which ?? names[0] ?? 'api';
  // "delete the old one", "block that ip", "install the thing we talked about yesterday": a
  // thing pointed at that nothing in the state or this conversation names.
  // "remove the other one", "stop that service", "delete the second one" with several services and
  // none under discussion: which of them is asked, with the candidates (round 33).
  // "add a service", "new service", "can u deploy some service for me": a service with nothing said of it (round 36).
  if (onlyWords(t, SOME_SERVICE_WORDS) && /\b(?:service|container|app|application)\b/.test(t)) {
    return `Which service should I add? Say the product or its image, and its port if it serves one: for example "add nginx on port 8080", "add postgres" or "add a service called api using image ghcr.io/acme/api:1.2 on port 3000".${names.length ? ` (The services here are ${orList(names)}.)` : ''} Nothing was changed.`;
  }
  // "fix it", "it's broken, sort it out": nothing said of what is wrong (round 36).
  if (onlyWords(t, FIX_WORDS) && /\b(?:fix|repair|broken|sort|work|working|problem|issue|wrong)\b/.test(t)) {
    return `What is wrong, and with which service?${names.length > 1 ? ` The services are ${names.join(', ')}.` : names.length === 1 ? ` (The service here is ${names[0]}.)` : ' There are no services yet.'} Say what to change, for example "restart ${eg}", "give ${eg} 1g of memory" or "open port 8080", or ask "why is ${eg} failing?". Nothing was changed.`;
  }
  // "run the job sometimes", "every now and then", "from time to time": how often is not said (round 36).
  if (SOMETIMES.test(t)) {
    const jobs = run.ws.items<{ name: string }>('scheduled.yaml', JOBS).map((j) => j.name);
    return `How often, and at what time, should ${jobs.length === 1 ? `the job ${jobs[0]}` : 'it'} run? "${SOMETIMES_WORD.exec(t)![0]}" says no schedule.${jobs.length > 1 ? ` Which job: ${orList(jobs)}?` : jobs.length === 0 ? ' There are no jobs yet: say its command and where it runs too.' : ''} For example "every night at 3", "every 6 hours" or "every monday at 9am". Nothing was changed.`;
  }
  if (SEVERAL_FIT.test(t) && !named.length && names.length > 1 && focusTargets(run).length !== 1) {
    return `Which service do you mean: ${orList(names)}? "${/\bother\b/.test(t) ? 'the other one' : /\bsecond\b/.test(t) ? 'the second one' : 'that one'}" fits more than one, and I never guess which to change. Nothing was changed.`;
  }
  // "set the memory to 2": 2 of what, and for which service, is asked (round 34).
  if (bare && findSizes(t).length === 0) {
    const n = bare[1] ?? bare[2]!;
    return `How much memory is "${n}": ${n} MB or ${n} GB${which ? `, for ${which}` : ''}?${pick} Say it with its unit, for example "give ${eg} ${n}g of memory". Nothing was changed.`;
  }
  // "change the port", "I want a different port", "update the image": a change with no value (round 33).
  const said = NO_VALUE.exec(t)?.[1] ?? settingWithNoValue(t);
  if (said) {
    const what = said.replace(/\s+number$/, '');
    const now = which && /^port/.test(what) ? getService(run, which)?.ports?.map((p) => p.host ?? p.container).join(', ') : which && /^image|^version|^tag/.test(what) ? getService(run, which)?.image : undefined;
    return `What should the new ${what} be${which ? ` for ${which}` : ''}?${now ? ` (It is ${now} now.)` : ''}${pick} Say it with the value, for example "${/^port/.test(what) ? `move ${eg} to port 8080` : /^(?:memory|ram)/.test(what) ? `give ${eg} 512m of memory` : /^(?:image|version|tag)/.test(what) ? `update ${eg} to ${getService(run, eg)?.image?.split(':')[0] ?? eg}:TAG` : /^host/.test(what) ? 'set the hostname to web01' : /^time/.test(what) ? 'set the timezone to Europe/Berlin' : /^name/.test(what) ? `rename ${eg} to NAME` : `set the ${what} of ${eg} to VALUE`}". Nothing was changed.`;
  }
  // "schedule the cleanup script", "run the export script every night": a script or job the host
  // lacks (no job runs it, no command is said): what it runs and where is asked (round 33).
  const only = ONLY_SCHEDULE_WHAT.exec(t);
  const lacking = LACKING_SCRIPT.exec(t) ?? (only && !names.includes(only[1]!) ? only : null);
  if (lacking) {
    const jobs = run.ws.items<{ name: string }>('scheduled.yaml', JOBS);
    const thing = /\b(?:the|my|our|that)\b/.test(lacking[0]) ? lacking[0].replace(/^.*?\b(the|my|our|that)\b/, '$1') : `"${lacking[0].replace(/^.*?\bschedule\s+(?:for\s+)?/, '').replace(/\s+(?:please|pls|for\s+me)$/, '').replace(/[?.!]+$/, '')}"`;
    return `Which command is ${thing}, when should it run, and in which service's container${names.length ? ` (${orList(names)})` : ''}? No job here runs it${jobs.length ? ` (the jobs are ${orList(jobs.map((j) => j.name))})` : ''}. For example "run bin/cleanup.sh in ${eg} every night at 3". Nothing was changed.`;
  }
  if (POINTED_NOTHING.test(t)) {
    if (/\b(?:ips?|address(?:es)?|hosts?|subnets?|ranges?)\b/.test(t)) return `Which IP address or range do you mean? Nothing in this conversation names one. Say it, for example "block 203.0.113.7" or "allow 10.0.0.0/8". Nothing was changed.`;
    return `Which one do you mean? I keep no record of earlier conversations, and nothing here names it.${names.length > 0 ? ` The services are ${orList(names)}.` : ''} Say it by name, for example "remove ${eg}". Nothing was changed.`;
  }
  if (HABIT.test(t)) {
    return `I keep no record of earlier set-ups to copy, so I cannot tell what that means here. Which services should I set up, and how? For example: "add nginx on port 80, postgres and redis".`;
  }
  if (MORE.test(t)) {
    const what = /\b(?:cpus?|cores?)\b/.test(t) ? 'How many CPU cores' : /\b(?:replicas?|instances|scale)\b/.test(t) ? 'How many replicas' : /\b(?:memory|ram)\b/.test(t) ? 'How much memory' : 'How much more (memory, CPU or replicas)';
    const ex = what.includes('cores') ? `give ${eg} 2 cores` : what.includes('replicas') && !what.includes('memory') ? `scale ${eg} to 3` : `give ${eg} 1g of memory`;
    return `${what}${which ? ` for ${which}` : ''}?${pick} For example: "${ex}".`;
  }
  if (FASTER.test(t)) {
    return `What should I change to make ${which ?? 'it'} faster? I can give a service more memory ("give ${eg} 1g"), more CPU ("give ${eg} 2 cores") or more replicas ("scale ${eg} to 3").${pick}`;
  }
  return undefined;
}

/**
 * Phrasings said the engine's way before the request is read:
 * - a person introduced as a heading ("new admin: gina, key is …", "new dev - omar") is "add user
 *   gina" (with sudo for an admin);
 * - loose quantities: "half a gig" → 512mb, "a gig and a half" / "1 and a half gigs" → 1536mb,
 *   "a quarter of a gig" → 256mb, "a gig" → 1 gig, "a couple of cores" → 2 cores, "a single core" →
 *   1 core.
 */
/** Words that put a request about traffic: "drop everything else" said beside them closes the rest of the ports. */
const TRAFFIC_TALK = /\b(?:firewall|ssh|ports?|traffic|incoming|inbound|connections?|https?|website|web\s+traffic)\b|\b(?:open|allow|accept|permit|unblock)\s+(?:port\s+)?\d{1,5}\b|\b(?:open|opened|reachable|accessible)\s+(?:to|from)\b|\bfrom\s+(?:anywhere|everyone|\d{1,3}\.\d)/i;

function paraphrase(text: string, keptPorts: (name: string) => number[] | undefined = () => undefined): string {
  return settingPairs(allowList(retracted(plainerEnglish(firewallOnKept(text, keptPorts)))))
    // "remove the memory and cpu limits on redis": one clause about both limits (split at "and",
    // "cpu limits on redis" took the verb alone and removed redis).
    .replace(/\b(memory|ram|mem|cpus?|cores?)\s+(?:and|&)\s+(memory|ram|mem|cpus?|cores?)\s+(limits?|caps?|restrictions?)\b/gi, '$1+$2 $3')
    // "ssh only from the office, the website open to everyone, drop everything else": the rest of
    // the traffic dropped (a lock-down), never every service removed. Without traffic words
    // ("keep nginx, drop everything else") it stays a removal.
    .replace(/\b(?:drop|deny|reject|block|close)\s+(?:off\s+)?(?:all\s+)?(?:everything|anything|all)\s+(?:else|other)\b|\b(?:drop|deny|reject|block|close)\s+(?:off\s+)?(?:all\s+)?the\s+rest\b/gi, (m) => (TRAFFIC_TALK.test(text) ? 'block everything else' : m))
    // "7 kept", "14 copies retained": the retention said after the count.
    .replace(/\b(\d+)\s+((?:copies|backups?|dumps?|snapshots?|versions?|of\s+them)\s+)?(?:kept|retained|stored)\b/gi, (_m, n: string, what?: string) => `keep ${n}${what && !/of\s+them/i.test(what) ? ` ${what.trim()}` : ''}`)
    // "port too 8008", "scale it too 3": "too" before a number is "to".
    .replace(/\btoo\s+(?=\d)/gi, 'to ')
    // "fw: 8443 accept from 172.16.0.0/12", "firewall - 25 drop", "8443 allow from …": ops
    // shorthand, the port said before its verb, is the verb first (round 26).
    .replace(/(?<![\w./:@-])fw(?![\w./@-]|:[\w/])/gi, 'firewall')
    // "…, 6379 dropped", "port 9200 blocked from outside", "5432 rejected": a port said with what is done to it, as a verb (round 35).
    .replace(/(^|[,;:.]\s*|\b(?:and|but|plus)\s+)(?:(?:tcp|udp)\s+)?(?:port\s+)?(\d{2,5})(\/(?:tcp|udp))?\s+(?:(?:gets?|getting)\s+)?(dropped|blocked|closed|denied|rejected|firewalled)\b(?!\s+(?:by|because|since|when|if)\b)/gi, (_m, head: string, port: string, proto: string | undefined, done: string) => `${head}${/^rej/i.test(done) ? 'reject' : 'block'} port ${port}${proto ?? ''}`)
    // "firewall off port 3306 from the internet", "firewall off 5432": the port walled off, blocked (round 35).
    .replace(/\bfirewall\s+off\s+(?=(?:(?:tcp|udp)\s+)?(?:(?:the\s+)?ports?\s+\d|\d{2,5}\b))/gi, 'block ')
    // "log in to the server remotely", "remote login": SSH.
    .replace(/\b(?:log\s*in|login|sign\s+in|get\s+in)\s+(?:(?:to|on|into)\s+(?:the|this|our|my)\s+(?:server|machine|box|host|vps)\s+)?remotely\b|\bremote(?:ly)?\s+(?:logins?|shell|shell\s+access)\b/gi, 'ssh')
    .replace(/(^|[,;.]\s|\bfirewall(?:\s*[:\-–]\s*|\s+))(?:port\s+)?(\d{2,5})(\/(?:tcp|udp))?(?:\s*[:\-–]\s*|\s+)(accept|allow|open|permit|deny|drop|reject|block|close)\b/gi, (_m, head: string, port: string, proto: string | undefined, verb: string) => `${head}${verb} port ${port}${proto ?? ''}`)
    // "the firewall entry for 8080", "the firewall exception for grafana", "the firewall hole for
    // 443": one rule, said another way (round 26: "delete the firewall entry …" read as "open").
    .replace(/\bfirewall\s+(?:entry|exception|exemption|hole|pinhole|opening|allowance)\b/gi, 'firewall rule')
    .replace(/\bfirewall\s+(?:entries|exceptions|exemptions|holes|pinholes|openings|allowances)\b/gi, 'firewall rules')
    .replace(/\b(remove|delete|drop|get\s+rid\s+of)\s+the\s+(?:firewall\s+)?rule\s+for\s+(?:port\s+)?(\d{2,5})\b/gi, '$1 the firewall rule for port $2')
    // "1,5 GB", "0,5 cores": a decimal comma before a unit.
    .replace(/\b(\d+),(\d{1,2})\s?(?=(?:[kmgt]i?b?|megs?|gigs?|megabytes?|gigabytes?|mebibytes?|gibibytes?|v?cpus?|cores?)\b)/gi, '$1.$2 ')
    // "start a minio server", "start up an nginx": starting something new adds it.
    .replace(/\bstart(?:\s+up)?\s+(?=(?:a|an|some|another|new|one\s+more)\s+(?!(?:backups?|back\s+up|job|cron|scan|check|restart|rollback)\b))/gi, 'set up ')
    // "app ghcr.io/acme/web:1 on 8080 with a redis cache": a word for what it is, then an image and
    // what it is added with, is that image added (round 38, fit32b: h32-multi-09). Never "the app …"
    // (one there) or an image followed by anything else ("app ghcr.io/acme/web:1 keeps crashing").
    .replace(new RegExp(String.raw`^(\s*)(?:(?:a|an|our|my|new|one)\s+)?(?:app|application|service|container)\s+(?=(?:${IMAGE_SAID})(?![\w/:@.-])\s*(?:$|[,;]|on\s+(?:port\s+)?:?\d|with\b|as\b|called\b|named\b))`, 'i'), '$1add ')
    // Several services in one sentence, each said "NAME (IMAGE[, port N]) [x N]" or "N NAMEs
    // from IMAGE [named NAME]": the form the grammar reads, "IMAGE as NAME [on port N] [with N replicas]".
    .replace(new RegExp(String.raw`\b(?:(?:a|an|our|my|the)\s+)?([a-z][\w-]*)\s*\(\s*(?:image\s*:?\s*)?(${IMAGE_SAID})\s*(?:,\s*(?:on\s+)?(?:port\s+)?(\d{2,5})\s*)?\)`, 'gi'), (_m, name: string, image: string, port: string | undefined, at: number, all: string) =>
      // "my app (IMAGE) as shop": a word for what it is, the name said after it.
      /^(?:app|application|service|container|image|thing|project|code|stuff)$/i.test(name) && /^[^.;]*?\b(?:as|named|called)\s+['"“‘`]?[a-z0-9]/i.test(all.slice(at + _m.length))
        ? `${image}${port ? ` on port ${port}` : ''}`
        : `${image} as ${name.toLowerCase()}${port ? ` on port ${port}` : ''}`)
    .replace(new RegExp(String.raw`(?<![:.\d])\b(\d{1,2})\s+(?:more\s+)?(?:[a-z][\w-]*\s+)?([a-z][\w-]*?)s?\s+(?:from|using|off|running|of)\s+(?:the\s+)?(?:image\s+)?(${IMAGE_SAID})(?:\s*,?\s+(?:named|called)\s+([a-z][\w-]*))?`, 'gi'), (_m, n: string, noun: string, image: string, name?: string) => {
      // "3 replicas of IMAGE", "2 instances of IMAGE": a count word is no name; the image's is.
      const counted = /^(?:replica|copie|copy|instance|container|pod|node|unit|one|task|clone)$/i.test(noun);
      const fromImage = image.split('/').pop()!.split(/[:@]/)[0]!.toLowerCase().replace(/[^a-z0-9-]/g, '-');
      return `${image} as ${(name ?? (counted ? fromImage : noun)).toLowerCase()} with ${n} replicas`;
    })
    // "api: ghcr.io/acme/api:2 on 8080, worker: ghcr.io/acme/worker:2 x2": a name, a colon, its image.
    .replace(new RegExp(String.raw`(^|[,;]\s*|\band\s+|\bplus\s+)(?!(?:image|images|tag|from|use|using|run|deploy|add|start)\s*:)([a-z][\w-]*)\s*:\s+(${IMAGE_SAID})(?![\w/:@.-])`, 'gi'), (_m, lead: string, name: string, image: string) => `${lead}${image} as ${name.toLowerCase()}`)
    // "IMAGE as api on 8080 and IMAGE as backend on 3000 which uses postgres": "which" is the last one said.
    .replace(new RegExp(String.raw`(\bas\s+[a-z][\w-]*(?:\s+on\s+(?:port\s+)?\d{2,5})?)\s*,?\s+(?:which|that|who)\s+(?=(?:also\s+)?(?:uses?|needs?|talks?\s+to|depends?\s+on|requires?|connects?\s+to)\b)`, 'gi'), '$1, it ')
    // "… as worker x3", "worker (IMAGE) X 4": that many replicas.
    .replace(new RegExp(String.raw`(\bas\s+[a-z][\w-]*(?:\s+on\s+port\s+\d{2,5})?)\s*[x×]\s?(\d{1,2})\b(?![\w.:])`, 'gi'), '$1 with $2 replicas')
    // "grafana should run with 768 MiB", "the worker ought to run with 2 vcpus": a limit the
    // service runs with (a size or a cpu share follows), not a service added to run.
    .replace(/\b(should|ought\s+to|must|has\s+to|needs?\s+to|will|shall|can|could|may)\s+(?:run|work|live|operate|be\s+running)\s+(?:with|on)\s+(?=(?:just\s+|only\s+|about\s+|around\s+|up\s+to\s+)?(?:\d|a\s+(?:half|quarter)\b|half\b|one\b|two\b|three\b|four\b|a\s+(?:gig|single|couple)\b))/gi, '$1 get ')
    // "nightly dumps of mariadb", "db dumps every night": dumps of a database are its backups (a dump backup).
    .replace(/\b(nightly|daily|weekly|hourly|regular|scheduled|(?:sql|db|database)\s+)dumps\b/gi, (_m, w: string) => `${/\s$/.test(w) ? '' : `${w} `}backups`)
    .replace(/(?<![\w_-])dumps\s+of\b/gi, 'backups of')
    // "back the db up", "back the uploads volume up nightly": the verb said whole, before what it backs up.
    .replace(/\bback\s+(?!(?:it|them|that|this|those|these|everything|all)\s+up\b)((?:(?!up\b)[\w-]+\s+){1,3})up\b/gi, (_m, what: string) => `back up ${what.trim()}`)
    // "keep a dump of postgres", "take a dump of the db", "dump the postgres every 6 hours": a backup.
    .replace(/\b(?:keep|take|make|do|run|want|need|get)\s+(?:a\s+|an?\s+)?(?:(?:sql|db|database|full)\s+)?dump\s+of\b/gi, 'back up')
    .replace(/(^|[,;.]\s*|\band\s+|\bplease\s+)dump\s+(?=(?:the|my|our)\s|[\w-]+\s+(?:every|each|daily|nightly|weekly|hourly|twice|at)\b)/gi, '$1back up ')
    .replace(/\b([A-Z][A-Z0-9_]{2,})\s*[,;:-]\s*(?:and\s+|just\s+)?(?:take|get|read|pull|load|grab|source|fill|populate)\s+(?:it|that|its\s+value|the\s+value)\s+from\b/g, '$1 from')
    .replace(
      /\bnew\s+(admin(?:istrator)?|sudoer|sysadmin|superuser|user|dev(?:eloper)?|hire|engineer|colleague|team\s?-?mate|intern|person|account|login|contractor|operator|member)(?:\s*[:\-–—=]|\s+is\s+|\s+will\s+be\s+)\s*['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?/gi,
      (_m, role: string, name: string) => `add user ${name.toLowerCase()}${/admin|sudo|super/i.test(role) ? ' with sudo' : ''}`,
    )
    .replace(/\b(?:a\s+|one\s+)?(gig|gb|gigabyte|meg|mb|megabyte)s?\s+and\s+a\s+half\b/gi, (_m, u: string) => (/^g/i.test(u) ? '1536mb' : '1.5mb'))
    .replace(/\b(\d+|two|three|four|five|six|seven|eight)\s+and\s+a\s+half\s+(gigs?|gb|gigabytes?)\b/gi, (_m, n: string) => `${(parseNumberWord(n) ?? 1) * 1024 + 512}mb`)
    .replace(/\b(\d+|a|one|two|three|four|five|six|seven|eight)\s+and\s+a\s+half\s+(cores?|cpus?|vcpus?)\b/gi, (_m, n: string, u: string) => `${parseNumberWord(n) ?? 1}.5 ${u}`)
    .replace(/\b(?:3|three)\s+quarters?\s+(?:of\s+)?(?:a|an|one)\s+(?:gig|gb|gigabyte)\b/gi, '768mb')
    .replace(/\b(?:the\s+)?([a-z_][\w-]*)(?:\s*,\s*|\s+and\s+|\s*&\s*)([a-z_][\w-]*)\s+groups\b/gi, 'the $1 group, the $2 group')
    .replace(/\bhalf\s+(?:of\s+)?(?:a|an|one)\s+(?:gig|gb|gigabyte)\b/gi, '512mb')
    .replace(/\b(?:a\s+)?quarter\s+(?:of\s+)?(?:a|an|one)\s+(?:gig|gb|gigabyte)\b/gi, '256mb')
    .replace(/\b(?:a|one)\s+(gig|gigabyte)\b/gi, '1 $1')
    .replace(/\ba\s+(?:couple|pair)(?:\s+of)?\s+(gigs?|gb|cores?|cpus?|vcpus?|replicas?|instances|copies)\b/gi, '2 $1')
    // "kill port 23", "shut down ports 23 and 21", "nuke port 8080", "seal off port 445": a port
    // killed, shut, nuked, sealed or plugged is closed (round 25; "kill the worker" stays a stop).
    .replace(/\b(?:kill|shut(?:\s+(?:down|off))?|nuke|seal(?:\s+off)?|plug(?:\s+up)?|switch\s+off|turn\s+off)\s+(?:the\s+)?(?=ports?\s*(?:number\s+)?\d)/gi, 'close ')
    // "shut 25 for inbound, we don't run mail here": a bare port number shut for inbound traffic, or
    // alone in its clause, is closed (round 38, fit32b: h32-fw-32); "shut 2 of the workers" is not one.
    .replace(/\b(?:shut|seal|plug)\s+(?=\d{2,5}(?![\w.:\/-])\s*(?:$|[,;.!]|(?:for|to)\s+(?:all\s+)?(?:inbound|incoming|everyone|everybody|the\s+(?:world|internet|outside))\b|(?:inbound|incoming)\b))/gi, 'close port ')
    // "un-publish", "un-expose": one word.
    .replace(/\bun-(publish|expose)/gi, 'un$1')
    // "turn off the worker replicas completely", "no replicas of the worker at all": zero of them
    // (the schema allows 0: the service stays defined, nothing runs); "…, zero of them" said
    // after it only repeats the count (round 25).
    .replace(/\b(?:turn|switch|shut)\s+(?:off|down)\s+(?:all\s+(?:of\s+)?)?(?:the\s+|its\s+|their\s+)?(?:([a-z][\w-]*)(?:'s|’s)?\s+)?(?:replicas|instances|copies)\b(?:\s+(?:completely|entirely|altogether|for\s+now))?/gi, (_m, name?: string) => `scale ${name && !/^(?:all|the)$/i.test(name) ? name : 'it'} to 0 replicas`)
    .replace(/\b(?:no|zero)\s+(?:replicas|instances|copies)\s+(?:of|for)\s+(?:the\s+)?([a-z][\w-]*)\b(?:\s+at\s+all)?/gi, 'scale $1 to 0 replicas')
    .replace(/(\bto\s+0\s+replicas\b[^.;]{0,40}?)\s*[,;-]\s*(?:(?:zero|none|0)(?:\s+(?:of\s+them|at\s+all|left|running))?|no\s+replicas(?:\s+at\s+all)?)\s*([.!]*)\s*$/i, '$1$2')
    // "keep it drop", "leave the policy on deny": the default policy stays what it is (said so,
    // nothing dropped); "add http on 80", "just add https": a protocol's port let in, not a
    // service made (round 25; "add https to nginx" and "add an http server" stay what they were).
    .replace(/\b(?:keep|leave)\s+(?:it|the\s+(?:default\s+)?(?:(?:input|incoming|inbound|firewall)\s+)?(?:policy|default)|the\s+firewall|incoming)\s+(?:(?:at|on|as|to|in)\s+)?(drop|deny|reject|block)\b/gi, (_m, v: string) => `set the default policy to ${v.toLowerCase()}`)
    .replace(/\b(?:add|let\s+in)\s+(https?|ssh|dns|smtp)\b(?=\s+(?:on\s+|at\s+)?(?:port\s+)?\d|\s+from\b|\s*(?:$|[,.;!]))/gi, 'allow $1')
    // "open 80 and 443", "block 25, 465 & 587": a list of bare numbers after an opening verb is a list of ports.
    .replace(/\b(open|close|block|unblock|expose|allow|deny|reject|drop|publish|permit)\s+(?:up\s+)?(only\s+|just\s+)?(\d{2,5}(?:\s*(?:,|\band\b|&|\+|\bplus\b)\s*\d{2,5})+)(?![\d.:/])/gi, '$1 $2ports $3')
    // "run 3 of nginx", "have five copies of the worker": that many replicas of it.
    .replace(/\b(?:run|have|want|need|start)\s+(\d{1,3})\s+(?:(?:copies|instances|replicas)\s+)?of\s+(?:the\s+|my\s+)?([a-z][\w-]*)\b(?![./:@-]\w)(?!\s+(?:them|those|these|it))/gi, (m, n: string, name: string) => (/^(?:them|those|these|it|the|us|you)$/i.test(name) ? m : `scale ${name} to ${n} replicas`))
    .replace(/\ba\s+(?:single|lone|whole)\s+(core|cpu|vcpu)\b/gi, '1 $1')
    // Accounts said loosely: "username kofi", "user name: kofi", "login name kofi" name the user
    // (a bare "login" does not: "password login over ssh");
    // "the account of maria" is maria's; "usr" is "user".
    .replace(/(?<![\w/.-])usr\b(?!\/)/gi, 'user')
    // "an account for the intern (username: kim)", "an account (user name: ana)", "an account for
    // the intern ana", "ana needs an account": that user (round 25).
    .replace(/\b(?:(?:make|create|add|set\s*up|need|want|give)\s+(?:me\s+|us\s+)?)?(?:(?:a|an|one|new)\s+)*(?:(?:user|login|linux|shell)\s+)?account\s+(?:for\s+(?:the\s+|our\s+|my\s+|a\s+)?(?:new\s+)?(?:intern|hire|dev(?:eloper)?|contractor|colleague|employee|person|guy|girl|admin|engineer|temp|student|friend)?\s*)?\(\s*(?:user\s*(?:name)?\s*[:=]?\s*)?['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?\s*\)/gi, 'add user $1')
    .replace(/\b(?:(?:make|create|add|set\s*up|need|want)\s+(?:me\s+|us\s+)?)?(?:(?:a|an|one|new)\s+)+(?:(?:user|login|linux|shell)\s+)?account\s+for\s+(?:the\s+|our\s+|my\s+)?(?:new\s+)?(?:intern|hire|dev(?:eloper)?|contractor|colleague|employee|person|guy|girl|engineer|temp|student|friend)\s+(?!(?:and|with|who|that|in|on|to|for|please|pls)\b)([a-z_][a-z0-9_-]{0,31})\b/gi, 'add user $1')
    // "pls make account for my freind gustavo": a person said by what they are to the speaker
    // (any word, misspelt or not) and then a name ending the clause (round 30).
    .replace(/\b(?:make|create|add|set\s*up|open)\s+(?:me\s+|us\s+)?(?:(?:a|an|one|new)\s+)*(?:(?:user|login|linux|shell)\s+)?account\s+for\s+(?:my|our)\s+(?:new\s+)?(?!(?:app|apps|service|team|server|database|db|site|website|api|project|backups?|ci|deploy\w*|own)\b)[a-z]{2,20}\s+(?!(?:and|with|who|that|in|on|to|for|please|pls)\b)([a-z_][a-z0-9_-]{0,31})(?=\s*(?:[,.;!?]|please\b|pls\b|thanks?\b|thx\b|$))/gi, 'add user $1')
    .replace(/(^|[,;.]\s*)([a-z_][a-z0-9_-]{0,31})\s+(?:needs|wants|should\s+get|gets)\s+(?:an?\s+)?(?:(?:user|login|linux|shell)\s+)?account\b/gi, (m, lead: string, name: string) => (NOT_A_PERSON.test(name) ? m : `${lead}add user ${name}`))
    .replace(/\b(?:user\s?name|login\s+name)\s*[:=]?\s+(?=['"“‘`]?[a-z_][a-z0-9_-]{0,31}['"”’`]?(?:$|[\s,;.!?]))(?!(?:for|of|to|with|and|the|a|an|is|was|should|must|will|please|on|in|that|which|who)\b)/gi, 'user ')
    .replace(/\b(?:the\s+)?(?:account|login|user)\s+of\s+(?!(?:the|a|an|this|that|my|our|your)\b)([a-z_][a-z0-9_-]{0,31})\b/gi, 'user $1');
}

/**
 * A service's settings said as pairs, "replicas=2 cpu=1 mem=1g", "memory: 512m", "cpus=0.5",
 * "replicas 3": one reader for every field (round 25), each pair said the way the grammar reads
 * it ("2 replicas", "cpu 1", "memory 1g"). A key in capitals (MEMORY=2G) is an environment
 * variable, not a setting; CPU and RAM are never variables (NOT_VARIABLES).
 */
const SETTING_PAIR = /(?<![\w$.\/-])(replicas?|instances|copies|scale|cpus?|vcpus?|cores?|mem(?:ory)?|ram)\s*(?:[=:]\s*|\s+(?=\d+(?![\d.]*\s*(?:[kmgt]i?b?|megs?|gigs?|replicas?|instances|copies|cpus?|cores?)\b)))(\d+(?:\.\d+)?)\s*((?:[kmgt]i?b?|megs?|gigs?)(?![\w.]))?(?![\w.:\/=-])/gi;
/**
 * Round 26: English as people write it who learned it second, and glosses in brackets, said
 * the one way the grammar reads: a progressive of wanting ("she is needing the sudo rights",
 * "we are wanting", "i am requiring") is the simple present; "please to create", "kindly
 * create" are "create"; root glossed as sudo in brackets ("root (sudo)", "sudo (root)")
 * is sudo, and "admin (sudo)" an admin; root given to a person ("give alice root", "grant bob root
 * privileges") is sudo, since security.yaml's only root for a person is sudo. Root for me or us
 * (the guard's), root login, a root shell and root over ssh are left as they are.
 */
function plainerEnglish(text: string): string {
  return text
    .replace(/\b(i\s+am|i'm|we\s+are|we're|they\s+are|they're|you\s+are|you're|(?:is|are|'s|'re))\s+(need|want|requir|wish)(?:e)?ing\b/gi, (_m, who: string, verb: string) => {
      const v = verb.toLowerCase() === 'requir' ? 'require' : verb.toLowerCase();
      return /^(?:i|we|they|you)/i.test(who) ? `${who.replace(/\s+(?:am|are)$|'(?:m|re)$/i, '')} ${v}` : `${who.startsWith("'") ? ' ' : ''}${v}s`;
    })
    .replace(/\b(please|pls|kindly)\s+to\s+(?=[a-z])/gi, '$1 ')
    .replace(/\broot\s*\(\s*sudo\s*\)|\bsudo\s*\(\s*(?:root|admin(?:istrator)?|superuser)\s*\)/gi, 'sudo')
    .replace(/\b(admin(?:istrator)?|superuser)\s*\(\s*sudo\s*\)/gi, '$1')
    // Retention said as a setting ("bump retention on pgdata to 30 backups", "set pgdata retention
    // to 10", "pgdata: keep 5", "keep only 3 backups of pgdata"): the form the backups read,
    // "keep the last N pgdata backups" (a number after "retention" was read as a version or replicas).
    .replace(/\b(?:(?:bump|set|change|raise|lower|increase|decrease|reduce|up|make|put)\s+)?(?:the\s+)?(?:backups?\s+)?retention\s+(?:on|for|of)\s+(?:the\s+)?((?!(?:the|backups?)\b)[a-z][\w-]*)(?:\s+(?:backups?|volume|dumps?))?\s*(?:to|at|:|=|is|of)?\s*(\d{1,3})\b(?:\s*(days?|weeks?|copies|backups?|snapshots?|dumps?|versions?)\b)?/gi, (_m, what: string, n: string, unit?: string) => keepLast(what, n, unit))
    .replace(/\b(?:(?:bump|set|change|raise|lower|increase|decrease|reduce|up|make|put)\s+)?(?:the\s+)?((?!(?:the|backups?|a|an|set|change|bump)\b)[a-z][\w-]*?)(?:'s|’s)?\s+(?:backups?\s+)?retention\s*(?:to|at|:|=|is|of)?\s*(\d{1,3})\b(?:\s*(days?|weeks?|copies|backups?|snapshots?|dumps?|versions?)\b)?/gi, (_m, what: string, n: string, unit?: string) => keepLast(what, n, unit))
    .replace(/(^|[,;.]\s*)([a-z0-9][\w-]*)\s*:\s*keep\s+(?:only\s+)?(?:the\s+last\s+)?(\d{1,3})\b(?:\s*(days?|weeks?|copies|backups?|snapshots?|dumps?|versions?)\b)?/gi, (_m, lead: string, what: string, n: string, unit?: string) => lead + keepLast(what, n, unit))
    .replace(/\b(?:only\s+keep|keep\s+only)\s+(?:the\s+last\s+|the\s+newest\s+)?(\d{1,3})\s+(?:backups?|copies|dumps?|snapshots?)\s+(?:of|for)\s+(?:the\s+)?([a-z0-9][\w-]*)\b/gi, (_m, n: string, what: string) => keepLast(what, n))
    .replace(/\b(?:only\s+keep|keep\s+only)\s+(?:the\s+last\s+|the\s+newest\s+)?(\d{1,3})\s+of\s+(?:the\s+)?([a-z0-9][\w-]*)\s+(?:backups?|copies|dumps?|snapshots?)\b/gi, (_m, n: string, what: string) => keepLast(what, n))
    // A backup moved to another time ("move the pgdata backup to 4:30am", "move the nightly
    // pgdata dump to 4:45"): rescheduled, its type and retention kept.
    .replace(/\b(?:move|shift|push|change|switch|put)\s+(?:the\s+)?(?:(?:nightly|daily|weekly|hourly)\s+)?((?!(?:the|backups?|dumps?)\b)[a-z0-9][\w-]*)\s+(?:backups?|dumps?)\s+to\b/gi, 'reschedule the $1 backups to')
    .replace(/\b(give|grant)\s+(?!(?:me|us|myself|ourselves|it|the|a|an|everyone|anyone|everybody|anybody|all|this|that|every|any)\b)([a-z_][a-z0-9_-]{0,31})\s+root(?:\s+(?:privileges|privs|rights|powers|permissions|perms))?\b(?!\s*(?:login|log\s*in|shell|ssh|password|prompt|to\b|on\b|over\b|of\b|in\b|into\b|access\s+(?:to|on)\b))/gi, '$1 $2 sudo');
}

/** "keep the last N X backups" (or "keep N days of X backups"): the retention as the backups read it. */
function keepLast(what: string, n: string, unit?: string): string {
  return unit && /^(?:days?|weeks?)$/i.test(unit) ? `keep ${n} ${unit.toLowerCase()} of ${what} backups` : `keep the last ${n} ${what} backups`;
}

/**
 * Round 26: a restore ("restore pgdata from last night's backup", "roll pgdata back to
 * yesterday's backup", "recover the database from a backup") is not a change of the state
 * files: it is `claude restore`, which shows its plan, asks, and rolls back. Said how, for the
 * volume meant when one is; nothing changes.
 */
function handleRestore(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  if (!/\b(?:back\s?-?ups?|snapshots?|dumps?)\b/.test(t)) return false;
  if (!/\b(?:restor\w*|recover\w*|roll\w*\s+(?:[\w-]+\s+){0,2}back|revert\w*|put\s+back|bring\s+back|get\s+back)\b/.test(t)) return false;
  const vols = run.ws.items<{ name: string; backup?: { enabled?: boolean } }>('storage.yaml', VOLS);
  const said = vols.filter((v) => new RegExp(String.raw`(?<![\w-])${escapeRe(v.name)}(?![\w-])`).test(t));
  const ofService = targetsIn(run, clause).names.flatMap((n) => (getService(run, n)?.volumes ?? []).map((x) => (x as { source?: string }).source ?? '')).filter((n) => vols.some((v) => v.name === n));
  const backed = vols.filter((v) => v.backup?.enabled).map((v) => v.name);
  const names = said.length > 0 ? said.map((v) => v.name) : ofService.length > 0 ? ofService : backed.length === 1 ? backed : [];
  const vol = names.length === 1 ? names[0]! : 'VOLUME';
  run.notes.push(
    `A restore is not a change to the state files, so I changed nothing. Run \`claude backups${vol === 'VOLUME' ? '' : ` ${vol}`}\` to list the backups${vol === 'VOLUME' && backed.length ? ` (backed up: ${backed.join(', ')})` : ''}, then \`claude restore ${vol} [BACKUP]\` (the newest when none is named): it shows the plan first, asks, and rolls back if the service does not come back healthy.`,
  );
  return true;
}

function settingPairs(text: string): string {
  const said = text.replace(SETTING_PAIR, (m, key: string, n: string, unit: string | undefined) => {
    if (key === key.toUpperCase() && !/^(?:CPUS?|RAM)$/.test(key)) return m;
    const k = key.toLowerCase();
    if (/^(?:replicas?|instances|copies|scale)$/.test(k)) return unit || !/^\d+$/.test(n) ? m : `${n} replicas\u0001`;
    if (/^(?:cpus?|vcpus?|cores?)$/.test(k)) return unit ? m : `cpu ${n}\u0001`;
    // "mem 2" with no unit: gigabytes are meant for a number under 64, megabytes above.
    return `memory ${n}${unit ?? (Number(n) < 64 ? 'g' : 'm')}\u0001`;
  });
  // Pairs said one after the other are a list ("2 replicas, cpu 1, memory 1g").
  return said.replace(/\u0001\s+(?=\d+ replicas\u0001|cpu [\d.]+\u0001|memory [\d.]+\w*\u0001)/g, ', ').replace(/\u0001/g, '');
}

/**
 * "it also wants clickhouse... no wait, forget that, just give it 1g": what was taken back
 * ("no wait", "scratch that", "forget that", "never mind that", "actually no") is dropped with
 * everything said before it in the request; only what follows is read.
 */
function retracted(text: string): string {
  const m = /^(.*\S)\s*(?:(?:\.{2,}|…|[,;:.!-])\s*)?(?:(?:oh\s+)?no\s*(?:,\s*)?wait|wait\s*(?:,\s*)?no|actually\s*(?:,\s*)?no|no\s*(?:,\s*)?actually|scratch\s+that|strike\s+that|forget\s+(?:that|it|about\s+(?:that|it))|never\s*mind(?:\s+(?:that|it))?|cancel\s+that|ignore\s+that|on\s+second\s+thought)\b(?:\s*(?:,\s*)?(?:no\s*wait|forget\s+(?:that|it)|scratch\s+that|never\s*mind(?:\s+that)?))*\s*[,.;:!…-]*\s*(.*)$/is.exec(text);
  if (!m || m[2]!.trim() === '') return text;
  return m[2]!.replace(/^(?:just|instead|rather|so|ok(?:ay)?)\s*,?\s+/i, '');
}

/**
 * A lockdown with what stays open ("lockdown everything except ssh and web", "block everything but
 * ssh and https", "lock the box down, only ssh and port 8080 allowed in", "deny all incoming apart
 * from 443") is said the engine's way: "lock down the system, allow ssh from anywhere, allow web
 * traffic, open port 8080". Each item is one opening; the SSH kept open is never narrowed unasked.
 */
const LOCK_ALL =
  String.raw`(?:\block(?:ed|ing)?\s*-?\s*down\b(?!\s+(?:ssh|port|to)\b)(?:\s+(?:the\s+)?(?:system|server|box|machine|host|vps|everything|all|things|it))?|\block(?:ed|ing)?\s+(?:(?:this|the|that|my|our|it|everything|things?|box|server|machine|host|system|vps|node|whole|entire|all)\s+){1,3}down\b|\b(?:block|deny|close|drop|reject|shut|firewall)\s+(?:off\s+|down\s+)?(?:everything|all(?:\s+(?:incoming|inbound|other))?(?:\s+(?:traffic|ports|connections))?|every\s+port|anything|the\s+rest)(?:\s+(?:else|incoming|inbound))?)`;
/** "… are reachable from outside", "… should get through": what a kept-open list ends with. */
const REACHED = String.raw`(?:(?:should|must|can|may|will)\s+)?(?:(?:be|stay|get|come)\s+)?(?:reachable|accessible|reached|accessed|allowed|open(?:ed)?|exposed|through|in)(?:\s+(?:in|through))?`;
const FROM_OUTSIDE = String.raw`(?:from\s+(?:the\s+)?(?:outside(?:\s+world)?|internet|world|public|anywhere|everywhere|net))`;
/**
 * "only ssh and the website should be reachable from outside", "nothing but ssh and the site
 * reachable from the internet", "make it so only …": a lock-down said by what stays reachable.
 * Read from each of the first few "only"/"just" onwards (a sticky pattern with a bounded list), so
 * a long run of them stays linear. Gives allowList's four parts: before, the word, the list, after.
 */
const KEPT_START = /\b(?:make\s+(?:it\s+)?so\s+(?:that\s+)?)?(?:only|nothing\s+but|just)\s+/gi;
const KEPT_REST = new RegExp(String.raw`([^.;]{1,160}?\s+(?:are|is\s+)?${REACHED}(?:\s+${FROM_OUTSIDE})?)(\s*(?:[.;].*)?)$`, 'iy');
function keptReachable(text: string): string[] | null {
  let tries = 0;
  for (const start of text.matchAll(KEPT_START)) {
    if (++tries > 4) break;
    KEPT_REST.lastIndex = start.index + start[0].length;
    const rest = KEPT_REST.exec(text);
    if (rest) return [text, text.slice(0, start.index), start[0].trim(), rest[1]!, rest[2]!];
  }
  return null;
}
/**
 * "turn on the firewall but keep the website and ssh reachable", "enable the firewall, leave ssh
 * and http open", "switch the firewall on and keep 22 and 443 accessible": a firewall turned on
 * with what stays reachable is the lock-down said by what stays open (the lead's walkthrough,
 * 2026-12-06: it was read as "enabled" with the accept policy, a firewall that blocks nothing,
 * and "the website" was left out without a word). Bounded list, linear.
 */
const FIREWALL_ON = String.raw`(?:(?:turn(?:ed|ing)?|switch(?:ed|ing)?|put|bring)\s+on\s+(?:the\s+|a\s+|my\s+)?firewall|(?:enable|activate|start)\w*\s+(?:the\s+|a\s+|my\s+)?firewall|(?:turn|switch)\w*\s+(?:the\s+|my\s+)?firewall\s+on)`;
const FIREWALL_ON_KEEP = new RegExp(String.raw`^(.*?)(${FIREWALL_ON})\s*[,:;-]?\s*(?:(?:but|and|while|just)\s+){0,2}(?:keep(?:ing)?|leave|leaving|let(?:ting)?)\s+([^.;]{1,160}?)\s+(?:(?:stay|be|remain)\s+)?(?:reachable|accessible|open(?:ed)?|available|allowed|working|through)(?:\s+${FROM_OUTSIDE})?(\s*(?:[.;].*)?)$`, 'i');
/** What a kept-open list must name to be traffic a lock-down's allow list reads: ssh, the web, a port. */
const KEPT_TRAFFIC = /\b(?:ssh|https?|web|websites?|sites?|port\s+\d|\d{2,5})\b/i;
function firewallOnKept(text: string, keptPorts: (name: string) => number[] | undefined = () => undefined): string {
  const m = FIREWALL_ON_KEEP.exec(text);
  if (!m) return text;
  // A service kept by name ("keep nginx reachable", "keep nginx and grafana reachable"): its
  // published host ports are what is kept (review 21). Every item must be a service with ports or traffic.
  const items = m[3]!.split(/\s*(?:,|\band\b|&|\+)\s*/i).map((x) => x.trim().replace(/^the\s+/i, '').replace(/\s+(?:service|container|app)$/i, '')).filter((x) => x !== '');
  const byName = items.map((x) => (KEPT_TRAFFIC.test(x) ? x : keptPorts(x)?.length ? keptPorts(x)!.map((p) => `port ${p}`).join(' and ') : undefined));
  const kept = byName.every((x) => x !== undefined) && byName.some((x, i) => x !== items[i]) ? byName.join(' and ') : m[3]!;
  // What is kept must be traffic the lock-down's allow list reads (ssh, the website, a port).
  if (!KEPT_TRAFFIC.test(kept)) return text;
  return `${m[1]}lock down the system, only ${kept} should be reachable${m[4]}`;
}
function allowList(text: string): string {
  const m: ArrayLike<string> | null =
    new RegExp(String.raw`^(.*?)(${LOCK_ALL})[^.;]*?\b(?:except(?:\s+for)?|but(?!\s+not\b)|apart\s+from|other\s+than|besides|save\s+for|aside\s+from)\s+([^.;]+)(.*)$`, 'i').exec(text) ??
    new RegExp(String.raw`^(.*?)(${LOCK_ALL})\s*[,:;-]?\s*(?:and\s+)?(?:so(?:\s+that)?\s+|such\s+that\s+)?(?:only|just)\s+(?:allow(?:ing)?\s+|keep(?:ing)?\s+|leave\s+|let(?:ting)?\s+)?([^.;]+)(.*)$`, 'i').exec(text) ??
    keptReachable(text);
  if (!m) return text;
  // The third form needs a list of things a firewall opens ("only the admin can log in" is not one).
  if (!new RegExp(`^(?:${LOCK_ALL})$`, 'i').test(m[2]!) && !KEPT_TRAFFIC.test(m[3]!)) return text;
  // "shut down everything except nginx": services stopped, unless what is kept is traffic ("shut
  // off everything except ssh and 443").
  if (/^shut\b/i.test(m[2]!) && !/^\s*(?:(?:the\s+)?(?:ssh|https?|web|websites?|dns|smtp|mail|ping|icmp)\b|(?:port\s+)?\d{1,5}\b)/i.test(m[3]!)) return text;
  const items = m[3]!
    .replace(new RegExp(String.raw`\s+${FROM_OUTSIDE}\s*$`, 'i'), '')
    .replace(/\s+(?:(?:should|must|can|may|will)\s+)?(?:(?:be|stay|get|come)\s+)?(?:reached|accessed|exposed|accessible)\s*$/i, '')
    .replace(/\s+(?:(?:should\s+(?:be|stay)|can\s+(?:get|come)|is|are|stays?|get)\s+)?(?:allowed|open(?:ed)?|in|through|let\s+in|reachable|traffic|please|pls|obviously|of\s+course)(?:\s+(?:in|through))?\s*$/i, '')
    .replace(/\s+(?:are|is)\s*$/i, '')
    .split(/\s*(?:,|\band\b|&|\+|\bplus\b|\bor\b)\s*/i)
    .map((x) => x.trim().replace(/^(?:the|for)\s+/i, ''))
    .filter((x) => x.length > 0);
  if (items.length === 0) return text;
  // "http and https" together are the web rule (one rule, both ports).
  const lower = items.map((x) => x.toLowerCase());
  if (lower.includes('http') && lower.includes('https')) items.splice(0, items.length, ...items.filter((x) => !/^https?$/i.test(x)), 'web');
  const said: string[] = [];
  for (const it of items) {
    if (/^ssh\b/i.test(it)) said.push(/\bfrom\b/i.test(it) ? `allow ${it}` : 'allow ssh from anywhere');
    else if (/^(?:web|web\s*sites?|sites?|the\s+web)(?:\s+traffic)?$/i.test(it)) said.push('allow web traffic');
    else if (/^https?$/i.test(it)) said.push(`allow ${it.toLowerCase()}`);
    else if (/^(?:port\s+)?\d{1,5}(?:\/(?:tcp|udp))?$/i.test(it)) said.push(`open port ${/\d+/.exec(it)![0]}`);
    else if (/^[a-z][\w-]*$/i.test(it)) said.push(`allow ${it}`);
    else return text;
  }
  return `${m[1]}lock down the system, ${said.join(', ')}${m[4]}`;
}

/** "redis max 128mb", "nginx to 8080": a service with a setting of its own is a request, not a list item. */
function ownSetting(c: string): boolean {
  const named = findServiceMentions(c).length > 0 || /^(?:the\s+)?[a-z][\w-]*\s+(?:to|max|at|on)\s+\d/i.test(c.trim());
  // "…, and redis with 256mb", "…, redis w/ half a cpu": the value is this service's own.
  const withValue = /^(?:(?:and|plus|but)\s+)?(?:(?:the|a|an)\s+)?[a-z][\w.-]*\s+(?:with|w\/|using|gets?|needs?|having)\s+(?:(?:a|an|just|only|about|like|around|maybe)\s+)*(?:\d|half\b|a\s+quarter\b|one\b|two\b|three\b|four\b|five\b|six\b|eight\b)/i.test(c.trim()) && (findSizes(c).length > 0 || findCpu(c) !== undefined);
  return named && (withValue || findCpu(c) !== undefined || /\b(?:to|max|at\s+most|up\s+to)\s+\d/i.test(c) || /^(?:(?:with|and|but|plus)\s+)?(?:the\s+|an?\s+)?[a-z][\w-]*\s+(?:(?:should\s+be\s+|must\s+be\s+|is\s+|being\s+|only\s+)?(?:reachable|accessible|available|exposed|public(?:ly\s+reachable)?|published|listening|served|visible|open)\s+)?(?:(?:on|to|at|max|at\s+most|up\s+to|->|→|=|gets?|needs?|should\s+get)\s+)?(?:port\s+)?\d/i.test(c.trim()));
}

/**
 * "weekdays at noon, run `x` inside api", "first of every month at 6, run /app/bin/invoice in
 * worker": a clause that only says when, said before what, belongs to the clause after it.
 */
/** A clause that starts with a program and its arguments ("curl -s https://x/ping …", "/app/tick in api"). */
const COMMAND_FIRST = /^\s*(?:[a-z][\w.-]*\s+(?:\S*\s+)?(?:--?[a-z]|\S*\/)|\.?\/[\w.-]+\/)/i;

function scheduleFirst(clauses: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    const next = clauses[i + 1];
    // "generate a random secret and give it to api as SESSION_KEY": the "it" of the next clause is the secret made here.
    if (next !== undefined && /\b(?:generat\w*|random|make\s+up|invent|create|come\s+up\s+with)\b[^.]*\b(?:secrets?|passwords?|keys?|tokens?|values?|strings?|passphrases?)\b/i.test(c) && !/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/.test(c) && /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z][A-Z0-9]{3,}\b/.test(next) && /\b(?:it|that|this|them)\b/i.test(next)) {
      clauses[i + 1] = `${c} and ${next}`;
      continue;
    }
    if (next !== undefined && parseSchedule(c.toLowerCase(), 3) && detectVerb(c) === undefined && findServiceMentions(c).length === 0 && findPorts(c).length === 0 && c.split(/\s+/).length <= 12 && (detectVerb(next) !== undefined || COMMAND_FIRST.test(next))) {
      clauses[i + 1] = `${next} ${c.replace(/^(?:(?:and|then|so|ok(?:ay)?)\s+)+/i, '')}`;
      continue;
    }
    out.push(c);
  }
  return out;
}

/** "name it mqtt", "call that one wiki", "and call it shop": a name for what was just added. */
// Round 34: "…, the service name is echo", "the name should be legacy": the name said as a statement.
const RENAME_IT = /(?:^|[\s,;])(?:and\s+)?(?:please\s+)?(?:(?:name|call|rename)\s+(?:it|that(?:\s+one)?|this(?:\s+one)?|the\s+(?:new\s+)?(?:service|container|app|one))\s+(?:to\s+|as\s+)?|(?:the|its)\s+(?:(?:service|container|app)(?:'s)?\s+)?name\s+(?:is|should\s+be|will\s+be|shall\s+be|must\s+be)\s+)['"“‘`]?([a-z0-9][a-z0-9-]{0,62})['"”’`]?(?=$|[\s,;.!])/i;

/**
 * Renames the service this request added last. Not when another service refers to it (a
 * dependency or an address in its environment) or the name is taken: then it asks.
 */
function renameAdded(run: Run, to: string): boolean {
  const from = run.added[run.added.length - 1]!;
  if (from === to) return true;
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(to)) return false;
  const others = services(run).filter((s) => s.name !== from);
  if (others.some((s) => s.name === to)) {
    run.questions.push(`There is already a service called ${to}; ${from} keeps its name. Say another name.`);
    return true;
  }
  if (others.some((s) => (s.depends_on ?? []).includes(from) || Object.values(s.environment ?? {}).some((v) => new RegExp(String.raw`(?<![\w-])${escapeRe(from)}(?![\w-])`).test(String(v))))) {
    run.questions.push(`${from} is already wired into the other services by that name, so it keeps it; rename it by hand in services.yaml if you must.`);
    return true;
  }
  run.ws.set('services.yaml', [...SVC, serviceIndex(run, from), 'name'], to);
  for (const list of [run.added, run.focus, run.clauseAdded, run.portsSet]) {
    const i = list.indexOf(from);
    if (i >= 0) list[i] = to;
  }
  run.lines = run.lines.map((l) => l.replace(new RegExp(String.raw`^([+~] )${escapeRe(from)}:`), `$1${to}:`));
  run.notes = run.notes.map((l) => l.replace(new RegExp(String.raw`(?<![\w-])${escapeRe(from)}(?= runs| is |:)`), to));
  return true;
}

/** A clause that only says when ("sundays at 4", "at 3am", "every night"): it belongs to the clause before. */
/** A list item that is only a service said by its word, perhaps with its number ("imaps", "submission 587", "smtps (465)", "pop3s on 995"). */
const SERVICE_ITEM = new RegExp(String.raw`^(?:(?:and|plus|also|both)\s+)?(?:the\s+)?${SERVICE_PORT_WORD}(?:\s+(?:on\s+)?(?:port\s+)?\d{1,5}|\s*\(\s*(?:port\s+)?\d{1,5}\s*\))?(?:\s+(?:ports?|traffic|too|please|pls|as\s+well|through|in))*\s*[.!]*$`, 'i');
const SCHEDULE_FRAGMENT =
  /^(?:(?:on|at|every|each|around|about)\s+)*(?:\d+\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)|(?:twice|once|three\s+times)\s+(?:a|per)\s+(?:day|week|hour)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekdays?|weekends?|nights?|mornings?|evenings?|midnight|noon|daily|nightly|weekly|hourly|\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)?)(?:\s+(?:at|around|about)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)?)?(?:\s+(?:please|pls|instead))?\s*$/i;


/**
 * "set up uptime kuma so i know when stuff goes down": the purpose after "so (that) I…",
 * "because…" or "in case…" is context, not a request; only the part before it is read.
 */
function withoutPurpose(clause: string): string {
  const m =
    /^(.*?\S)(?:\s*,\s+|\s+)(?:so\s+(?:that\s+)?(?:i|we|you|they|people|users|everyone|the\s+team|it(?!\s+(?:only\s+)?(?:allows|accepts|blocks|denies|rejects|drops|lets|permits|covers)\b)|my|our|stuff|things)\b|(?:because|since|cause|cuz|coz|'cause)\s+\S|in\s+case\b|as\s+(?:i|we|they|it|there)\s(?!(?:is|are|was|were|stands)\b)|as\s+(?:the|my|our)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:is|are|was|blocks?|needs?|uses?|wants?|has|have|does|doesn'?t|can'?t|won'?t|already|filters?|only)\b).*$/i.exec(clause);
  if (!m || (detectVerb(m[1]!) === undefined && !ownSetting(m[1]!))) return clause;
  return m[1]!;
}

/** Words the spelling step corrects towards (besides the products): the verbs and nouns of requests. */
const WORDS =
  'command database databases reboot restart reload remove enable disable delete uninstall install deploy upgrade downgrade update create configure schedule firewall backup backups hostname timezone memory replicas container containers service services certificate certificates password nightly weekly hourly monday tuesday wednesday thursday friday saturday sunday weekdays weekends minutes server website change scale start limit allow block close expose publish unpublish increase decrease rename restrict replica switch';
let productsCache: string[] | undefined;
function products(): string[] {
  // The catalogue's one-word names are corrected towards from 6 letters on ("jellyfn",
  // "vaultwardn"); shorter ones ("httpd", "gitea") only stay as they are (keptWords), so
  // "https" is never read as "httpd".
  productsCache ??= [...new Set(['postgres', 'postgresql', 'mysql', 'mongo', 'kuma', ...templateInfos().map((t) => t.name), ...catalogWords().filter((w) => w.length >= 6)])].filter((p) => p !== 'webapp');
  return productsCache;
}

/** Every product name the engine knows (templates, the catalogue's names and aliases, hyphenated ones too). */
let productNamesCache: string[] | undefined;
function productNames(): string[] {
  productNamesCache ??= [...new Set([...products(), ...catalogApps().flatMap((a) => [a.name, ...a.aliases])].filter((x) => /^[a-z][a-z0-9-]*$/.test(x)))];
  return productNamesCache;
}

/** The catalogue's one-word names and aliases. */
function catalogWords(): string[] {
  return [...new Set(catalogApps().flatMap((a) => [a.name, ...a.aliases]).filter((x) => /^[a-z]+$/.test(x)))];
}

/** Words never corrected besides the state's names: short product names and protocol words. */
function keptWords(): string[] {
  return [...catalogWords().filter((w) => w.length < 6), 'https', 'http', 'sshd', 'ssh', 'tcp', 'udp', 'icmp'];
}

/** Names in the state files (services, users, jobs, volumes, networks): never "corrected". */
function knownNames(files: StateFiles): string[] {
  const names: string[] = [];
  for (const text of Object.values(files)) for (const m of String(text ?? '').matchAll(/\bname:\s*['"]?([A-Za-z0-9_.-]+)/g)) names.push(m[1]!);
  return names;
}

/** The state files whose text the request has changed so far (a file rewritten to the same text is no change), as one comparable string. */
function realChanges(run: Run): string {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(run.ws.output())) if (text !== (run.input.files as Record<string, string | undefined>)[name]) out[name] = text;
  return JSON.stringify(out);
}

export function capabilities(lead: string): string {
  return [
    lead,
    'Without an LLM provider, the built-in offline engine understands requests like these:',
    '  • add services: nginx (web server), caddy, postgres (database), mariadb/mysql, redis (cache),',
    '    prometheus + grafana (monitoring), wordpress, or any image: "add a service called api using image ghcr.io/acme/api:1.2 on port 3000"',
    '  • change them: stop / start / restart / remove, "scale web to 3 replicas", "move nginx to port 8080",',
    '    "limit redis to 512MB and half a cpu", "postgres with a connection limit of 100", "upgrade postgres to 17"',
    '  • backups: "daily backups", "back up postgres every night at 3", "weekly backups on sunday at 4am"',
    '  • firewall: "only allow SSH from 10.0.0.0/8", "lock down the system", "allow web traffic", "open port 8080 to 192.168.1.0/24"',
    '  • the host: "set the hostname to web01", "set the timezone to Europe/Berlin", "add user alice with ssh key ssh-ed25519 AAAA…"',
    'For anything else, configure an LLM provider in manifest.yaml under spec.llm:',
    '  provider: anthropic   (key from ANTHROPIC_API_KEY or `claude secret set llm_api_key`)',
    '  provider: local       with base_url: http://127.0.0.1:8080/v1 (llama.cpp, Ollama or vLLM; your data stays on this machine)',
  ].join('\n');
}

// ── status questions ───────────────────────────────────────────────────────

/**
 * "ok add it then", "sure, install that" after a question about a product that is not there
 * ("is redis running?"): the pronoun is the product the last request named, when it is not
 * defined yet. A pronoun for a defined service is left to the usual focus.
 */
function addReferent(message: string, input: EngineInput): string {
  const m = /^((?:(?:ok(?:ay)?|yes|yeah|sure|fine|then|alright|please)[\s,!.]+)*(?:go\s+ahead\s+and\s+|just\s+|then\s+)?(?:add|install|set\s+up|deploy|create)\s+)(it|that|one|this)\b/i.exec(message.trim());
  if (!m || findServiceMentions(message).length > 0) return message;
  const last = [...input.history].reverse().find((h) => h.role === 'user');
  const named = last ? findServiceMentions(last.text).find((x) => !x.generic) : undefined;
  if (!named) return message;
  const defined = new Workspace(input.files).items<Service>('services.yaml', SVC).some((x) => x.name === named.template);
  return defined ? message : message.trim().replace(m[0], `${m[1]}${named.template}`);
}

/** Existing services, users and rules a text names, each where it is named (referents.ts). */
function namedIn(files: StateFiles, text: string): Named[] {
  const ws = new Workspace(files);
  const t = text.toLowerCase();
  const at = (name: string) => new RegExp(String.raw`(?<![\w.-])${escapeRe(name.toLowerCase())}(?![\w-])`).exec(t)?.index;
  const out: Named[] = [];
  const svcs = ws.items<Service>('services.yaml', SVC);
  for (const s of svcs) {
    const i = at(s.name);
    if (i !== undefined) out.push({ name: s.name, kind: 'service', at: i });
  }
  // "add nginx and grafana" made services named after the products.
  for (const m of findServiceMentions(text)) {
    const s = svcs.find((x) => x.name === m.template) ?? svcs.find((x) => templateOf(x) === m.template);
    if (s && !m.generic) out.push({ name: s.name, kind: 'service', at: m.index });
  }
  for (const u of ws.items<{ name: string }>('security.yaml', ['spec', 'users'])) {
    const i = at(u.name);
    if (i !== undefined && !svcs.some((s) => s.name === u.name)) out.push({ name: u.name, kind: 'user', at: i });
  }
  for (const r of ws.items<FirewallRule>('network.yaml', RULES)) {
    const i = r.name ? at(r.name) : undefined;
    if (i !== undefined && !svcs.some((s) => s.name === r.name)) out.push({ name: r.name!, kind: 'rule', at: i });
  }
  return out;
}

/** The one rule a turn made or named: by its name, else by its port when no service is named. */
function ruleSaidIn(files: StateFiles, text: string): string | undefined {
  const said = namedIn(files, text);
  const byName = [...new Set(said.filter((n) => n.kind === 'rule').map((n) => n.name))];
  if (byName.length > 0) return byName.length === 1 ? byName[0] : undefined;
  if (said.some((n) => n.kind === 'service')) return undefined;
  const ports = findPorts(text);
  const byPort = new Workspace(files).items<FirewallRule>('network.yaml', RULES).filter((r) => r.name && ports.some((p) => (Array.isArray(r.port) ? r.port : [r.port]).some((x) => String(x) === String(p))));
  return byPort.length === 1 ? byPort[0]!.name : undefined;
}

/** The one accept rule a reply says it made: "~ firewall: allow port 3000 from anywhere", "allow web traffic (80, 443) from …". */
function ruleOpenedIn(files: StateFiles, text: string): string | undefined {
  const m = /firewall: allow (?:web traffic \(([\d, ]+)\)|ports? ([\d, -]+?)) from\b/.exec(text);
  if (!m) return undefined;
  const said = (m[1] ?? m[2])!.split(/\s*,\s*/).filter((x) => x !== '').sort().join(',');
  const made = new Workspace(files).items<FirewallRule>('network.yaml', RULES).filter((r) => r.name && r.action === 'accept' && [r.port ?? []].flat().map(String).sort().join(',') === said);
  return made.length === 1 ? made[0]!.name : undefined;
}

/** The message with "the second one" or the rule "that" refers to said by name (referents.ts). */
function pointedAt(said: string, input: EngineInput): string {
  const named = (t: string) => namedIn(input.files, t);
  const svcs = new Workspace(input.files).items<Service>('services.yaml', SVC);
  const serviceIn = (t: string) => {
    const said = [...new Set(named(t).filter((n) => n.kind === 'service').map((n) => n.name))];
    return said.length === 1 && (svcs.find((s) => s.name === said[0])?.ports ?? []).some((p) => p.host !== undefined) ? said[0] : undefined;
  };
  return (
    ordinalReferent(said, input.history, named) ??
    otherReferent(said, input.history, named) ??
    restrictedSource(said, input.history, {
      ruleIn: (t) => ruleSaidIn(input.files, t),
      ruleOpenedIn: (t) => ruleOpenedIn(input.files, t),
      serviceIn,
      isService: (n) => svcs.some((s) => s.name === n),
      namesOwn: (t) => findPorts(t).length > 0 || named(t).length > 0 || findServiceMentions(t).some((m) => !m.generic),
    }) ??
    said
  );
}

/**
 * A yes/no question: one sentence that opens with "is/are" (a question mark optional) or
 * "was/were/does/do/did/has/have" and ends with a question mark ("were in mumbai, fix …" is "we're"). "do the backups weekly" and
 * "have redis on 6379" are orders (no question mark); "is redis up? restart it" has a second
 * sentence and is not only a question.
 */
export function isYesNoQuestion(message: string): boolean {
  const t = message.trim().toLowerCase();
  if (/[.;!\n]\s*\S/.test(t.replace(/(?<![?!.\s])[?!.\s]+$/, '')) || /\?\s*\S/.test(t)) return false;
  return /^(?:(?:so|ok|okay|hey|and|but|quick\s+question:?)\s*,?\s+)?(?:is|are|isn'?t|aren'?t)\s+(?!there\s+a\s+way\b)\S/.test(t) ||
    (/\?\s*$/.test(t) && /^(?:(?:so|ok|okay|hey|and|but)\s*,?\s+)?(?:was|were|does|do|did|has|have|doesn'?t|don'?t|hasn'?t|haven'?t)\s+(?:i|we|it|they|he|she|my|our|the|this|that|any|anything|anyone|last|yesterday(?:'s|’s)?|today(?:'s|’s)?|tonight(?:'s|’s)?|\w+\s+(?:have|got|run|use|listen|expose|publish|back|get|still))\b/.test(t));
}

/**
 * What carries nothing before a question (round 28): an apology, a filler, an acknowledgement or
 * a softener, as words or a sentence of their own ("my bad.", "oops,", "sorry about that.", "ok
 * cool, thanks.", "lol ok", "never mind that.", "nvm,", "just", "pls"). The question after it is
 * the one answered ("my bad. just tell me what's running"). Read only for answering questions; a
 * bounded run of bounded words, so it is linear.
 */
const DISCOURSE = /^\s*(?:(?:my\s+(?:bad|mistake|fault)|sorry(?:\s+about\s+that)?|apologies|oops+|whoops+|uh+|um+|er+m?|oh+|ugh+|hmm+|ok(?:ay)?|k|so|well|right|alright|fine|cool|great|thanks|thank\s+you|thx|ty|lol|haha+|heh|fair\s+enough|never\s*mind(?:\s+that)?|nvm|forget\s+(?:that|it)|anyway|btw|hey|yo|hi|hello|just|pls|please|actually|quick\s+question)(?:[\s,.!:;-]+|$)){1,8}(?=\S)/i;

/** "tell me what's running", "can u show me who has sudo": the question asked through "tell me". */
const TELL_ME = /^(?:(?:can|could|would|will)\s+(?:you|u)\s+)?(?:tell|show|give)\s+me\s+(?=(?:what|whats|what's|which|who|how|when|where|if|whether)\b)/i;

function answerQuestion(run: Run, message: string): boolean {
  const t = message.toLowerCase();
  if (answerDatabaseLink(run, t)) return true;
  // "my website is not loading, whats wrong??": a complaint, looked into (troubleshooting), not a status question.
  if (isComplaint(message)) return false;
  // "what have we got running on this thing": the whole list, even with a "this" in it.
  const general = /^(?:so\s+|ok\s+|hey\s+)?(?:what|which|whats|what's)\s+(?:have|do|did)\s+(?:we|i|you)\s+(?:got|get|have)\b[^.]{0,40}\b(?:running|up|going|live|deployed|installed|on\s+(?:this|the|my|our)\s+\w+)\b/.test(t) && targetsIn(run, t.replace(/\b(?:this|that|it)\b/g, ' ')).names.length === 0;
  if (!general && answerSpecific(run, t)) return true;
  const isStatus = general ||
    /^(what|which)\b[^.]*\b(running|services?|containers?|installed|up)\b/.test(t) ||
    // "whats running atm?", "wat's up on the box rn", "anything running?", "what do we have going", "what's on this server".
    /^(?:so\s+|ok\s+|hey\s+|yo\s+)?(?:whats|wats?|what's|wot|wut|anything|something|stuff|what\s+(?:do|have)\s+(?:i|we)\s+(?:got|have))\b[^.]{0,40}\b(?:running|up|going|live|deployed|on\s+(?:this|the|my)\s+(?:box|server|machine|host))\b/.test(t) ||
    /^(?:status(?![.-]\w)|how\s+(?:is|are|'s)\s+(?:every|all|things|stuff|the\s+(?:box|server|services|stack))\w*)\b/.test(t) ||
    /^(list|show)\b[^.]*\b(services|containers)\b/.test(t) ||
    /^(status(?![.-]\w)|how is the system|how are things|system status)\b/.test(t);
  if (!isStatus || detectVerb(t.replace(/^(what|which|list|show)\b/, '')) === 'add') return false;
  const services = run.ws.items<Service>('services.yaml', SVC);
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  if (services.length === 0) {
    run.notes.push('No services are defined yet. Try "set up a web server with nginx".');
    return true;
  }
  // Running only as observed: a service the observation has not seen is not counted (without any observation, the files' state says).
  const running = services.filter((s) => (observed.get(s.name)?.state ?? (run.input.summary ? 'not observed' : (s.state ?? 'running'))) === 'running').length;
  run.notes.push(`${services.length} service${services.length === 1 ? '' : 's'} defined, ${running} running:`);
  for (const s of services) {
    const o = observed.get(s.name);
    const ports = hostPortEntries((s.ports ?? []).map((p) => ({ ...(p.host !== undefined ? { host: p.host } : {}), ...(p.host_ip !== undefined ? { hostIp: p.host_ip } : {}) }))).map(hostPortText).join(', ');
    const status = o ? `${o.state}${o.health && o.health !== 'none' ? ` (${o.health})` : ''}` : s.state === 'stopped' ? 'stopped' : 'not observed';
    run.notes.push(`  ${s.name.padEnd(12)} ${s.image.padEnd(24)} ${status}${ports ? `  ports ${ports}` : ''}`);
  }
  return true;
}

/** An application that cannot reach its database: WordPress's own words, or said plainly. */
const DB_LINK_TROUBLE = /\berror\s+establishing\s+(?:a\s+)?(?:database|db)\s+connection\b|\b(?:database|db)\s+connection\s+(?:error|errors|failed|failure|refused|problems?|issues?)\b|\b(?:can'?t|cannot|could\s*n'?t|could\s+not|unable\s+to|fails?\s+to|won'?t)\s+(?:reach|connect\s+to|talk\s+to|find|see)\s+(?:its|the|my|our|their)\s+(?:database|db)\b/;

/**
 * "the blog shows 'error establishing a database connection', what's wrong" (round 33): an
 * application that cannot reach its database is looked into from the state, link by link — the
 * database host it is given, that service and its state, the user, database and password secret
 * on both sides — and what is found is said. Nothing changes: a fix is the person's to ask for.
 */
function answerDatabaseLink(run: Run, t: string): boolean {
  if (!DB_LINK_TROUBLE.test(t)) return false;
  const all = services(run);
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  const env = (sv: Service) => (sv.environment ?? {}) as Record<string, string>;
  const hostOf = (sv: Service) => Object.entries(env(sv)).find(([k]) => /(?:^|_)DB_HOST$|^DATABASE_HOST$/.test(k))?.[1]?.split(':')[0];
  const said = targetsIn(run, t).names;
  const apps = all.filter((sv) => hostOf(sv) !== undefined && (said.length === 0 || said.includes(sv.name)));
  // No application given a database host, or its database stopped in the files: the troubleshooting
  // reader's (held-out 5 g5-app-cant-connect-db: "app says it cant connect to the database" starts the stopped postgres).
  if (apps.length === 0 || apps.some((a) => getService(run, hostOf(a)!)?.state === 'stopped')) return false;
  const stateOf = (name: string) => {
    const o = observed.get(name);
    const sv = getService(run, name);
    return o ? `${o.state}${o.health && o.health !== 'none' ? ` (${o.health})` : ''}` : sv?.state === 'stopped' ? 'stopped in services.yaml' : 'meant to be running (not observed)';
  };
  for (const app of apps) {
    const host = hostOf(app)!;
    const db = getService(run, host);
    const found: string[] = [`${app.name} connects to the database at host "${host}"`];
    if (!db) found.push(`but there is no service ${host} here: that is the error (add it, e.g. "add mariadb", or point ${app.name} at the database you have)`);
    else {
      found.push(`${host} (${db.image}) is ${stateOf(host)}`);
      if (db.state === 'stopped') found.push(`a stopped database is that error: "start ${host}" brings it back`);
      if (!(app.depends_on ?? []).includes(host)) found.push(`${app.name} does not wait for ${host} (no depends_on), so it can start before the database is ready`);
      const pick = (sv: Service, re: RegExp) => Object.entries(env(sv)).find(([k]) => re.test(k))?.[1];
      const pairs: [string, RegExp, RegExp][] = [
        ['user', /(?:^|_)DB_USER$/, /^(?:MARIADB|MYSQL|POSTGRES)_USER$/],
        ['database', /(?:^|_)DB_NAME$/, /^(?:MARIADB|MYSQL|POSTGRES)_(?:DATABASE|DB)$/],
        ['password', /(?:^|_)DB_PASSWORD$/, /^(?:MARIADB|MYSQL|POSTGRES)_PASSWORD$/],
      ];
      for (const [what, a, b] of pairs) {
        const x = pick(app, a);
        const y = pick(db, b);
        if (x !== undefined && y !== undefined) found.push(x === y ? `the ${what} matches on both sides${what === 'password' ? ` (${x})` : ` (${x})`}` : `the ${what} differs: ${app.name} uses ${x}, ${host} has ${y}`);
      }
      const logs = run.input.summary?.logs?.[host];
      if (logs?.length) found.push(`${host}'s last log lines: ${logs.slice(-3).join(' | ')}`);
    }
    run.notes.push(`${found.join('; ')}.`);
  }
  run.notes.push(`\`claude logs ${apps[0]!.name}\` and \`claude logs ${hostOf(apps[0]!)}\` show both sides' recent output. Nothing was changed.`);
  return true;
}

/** A question that asks for a change (round 32): a new value said with "instead", "could it be", "can X be/happen/run". */
const CHANGE_ASKED = /\binstead\b|\brather\s+than\b|\b(?:could|can|would)\s+(?:it|that|they|this|those|these)\s+(?:be|run|happen|go|start)\s+(?:at|on|every|around|later|earlier)\b|\b(?:can|could)\s+(?:the\s+|our\s+|my\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:be\s+(?:backed\s+up|moved|run|scheduled|changed)|happen|run|go|start)\s+(?:at|on|every|each|twice|daily|nightly|weekly|around|later|earlier)\b|\btoo\s+(?:early|late)\b[^?]*\b(?:at|to)\s+\d/;

/**
 * Questions about the state ("what is using port 8080?", "how much memory does postgres
 * have?", "is it running?", "which ports are open?", "when do backups run?"): answered from
 * the files and the observed summary; nothing changes.
 */
/** A request asked in another language's order: "you can make …?", "is possible (to) …" with a change said after it. */
const INVERTED_ASK = /(?:^|[.!?;,]\s+|\b(?:please|pls|plz)\s+)(?:you|u)\s+(?:can|could|will|would)\s+(?:please\s+|pls\s+)?(?:make|set|change|move|put|give|use|switch|add|run|start|deploy|install|limit|cap|bump|update|scale)\b|^(?:(?:so|ok|okay|hey|hi|please|pls)[\s,]+)*(?:is\s+|it'?s\s+)?possible\s+(?:that\s+|to\s+)?(?:the\s+)?[\w.-]+\s+(?:run|runs|use|uses|listen|listens|be|is|get|gets|have|has|on|at)\b[^?]*\b(?:port|\d{2,5}|\d+\s*(?:mb|gb|megs?|gigs?))\b/;

function answerSpecific(run: Run, t: string): boolean {
  // "do the db backups weekly instead" is an order; "do we have backups" a question.
  const question = /\?\s*$/.test(t) || /^(what|whats|which|how|hows|howz|is|are|when|who|where|r|wat)\b/.test(t) || /^(?:do|does)\s+(?:i|we|you|they|it|my|our|any|all|postgres|redis|nginx)\b/.test(t) ||
    // "show me all the ports", "list the open ports", "tell me which ports are used".
    (/^(?:(?:pls|please|can\s+you|could\s+you)\s+)?(?:show|list|display|give\s+me|tell\s+me)\b/.test(t) && /\b(?:back\s?ups?|ports?|users?|accounts?|jobs?|cron\s*jobs?|schedules?|volumes?|(?:firewall\s+)?rules|hostname|time\s?zone|(?:memory|ram|disk)\s+usage|disk\s+space|free\s+space|(?:ssl\s+|tls\s+)?(?:certs?|certificates?))\b/.test(t) && !/\b(?:to|from)\s+(?:the\s+)?(?:internet|world|everyone|public)\b/.test(t));
  // "I'd like to set up monitoring. Can you run Prometheus on port 9090, …?": a request said as a question, in any sentence (round 30).
  // "can the db backup happen at 2 instead?", "could it be at 3:15?", "can postgres be backed up every 6 hours?": a change asked for.
  // "…, can you fix it?", "how do I get the lock? set it up please": a request after the question (round 32).
  // "how about moving nginx to 8080?", "what about adding redis?": a suggestion, which is a request (round 33).
  // "please you can make the nginx to use port 8000?", "is possible grafana run at port 3301": a request in another language's order, with a change verb (round 34).
  if (!question || CHANGE_ASKED.test(t) || INVERTED_ASK.test(t) || /^(?:(?:so|ok|okay|hmm+|and)[\s,]+)?(?:how|what)\s+about\s+(?:we\s+)?[a-z]+ing\b/.test(t) || /(?:^|[.!?;,]\s+)(?:(?:so|ok|okay|hey|and|but|please|pls)\s*,?\s+)?(can|could|would|will)\s+you\b(?!\s+(?:show|list|tell))/.test(t) || /\?\s+(?:(?:please|pls|so|then|just)\s+)?(?:set|make|do|add|fix|get|turn|enable|put|go\s+ahead)\b/.test(t)) return false;
  const all = services(run);
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  const stateOf = (s: Service) => {
    const o = observed.get(s.name);
    return o ? `${o.state}${o.health && o.health !== 'none' ? ` (${o.health})` : ''}` : s.state === 'stopped' ? 'stopped' : 'meant to be running (not observed)';
  };
  const portsSaid = findPorts(t);
  // "what's using 80", "who is on 443?", "anything bound to 8080".
  const bareAsk = portsSaid.length === 0 ? /\b(?:using|on|listening\s+on|bound\s+to|taking|holding|occupying)\s+(\d{2,5})\s*[?!.]*$/.exec(t) ?? /\b(?:is|are|if)\s+(\d{2,5})\s+(?:still\s+)?(?:free|taken|available|in\s+use|used|busy|open|occupied)\b/.exec(t) : null;
  const ports = bareAsk ? [Number(bareAsk[1])] : portsSaid;
  if (ports.length > 0 && /\b(using|uses|used|on|listen\w*|publish\w*|who|what|which|free|taken|available|busy|occupied|in\s+use|bound)\b/.test(t)) {
    for (const p of ports) {
      const users = all.filter((s) => (s.ports ?? []).some((x) => x.host === p));
      const fw = rules(run).filter((r) => (Array.isArray(r.port) ? r.port : [r.port]).map(Number).includes(p));
      run.notes.push(users.length ? `Port ${p} is published by ${users.map((s) => `${s.name} (${s.image}, ${stateOf(s)})`).join(', ')}.` : `No service publishes port ${p}.`);
      if (fw.length) run.notes.push(`Firewall rules for port ${p}: ${fw.map((r) => `${r.name} (${r.action} from ${describeSource(r.source)})`).join(', ')}.`);
    }
    return true;
  }
  if (/\bports?\b/.test(t) && /\b(open|opened|published|exposed|listening|reachable|in\s+use|used|taken|busy|occupied|allocated|bound|free|available|have|got|there|list|show|all)\b/.test(t)) {
    const pub = all.flatMap((s) => (s.ports ?? []).filter((p) => p.host !== undefined).map((p) => `${p.host_ip ? `${p.host_ip}:` : ''}${p.host} (${s.name})`));
    run.notes.push(pub.length ? `Published ports: ${pub.join(', ')}.` : 'No service publishes a port.');
    run.notes.push(`Firewall: default input policy ${inputPolicy(run)}${rules(run).length ? `; rules: ${rules(run).map((r) => `${r.name} (${r.action}${r.port !== undefined ? ` ${JSON.stringify(r.port)}` : ''}${r.source ? ` from ${describeSource(r.source)}` : ''})`).join(', ')}` : ', no rules'}.`);
    return true;
  }
  if (/\bback ?ups?\b|\bbacked up\b/.test(t) && /\b(when|what|which|how|are|is|do|list|show|display)\b/.test(t)) {
    const vols = run.ws.items<{ name: string; backup?: { enabled?: boolean; schedule?: string; retain?: number } }>('storage.yaml', VOLS).filter((v) => v.backup?.enabled);
    run.notes.push(vols.length ? `Backups: ${vols.map((v) => `${v.name} at ${v.backup!.schedule} (last ${v.backup!.retain ?? 7} kept)`).join(', ')}.` : 'No volume is backed up yet ("back up postgres every night" sets one up).');
    return true;
  }
  if (answerInventory(run, t)) return true;
  if (answerResources(run, t)) return true;
  let names = targetsIn(run, t).names;
  if (names.length === 0 && /\b(it|that|this|they|them)\b/.test(t)) names = focusTargets(run);
  if (names.length === 0) return false;
  for (const n of names) {
    const s = getService(run, n)!;
    if (/\b(?:depend\w*|wait\w*|need|needs|require\w*|start\w*\s+(?:after|before))\b/.test(t) && !/\b(?:memory|ram|cpu|ports?)\b/.test(t)) {
      const on = s.depends_on ?? [];
      const by = all.filter((o) => (o.depends_on ?? []).includes(n)).map((o) => o.name);
      run.notes.push(`${n} ${on.length ? `waits for ${on.join(' and ')} to be healthy before it starts (depends_on)` : 'depends on no other service (it starts on its own)'}.${by.length ? ` ${by.join(' and ')} wait${by.length > 1 ? '' : 's'} for ${n}.` : ''}`);
    } else if (/\b(memory|ram|cpu|cores?|resources?|limits?)\b/.test(t)) {
      run.notes.push(`${n}: memory limit ${s.resources?.memory ?? 'none'}, CPU limit ${s.resources?.cpu ?? 'none'}${observed.get(n)?.memoryMb !== undefined ? `, using ${observed.get(n)!.memoryMb} MB now` : ''}.`);
    } else if (/\bports?\b/.test(t)) {
      run.notes.push(`${n}: ${describePorts(s).trim() || 'publishes no port'}.`);
    } else {
      run.notes.push(`${n} (${s.image}) is ${stateOf(s)}${s.replicas !== undefined ? `, ${s.replicas} replicas` : ''}${describePorts(s)}.`);
    }
  }
  return true;
}

/**
 * Questions about the host's disk and memory, and which services use the most ("how much disk
 * is left", "is the disk full?", "which services use the most memory", "what's eating the
 * ram"): answered from the observed summary; nothing changes. A question that names a service
 * is left to the per-service answer.
 */
function answerResources(run: Run, t: string): boolean {
  // "how's the disk looking", "disk status?", "is the storage ok?": how it stands (round 25).
  const standing = String.raw`|looking|look|doing|status|state|situation|health|healthy|ok|okay|fine|going|holding(?:\s+up)?|like`;
  const how = /^(?:(?:also|and|oh|btw|plus|so)\s+)*(?:how|hows|howz|how's)\b/.test(t);
  const disk = /\b(?:disk|disks|storage|drive|space|filesystem|file\s+system)\b/.test(t) && how || /\b(?:disk|disks|storage|drive|space|filesystem|file\s+system)\b/.test(t) && new RegExp(String.raw`\b(?:left|free|used|usage|full|much|remaining|available|room|fill\w*${standing})\b`).test(t);
  const memory = /\b(?:memory|ram|mem)\b/.test(t) && how || /\b(?:memory|ram|mem)\b/.test(t) && new RegExp(String.raw`\b(?:most|top|usage|using|use|uses|used|hog\w*|eat\w*|heaviest|biggest|free|left|much|available${standing})\b`).test(t);
  if (!disk && !memory) return false;
  if (memory && !disk && targetsIn(run, t).names.length > 0) return false;
  const r = run.input.summary?.resources;
  const gb = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)} GB`;
  if (disk) {
    if (r?.diskTotalGb !== undefined && r.diskUsedGb !== undefined) {
      const free = Math.max(0, r.diskTotalGb - r.diskUsedGb);
      run.notes.push(`Disk (/): ${gb(r.diskUsedGb)} of ${gb(r.diskTotalGb)} used (${Math.round((r.diskUsedGb / r.diskTotalGb) * 100)}%), ${gb(free)} free. When it will be full: claude health (it needs an hour of the observer's samples).`);
    } else run.notes.push('The disk usage is not observed right now; `claude status` shows it once the host can be observed.');
  }
  if (memory) {
    if (r?.memoryTotalMb !== undefined && r.memoryUsedMb !== undefined) run.notes.push(`Memory: ${r.memoryUsedMb} MB of ${r.memoryTotalMb} MB used (${Math.round((r.memoryUsedMb / r.memoryTotalMb) * 100)}%).`);
    const using = (run.input.summary?.services ?? []).filter((x) => x.memoryMb !== undefined).sort((a, b) => b.memoryMb! - a.memoryMb!);
    if (using.length) {
      const limits = new Map(services(run).map((x) => [x.name, x.resources?.memory]));
      run.notes.push('By service, most first:');
      for (const x of using) run.notes.push(`  ${x.name.padEnd(14)} ${String(x.memoryMb).padStart(6)} MB${limits.get(x.name) ? `  (limit ${limits.get(x.name)})` : '  (no limit)'}`);
    } else run.notes.push('No running service reports its memory use right now.');
  }
  return true;
}

/**
 * Questions about what the host has besides services, answered from the files: users and who
 * has sudo ("who has sudo here", "list the accounts"), scheduled jobs ("what runs at night",
 * "list the cron jobs"), volumes, firewall rules, the hostname and the time zone. A name of a
 * service in the question leaves it to the per-service answer.
 */
function answerInventory(run: Run, t: string): boolean {
  // "who has access to this server?", "who can log in here?": the users, with their keys and sudo (round 33).
  const access = /\bwho\b[^.?]*?\b(?:has|have|gets?|got|can)\s+(?:\w+\s+)?(?:access|ssh|log\s*in|login|sign\s+in|get\s+in|root|admin|sudo)\b/.test(t);
  if (!access && targetsIn(run, t).names.length > 0 && !/\bjobs?\b/.test(t)) return false;
  if (access || /\b(?:users?|accounts?|logins?|sudo(?:ers)?|admins?|people)\b/.test(t) && !/\bgroups?\s+(?:called|named)\b/.test(t)) {
    const users = run.ws.items<{ name: string; sudo?: boolean; groups?: string[]; ssh_keys?: string[] }>('security.yaml', ['spec', 'users']);
    const onlySudo = /\b(?:sudo(?:ers)?|admins?|root)\b/.test(t);
    const shown = onlySudo ? users.filter((u) => u.sudo || (u.groups ?? []).some((g) => g === 'sudo' || g === 'wheel')) : users;
    if (shown.length === 0) run.notes.push(onlySudo ? 'No user in security.yaml has sudo.' : 'No users are defined in security.yaml.');
    else {
      run.notes.push(onlySudo ? `Users with sudo: ${shown.map((u) => u.name).join(', ')}.` : `Users: ${shown.length}.`);
      if (!onlySudo) for (const u of shown) run.notes.push(`  ${u.name.padEnd(12)}${u.sudo ? ' sudo' : ''}${u.groups?.length ? ` groups ${u.groups.join(', ')}` : ''}${u.ssh_keys?.length ? ` ${u.ssh_keys.length} ssh key${u.ssh_keys.length === 1 ? '' : 's'}` : ''}`);
    }
    return true;
  }
  // "what certs do we have?", "which domains have tls?": the certificates of security.yaml.
  if (/\b(?:certs?|certificates?|tls|ssl|https|let'?s\s*encrypt|letsencrypt)\b/.test(t)) {
    const certs = run.ws.items<{ name: string; domains?: string[]; provider?: string; auto_renew?: boolean }>('security.yaml', ['spec', 'certificates']);
    run.notes.push(certs.length === 0 ? 'There are no certificates in security.yaml ("set up https for example.com" adds one).' : `Certificates: ${certs.length}.`);
    for (const c of certs) run.notes.push(`  ${c.name.padEnd(24)} ${(c.domains ?? []).join(', ')} (${c.provider ?? 'letsencrypt'}${c.auto_renew === false ? '' : ', renewed automatically'})`);
    if (certs.length > 0) run.notes.push('When each expires is not in the state files: `claude certs` shows what is issued and its expiry.');
    return true;
  }
  if (/\b(?:jobs?|cron\w*|scheduled|schedules?|tasks?)\b/.test(t)) {
    const jobs = run.ws.items<{ name: string; schedule: string; container?: string; command: unknown }>('scheduled.yaml', JOBS);
    run.notes.push(jobs.length === 0 ? 'No scheduled jobs are defined (scheduled.yaml).' : `Scheduled jobs: ${jobs.length}.`);
    for (const j of jobs) run.notes.push(`  ${j.name.padEnd(16)} ${j.schedule.padEnd(14)} ${j.container ? `in ${j.container}: ` : ''}${Array.isArray(j.command) ? j.command.join(' ') : String(j.command)}`);
    return true;
  }
  if (/\bvolumes?\b/.test(t)) {
    const vols = run.ws.items<{ name: string; backup?: { enabled?: boolean; schedule?: string } }>('storage.yaml', VOLS);
    run.notes.push(vols.length === 0 ? 'No volumes are defined (storage.yaml).' : `Volumes: ${vols.map((v) => `${v.name}${v.backup?.enabled ? ` (backed up ${v.backup.schedule})` : ''}`).join(', ')}.`);
    return true;
  }
  if (/\b(?:firewall|rules|allowed|blocked)\b/.test(t)) {
    const rs = rules(run);
    run.notes.push(`Firewall: default input policy ${inputPolicy(run)}${rs.length ? `; rules: ${rs.map((r) => `${r.name} (${r.action}${r.port !== undefined ? ` ${JSON.stringify(r.port)}` : ''}${r.source ? ` from ${describeSource(r.source)}` : ''})`).join(', ')}` : '; no rules'}.`);
    return true;
  }
  if (/\bhost\s?name\b|\bname\s+of\s+(?:this|the)\s+(?:server|machine|box|host)\b/.test(t)) {
    const h = run.ws.get<string>('manifest.yaml', ['spec', 'hostname']) ?? run.ws.get<string>('network.yaml', ['spec', 'hostname']);
    run.notes.push(h ? `The hostname is ${h}.` : 'No hostname is set in the state files.');
    return true;
  }
  if (/\btime\s?zone\b|\bwhat\s+time\s+is\s+it\b/.test(t)) {
    const z = run.ws.get<string>('manifest.yaml', ['spec', 'timezone']);
    run.notes.push(z ? `The time zone is ${z}.` : 'No time zone is set in the state files (the host default applies).');
    return true;
  }
  return false;
}

// ── clauses ────────────────────────────────────────────────────────────────

/** "the container", "the service", "the app", "the website": a service said by a bare noun (round 26). */
const BARE_SERVICE = /\b(?:the|that|this)\s+(container|service|app|application|web\s?site|site)\b(?!\s*(?:named|called|[:'"“‘`]|s\b|\s+(?:container|service|app)\b))/i;
/** "the job", "the cron job", "that task": a job said by a bare noun (round 26). */
const JOB_REF = /\b(?:the|that|this)\s+(?:(?:cron|scheduled|nightly|daily|hourly|weekly)\s+)?(?:cron\s?job|job|task|cron)\b(?!\s*(?:named|called|[:'"“‘`]|s\b))/i;
/** An ssh key given to a person with no key in the request ("add an ssh key for bob", "bob's ssh key"). */
const KEY_FOR =
  /\b(?:add|give|set\s*up|install|put|upload|register)\b[^.;]{0,40}?\b(?:ssh\s+|public\s+|pub\s+)?key(?![\w-])(?:\s+login)?\s+(?:for|to)\s+(?:user\s+)?([a-z_][\w-]*)|\b([a-z_][\w-]*)(?:'s|’s)\s+(?:ssh\s+|public\s+|pub\s+)?key(?![\w-])|\b([a-z_][\w-]*)\s+needs?\s+(?:an?\s+)?(?:ssh\s+|public\s+)?key(?![\w-])|\bgive\s+([a-z_][\w-]*)\s+(?:an?\s+)?(?:ssh\s+|public\s+)key(?![\w-])|\bgive\s+([a-z_][\w-]*)\s+(?:the|that|this|my|our)\s+(?:ssh\s+|public\s+|pub\s+)?key(?![\w-])/i;

/**
 * Round 26: a reference that fits several things asks which, one that fits one proceeds with it
 * (the clause is said again with its name); a slot the request needs and does not give asks for
 * it. A service by a bare noun ("stop the container", "change the port of the website"); a job
 * by a bare noun ("move the job to 5am"); an ssh key with no key ("add an ssh key for bob");
 * "him"/"her" with no user to point at. Returns the clause (filled), or undefined when it asked.
 */
function vagueReference(run: Run, clause: string, verb: Verb | undefined): string | undefined {
  const t = clause.toLowerCase();
  const every = /\b(?:all|every|each|both|everything)\b/.test(t);
  const bare = BARE_SERVICE.exec(clause);
  // "the site open to everyone", "make the website public": the website's traffic for the
  // firewall (80 and 443), which the firewall reads itself, not a service to name.
  const siteTraffic = bare && /site/i.test(bare[1]!) && /\b(?:open|public|everyone|everybody|anyone|anybody|world|anywhere|firewall|fw|allow\w*|block\w*|deny|reachable|accessible|expos\w*|traffic|internet|only\s+from|from)\b/i.test(clause);
  if (bare && !siteTraffic && !every && verb !== 'add' && !JOB_REF.test(clause) && targetsIn(run, clause.slice(0, bare.index) + clause.slice(bare.index + bare[0].length)).names.length === 0 && !findServiceMentions(clause).some((m) => !m.generic)) {
    const all = services(run);
    const web = /site/i.test(bare[1]!) ? all.filter((s) => roleOf(s) === 'web' || appOfImage(s.image)?.role === 'web') : [];
    const fits = (web.length > 0 ? web : all).map((s) => s.name);
    const here = fits.length > 1 ? focusTargets(run, (s) => fits.includes(s.name)) : fits;
    const fill = (v: string) => clause.slice(0, bare.index) + v + clause.slice(bare.index + bare[0].length);
    if (here.length === 1) return fill(here[0]!);
    if (fits.length > 1)
      return need(run, { slot: 'service', question: `Which ${bare[1]!.toLowerCase()} do you mean: ${orList(fits)}?`, choices: all.filter((s) => fits.includes(s.name)).map(serviceChoice), fill });
  }
  const job = JOB_REF.exec(clause);
  if (job && !every && !/\b(?:add|create|new|another|make\s+a|set\s+up\s+a|schedule\s+a)\b/.test(t)) {
    const jobs = run.ws.items<{ name: string }>('scheduled.yaml', JOBS).map((j) => j.name);
    const fill = (v: string) => clause.slice(0, job.index) + v + clause.slice(job.index + job[0].length);
    if (jobs.length > 1 && !jobs.some((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`, 'i').test(clause)))
      return need(run, { slot: 'job', question: `Which job: ${orList(jobs)}?`, choices: jobs.map((n) => ({ value: n, words: [n] })), fill });
  }
  // "remove oscar's ssh key": a key taken away is never asked for (handleKeyRemoval, round 36).
  const key = KEY_RE.test(run.input.message) || KEY_TAKEN.test(clause) ? null : KEY_FOR.exec(clause);
  const keyOwner = key ? (key[1] ?? key[2] ?? key[3] ?? key[4] ?? key[5])!.toLowerCase() : undefined;
  // "give them the key I sent earlier" (held-out 31 amb-13): a key only referred to, for people said as a pronoun: who, and the key, are asked.
  if (key && keyOwner && /^(?:them|him|her)$/.test(keyOwner) && !/\b(?:api|secret|license|licence|access|env|environment|variable|gpg|pgp|tls|ssl|private)\s+keys?\b/.test(t)) {
    const users = run.ws.items<{ name: string }>('security.yaml', ['spec', 'users']).map((u) => u.name);
    const one = keyOwner !== 'them' && run.lastUser ? run.lastUser : undefined;
    if (one) return need(run, { slot: 'ssh-key', question: `Paste ${one}'s public key: one line, such as "ssh-ed25519 AAAA… ${one}@laptop" (the private key never leaves their machine).`, fill: (v) => `add ${one}'s ssh key ${v}` });
    return need(run, { slot: 'username', question: `Which user should get the key${users.length ? `: ${orList(users)}` : ''}? The key itself is not in this request: paste it as one line, such as "ssh-ed25519 AAAA… ${users[0] ?? 'alice'}@laptop".`, fill: (v) => `add an ssh key for ${v}` });
  }
  if (key && keyOwner && !NOT_A_PERSON.test(keyOwner) && !/^(?:i|we|they|he|she|someone|somebody|everyone|nobody)$/.test(keyOwner) && !getService(run, keyOwner) && findServiceMentions(keyOwner).length === 0 && !/\b(?:api|secret|license|licence|access|env|environment|variable|gpg|pgp|tls|ssl|private)\s+keys?\b/.test(t)) {
    return need(run, {
      slot: 'ssh-key',
      question: `Paste ${keyOwner}'s public key: one line, such as "ssh-ed25519 AAAA… ${keyOwner}@laptop" (the private key never leaves their machine).`,
      fill: (v) => `add ${keyOwner}'s ssh key ${v}`,
    });
  }
  const him = /\b(?:give|grant|make|add|put|let|move)\s+(him|her|them)\b/.exec(t);
  if (him && /\b(?:sudo|admin\w*|root|groups?|sudoers?|ssh|accounts?|login)\b/.test(t) && run.ws.items('security.yaml', ['spec', 'users']).length === 0 && !run.lastUser) {
    return need(run, { slot: 'username', question: `Which user do you mean by "${him[1]}"? There is no user in security.yaml yet ("add user NAME with sudo" makes one).`, fill: (v) => clause.slice(0, him.index) + him[0].replace(/\s+\S+$/, ` user ${v}`) + clause.slice(him.index + him[0].length) });
  }
  return clause;
}

/** "the user", "a new account": a person's account said without a name. */
const USER_NOUN = String.raw`(?:(?:linux|system|unix|ssh|shell|admin|regular|normal|login)\s+)?(?:user|account|login)(?:\s+account)?`;
const UNNAMED_USER = new RegExp(String.raw`\b(?:add|create|make|set\s*up|need|want|new)\s+(?:me\s+|us\s+)?(?:(?:a|an|one|another)\s+)?(?:new\s+)?(${USER_NOUN})(?=\s*(?:$|[,.;!?]|(?:with|that|who|please|pls|and|to|in|on|here|too|as\s+well|having|plus)\b|for\s+(?:the|a|an|new|our|my|me|us|him|her|them|someone|somebody)\b))`, 'i');
/** "user kofi" (also what "username kofi" is read as): a user named somewhere in the request. */
const NAMED_USER = /\buser\s+(?!(?:with|for|that|who|please|pls|and|to|in|on|account|accounts|called|named|name)\b)['"“‘`]?[a-z_][\w-]*/i;
const THE_USER = new RegExp(String.raw`\b(?:remove|delete|drop|get\s+rid\s+of|kill|nuke|erase|purge)\s+(?:the|that|this|our|my)\s+(${USER_NOUN})\b`, 'i');

/**
 * The frames' required slots, checked before a clause is read (ask.ts): a role word that fits
 * several services ("remove the database" with postgres and mysql), an account with no name
 * ("add a user") or one of several ("delete the user"), a time-zone abbreviation that names
 * several zones ("CST"). Returns the clause (with the answer filled in when the last question
 * was this one), or undefined when it asked.
 */
function openSlot(run: Run, clause: string, verb: Verb | undefined): string | undefined {
  const t = clause.toLowerCase();
  const all = services(run);
  // A role word ("the database", "the cache", "the web server") that fits several services.
  // Not in "back up the database now": the backups that could be meant are offered as a
  // numbered choice where it is run (backUpNow, cli/operations.ts offerBackupNow).
  if (!isBackupNow(t) && !/\b(?:all|every|each)\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?:[\w-]+\s+)?(?:services?|containers?|databases?|dbs?|caches?|apps?|servers?|them)\b|\bboth\b|\beverything\b/.test(t)) {
    const named = targetsIn(run, clause.replace(/\b(?:sql\s+|relational\s+)?databases?\b|\bdbs?\b|\bcach(?:e|es|ing)\b|\bweb\s?servers?\b|\bmonitoring\b|\bdashboards?\b/gi, ' ')).names;
    for (const m of findServiceMentions(clause)) {
      if (!m.generic || negatedAt(clause, m.index)) continue;
      // "the databases", "restart the web servers": a plural is each of them (targetsIn), never a choice.
      if (/(?:databases|dbs|caches|servers|sites|apps|applications|ends|proxies|dashboards)$/.test(m.text)) continue;
      // "the database" refers; "a database", "another db" (or a bare one after "add") asks for a new one.
      const before = t.slice(0, m.index);
      if (/\b(?:an?|another|new|second|extra|more|some|other|own|separate)\s+(?:[\w-]+\s+)?$/.test(before) || (verb === 'add' && !/\b(?:the|that|this|my|our|your|its|their)\s+(?:[\w-]+\s+)?$/.test(before))) continue;
      const role = loadTemplate(m.template).role;
      const fits = all.filter((s) => roleOf(s) === role || appOfImage(s.image)?.role === role);
      if (fits.length < 2 || fits.some((s) => named.includes(s.name))) continue;
      const here = fits.filter((s) => run.focus.includes(s.name));
      if (here.length === 1) continue;
      return need(run, {
        slot: 'service',
        question: `Which ${m.text.replace(/s$/, '')} do you mean: ${orList(fits.map((s) => s.name))}?`,
        choices: fits.map(serviceChoice),
        fill: (v) => clause.slice(0, m.index) + v + clause.slice(m.index + m.text.length),
      });
    }
  }
  // "add a database", "i need a db": a new database with no product named and no app in the
  // request that brings its own; which one is asked (postgres, mariadb or mysql).
  const db = findServiceMentions(clause).find((m) => m.generic && m.template === 'postgres' && !negatedAt(clause, m.index));
  if (
    db &&
    (verb === 'add' || verb === undefined) &&
    (/\b(?:an?|another|new|some|one)\s+(?:(?:new|sql|relational|separate|small|simple)\s+)?$/.test(t.slice(0, db.index)) || THE_DATABASE_ALONE.test(run.input.message)) &&
    !findServiceMentions(run.input.message).some((m) => !m.generic && ['postgres', 'mariadb', 'mysql'].includes(m.template)) &&
    !/\b(?:mongo\w*|sqlite|couch\w*|cassandra|clickhouse|influx\w*|timescale\w*|cockroach\w*|maria|my\s?sql|postgres\w*)\b/i.test(run.input.message) &&
    findAppMentions(run.input.message).length === 0 &&
    !/\bword\s?press\b|\bweb\s*app|\bimage\b|\bapi\b/i.test(run.input.message) &&
    !all.some((s) => roleOf(s) === 'database')
  ) {
    const engines = ['postgres', 'mariadb', 'mysql'];
    return need(run, {
      slot: 'service',
      question: `Which database should I add: ${orList(engines)}? (postgres if you have no preference)`,
      choices: [
        { value: 'postgres', words: ['postgres', 'postgresql', 'pg', 'psql', 'postgre'] },
        { value: 'mariadb', words: ['mariadb', 'maria'] },
        { value: 'mysql', words: ['mysql'] },
      ],
      fill: (v) => clause.slice(0, db.index) + `${v} database` + clause.slice(db.index + db.text.length),
    });
  }
  if (!DATA_WORD.test(t) && !KEY_RE.test(clause)) {
    // "add a user", "create a new account with sudo": the name is the slot.
    const unnamed = UNNAMED_USER.exec(clause);
    if (unnamed && !/\b(?:called|named|name|username)\b/i.test(run.input.message) && !NAMED_USER.test(run.input.message)) {
      return need(run, {
        slot: 'username',
        question: 'What should the new user be called? (a login name such as "alice")',
        fill: (v) => clause.slice(0, unnamed.index) + `add user ${v}` + clause.slice(unnamed.index + unnamed[0].length),
      });
    }
    // "remove him", "delete her": the user of this conversation, the only one, or which one is asked.
    const gone = /\b(?:remove|delete|drop|get\s+rid\s+of|kick\s+out|nuke|erase|purge)\s+(him|her)\b/i.exec(clause);
    const people = run.ws.items<{ name: string }>('security.yaml', ['spec', 'users']).map((u) => u.name);
    if (gone && people.length > 0) {
      const inRequest = people.filter((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`, 'i').test(run.input.message.slice(0, Math.max(0, run.input.message.toLowerCase().indexOf(gone[0].toLowerCase()))))).pop();
      const talked = run.lastUser ?? inRequest ?? [...run.input.history].reverse().filter((h) => h.role === 'user').map((h) => people.filter((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`, 'i').test(h.text)).pop()).find((n) => n !== undefined);
      const fillGone = (v: string) => clause.slice(0, gone.index) + gone[0].replace(/\s+(?:him|her)$/i, ` user ${v}`) + clause.slice(gone.index + gone[0].length).replace(/^\s+(?:account|login|user)\b/i, '');
      // "erin left the company, delete her account": the clause that named her is its context.
      if (inRequest !== undefined && talked === inRequest) run.consumed.push(inRequest);
      if (talked ?? (people.length === 1 ? people[0] : undefined)) return fillGone((talked ?? people[0])!);
      return need(run, { slot: 'user', question: `Which user do you mean: ${orList(people)}?`, choices: people.map((u) => ({ value: u, words: [u] })), fill: fillGone });
    }
    // "delete the user" with several users: which one.
    const the = THE_USER.exec(clause);
    const users = run.ws.items<{ name: string }>('security.yaml', ['spec', 'users']).map((u) => u.name);
    const fill = (v: string) => clause.slice(0, the!.index) + the![0].replace(/\s+(?:the|that|this|our|my)\s+[\s\S]*$/i, ` user ${v}`) + clause.slice(the!.index + the![0].length);
    if (the && users.length === 1) return fill(users[0]!);
    if (the && users.length > 1 && !users.some((u) => new RegExp(String.raw`(?<![\w-])${escapeRe(u)}(?![\w-])`, 'i').test(clause))) {
      return need(run, {
        slot: 'user',
        question: `Which user do you mean: ${orList(users)}?`,
        choices: users.map((u) => ({ value: u, words: [u] })),
        fill,
      });
    }
  }
  const asked = vagueReference(run, clause, verb);
  if (asked !== clause) return asked;
  // "set the timezone to CST": an abbreviation several zones use.
  const abbr = /\b(cst|ist|ast)\b/i.exec(clause);
  if (abbr && (/\btime\s?zone|\btz\b|\bclocks?\b|\btime\b/.test(t) || t.split(/\s+/).length <= 4)) {
    const choices = AMBIGUOUS_ZONES[abbr[1]!.toLowerCase()]!;
    return need(run, {
      slot: 'zone',
      question: `${abbr[1]!.toUpperCase()} is used for more than one zone: ${orList(choices.map((c) => c.value))}. Which one?`,
      choices,
      fill: (v) => clause.slice(0, abbr.index) + v + clause.slice(abbr.index + abbr[0].length),
    });
  }
  return clause;
}

/**
 * "remove the memory limit on redis", "drop the cpu limit from the api", "lift redis's memory
 * cap", "redis should have no memory limit", "unlimited memory for redis": the limit goes, the
 * service stays (HARM's round 26 found "remove the memory limit on redis" removed redis).
 */
function handleLimitRemoval(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  const kinds = new Set<'memory' | 'cpu'>();
  const LIMIT = String.raw`(?:limits?|caps?|restrictions?|ceilings?|quotas?|constraints?)`;
  const KIND = String.raw`(memory|ram|mem|cpus?|cores?)`;
  const said = [
    new RegExp(String.raw`\b(?:remove|drop|delete|lift|clear|unset|take\s+(?:off|away)|get\s+rid\s+of|scrap|ditch|kill|undo|reset)\b[^.;]{0,40}?\b${KIND}(?:\s*\+\s*${KIND})?\s+${LIMIT}`, 'g'),
    new RegExp(String.raw`\bno\s+${KIND}\s+${LIMIT}|\bunlimited\s+${KIND}|\bwithout\s+(?:a|any)\s+${KIND}\s+${LIMIT}`, 'g'),
  ];
  for (const re of said) for (const m of t.matchAll(re)) for (const k of m.slice(1)) if (k) kinds.add(/^(?:memory|ram|mem)$/.test(k) ? 'memory' : 'cpu');
  if (kinds.size === 0) return false;
  // "drop the api memory limit to 300 MiB", "lower the cpu cap to half a core": a new value, not
  // no limit (held-out 19's h19-s36 caught the first version of this).
  if (/\b\d+(?:[.,]\d+)?\s*(?:[kmgt]i?b?|gigs?|megs?|gigabytes?|megabytes?|cpus?|cores?|%)(?![\w])|\bto\s+(?:\d|half|one|two|three|four|a\s+(?:gig|half|quarter|single))/i.test(t)) return false;
  const named = targetsIn(run, clause).names;
  const names = named.length > 0 ? named : focusTargets(run);
  if (names.length === 0) {
    run.questions.push(`Which service's ${[...kinds].join(' and ')} limit should I remove? Say e.g. "remove the memory limit on redis".`);
    return true;
  }
  for (const name of names) {
    const svc = getService(run, name)!;
    mentionFocus(run, name);
    for (const k of kinds) {
      const was = (svc.resources as Record<string, unknown> | undefined)?.[k];
      if (was === undefined) {
        run.already.push(`${name}: no ${k === 'memory' ? 'memory' : 'CPU'} limit`);
        continue;
      }
      run.ws.delete('services.yaml', svcPath(run, name, 'resources', k));
      const left = getService(run, name)!.resources as Record<string, unknown> | undefined;
      if (left && Object.keys(left).length === 0) run.ws.delete('services.yaml', svcPath(run, name, 'resources'));
      run.lines.push(`~ ${name}: no ${k === 'memory' ? 'memory' : 'CPU'} limit (was ${String(was)})`);
    }
  }
  return true;
}

function interpretClause(run: Run, clause0: string, verb0: Verb | undefined): boolean {
  run.clauseAdded = [];
  run.clauseBlocked = false;
  const filled = openSlot(run, clause0, verb0);
  if (filled === undefined) return true;
  const clause = filled;
  const verb = filled === clause0 ? verb0 : (detectVerb(filled) ?? verb0);
  const t = clause.toLowerCase();
  if (/\breboot\b|\brestart\b/.test(t) && /\b(the\s+)?(server|machine|host|system|computer|box)\b/.test(t) && findServiceMentions(t).length === 0) {
    run.notes.push('Rebooting the host is not part of the state files, so I cannot plan it. Reboot from the console; services come back on their own (restart: unless-stopped).');
    return true;
  }
  if (handleServiceSettings(run, clause) || handleServiceLogs(run, clause) || handleSudoPassword(run, clause)) return true;
  // "add redis. also hows the disk looking?": a question about the host said as a clause of a
  // longer request is answered; it changes nothing (round 25).
  if (/^(?:(?:also|and|oh|btw|plus)\s+)*(?:how|hows|howz|how's|is|are|what'?s|whats)\b/.test(t) && answerResources(run, t)) return true;
  // A complaint ("I'm unable to reach nginx", "grafana keeps crashing") is read as one before
  // anything that could add, change or remove what it names.
  // A question about it ("why did web stop", "api restarted 5 times today, why") is diagnosed, even
  // with a state verb in it: nothing is changed (round 29).
  if (isComplaint(clause) && (detectVerb(clause.replace(SYMPTOM, ' ')) === undefined || askedNotOrdered(run.input.message)) && (complaintAboutMissing(run, clause) || handleTroubleshoot(run, clause))) return true;
  // A public key said in passing is a user's ("here is an ecdsa key for jon: ecdsa-sha2-… ="),
  // never an environment value or a secret, unless the clause speaks of those.
  if (KEY_RE.test(clause) && !/\b(?:env|environment|variables?|vars?|secrets?)\b/i.test(clause) && handleUsers(run, clause, verb)) return true;
  if (handleRestore(run, clause)) return true;
  if (askPlace(run, clause)) return true;
  if (handleJobRunNow(run, clause) || handleJobPause(run, clause) || handleJobRemoval(run, clause) || handleJobMove(run, clause)) return true;
  if (handleLimitRemoval(run, clause) || handleSettingRemoval(run, clause)) return true;
  if (handleKeyRemoval(run, clause)) return true;
  // "drop the disk quota on the worker", "kill every connection to redis": a removal or stop whose object is a
  // setting the two readers above did not take never removes or stops the service (round 30, review 22 MED-6).
  if ((verb === 'remove' || verb === 'stop') && settingObject(run, clause)) return true;
  if (handleLabels(run, clause) || handleServiceCommand(run, clause) || handleServiceNetwork(run, clause)) return true;
  if (askWhichApp(run, clause)) return true;
  if (handleGeneratedEnv(run, clause)) return true;
  if (handleEnvFromSecret(run, clause)) return true;
  if (handleSecrets(run, clause)) return true;
  if (handleEnv(run, clause)) return true;
  if (handleCertificate(run, clause) || certificateFollowUp(run, clause)) return true;
  if (handleDependsOn(run, clause)) return true;
  // "only this key: ssh-ed25519 …": a key is a user's, never a firewall rule.
  if (KEY_RE.test(clause) && handleUsers(run, clause, verb)) return true;
  // "run IMAGE as shop, expose 5000": a bare port to expose, said after a service this request
  // added, is that service's port on the host (no firewall rule).
  const bareExpose = /^(?:and\s+)?(?:expose|publish)\s+(?:(?:on\s+)?(?:the\s+)?port\s+)?(\d{2,5})\s*[.!]*$/i.exec(clause);
  if (bareExpose && run.added.length > 0 && handleModifiers(run, `expose it on ${bareExpose[1]}`)) return true;
  if (handleForwardPolicy(run, clause)) return true;
  if (handleNamedRule(run, clause) || handleSshConfig(run, clause) || handleFirewall(run, clause)) return true;
  if (handleUsers(run, clause, verb)) return true;
  if (handleHostname(run, clause)) return true;
  if (handleTimezone(run, clause)) return true;
  if (handleJob(run, clause)) return true;
  // "postgres please, with its data on a volume called pg": what the clause adds comes first
  // (handleAdd, handleKnownImages); the volume is then that service's data (below).
  const addsFirst = (verb === 'add' || verb === undefined) && addedBeforeVolume(run, clause);
  if (!addsFirst && handleVolume(run, clause)) return true;
  // "keep 14 of them", "make it 4am instead" while a volume of its own is backed up in the
  // conversation: its backups, before any reading as replicas or a service's schedule.
  const kept = keptCorrection(run, clause);
  if (kept && backupTargets(run, kept).length > 0 && handleBackups(run, kept)) return true;
  if (backupsInDiscussion(run) && (retentionIn(t) !== null || (parseSchedule(t, 3) !== undefined && refinesSchedule(t))) && targetsIn(run, clause).names.length === 0 && backupTargets(run, clause).length > 0 && handleBackups(run, clause)) return true;
  if (handleReplace(run, clause)) return true;
  // "change the image", "swap the image please": a change with nothing to change to asks (round 30).
  if (askImage(run, clause)) return true;
  if (handleCustomService(run, clause, verb)) return true;
  if (unknownServiceNamed(run, clause, verb)) return true;
  if ((verb === 'start' || verb === 'stop' || verb === 'remove') && /\bback ?ups?\b|\bback(ing|ed)?[- ]up\b|\bsnapshots?\b/.test(t) && handleBackups(run, clause)) return true;
  if (verb === 'remove' || verb === 'stop' || verb === 'start' || verb === 'restart') {
    if (handleLifecycle(run, clause, verb)) return true;
  }
  if (handleTroubleshoot(run, clause)) return true;
  if (verb === 'add' && unknownApp(run, clause)) return true;
  let understood = false;
  if (verb === 'add' || verb === undefined || verb === 'change') understood = handleKnownImages(run, clause, verb) || understood;
  if (run.clauseBlocked) return true;
  if (verb === 'add' || verb === undefined || verb === 'change' || verb === 'scale') understood = handleAdd(run, clause, verb) || understood;
  if (run.clauseBlocked) return true;
  // "add nextcloud with a volume at /var/www/html": the volume goes into what the clause added.
  if (run.clauseAdded.length > 0 && saysStorage(clause) && (readVolumeFrame(clause).paths.length > 0 || addsFirst)) understood = handleVolume(run, clause, run.clauseAdded) || understood;
  understood = handleModifiers(run, clause) || understood;
  understood = handleBackups(run, clause) || understood;
  return understood;
}

// ── services: lookup ───────────────────────────────────────────────────────

function services(run: Run): Service[] {
  return run.ws.items<Service>('services.yaml', SVC);
}

function serviceIndex(run: Run, name: string): number {
  return run.ws.indexOf('services.yaml', SVC, name);
}

function mentionFocus(run: Run, name: string): void {
  const i = run.focus.indexOf(name);
  if (i >= 0) run.focus.splice(i, 1);
  run.focus.push(name);
}

/** The existing service a mention refers to, if any. */
function existingFor(run: Run, m: ServiceMention): string | undefined {
  const all = services(run);
  const byName = all.find((s) => s.name === m.template);
  if (byName) return byName.name;
  const byTemplate = all.filter((s) => templateOf(s) === m.template);
  if (byTemplate.length > 0) return byTemplate[0]!.name;
  if (m.generic) {
    const role = loadTemplate(m.template).role;
    // A role word said of a catalog app as of a template ("kill the cache" with memcached, held-out 30).
    const byRole = all.filter((s) => (roleOf(s) ?? appOfImage(s.image)?.role) === role);
    if (byRole.length > 0) return byRole[0]!.name;
  }
  return undefined;
}

/** Existing services a clause names: by service name, by product or role word, or "all". */
/**
 * Services named only to be left out ("leave the database alone", "don't touch redis", "not the
 * db", "without touching postgres", "except the cache", "redis stays as it is"): the phrase is
 * blanked before the request's targets are read, so a negated mention is never the target.
 */
const NEGATED_MENTION = new RegExp(
  [
    String.raw`\b(?:leave|leaving|keep|keeping|let)\s+(?:the\s+|my\s+|our\s+|that\s+)?([\w-]+(?:\s+&\s+[\w-]+)*(?:\s+[\w-]+)?)\s+(?:alone|as\s+(?:it\s+)?is|as\s+they\s+are|untouched|unchanged|be|where\s+it\s+is|out\s+of\s+(?:it|this|that)|running|up(?!\s+to\b)|going|alive|online)\b`,
    // "…, don't delete it", "but do not remove the api": stopped, or left, never removed.
    String.raw`\b(?:don'?t|dont|do\s+not|never|pls\s+don'?t|please\s+don'?t)\s+(?:touch|change|modify|restart|stop|mess\s+with|break|move|scale|resize|edit|bother|affect|do\s+anything\s+to|delete|remove|destroy|drop|uninstall|wipe|nuke|lose|throw\s+away|get\s+rid\s+of)\s+(?:the\s+|my\s+|our\s+|that\s+|its\s+|their\s+)?[\w-]+(?:\s+(?:one|service|container|db|database|data|volume|definition|config))?`,
    String.raw`\bbut\s+keep(?:ing)?\s+(?:the\s+|its\s+|my\s+|our\s+)?[\w-]+(?:\s+&\s+[\w-]+)*(?=\s*(?:[,.;!?]|$))`,
    // "take down the worker and the api, keep postgres": the last words keep one.
    String.raw`(?:^|[,;]\s*|\band\s+)keep(?:ing)?\s+(?:the\s+|its\s+|my\s+|our\s+)?(?!(?:it|them|that|this|those|all|everything|last|latest|copies|backups?|snapshots?|dumps?|versions?|logs?|one|two|three|four|five|six|seven|eight|nine|ten|a|an|in|on|up|going|track|mind)\b)[a-z][\w-]*(?:\s+&\s+[\w-]+)*(?=\s*(?:[.;!?]|$))`,
    String.raw`\bwithout\s+(?:touching|changing|restarting|stopping|affecting|moving)\s+(?:the\s+|my\s+|our\s+)?[\w-]+`,
    String.raw`\b(?:but\s+)?not\s+(?:the\s+|my\s+|our\s+)?[\w-]+(?=\s*(?:[,.;!?]|$|\s+(?:though|tho|please|pls|too|also|one|service|container)\b))`,
    String.raw`\b(?:except(?:\s+for)?|apart\s+from|other\s+than|besides|save\s+for)\s+(?:the\s+|my\s+|our\s+)?[\w-]+`,
    String.raw`\b[\w-]+\s+(?:stays|should\s+stay|can\s+stay|must\s+stay|remains|should\s+remain|is\s+fine|are\s+fine)\s+(?:as\s+(?:it\s+)?is|alone|untouched|the\s+same|unchanged|where\s+it\s+is|as\s+they\s+are)\b`,
    // Round 38 (held-out 33 risky-55): "destroy memcached, redis is enough", "… postgres will do": the one said to suffice is kept.
    // Not "a redis will do" (held-out 21: one to add), nor a number or a pronoun ("nah, 5 is enough", "that will do").
    String.raw`(?<!\b(?:a|an|some|one|another|any|just\s+a|simple)\s+)\b(?!(?:it|that|this|one|two|three|four|five|six|seven|eight|nine|ten|which|what|who|there|here)\b)[a-z][\w-]*(?:(?:\s+(?:is|are)|'s)\s+(?:enough|plenty|sufficient|all\s+(?:we|i)\s+need)|\s+(?:(?:will|would|should)\s+do|suffices?))(?=\s*(?:[,.;!?]|$|\s+(?:for|now|here|anyway)\b))`,
    // Round 38: "…, grafana and nginx stay" (joined "grafana & nginx" by joinSubjects): each is kept, never one more object.
    String.raw`\b[\w-]+(?:\s+&\s+[\w-]+)*\s+(?:stays?|remains?|(?:is|are)\s+kept|(?:can|should|must|will|shall)\s+(?:stay|remain))(?:\s+(?:as\s+(?:it\s+is|they\s+are|is)|alone|untouched|the\s+same|unchanged|put|running|up|where\s+(?:it\s+is|they\s+are)))?(?=\s*(?:[,.;!?]|$))`,
  ].join('|'),
  'gi',
);
/** What says a service goes for good: another is kept ("…, keep postgres"), it is not needed any more, "for good", "permanently". */
/** "kill grafana, we don't need it today": a time said beside the need makes the stop for a while, never a removal. */
const FOR_A_WHILE = /\b(?:today|tonight|for\s+now|right\s+now|for\s+(?:a|the|this)\s+(?:bit|while|moment|weekend|week|day|night|time\s+being)|this\s+(?:week(?:end)?|morning|afternoon|evening)|until\b|till\b)/i;
const REMOVAL_CUE = /(?:^|[,;]\s*|\band\s+|\bbut\s+)keep(?:ing)?\s+(?:the\s+|its\s+|my\s+|our\s+)?(?!(?:it|them|that|this|those|all|everything|last|latest|copies|backups?|snapshots?|dumps?|versions?|logs?|one|two|three|four|five|six|seven|eight|nine|ten|a|an|in|on|up|going|track|mind)\b)[a-z][\w-]*\s*(?:[.;!?]|$)|\b(?:don'?t|dont|do\s+not|no\s+longer)\s+(?:need|use)\s+(?:it|them|that|this|those)\b|\bnobody\s+(?:uses|needs|looks\s+at)\s+(?:it|them)\b|\bnot\s+needed\s+any\s*more\b|\bfor\s+good\b|\bpermanently\b/i;

/** The word at `index` lies in a negated mention ("leave the database alone"). */
function negatedAt(clause: string, index: number): boolean {
  return withoutNegatedMentions(clause)[index] === ' ' && clause[index] !== ' ';
}
function withoutNegatedMentions(t: string): string {
  return t.replace(NEGATED_MENTION, (m) => ' '.repeat(m.length));
}

function targetsIn(run: Run, clause0: string): { names: string[]; all: boolean } {
  const all = services(run);
  if (!/\b(all|every|each)\b[^.]*\b(services?|containers?|apps?|applications?)\b|\beverything\b|\ball of them\b/.test(clause0.toLowerCase())) clause0 = withoutNegatedMentions(clause0);
  const clause = clause0;
  const t = clause.toLowerCase();
  if (/\b(all|every|each)\b[^.]*\b(services?|containers?|apps?|applications?)\b|\beverything\b|\ball of them\b/.test(t)) {
    // "stop everything except nginx", "restart all but the db".
    const but = /\b(?:except(?:\s+for)?|but(?:\s+not)?|(?:and\s+)?not|other\s+than|besides|apart\s+from|save\s+for|leave\s+out|minus)\s+(.*)$/.exec(t);
    const keep = but ? targetsIn(run, but[1]!.replace(/\b(?:all|every|each|everything)\b/g, ' ')).names : [];
    // "keep nginx, drop everything else": "else" is every service but the ones the rest of the
    // request names (nginx was removed with the others).
    if (/\beverything\s+else\b|\ball\s+(?:the\s+)?others?\b|\bevery\s+other\b/.test(t)) {
      const at = run.input.message.toLowerCase().indexOf(t);
      const elsewhere = at >= 0 ? run.input.message.slice(0, at) + ' ' + run.input.message.slice(at + t.length) : '';
      if (elsewhere.trim()) keep.push(...targetsIn(run, elsewhere).names);
    }
    return { names: all.map((s) => s.name).filter((n) => !keep.includes(n)), all: true };
  }
  const names: string[] = [];
  const push = (n: string) => {
    if (!names.includes(n)) names.push(n);
  };
  const quoted = findQuoted(clause);
  for (const s of all) {
    // "the workers", "3 consumers": a plural of the name is that service (unless one has the plural's name).
    const plural = all.some((x) => x.name === `${s.name}s` || x.name === `${s.name}es`) ? '' : '(?:e?s)?';
    const re = new RegExp(String.raw`(?<![\w.-])${s.name.replace(/[-]/g, '\\-')}${plural}(?![\w-])`);
    if (re.test(t) || quoted.includes(s.name)) push(s.name);
  }
  for (const m of findServiceMentions(clause)) {
    const e = existingFor(run, m);
    if (e) push(e);
  }
  // "memcached: 128M" for a service called memo: the product of an image no template covers.
  for (const s of all) {
    const product = repoOf(s.image).split('/').pop()!.toLowerCase();
    if (product.length >= 4 && all.filter((x) => repoOf(x.image).split('/').pop()!.toLowerCase() === product).length === 1 && new RegExp(String.raw`(?<![\w.:/-])${escapeRe(product)}(?![\w/-]|:[\w.])`).test(t)) push(s.name);
  }
  if (/\bweb\b/.test(t) && !all.some((s) => s.name === 'web')) {
    for (const s of all) if (roleOf(s) === 'web') push(s.name);
  }
  // "both databases", "all the dbs", "every database", "the two databases": each database; when
  // two are said and there is one, the caches too ("both databases" of postgres and redis).
  if (/\b(?:databases|dbs|data\s?stores|data\s+services|(?:every|each)\s+(?:database|db))\b/.test(t)) {
    const role = (s: Service) => roleOf(s) ?? appOfImage(s.image)?.role ?? '';
    const dbs = all.filter((s) => role(s) === 'database');
    const two = /\b(?:both|two|2)\b/.test(t);
    // The caches count only when they make exactly the two said (postgres and redis); with
    // postgres, redis and memcached "both databases" names nothing for sure, and nothing is pushed.
    const data = all.filter((x) => DATA_ROLES.has(role(x)));
    for (const s of dbs.length >= 2 || !two ? dbs : data.length === 2 ? data : []) push(s.name);
  }
  const order = all.map((s) => s.name);
  names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { names, all: false };
}

/** The services a clause without a service name is about. */
function focusTargets(run: Run, filter?: (s: Service) => boolean): string[] {
  const all = services(run);
  const ok = (n: string) => {
    const s = all.find((x) => x.name === n);
    return s !== undefined && (!filter || filter(s));
  };
  const here = run.focus.filter(ok);
  if (here.length > 0) return here;
  // "add redis", "add memcached", then "stop them both": a plural pronoun gathers the services the
  // last replies made or changed, one a turn, until there are two (round 29). "4 of them" is a count.
  const plural = /\bboth\b|\b(?:the|those|these)\s+two\b|(?<!\bof\s)\b(?:them|they)\b/i.test(run.input.message);
  const gathered: string[] = [];
  for (let i = run.input.history.length - 1; i >= 0 && i >= run.input.history.length - 8; i--) {
    const turn = run.input.history[i]!;
    // A reply's change lines ("+ sessions: redis:7-alpine → …", "~ api: memory …") say which
    // service it made or changed; its image is not a second one ("add another redis called
    // sessions" then "give it 96mb" asked "which service: … redis or sessions?").
    // The last reply changed nothing and asked or said "Not done" (closing 24: "add a cache called
    // sessions …" was not done because redis has that port; "give it 96 megs" then fell on redis):
    // the services its error names are not under discussion. The turn's own service is, when it
    // changed one that exists ("give nginx 1kb" → not done → "give it 96 megs"); an add that was
    // not done leaves nothing, and the pronoun is asked; a question asked back ("what's its memory
    // limit?" → "How much memory should mariadb get?") is read as before.
    if (turn.role === 'assistant' && i === run.input.history.length - 1 && !/^\s*[+~-] /m.test(turn.text) && /\?|\bnot done\b|\bcannot be done\b|\brefused?\b|\bnothing was changed\b/i.test(turn.text)) {
      const asked = run.input.history[i - 1];
      if (asked?.role === 'user' && detectVerb(asked.text.toLowerCase()) === 'add') return [];
      const own = asked?.role === 'user' ? targetsIn({ ...run, focus: [] }, asked.text).names.filter(ok) : [];
      if (own.length === 1) return own;
    }
    if (turn.role === 'assistant') {
      const changed = [...new Set([...turn.text.matchAll(/^\s*[+~] ([a-z0-9][\w.-]*):/gim)].map((m) => m[1]!).filter((n) => all.some((s) => s.name === n)))];
      if (changed.length === 1 && ok(changed[0]!)) {
        if (!plural) return changed;
        if (!gathered.includes(changed[0]!)) gathered.unshift(changed[0]!);
        if (gathered.length >= 2) return gathered;
        continue;
      }
      // Round 34: a reply that made a stack ("i want a blog": wordpress and the mariadb it needs)
      // puts its head under discussion, the one service that depends on all the others it made:
      // "put it on port 8088" is wordpress's, never a question between the two. A plural pronoun,
      // or a stack with no such head ("add postgres and redis"), is asked as before.
      if (changed.length > 1) {
        const head = plural ? undefined : stackHead(all, changed);
        if (head !== undefined && ok(head)) return [head];
        break;
      }
    }
    if (gathered.length > 0) continue;
    const fake: Run = { ...run, focus: [] };
    const found = targetsIn(fake, turn.text).names.filter(ok);
    // A reply that lists several services ("what is running") puts none of them under discussion.
    if (turn.role === 'assistant' && found.length > 1) break;
    if (found.length > 0 && !targetsIn(fake, turn.text).all) return found;
  }
  if (gathered.length > 0) return gathered;
  // "Nobody need the demo service, please destroy it." on a host whose only service is postgres
  // (after demo was removed): the message names a service the host lacks, so "it" is that one,
  // not the only service there is (INTENT's round-32 probe removed postgres).
  const namedMissing = /\b(?:the|my|our|that|this)\s+([a-z][\w-]*)\s+(?:service|container)\b/gi;
  for (const m of run.input.message.matchAll(namedMissing)) {
    const word = m[1]!.toLowerCase();
    if (!all.some((s) => s.name === word) && !GENERIC_SERVICE_WORDS.has(word)) return [];
  }
  const fitting = all.filter((s) => !filter || filter(s));
  if (fitting.length === 1) return [fitting[0]!.name];
  return [];
}

/** Of several services made together, the one that depends on every other one of them (and none of them on it), if there is exactly one. */
function stackHead(all: Service[], names: string[]): string | undefined {
  const deps = (n: string) => all.find((s) => s.name === n)?.depends_on ?? [];
  const heads = names.filter((n) => names.every((o) => o === n || (deps(n).includes(o) && !deps(o).includes(n))));
  return heads.length === 1 ? heads[0] : undefined;
}

/** Words before "service" that describe rather than name one ("the web service", "the whole service"). */
const GENERIC_SERVICE_WORDS = new Set(['web', 'whole', 'same', 'other', 'new', 'old', 'only', 'one', 'main', 'database', 'db', 'cache', 'proxy', 'backend', 'frontend', 'front', 'running', 'current', 'entire', 'first', 'last', 'second', 'docker', 'app', 'api', 'http', 'https', 'mail', 'email', 'dns', 'ssh', 'monitoring', 'queue', 'worker', 'storage', 'file', 'search', 'auth', 'login', 'static', 'wordpress', 'blog', 'site', 'website']);

function svcPath(run: Run, name: string, ...rest: (string | number)[]): (string | number)[] {
  const i = serviceIndex(run, name);
  if (i < 0) throw new Error(`bug: no service ${name}`);
  return [...SVC, i, ...rest];
}

function getService(run: Run, name: string): Service | undefined {
  return services(run).find((s) => s.name === name);
}

// ── adding services ────────────────────────────────────────────────────────

/** The catalogue's apps that no template covers (stdlib-templates/apps/catalog.yaml), runnable or not. */
function catalogApps(): App[] {
  return loadAppCatalog().apps.filter((a) => !a.template);
}

/** The text names a catalogue app (not a template's words). */
function namesApp(text: string): boolean {
  return findAppMentions(text).some((m) => !m.app.template);
}

/** The catalogue app an image belongs to (by repository). */
function appOfImage(image: string): App | undefined {
  const repo = repoOf(image);
  return catalogApps().find((a) => a.image !== undefined && repoOf(a.image) === repo);
}

/**
 * Well-known self-hosted apps with no template (the catalogue, stdlib-templates/apps/catalog.yaml):
 * "vaultwarden on 8222", "pihole please, web ui on 8053", "nextcloud + postgres + redis". Each is
 * added from its official image with its port, data volumes, environment and generated secrets;
 * a database it needs is added from its template (or the one there is used) and wired in. A
 * port said after one of the app's port words ("console on 9001") goes to that port. An app
 * Claude.OS does not run (it needs the Docker socket, NET_ADMIN) is said, with why.
 */
/**
 * "restrict the port to the office", "limit grafana to our vpn": a place said with no address in
 * the request (round 27). Which addresses it is cannot be guessed, so it is asked, and which port
 * too when none is said; nothing changes. With an address ("to the office, 203.0.113.0/24") the
 * firewall reads it as before.
 */
const PLACE_WITHOUT_ADDRESS = /\b(?:restrict|limit|lock)\w*\b[^.;]{0,60}?\bto\s+(?:the\s+|our\s+|my\s+)?(office|vpn|lan|home|team|company|building|hq|headquarters)(?:\s+(?:network|ips?|addresses|range|subnet))?\b/i;
function askPlace(run: Run, clause: string): boolean {
  const m = PLACE_WITHOUT_ADDRESS.exec(clause);
  if (!m || findCidrs(run.input.message).length > 0) return false;
  const port = findPorts(clause)[0];
  const which = port === undefined && !/\bssh\b/i.test(clause) && targetsIn(run, clause).names.length === 0;
  run.questions.push(`Which addresses are "the ${m[1]!.toLowerCase()}"? Say the range${which ? ' and the port' : ''}, e.g. "restrict port ${port ?? 8443} to 203.0.113.0/24".`);
  run.clauseBlocked = true;
  return true;
}

/**
 * "udp 51820 for wireguard", "open 1883 for the iot devices", "port 25565 for minecraft": the app
 * after a port and "for" is what the port is for (round 27), never an app to add.
 */
const PORT_FOR = /(?:\b\d{2,5}(?:\/(?:tcp|udp))?|\b(?:tcp|udp|ports?))\s+(?:open\s+)?(?:for|to\s+use\s+with)\s+(?:the\s+|my\s+|our\s+)?$/i;

function handleKnownImages(run: Run, clause: string, verb: Verb | undefined): boolean {
  // "put gitea on port 3000", "use rabbitmq for the queue": a change verb naming a product that
  // is not here, and no service that is, asks for it.
  const putNew = verb === 'change' && targetsIn(run, clause).names.length === 0;
  if (verb !== undefined && verb !== 'add' && !putNew) return false;
  if (findImageRefs(clause).length > 0 || /\bimage\b/i.test(clause)) return false;
  const mentions = findAppMentions(clause).filter((m) => !m.app.template && !contrasted(clause, m.index) && !negatedAt(clause, m.index) && !PORT_FOR.test(clause.slice(0, m.index)));
  let did = false;
  for (const { app } of mentions) {
    const existing = services(run).find((s) => s.name === app.name || (app.image !== undefined && repoOf(s.image) === repoOf(app.image)));
    if (existing) {
      mentionFocus(run, existing.name);
      if (verb === 'add' && !hasModifier(clause)) run.notes.push(`${existing.name} is already set up; nothing to add for it.`);
      did = true;
      continue;
    }
    if (app.unsupported || !app.image) {
      run.questions.push(`Not done: ${app.name}. ${app.unsupported ?? 'Claude.OS does not run it.'}`);
      run.clauseBlocked = true;
      did = true;
      continue;
    }
    const name = (mentions.length === 1 ? explicitName(clause) : undefined) ?? app.name;
    if (clashes(run, clause, name)) return true;
    // The data services it is wired to: the ones it requires, and the ones this clause names.
    const data: Partial<Record<DataService, { service: string; password: string }>> = {};
    const named = new Set(findServiceMentions(clause).filter((m) => !contrasted(clause, m.index)).map((m) => m.template));
    for (const kind of Object.keys({ ...Object.fromEntries((app.requires ?? []).map((k) => [k, 1])), ...(app.uses ?? {}) }) as DataService[]) {
      // Any template of the same protocol serves: the one said ("ghost with mysql"), or one there.
      const wire = sameWire(kind);
      const tpl = wire.find((t) => named.has(t)) ?? kind;
      if (!(app.requires ?? []).includes(kind) && !named.has(tpl)) continue;
      let dep = [tpl, ...wire].map((t) => existingFor(run, { template: t, generic: false, text: '', index: 0 })).find((d) => d !== undefined);
      if (!dep) {
        if (getService(run, tpl) || !addFromTemplate(run, tpl, undefined, named.has(tpl) ? clause : '')) continue;
        dep = run.added[run.added.length - 1]!;
        if (!named.has(tpl)) run.notes.push(`(${name} needs ${tpl}, so ${tpl} is added with it.)`);
      }
      const env = getService(run, dep)?.environment ?? {};
      const pw = templatePassword(templateOf(getService(run, dep)!) ?? tpl);
      data[kind] = { service: dep, password: env.POSTGRES_PASSWORD ?? (pw && env[pw.env]) ?? (pw ? `\${secrets.${pw.secret}}` : '') };
    }
    // "console on 9001", "web ui on 8053", "its ssh on 2222": the ports said, placed by the port frame.
    const frame = readPortFrame(clause);
    const inst = instantiateApp(app, { name, data });
    const svc = inst.service;
    svc.ports = placePorts(svc.ports ?? [], frame, app.ports);
    // Published ports already taken by another service move up; a port asked for is never moved.
    const asked = new Set(frame.said.map((h) => h.host));
    const taken = new Set(services(run).flatMap((s) => (s.ports ?? []).map((p) => p.host).filter((h): h is number => h !== undefined)));
    for (const p of svc.ports ?? []) {
      if (p.host === undefined || asked.has(p.host) || !taken.has(p.host)) continue;
      const old = p.host;
      let next = old + 1;
      while (taken.has(next)) next++;
      p.host = next;
      run.warnings.push(`Port ${old} is already used by another service, so ${name} publishes it on ${next}.`);
    }
    for (const g of inst.secrets) if (!run.input.secretNames.includes(g.name) && !run.generated.some((x) => x.name === g.name)) run.generated.push(g);
    run.ws.append('services.yaml', SVC, svc);
    for (const v of inst.volumes) if (run.ws.indexOf('storage.yaml', VOLS, v.name) < 0) run.ws.append('storage.yaml', VOLS, v);
    aliasImage(run, svc.image);
    run.added.push(name);
    run.clauseAdded.push(name);
    run.portsSet.push(name);
    mentionFocus(run, name);
    run.lines.push(`+ ${name}: ${svc.image}${describePorts(svc)}${inst.volumes.length ? `, volume${inst.volumes.length > 1 ? 's' : ''} ${inst.volumes.map((v) => `${v.name} (${v.path})`).join(', ')}` : ''}${svc.depends_on?.length ? `, using ${svc.depends_on.join(', ')}` : ''}`);
    if (app.note) run.notes.push(`(${app.note})`);
    did = true;
  }
  if (did && run.added.length > 0) wireStack(run);
  return did;
}

/**
 * A request to add X never edits Y: a name or an explicitly asked host port that another
 * service already has is said, and asked about, and nothing is added.
 */
function clashes(run: Run, clause: string, name: string): boolean {
  const byName = getService(run, name);
  if (byName) {
    run.questions.push(`There is already a service named ${name} (${byName.image}). Should I change that one (say "use image … for ${name}"), or add the new one under another name ("… called ${name}-2")?`);
    run.clauseBlocked = true;
    return true;
  }
  const t = clause.toLowerCase();
  if (/\b(allow|open|block|close|deny|firewall)\b/.test(t)) return false;
  for (const p of findPorts(clause)) {
    const owner = services(run).find((s) => !run.clauseAdded.includes(s.name) && (s.ports ?? []).some((x) => x.host === p));
    if (owner) {
      run.questions.push(`Port ${p} is already published by ${owner.name}. Which port should ${name} use instead (e.g. "add ${name} on port ${p + 1}"), or should ${owner.name} move first?`);
      run.clauseBlocked = true;
      return true;
    }
  }
  return false;
}

/** The word at `index` is set against the rest ("caddy rather than nginx", "instead of nginx", "not redis"). */
function contrasted(clause: string, index: number): boolean {
  return /\b(?:than|instead\s+of|not|no|without|except|but\s+not|other\s+than|in\s+place\s+of|skip)\s+(?:a\s+|an\s+|the\s+|any\s+)?$/i.test(clause.slice(0, index));
}

/** "change the nginx port to …", "update postgres's memory": a change said of one setting of a product. */
const CHANGE_OF_SETTING = (template: string) =>
  new RegExp(String.raw`\b(?:change|modify|update|alter|switch|edit)\s+(?:the\s+)?${escapeRe(template)}(?:'s|’s)?\s+(?:host\s+)?(?:port|memory|ram|cpus?|replicas|image|tag|version|env(?:ironment)?)\b`, 'i');

function handleAdd(run: Run, clause: string, verb: Verb | undefined): boolean {
  const mentions = findServiceMentions(clause).filter((m) => (!(verb === 'add' || verb === undefined) || !contrasted(clause, m.index)) && !negatedAt(clause, m.index)).filter(
    // "caching with memcached": the generic word is the known image's role, not redis.
    (m) => !(m.generic && findAppMentions(clause).some((k) => !k.app.template && loadTemplate(m.template).role === k.app.role)),
  );
  if (mentions.length === 0) return false;
  const specific = new Set(mentions.filter((m) => !m.generic).map((m) => m.template));
  const wanted: { template: string; generic: boolean }[] = [];
  const want = (template: string, generic: boolean) => {
    if (!wanted.some((w) => w.template === template)) wanted.push({ template, generic });
  };
  const anySpecificIn = (ts: string[]) => ts.some((x) => specific.has(x));
  for (const m of mentions) {
    if (m.generic) {
      // A generic word defers to a product named in the same clause ("a web server with nginx").
      const role = loadTemplate(m.template).role;
      const sameRoleSpecific = [...specific].some((s) => loadTemplate(s).role === role);
      if (sameRoleSpecific) continue;
      if (m.template === 'prometheus' && /monitoring/.test(m.text) && !anySpecificIn(['prometheus', 'grafana'])) {
        want('prometheus', true);
        want('grafana', true);
        continue;
      }
      if (m.template === 'postgres' && anySpecificIn(['mariadb'])) continue;
    }
    want(m.template, m.generic);
    if (m.template === 'wordpress') want(wordpressDatabase(run).template, false);
  }
  let did = false;
  const oneName = explicitName(clause);
  // Several services, each with its own name ("nginx called web1 and redis called cache1",
  // "nginx (call it front) and postgres (call it db)", "nginx as front, redis as sessions"):
  // each name is read in its service's part of the clause, from its mention to the next.
  // The part ends where another product is named ("call it db" names postgres, it is not a new part).
  const partNames = new Map<string, string>();
  if (wanted.length > 1) {
    for (const w of wanted) {
      const m = mentions.find((x) => x.template === w.template);
      if (!m) continue;
      const end = mentions.filter((x) => x.template !== w.template && x.index > m.index).reduce((a, x) => Math.min(a, x.index), clause.length);
      const own = explicitName(`add ${clause.slice(m.index, end)}`);
      if (own && own !== w.template && ![...partNames.values()].includes(own)) partNames.set(w.template, own);
    }
  }
  const nameOf = (template: string) => (wanted.length === 1 ? oneName : partNames.get(template));
  // WordPress finds its database by what is there: a database named here is added before it.
  if (partNames.size > 0 && wanted.some((w) => w.template === 'wordpress')) wanted.push(...wanted.splice(wanted.findIndex((w) => w.template === 'wordpress'), 1));
  for (const w of wanted) {
    const name = nameOf(w.template);
    // "add a postgres database called analytics": a second instance under the new name.
    const named = name !== undefined && !getService(run, name) && (verb === 'add' || verb === undefined);
    const existing = named ? undefined : existingFor(run, { template: w.template, generic: w.generic, text: '', index: 0 });
    // A clash must ask, never change what is there: "add a redis called cache" when cache
    // exists, "add a grafana on port 3001" when a grafana is there already.
    if (existing && verb === 'add' && (wanted.length === 1 || name !== undefined) && !run.clauseAdded.includes(existing) && !run.added.includes(existing) && (
      (name !== undefined && getService(run, name) !== undefined) ||
      (name === undefined && /\b(?:a|an|another|second|new|one\s+more|additional|extra)\s+(?:(?:new|second|separate|fresh|plain)\s+)?$/i.test(clause.slice(0, mentions.find((m) => m.template === w.template)?.index ?? 0))))) {
      const svc0 = getService(run, name !== undefined && getService(run, name) ? name : existing)!;
      const port0 = findPorts(clause)[0];
      run.questions.push(`There is already ${svc0.name} (${svc0.image}${describePorts(svc0)}). Do you want a second ${w.template}? Say "add another ${w.template} called ${w.template}-2${port0 !== undefined ? ` on port ${port0 + 1}` : ''}". Or say what to change on ${svc0.name} ("change ${svc0.name} …"). I changed nothing.`);
      run.clauseBlocked = true;
      return true;
    }
    if (existing) {
      mentionFocus(run, existing);
      if (verb === 'add' && !run.clauseAdded.includes(existing) && !hasModifier(clause) && !/\bback ?ups?\b|\bback up\b/.test(clause.toLowerCase())) {
        // Added by an earlier clause of this request ("api should wait for postgres; add postgres too"): said once, as added.
        if (!run.added.includes(existing)) run.notes.push(`${existing} is already set up; nothing to add for it.`);
        did = true;
      }
      continue;
    }
    // "change the nginx port to 8080" with no nginx here (round 27): a change to a setting of a
    // product that is not here asks which service is meant, never adds one.
    if (verb === 'change' && CHANGE_OF_SETTING(w.template).test(clause)) {
      const names = services(run).map((s) => s.name);
      run.questions.push(`There is no ${w.template} here, so there is nothing to change.${names.length ? ` Which service do you mean: ${orList(names)}?` : ''} To add it, say "add ${w.template}${findPorts(clause)[0] !== undefined ? ` on port ${findPorts(clause)[0]}` : ''}".`);
      run.clauseBlocked = true;
      return true;
    }
    if (verb !== undefined && verb !== 'add' && verb !== 'change') continue;
    if (clashes(run, clause, name ?? w.template)) return true;
    if (addFromTemplate(run, w.template, name, clause)) did = true;
  }
  // "a web app with a postgres backend": no image was named for the app, so its web tier is
  // nginx; said, with how to run the user's own image instead.
  const webApp = mentions.find((m) => m.generic && /^web\s+app/.test(m.text) && !mentions.some((x) => !x.generic && loadTemplate(x.template).role === 'web'));
  const front = webApp && run.clauseAdded.find((n) => templateOf(getService(run, n)!) === 'nginx');
  if (front) run.notes.push(`(No image was named for the ${webApp.text}, so its web front is ${front}. To run your own app instead, say "add a service called app using image IMAGE on port N".)`);
  if (run.added.length > 0) wireStack(run);
  return did;
}

/** Words after a change verb that are not a service's name. */
const PLAIN_NOT_SERVICES = new Set(
  'other first second third last previous next everything all each every both them it that this those these him her everyone nothing anything something sudo access root password passwords login logins traffic ssh http https nightly daily weekly hourly server machine host system box computer stack things stuff of to for on in at by with from up down back off over out per'.split(' '),
);

/** Words after "add" that are not an app's name. */
const NOT_APPS = new Set(
  'a an the some another one two three new second more extra my our me us it them this that service services container containers app application server web website site database db cache queue proxy reverse load balancer worker user users account group key ssh port ports rule firewall job cron backup backups volume memory ram cpu replica replicas instance instances limit label env environment variable secret certificate cert tls https http domain hostname timezone healthcheck health check network dependency monitoring metrics dashboard'.split(' '),
);

/**
 * "add foobar on port 8082 so I can look at the database": the app named after the verb is
 * one I know no image for. Its port and other settings are never applied to another service
 * (the database mentioned later); asked, nothing changed.
 */
function unknownApp(run: Run, clause: string): boolean {
  if (findImageRefs(clause).length > 0 || /\bimage\b/i.test(clause)) return false;
  const withSettings = hasModifier(clause) || findPorts(clause).length > 0;
  // Alone ("add foobar", "can you install foobar for me"): the word is all the clause asks for.
  const re = withSettings
    ? /\b(?:add|install|deploy|set ?up|spin up|launch|run|provision)\s+(?:(?:a|an|the|some|another|new)\s+)*([a-z][a-z0-9_.-]*)/i
    : /\b(?:add|install|deploy|set ?up|spin up|launch|provision|get me)\s+(?:(?:a|an|the|some|another|new)\s+)*([a-z][a-z0-9_.-]*[a-z0-9])(?:\s+(?:server|service|container|app|instance))?(?:\s+(?:for me|for us|please|too|as well|here|on (?:this|the) (?:server|box|machine)))*\s*[.!?]*\s*$/i;
  const m = re.exec(clause);
  if (!m) return false;
  const word = m[1]!.toLowerCase();
  // An app of several words starts here ("uptime kuma", "home assistant"): known, not this.
  const from = clause.slice((m.index ?? 0) + m[0].length - m[1]!.length).split(/\s+/).slice(0, 3).join(' ');
  if (NOT_APPS.has(word) || getService(run, word) || findServiceMentions(word).length > 0 || namesApp(word) || namesApp(from)) return false;
  if (findSizes(word).length > 0 || /^\d/.test(word)) return false;
  if (!withSettings && (PLAIN_NOT_SERVICES.has(word) || /^(updates?|upgrades?|swap|ssl|tls|logging|logs?|alerts?|alerting|email|mail|cron|docker|podman|kubernetes|k8s|firewall|ufw|fail2ban|vpn|dns|ntp|time|sync|auth|authentication|https?|security|monitor|monitoring|backups?|me|us|please|something|stuff|things|everything)$/.test(word))) return false;
  run.questions.push(`I don't know which image ${word} runs from, so I added nothing and changed nothing else. Say "add ${word} from image IMAGE${findPorts(clause)[0] ? ` on port ${findPorts(clause)[0]}` : ''}".`);
  run.clauseBlocked = true;
  return true;
}

function hasModifier(clause: string): boolean {
  const t = clause.toLowerCase();
  return findSizes(t).length > 0 || findCpu(t) !== undefined || /\bports?\b|\breplicas?\b|\bconnections?\b|\bversion\b/.test(t);
}

/** "called X", "named X", "name it X". */
function explicitName(clause: string): string | undefined {
  for (const m of clause.matchAll(/\b(?:called|named|name it|call it|name)\s+['"“‘`]?([A-Za-z0-9][A-Za-z0-9_-]{0,62})['"”’`]?(?![\w.-]*[/:@][\w])/gi)) {
    // "owned by a user called shop" names a user, not the service.
    // "its data on a volume called pg" names the volume (volumes.ts), not the service.
    // "with database name shop" names the database the image makes (round 38), not the service.
    if (/\b(user|account|owner|role|group|login|volume|dir|directory|folder|disk|storage)\s+$/i.test(clause.slice(0, m.index))) continue;
    if (/^name\b/i.test(m[0]) && /\b(?:database|db)[\s_-]+$/i.test(clause.slice(0, m.index))) continue;
    return m[1]!.toLowerCase().replace(/_/g, '-');
  }
  // "add a service webui19 using image …", "a container called" handled above.
  const s = /\b(?:service|container|app)\s+['"“‘`]?([a-z][a-z0-9-]{0,62})['"”’`]?\s+(?:using|from|with|running|on|that runs)\b/i.exec(clause);
  if (s && !/^(called|named|using|from|with|that|for|to|on|of)$/i.test(s[1]!)) return s[1]!.toLowerCase();
  // A quoted name right after what it is: 'a second web server "web2"', "a cache 'sessions'".
  const q = /\b(?:server|service|container|app|instance|one|database|db|cache|proxy|site|nginx|redis|postgres|mariadb|grafana|prometheus|caddy)\s+['"“‘`]([a-z][a-z0-9-]{0,62})['"”’`]/i.exec(clause);
  if (q) return q[1]!.toLowerCase();
  // "add nginx as front-proxy", "run grafana as dash": the name it runs as.
  const as = /\b(?:add|run|deploy|install|set\s*up|spin\s+up|launch|create|put|start)\s+(?:(?:a|an|the|another|new|second|plain)\s+)*[\w.-]+(?:[:@][\w.-]+)?\s+as\s+['"“‘`]?([a-z][a-z0-9-]{1,62})['"”’`]?(?=$|[\s,;.!?])/i.exec(clause);
  if (as && !/^(?:well|a|an|the|root|its|it|usual|before|default|fallback|backup|before|soon|possible|needed|normal|always|is|are|planned|before|such|per|part|one|if|though|my|our|your)$/i.test(as[1]!)) return as[1]!.toLowerCase();
  return undefined;
}

/**
 * The templates that speak the same wire protocol as `template` (its `wire:`), itself first:
 * one stands in for the other where a client only needs the protocol (an app that needs
 * MariaDB works with the MySQL there or said, and the other way round).
 */
function sameWire(template: string): string[] {
  const wire = loadTemplate(template).wire;
  return [template, ...(wire ? listTemplates().filter((t) => t !== template && loadTemplate(t).wire === wire) : [])];
}

/** The secret a template's password comes from and the variable that reads it (the one holding `{{password_secret}}`). */
function templatePassword(template: string): { secret: string; env: string } | undefined {
  const t = loadTemplate(template);
  const secret = t.parameters.password_secret?.default;
  const env = Object.entries((t.service.environment ?? {}) as Record<string, string>).find(([, v]) => String(v).includes('{{password_secret}}'))?.[0];
  return secret === undefined || env === undefined ? undefined : { secret: String(secret), env };
}

/** The programs of the MySQL-protocol databases: the server (its options are set on its command) and the dump tool. */
const MYSQL_PROGRAMS: Record<string, { server: string; dump: string }> = {
  mariadb: { server: 'mariadbd', dump: 'mariadb-dump' },
  mysql: { server: 'mysqld', dump: 'mysqldump' },
};

/** The variables with which a MySQL-protocol database's image creates a user and its database on its first start. */
function dbUserEnv(template: string, user: string, database: string, secret: string): Record<string, string> {
  const prefix = template === 'mysql' ? 'MYSQL' : 'MARIADB';
  return { [`${prefix}_USER`]: user, [`${prefix}_PASSWORD`]: `\${secrets.${secret}}`, [`${prefix}_DATABASE`]: database };
}

/**
 * The database user a WordPress site signs in as (its template's db_user, db_name and
 * password_secret), never the database's root user:
 * - a database added in this request (before or after the site): a user named after the site
 *   ("wordpress", "blog_site") with a generated password (`<site>_db_password`); the database
 *   service gets MARIADB_/MYSQL_USER, _PASSWORD and _DATABASE, so its image makes them on its
 *   first start;
 * - a database that has such a user already (its owner, another site): that user and its
 *   database, shared, with tables of the site's own (`table_prefix`, WORDPRESS_TABLE_PREFIX
 *   `<site>_`; the first site keeps WordPress's `wp_`), and the reply says so: with the same
 *   prefix the second site opened as the first, its tables and admin (review 22 MED-5);
 * - a database set up before this request with no such user: its data directory is
 *   initialised, and the image makes users only on a fresh one, so the site signs in as root
 *   and that is said (docs/intent.md).
 */
function wordpressUser(run: Run, site: string, db: { template: string; name: string }, needSecret: (name: string, purpose: string) => void): Record<string, string> {
  const prefix = db.template === 'mysql' ? 'MYSQL' : 'MARIADB';
  const there = getService(run, db.name);
  const env = there?.environment ?? {};
  const fromRef = (v: string | undefined) => /^\$\{secrets\.([a-z][a-z0-9_]*)\}$/.exec(v ?? '')?.[1];
  const shared = env[`${prefix}_USER`];
  const sharedSecret = fromRef(env[`${prefix}_PASSWORD`]);
  if (shared && sharedSecret) {
    const dbName = env[`${prefix}_DATABASE`] ?? shared;
    const own = site.replace(/-/g, '_').replace(/[^A-Za-z0-9_]/g, '');
    const tablePrefix = own === 'wp' ? 'wp_wp_' : `${own}_`;
    run.notes.push(`${site} shares the database ${dbName} on ${db.name} and its user ${shared} with the site there, with tables of its own (table prefix ${tablePrefix}, WORDPRESS_TABLE_PREFIX), so the two sites stay apart. For a database and user of its own, add its own ${db.template} ("add a ${db.template} called ${site}-db").`);
    return { db_user: shared, db_name: dbName, password_secret: sharedSecret, table_prefix: tablePrefix };
  }
  if (there && !run.added.includes(db.name)) {
    const root = templatePassword(db.template)!;
    needSecret(root.secret, `the ${db.template} root user (${root.env})`);
    run.notes.push(`${site} signs in to ${db.name} as its root user: ${db.name} was set up before, and its image creates a database user only when its data directory is new. The sites added with their database get a user of their own.`);
    return { db_user: 'root', db_name: site.replace(/-/g, '_'), password_secret: root.secret };
  }
  const user = site.replace(/-/g, '_').slice(0, 32);
  const secret = `${user}_db_password`.slice(0, 63);
  needSecret(secret, `${site}'s own user on ${db.name} (WORDPRESS_DB_PASSWORD, ${prefix}_PASSWORD)`);
  if (there) {
    const i = run.ws.indexOf('services.yaml', SVC, db.name);
    run.ws.set('services.yaml', [...SVC, i, 'environment'], { ...env, ...dbUserEnv(db.template, user, user, secret) });
  }
  return { db_user: user, db_name: user, password_secret: secret };
}

/** The MySQL-protocol database WordPress talks to: the one there already, else the one the request names (MySQL or MariaDB). */
function wordpressDatabase(run: Run): { template: string; name: string } {
  const wire = sameWire('mariadb');
  const there = services(run).find((s) => wire.includes(templateOf(s) ?? ''));
  if (there) return { template: templateOf(there)!, name: there.name };
  const said = findServiceMentions(run.input.message).find((m) => wire.includes(m.template))?.template ?? 'mariadb';
  return { template: said, name: said };
}

function addFromTemplate(run: Run, template: string, name: string | undefined, clause: string): boolean {
  const params: Record<string, string | number> = {};
  const svcName = name ?? template;
  if (name) params.name = name;
  if (getService(run, svcName)) {
    run.questions.push(`There is already a service named ${svcName}; say which name the new ${template} should get ("add a ${template} called ${svcName}-2").`);
    return false;
  }
  const secretFor = (s: string) => run.input.secretNames.includes(s) || run.generated.some((g) => g.name === s);
  // A password the template needs and the user has not set: generated (a strong random
  // value, encrypted to the host key by the flow; the engine only ever sees the name).
  const needSecret = (name: string, purpose: string) => {
    if (!secretFor(name)) run.generated.push({ name, purpose });
  };
  // WordPress talks to the MySQL or MariaDB there or said, by name, as a database user of its
  // own with a generated password (wordpressUser), never as the database's root user.
  let tablePrefix: string | undefined;
  if (template === 'wordpress') {
    const db = wordpressDatabase(run);
    params.db_host = db.name;
    const { table_prefix, ...user } = wordpressUser(run, svcName, db, needSecret);
    tablePrefix = table_prefix;
    Object.assign(params, user);
  }
  // A database's root password: generated when not set.
  const password = template === 'wordpress' ? undefined : templatePassword(template);
  if (password) {
    params.password_secret = password.secret;
    needSecret(password.secret, `the ${template} root user (${password.env})`);
  }
  const version = versionIn(clause, template);
  if (version) params.image = withTag(String(loadTemplate(template).parameters.image?.default ?? template), version);
  const inst = instantiate(template, params);
  const svc = inst.service;
  if (tablePrefix) svc.environment = { ...(svc.environment ?? {}), WORDPRESS_TABLE_PREFIX: tablePrefix };
  if (template === 'nginx') {
    // 443 is published only when TLS is configured (a certificate in security.yaml): with
    // nothing listening there, the port would never answer and every health verdict and
    // printed https:// address would be false.
    const certs = run.ws.get<{ name: string }[]>('security.yaml', ['spec', 'certificates']) ?? [];
    if (certs.length > 0) wireTls(svc, certs[0]!.name);
    else if (/\b(https|tls|ssl|certificates?)\b/i.test(run.input.message)) {
      run.notes.push(`${svc.name} publishes HTTP (80) only: no TLS certificate is configured, so nothing would listen on 443. To serve HTTPS, name the domain: "set up https for example.com" adds its certificate (security.yaml) and serves it on 443.`);
    }
  }
  if (template === 'postgres') {
    const secret = `${svc.name.replace(/-/g, '_')}_password`;
    needSecret(secret, `the ${svc.name} database (POSTGRES_PASSWORD)`);
    svc.environment = { ...(svc.environment ?? {}), POSTGRES_PASSWORD: `\${secrets.${secret}}` };
  }
  const owner = ownerIn(clause);
  // Round 38: "with database name shop" (said-plainer38.ts databaseFields): the database the image makes on its first start.
  const dbName = databaseNameIn(clause);
  if ((owner || dbName) && template === 'postgres') svc.environment = { ...(svc.environment ?? {}), ...(owner ? { POSTGRES_USER: owner } : {}), POSTGRES_DB: dbName ?? owner! };
  // MariaDB's variables are MySQL's with another prefix: MARIADB_USER, MYSQL_USER.
  const prefix = template === 'mysql' ? 'MYSQL' : 'MARIADB';
  if (owner && sameWire('mariadb').includes(template)) svc.environment = { ...(svc.environment ?? {}), [`${prefix}_USER`]: owner, [`${prefix}_DATABASE`]: dbName ?? owner, [`${prefix}_PASSWORD`]: `\${secrets.${password!.secret}}` };
  else if (dbName && sameWire('mariadb').includes(template)) svc.environment = { ...(svc.environment ?? {}), [`${prefix}_DATABASE`]: dbName };
  // A MySQL-protocol database added after the WordPress that uses it ("wordpress with mysql"
  // adds WordPress first): it creates WordPress's user and database on its first start.
  if (sameWire('mariadb').includes(template) && !svc.environment?.[`${prefix}_USER`]) {
    const site = services(run).find((s) => s.environment?.WORDPRESS_DB_HOST === svc.name && s.environment.WORDPRESS_DB_USER !== 'root');
    const env = site?.environment;
    const secret = env ? /^\$\{secrets\.([a-z][a-z0-9_]*)\}$/.exec(env.WORDPRESS_DB_PASSWORD ?? '')?.[1] : undefined;
    if (env && secret && env.WORDPRESS_DB_USER) svc.environment = { ...(svc.environment ?? {}), ...dbUserEnv(template, env.WORDPRESS_DB_USER, env.WORDPRESS_DB_NAME ?? env.WORDPRESS_DB_USER, secret) };
  }
  if (template === 'grafana') {
    needSecret('grafana_admin_password', 'the Grafana admin login (GF_SECURITY_ADMIN_PASSWORD)');
    svc.environment = { ...(svc.environment ?? {}), GF_SECURITY_ADMIN_PASSWORD: '${secrets.grafana_admin_password}' };
  }
  movePortsUp(run, svc);
  run.ws.append('services.yaml', SVC, svc);
  for (const v of inst.volumes) {
    if (run.ws.indexOf('storage.yaml', VOLS, v.name) < 0) run.ws.append('storage.yaml', VOLS, v);
  }
  aliasImage(run, svc.image);
  run.added.push(svc.name);
  run.clauseAdded.push(svc.name);
  mentionFocus(run, svc.name);
  run.lines.push(`+ ${svc.name}: ${svc.image}${describePorts(svc)}${inst.volumes.length ? `, volume ${inst.volumes.map((v) => `${v.name} (${v.path})`).join(', ')}` : ''}`);
  // Whether this host can get the image (grafana: no local stand-in, Debian does not package
  // it) is not guessed here: the plan asks the engine, which asks the registry
  // (agent/images.ts), and says it above the question, once.
  void clause;
  return true;
}

/** "postgres 15", "redis 7.2", "nginx version 1.27": the version asked for a template. */
function versionIn(clause: string, template: string): string | undefined {
  const words: Record<string, string> = { postgres: 'postgres(?:ql)?|pg', mariadb: 'maria\\s?db', mysql: 'mysql', redis: 'redis', nginx: 'nginx', grafana: 'grafana', prometheus: 'prometheus', caddy: 'caddy' };
  const w = words[template];
  if (!w) return undefined;
  const m = new RegExp(String.raw`\b(?:${w})\s+(?:version\s+)?v?(\d{1,2}(?:\.\d{1,2}){0,2})\b(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|cpus?|cores?|replicas?|instances|copies|connections?|:))`, 'i').exec(clause);
  if (!m || /^\d{3,}$/.test(m[1]!)) return undefined;
  return m[1];
}

/** The image with a new version, keeping the variant ("postgres:16-alpine" + 15 → "postgres:15-alpine"). */
function withTag(image: string, version: string): string {
  const repo = repoOf(image);
  const oldTag = image.slice(repo.length + 1);
  const suffix = variantOf(oldTag);
  return `${repo}:${version}${suffix}`;
}

/** "with database name shop", "database name: shop": the database a PostgreSQL, MySQL or MariaDB image makes on its first start. */
function databaseNameIn(clause: string): string | undefined {
  const m = /\b(?:database|db)[\s_-]+name(?:\s*[:=]\s*|\s+(?:is\s+)?)['"“‘`]?([a-z_][a-z0-9_]{0,62})['"”’`]?(?![\w-])/i.exec(clause);
  return m && !/^(?:is|of|the|a|for|and|with)$/i.test(m[1]!) ? m[1]!.toLowerCase() : undefined;
}

/** "a database owned by shop", "owned by a user called shop", "with owner shop": the database's owner role. */
function ownerIn(clause: string): string | undefined {
  // "owned by shop", "owner should be a user called 'ledger'", "the owner will be ledger", "owner: ledger",
  // "with ledger as (the) owner", "ledger should own it".
  const m =
    /\b(?:owned\s+by|owner(?:\s*[:=]|\s+(?:is|should\s+be|will\s+be|must\s+be|shall\s+be|being|would\s+be|=))?|with\s+(?:the\s+)?owner|for\s+(?:the\s+)?(?:db\s+|database\s+)?user)\s+(?:a\s+|the\s+|an\s+)?(?:(?:db\s+|database\s+|new\s+)?(?:user|role|account|login)\s+)?(?:called\s+|named\s+)?['"“‘`]?([a-z_][a-z0-9_]{0,30})['"”’`]?/i.exec(clause) ??
    /\b(?:with|and)\s+['"“‘`]?([a-z_][a-z0-9_]{0,30})['"”’`]?\s+as\s+(?:the\s+|its\s+)?owner\b|['"“‘`]?([a-z_][a-z0-9_]{0,30})['"”’`]?\s+(?:should|will|must|shall)\s+own\s+(?:it|the\s+(?:db|database))\b/i.exec(clause);
  const name = m ? (m[1] ?? m[2])!.toLowerCase() : undefined;
  return name && !['a', 'the', 'user', 'called', 'named', 'should', 'will', 'must', 'is', 'it', 'role', 'who', 'that'].includes(name) ? name : undefined;
}

function describePorts(svc: Service): string {
  const ports = (svc.ports ?? []).filter((p) => p.host !== undefined).map((p) => (p.host_ip && p.host_ip !== '0.0.0.0' ? `${p.host_ip}:${p.host}` : String(p.host)));
  return ports.length ? ` → port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}` : '';
}

/** Maps an upstream image to its local stand-in in manifest.yaml, when the catalog has one. */
function aliasImage(run: Run, image: string): void {
  const local = lookupCatalog(run.input.imageCatalog, image);
  if (!local) return;
  // Only when the stand-in is on this host (or the host's images are not known): a host
  // with a registry and no local images pulls the real one.
  const present = run.input.summary?.images;
  if (present && !present.includes(local) && !present.includes(local.replace(/:latest$/, ''))) return;
  const aliases = run.ws.get<Record<string, string>>('manifest.yaml', ['spec', 'images', 'aliases']) ?? {};
  if (aliases[image] !== undefined) return;
  run.ws.set('manifest.yaml', ['spec', 'images', 'aliases', image], local);
  run.notes.push(`(${image} runs as the local image ${local}, mapped in manifest.yaml spec.images.aliases.)`);
}

export function lookupCatalog(catalog: Record<string, string>, image: string): string | undefined {
  let r = image.split('@')[0]!.replace(/^(docker\.io\/|index\.docker\.io\/)/, '').replace(/^library\//, '');
  if (catalog[r]) return catalog[r];
  r = repoOf(r);
  return catalog[r];
}

/**
 * Puts the services added now on the stack's network (made once, with the first service,
 * so adding another service later never has to change the ones already there), and orders
 * web after its data services. A service that was there before joins only when a new one
 * depends on it, and the change says so.
 */
const RELATED =
  /\b(stack|app|apps|application|applications|site|website|blog|shop|backend|back-end|back end|frontend|front-end|front end|behind|in front|backed by|on top of|with|using|uses|use|talks? to|connect(?:s|ed)? to|for (?:it|the)|its)\b/i;

function wireStack(run: Run): void {
  const added = new Set(run.added);
  const now = services(run);
  // Web services added now start after the databases and caches added with them.
  const depsOf = new Map<string, string[]>();
  for (const s of now) {
    if (!added.has(s.name)) continue;
    const role = roleOf(s) ?? appOfImage(s.image)?.role ?? (s.ports?.length ? 'app' : undefined);
    const dataRole = (o: Service) => DATA_ROLES.has(roleOf(o) ?? appOfImage(o.image)?.role ?? '');
    let deps: string[] = [];
    // An app uses the data services added with it. A web server does only when the request
    // says they belong together ("a web stack with nginx and postgres", "nginx in front,
    // postgres behind it"); "I need nginx and redis" lists two services side by side.
    const together = role === 'app' || RELATED.test(run.input.message);
    if ((role === 'web' || role === 'app') && together) deps = now.filter((o) => o.name !== s.name && dataRole(o) && added.has(o.name)).map((o) => o.name);
    if (role === 'dashboards') deps = now.filter((o) => roleOf(o) === 'monitoring').map((o) => o.name);
    deps = [...new Set([...(s.depends_on ?? []), ...deps])].filter((d) => now.some((o) => o.name === d));
    depsOf.set(s.name, deps);
    if (deps.length > 0 && JSON.stringify(deps) !== JSON.stringify(s.depends_on ?? [])) {
      run.ws.set('services.yaml', [...SVC, serviceIndex(run, s.name), 'depends_on'], deps);
    }
  }
  // The network: made only when services added now must reach each other or an existing
  // one; a lone service gets none, and a service added later never changes the others
  // (it joins their network), unless it depends on one that is on no network yet.
  const nets = run.ws.items<{ name: string }>('services.yaml', NETS);
  let net = nets[0]?.name;
  const needed = added.size >= 2 || [...depsOf.values()].some((d) => d.length > 0);
  if (!net && !needed) return;
  if (!net) {
    net = 'webstack';
    run.ws.append('services.yaml', NETS, { name: net });
    run.lines.push(`+ network ${net}: a private network where the services reach each other by name`);
  }
  for (const s of services(run)) {
    if (!added.has(s.name) || s.networks?.includes(net)) continue;
    run.ws.set('services.yaml', [...SVC, serviceIndex(run, s.name), 'networks'], [...(s.networks ?? []), net]);
  }
  for (const [name, deps] of depsOf) {
    for (const d of deps) {
      const o = getService(run, d)!;
      if (added.has(d) || o.networks?.includes(net)) continue;
      run.ws.set('services.yaml', [...SVC, serviceIndex(run, d), 'networks'], [...(o.networks ?? []), net]);
      run.lines.push(`~ ${d}: joins network ${net} (so ${name} can reach it)`);
    }
  }
  void WEB_ROLES;
}

// ── replacing one service by another ──────────────────────────────────────

const REPLACE = [
  /\b(?:swap|switch|trade|exchange|change)\s+(?:out\s+)?(?:the\s+|my\s+|our\s+)?(?<old>[\w.-]+)(?:\s+(?:server|service|container))?\s+(?:out\s+)?(?:for|with|to)\s+(?:a\s+|an\s+|the\s+)?(?<new>[\w./:@-]+)/,
  /\breplace\s+(?:the\s+|my\s+|our\s+)?(?<old>[\w.-]+)(?:\s+(?:server|service|container))?\s+(?:with|by|for)\s+(?:a\s+|an\s+|the\s+)?(?<new>[\w./:@-]+)/,
  /\b(?:switch|move|migrate|go|change)\s+(?:over\s+)?from\s+(?:the\s+|my\s+|our\s+)?(?<old>[\w.-]+)\s+(?:over\s+)?to\s+(?:a\s+|an\s+|the\s+)?(?<new>[\w./:@-]+)/,
  /\b(?:use|run|want|prefer|rather\s+have|go\s+with|put|install|add|deploy|set\s+up|bring\s+in|have)\s+(?:a\s+|an\s+)?(?<new>[\w./:@-]+)\s+(?:instead\s+of|in\s+place\s+of|rather\s+than)\s+(?:the\s+|my\s+|our\s+)?(?<old>[\w.-]+)/,
];

/**
 * "swap nginx for caddy", "replace caddy with nginx", "switch from nginx to caddy", "use caddy
 * instead of nginx": the service there goes and the new product comes, in one plan (its volumes
 * are kept). With an image reference as the new thing ("swap api for ghcr.io/acme/api:2") it is
 * a new image for that service. Only when the old one exists and the new one is something else.
 */
function handleReplace(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  for (const re of REPLACE) {
    const m = re.exec(t);
    if (!m?.groups) continue;
    const oldWord = m.groups.old!;
    const newWord = m.groups.new!.replace(/[.,]+$/, '');
    const old = getService(run, oldWord)?.name ?? targetsIn(run, oldWord).names[0];
    if (!old) continue;
    if (/[:/]/.test(newWord)) {
      const ref = findImageRefs(clause).find((r) => r.toLowerCase() === newWord) ?? newWord;
      setImage(run, old, ref);
      return true;
    }
    const mention = findServiceMentions(newWord).find((x) => !x.generic);
    const known = findAppMentions(newWord).find((k) => !k.app.template && k.app.image && !k.app.unsupported)?.app;
    if (!mention && !known) continue;
    const oldSvc = getService(run, old)!;
    if (mention && templateOf(oldSvc) === mention.template) continue;
    if (known && repoOf(oldSvc.image) === repoOf(known.image!)) continue;
    if (getService(run, mention?.template ?? known!.name)) continue;
    removeService(run, old);
    const addedBefore = run.added.length;
    if (mention) addFromTemplate(run, mention.template, undefined, newWord);
    else handleKnownImages(run, newWord, 'add');
    // Round 37 (held-out 31 conv-03): "actually make that caddy instead of nginx" after "add nginx on 8080":
    // the web server put in its place keeps the host port it was reached on (one of the same kind,
    // serving on the same container port, only: a database put in a database's place keeps its own).
    const heldPort = (oldSvc.ports ?? [])[0]?.host;
    const newName = run.added[addedBefore];
    const newSvc = newName ? getService(run, newName) : undefined;
    const sameKind = newSvc && (roleOf(newSvc) ?? appOfImage(newSvc.image)?.role) === (roleOf(oldSvc) ?? appOfImage(oldSvc.image)?.role);
    if (newSvc && sameKind && heldPort !== undefined && (newSvc.ports ?? []).length > 0 && newSvc.ports![0]!.container === oldSvc.ports![0]!.container && newSvc.ports![0]!.host !== heldPort && !(newSvc.ports ?? []).some((p) => p.host === heldPort)) {
      const was = newSvc.ports![0]!;
      run.ws.set('services.yaml', svcPath(run, newName!, 'ports', 0, 'host'), heldPort);
      const at = run.lines.findIndex((l) => l.startsWith(`+ ${newName}:`));
      if (at >= 0 && was.host !== undefined) run.lines[at] = run.lines[at]!.replace(new RegExp(String.raw`(→ ports? )${was.host}\b`), `$1${heldPort} (container ${was.container})`);
      run.notes.push(`(${newName} keeps port ${heldPort}, where ${old} was reached.)`);
    }
    if (run.added.length > 0) wireStack(run);
    run.notes.push(`(${mention?.template ?? known!.name} takes the place of ${old}.)`);
    return true;
  }
  return false;
}

/** Two words that name two products of one kind: two databases, two web servers (several.ts insteadSaid). */
function productsOfOneKind(a: string, b: string): boolean {
  const ta = findServiceMentions(a).find((m) => !m.generic)?.template;
  const tb = findServiceMentions(b).find((m) => !m.generic)?.template;
  return ta !== undefined && tb !== undefined && ta !== tb && loadTemplate(ta).role === loadTemplate(tb).role;
}

/** "set TZ to Europe/Paris for web": TZ said of a service of this host ("for/on/in web") is that service's variable, not the host's zone (round 33). */
function tzOfService(after: string, files: StateFiles): boolean {
  const names = new Workspace(files).items<Service>('services.yaml', SVC).map((s) => s.name);
  const m = /^[^.;!?]{0,60}?\b(?:for|on|in|of)\s+(?:the\s+)?([a-z0-9][\w.-]*)(?:\s+(?:service|container|app))?\s*[.!]*$/i.exec(after);
  return m !== null && names.includes(m[1]!.toLowerCase());
}

/** The one service the last reply added or changed ("+ redis:", "~ redis:"), if it still exists; else undefined. */
function lastServiceOf(input: EngineInput): string | undefined {
  const last = [...input.history].reverse().find((h) => h.role === 'assistant');
  if (!last) return undefined;
  const all = new Workspace(input.files).items<Service>('services.yaml', SVC);
  const named = [...new Set([...last.text.matchAll(/^\s*[+~] ([a-z0-9][\w.-]*):/gim)].map((x) => x[1]!))].filter((n) => all.some((sv) => sv.name === n));
  return named.length === 1 ? named[0] : undefined;
}

/** Lead words of a turn that takes back what the one before did ("no wait", "scratch that", "on second thought"). */
const TAKE_BACK = String.raw`(?:no|nah|nope|wait|hold\s+on|hang\s+on|hmm+|sorry|oops|actually|scratch\s+that|on\s+second\s+thoughts?|my\s+bad|ok(?:ay)?|oh|um+|er+m?|change\s+of\s+plans?|never\s*mind(?:\s+that)?|(?:i(?:'ve|\s+have)?\s+)?changed\s+my\s+mind)`;
/** "use caddy instead", "go with nginx", "i meant nginx", "make that postgres", "swap it for redis", "memcached instead". */
const REPLACE_LAST = new RegExp(
  String.raw`^(?:${TAKE_BACK}[\s,.:;!-]+)*(?:(?:(?:could|can|would)\s+you\s+(?:please\s+)?|please\s+)?(?:let'?s\s+)?(?:use|go\s+(?:with|for)|pick|choose|take|i\s+meant?|i\s+want(?:ed)?|i'?d\s+(?:rather|prefer)(?:\s+(?:have|use|go\s+with|take))?|make\s+(?:that|it)|swap\s+(?:that|it|this)\s+(?:out\s+)?(?:for|with)|switch\s+(?:that|it|this)\s+(?:to|for)|replace\s+(?:that|it|this)\s+with|change\s+(?:that|it|this)\s+to)\s+(?:a\s+|an\s+)?(?<a>[\w.-]+)(?:\s+for\s+(?:that|it|this))?(?:\s+(?:instead|rather))?|(?<b>[\w.-]+)\s+(?:instead|rather)|(?<c>[\w.-]+)(?=\s*(?:,\s*)?(?:and\s+)?not\s))(?:\s+(?:of|than)\s+(?:that|it|this|the\s+other\s+one|(?:the\s+)?(?<of>[\w.-]+)))?(?:\s*(?:,\s*)?(?:and\s+)?not\s+(?:the\s+)?(?<not>[\w.-]+))?(?:\s*(?:,\s*)?(?:please|pls|plz|then|thanks))*\s*[.!?]*$`,
  'i',
);

/**
 * "no wait, use caddy instead", "scratch that, go with nginx", "sorry, I meant nginx": a product
 * said in place of the one the turn before added (its reply's one "+ name:" service line) is that
 * service replaced, as "use caddy instead of nginx" (handleReplace). Undefined when the turn
 * before added no service or several, or the word is no product, or the same one.
 */
function replacedLastAdded(input: EngineInput): string | undefined {
  const said = input.message.trim().replace(/[’`]/g, "'").replace(/\s+/g, ' ');
  if (said.length > 100) return undefined;
  const m = REPLACE_LAST.exec(said);
  const word = (m?.groups?.a ?? m?.groups?.b ?? m?.groups?.c)?.toLowerCase();
  if (!word) return undefined;
  // Said as a replacement: a take-back word first, "instead"/"rather", or a verb that replaces ("use caddy" alone may add one more).
  if (!new RegExp(String.raw`^${TAKE_BACK}\b|\b(?:instead|rather)\b|\bi\s+meant?\b|^(?:swap|switch|replace|change|make)\b|,?\s+not\s+[\w.-]+\s*[.!?]*$`, 'i').test(said)) return undefined;
  const last = [...input.history].reverse().find((h) => h.role === 'assistant');
  if (!last) return undefined;
  const all = new Workspace(input.files).items<Service>('services.yaml', SVC);
  const added = [...new Set([...last.text.matchAll(/^\s*\+ ([a-z0-9][\w.-]*):/gim)].map((x) => x[1]!))].filter((n) => all.some((sv) => sv.name === n));
  if (added.length !== 1 || all.some((sv) => sv.name === word)) return undefined;
  const mention = findServiceMentions(word).find((x) => !x.generic);
  const known = findAppMentions(word).find((k) => !k.app.template && k.app.image && !k.app.unsupported)?.app;
  if (!mention && !known) return undefined;
  const old = all.find((sv) => sv.name === added[0])!;
  if (mention ? templateOf(old) === mention.template : known !== undefined && repoOf(old.image) === repoOf(known.image!)) return undefined;
  // "actually traefik, not nginx": the one said not to be is the one the turn before added (round 33).
  // "actually make that caddy instead of nginx" (round 37): the one said instead of is the same.
  const not = (m?.groups?.not ?? m?.groups?.of)?.toLowerCase();
  if (not && not !== old.name && not !== templateOf(old)) return undefined;
  return `use ${word} instead of ${old.name}`;
}

// ── custom images ──────────────────────────────────────────────────────────

/**
 * The one service whose image is another build of `image` (the same repository, another tag),
 * when the clause says no new service (no name, "another", "second", "add", "alongside", …) and
 * no removal: "roll out shop v2.1 pls (ghcr.io/acme/shop:2.1)", "update the shop service so it
 * runs ghcr.io/acme/shop:2.1 instead of 2.0", "ship ghcr.io/acme/shop:3.4 for shop" (round 34).
 */
function newBuildOf(run: Run, clause: string, image: string): string | undefined {
  const t = clause.toLowerCase();
  if (!/[:@]/.test(image) || explicitName(clause) !== undefined) return undefined;
  if (/\b(?:add|another|second|third|extra|additional|more|copy|clone|alongside|beside|next\s+to|as\s+well|too|also|both|test|staging|canary|side\s+by\s+side)\b|\bas\s+[a-z]/.test(t)) return undefined;
  const v = detectVerb(clause);
  if (v === 'remove' || v === 'stop' || v === 'scale') return undefined;
  const same = services(run).filter((s) => repoOf(s.image) === repoOf(image));
  if (same.length !== 1 || same[0]!.image === image) return undefined;
  return same[0]!.name;
}

/**
 * Round 34: a sentence that says another build of the image one service runs, with a roll-out's
 * words and nothing else to do ("roll out shop v2.1 pls (ghcr.io/acme/shop:2.1)", "Could you
 * update the shop service so it runs ghcr.io/acme/shop:2.1 instead of 2.0?", "we released
 * ghcr.io/acme/shop:3.3, deploy it to the shop service"), is "upgrade SERVICE to IMAGE". A name,
 * "another", "too", a size or a port said, or a second image, leave the sentence as typed.
 */
/**
 * Round 35: "three replicas of nginx", "I want 2 copies of redis", "run 4 instances of uptime-kuma":
 * the count said before a product no service here is: that product added with that many replicas
 * (it asked which service should get them). A service here of that name is scaled as before.
 */
const COUNT_FIRST = /^((?:(?:please|pls|so|ok(?:ay)?|now|(?:i|we)\s+(?:want|need|would\s+like)|(?:i|we)'?d\s+like|(?:can|could)\s+(?:i|we)\s+(?:get|have)|give\s+(?:me|us)|run|deploy|start|spin\s+up|add|set\s+up|launch|let'?s\s+(?:have|run))\s+)*)(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:replicas?|copies|instances|containers)\s+of\s+(?:the\s+)?([a-z][\w-]*)(?![\w./:@-])/i;
export function countFirstSaid(text: string, present: readonly Service[]): string {
  const m = COUNT_FIRST.exec(text.trim());
  if (!m) return text;
  const word = m[3]!.toLowerCase();
  if (present.some((s) => s.name === word)) return text;
  if (!findServiceMentions(word).some((x) => !x.generic) && !findAppMentions(word).length) return text;
  const n = /^\d+$/.test(m[2]!) ? Number(m[2]) : parseNumberWord(m[2]!.toLowerCase());
  if (n === undefined) return text;
  return `add ${word} with ${n} replicas${text.trim().slice(m[0].length)}`;
}

export function newVersionSaid(text: string, present: readonly Service[]): string {
  if (!/[:@]/.test(text) || present.length === 0) return text;
  // A sentence ends at a stop followed by a space or the end ("ghcr.io/acme/shop:2.1" is one word).
  return text.replace(/(?:[^.!?;]|[.!?;](?!\s|$))+(?:[.!?;]+(?=\s|$))?/g, (sentence) => {
    const refs = findImageRefs(sentence).filter((r) => /[:@]/.test(r) && /[a-z]/i.test(r.split(/[:@]/)[0]!));
    if (refs.length !== 1) return sentence;
    // A full stop after the image ends the sentence, it is not the tag's ("…, the image is ghcr.io/acme/shop:2.1.").
    const image = refs[0]!.replace(/\.+$/, '');
    const same = present.filter((s) => repoOf(s.image) === repoOf(image));
    if (same.length !== 1 || same[0]!.image === image) return sentence;
    const rest = sentence.replace(image, ' ').toLowerCase();
    if (explicitName(sentence) !== undefined || /\b(?:add|another|second|third|extra|additional|more|copy|clone|alongside|beside|next\s+to|as\s+well|too|also|both|test|staging|canary|side\s+by\s+side|remove|delete|stop|port|replicas?|instances?|copies|memory|ram|cpus?|env|variable|and|then|plus|with)\b|\bas\s+[a-z]|\d+\s*(?:mb|gb|megs?|gigs?|m|g)\b/.test(rest) || findSizes(rest).length > 0) return sentence;
    if (!/\b(?:roll(?:ed|ing)?\s+out|rollout|releas\w*|ship\w*|deploy\w*|updat\w*|upgrad\w*|runs?|running|version|new|instead|bump\w*|switch\w*|push\w*|use|using)\b|\bv\d/.test(rest)) return sentence;
    const end = /[.!?;]+\s*$/.test(sentence) ? '.' : '';
    return `${/^\s/.test(sentence) ? ' ' : ''}upgrade ${same[0]!.name} to ${image}${end}`;
  });
}

/**
 * Round 34: a value said by its purpose with the variable glossed in brackets ("put the timezone
 * Europe/Paris (the env TZ)", "the language de_DE (env var LANG)", "the log level debug (LOG_LEVEL
 * variable)") is that variable: "TZ=Europe/Paris". The purpose word goes with it, so "timezone" is
 * never read as the host's.
 */
export function envGlossSaid(text: string): string {
  const gloss = String.raw`\(\s*(?:the\s+)?(?:(?:env(?:ironment)?|var(?:iable)?)\s+(?:var(?:iable)?\s+)?([A-Z][A-Z0-9_]*)|([A-Z][A-Z0-9_]*)\s+(?:env(?:ironment)?|var(?:iable)?)(?:\s+var(?:iable)?)?)\s*\)`;
  return text
    .replace(new RegExp(String.raw`(?:\b(?:the|a|its|their)\s+)?(?:time\s+zone|log\s+level|[a-z]+)\s+(?:to\s+|of\s+|=\s*|:\s*)?([^\s()]+)\s*${gloss}`, 'g'), (_m, value: string, k1?: string, k2?: string) => `${k1 ?? k2}=${value}`)
    // Round 35: "set the api's TZ env to Europe/Oslo", "LOG_LEVEL env var on worker to debug": the
    // variable's name said before the word "env" is the variable ("env TZ to …"), never a variable called "var".
    .replace(/(?<![\w$])([A-Z][A-Z0-9_]*)\s+(?:env(?:ironment)?(?:\s+var(?:iable)?)?|var(?:iable)?)\b(?=\s+(?:to|as|on|for|in|of|at|=)\s|\s*[=:])/g, (_m, key: string) => `env ${key}`);
}

/**
 * Round 34: an app of one's own said by its role, its image after it, in a message that lists
 * other services too ("postgres, redis n my app ghcr.io/me/app:1.0 port 8080", "a db (postgres)
 * and a cache (redis) for my django app, docker.io/me/django:3 on port 8000, call the app web"):
 * "IMAGE as NAME", its name the one said for the app ("call the app web", "name it web") or "app".
 * An image another service already runs (a new version of it) is left to `newVersionSaid`.
 */
export function appImageSaid(text: string, present: readonly Service[]): string {
  const role = /(\bfor\s+)?\b(?:my|our)\s+(?:own\s+)?(?:[a-z][\w-]*\s+)?(?:app|application)(?:\s*[,:])?\s*(?:image\s+)?([a-z0-9][a-z0-9._-]*(?:\.[a-z0-9-]+)*(?:\/[a-z0-9._-]+)+:[\w.-]*\w|[a-z0-9][a-z0-9._-]*:[\w.-]*[a-z0-9])(?=$|[\s,;.!?])/i.exec(text);
  if (!role) return text;
  const image = role[2]!;
  if (present.some((s) => repoOf(s.image) === repoOf(image))) return text;
  // Only in a list of services (the app said after others), and with no name said for it but "call the app X".
  const after = text.slice(role.index + role[0].length);
  if (!/,|\band\b|\bn\b|\+|&/i.test(text.slice(0, role.index)) || /\b(?:as|called|named)\s+[a-z]|\(\s*(?:call|name)\b/i.test(after)) return text;
  const rest = text.slice(0, role.index) + '\u0000' + text.slice(role.index + role[0].length);
  const called = /(?:\s*[,;])?\s*(?:and\s+)?(?:please\s+)?(?:call|name)\s+(?:the\s+app|it|that|the\s+application)\s+['"`]?([a-z][a-z0-9-]{0,40})['"`]?(?=$|[\s,;.!?])/i.exec(rest);
  const name = called ? called[1]!.toLowerCase() : 'app';
  const cut = called ? rest.slice(0, called.index) + rest.slice(called.index + called[0].length) : rest;
  return cut.replace('\u0000', `${role[1] ? 'and ' : ''}${image} as ${name}`);
}

function handleCustomService(run: Run, clause: string, verb: Verb | undefined): boolean {
  const t = clause.toLowerCase();
  // "image X", "image: X", "the api image to X", "image -> X", "image should be X".
  const imageWord = /\bimage\s*(?:[:=]|\s+(?:to|as|is|=|->|→|becomes?|should\s+be|will\s+be|now))?\s+(?:(?:version|tag)\s+)?['"“‘`(\[]?([^\s'"”’`,()\[\]]+)['"”’`)\]]?/i.exec(clause);
  let image = imageWord?.[1];
  // "the image for web2 should be X": what follows "image" is not the image; the reference is found below.
  if (image && !/[:\/.@]/.test(image) && /^(?:for|of|to|is|should|will|as|the|a|an|it|that|this|now|be|set|called|named|with|from|on|in|and|version|tag|please|pls)$/i.test(image)) image = undefined;
  if (!image) {
    const refs = findImageRefs(clause).filter((r) => !findCidrs(r).length);
    // "acme/frontend:4 as web": an image with the name it runs as is one to add.
    const named = refs.length > 0 && new RegExp(String.raw`${escapeRe(refs[0]!)}\s+(?:as|named|called)\s+(?!well\b)[a-z]`, 'i').test(clause);
    if (refs.length > 0 && (named || /\b(run|deploy|add|start|launch|using|use|from|update|upgrade|downgrade|switch|change|move|point|pin|roll|bump|drop|throw|chuck|stick|slap|pop|plonk|put|image)\b/.test(t) || detectVerb(clause) === 'add')) image = refs[0];
    // Round 34: another build of the image one service runs, said with no new name ("ship
    // ghcr.io/acme/shop:3.4 for shop", "roll out shop v2.1 (ghcr.io/acme/shop:2.1)") is that service's new version.
    else if (refs.length > 0 && newBuildOf(run, clause, refs[0]!)) image = refs[0];
    // Round 35: "add postgres, adminer:4 and redis": an image that starts a clause of a list of
    // services added is one more service added (it was dropped, and redis read alone).
    else if (refs.length > 0 && verb === 'add' && new RegExp(String.raw`^(?:(?:and|plus|also|then)\s+)*['"“‘\`]?${escapeRe(refs[0]!)}(?![\w./:@-])`, 'i').test(clause.trim())) image = refs[0];
  }
  const rebuilt = image !== undefined ? newBuildOf(run, clause, image) : undefined;
  if (rebuilt) {
    setImage(run, rebuilt, image!);
    return true;
  }
  // "i want a mosquitto broker, eclipse-mosquitto:2, …": an image alone, right after the app it is for.
  if (!image && /^['"“‘`]?[a-z0-9][\w.\/-]*:[\w.-]+['"”’`]?$/i.test(clause.trim()) && run.added.length > 0) image = clause.trim().replace(/['"“”‘’`]/g, '');
  if (!image) return false;
  // "3 replicas of acme/worker:3.1 named worker", "start image acme/notify:2 as notifier": a count
  // or a start of an image no service runs adds it.
  const counted = (verb === 'scale' || verb === 'start') && targetsIn(run, clause.replace(image, ' ')).names.length === 0 && !services(run).some((s) => s.image === image);
  if (verb !== undefined && verb !== 'add' && verb !== 'change' && !counted) return false;
  let name = explicitName(clause);
  // "image ghcr.io/plausible/community-edition:v2.1" right after plausible was added from the
  // catalogue: the same product, so that service's image (its version), not a second service.
  // Also another registry's build of the app just added ("syncthing, image lscr.io/linuxserver/syncthing:1.27.9").
  const lastPart = (img: string) => repoOf(img).split('/').pop()!.toLowerCase();
  const sameRepo = !name
    ? services(run).find((s) => (repoOf(s.image) === repoOf(image!) || ((lastPart(s.image) === lastPart(image!) || s.name === lastPart(image!)) && run.added.includes(s.name))) && (run.added.includes(s.name) || run.focus.includes(s.name)))
    : undefined;
  if (sameRepo) {
    if (sameRepo.image !== image) setImage(run, sameRepo.name, image);
    else mentionFocus(run, sameRepo.name);
    return true;
  }
  const as = /\bas\s+['"“‘`]?([a-z0-9][a-z0-9-]{0,62})['"”’`]?(?:\s|$|,)/i.exec(clause);
  if (!name && as && !/^(well|a|an|the)$/.test(as[1]!)) name = as[1]!.toLowerCase();
  const existingTarget = targetsIn(run, clause.replace(image, '')).names[0];
  // Round 30: "deploy ghcr.io/acme/api:1.1 for the api", "the worker's image is now ghcr.io/acme/worker:2.1": another
  // build of the image a service said here runs (the same repository) is that service's new image, unless the
  // request says it wants one more ("another", "a second", "add").
  const sameProduct = existingTarget !== undefined && repoOf(getService(run, existingTarget)!.image) === repoOf(image) && getService(run, existingTarget)!.image !== image && !/\b(?:add|another|second|third|extra|additional|more|new|copy|clone)\b/.test(t);
  if (!name && existingTarget && (sameProduct || /\b(use|switch|change|upgrade|update|downgrade|move|bump|set|point|pin|roll)\b|\bimage\s+(?:for|of)\b|\bimage\s+(?:should|must|will|needs?\s+to)\s+be\b/.test(t))) {
    // "use image nginx:1.27 for web": a new image for an existing service.
    setImage(run, existingTarget, image);
    return true;
  }
  if (!name) {
    name = repoOf(image).split('/').pop()!.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'app';
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    run.questions.push(`"${name}" cannot be a service name: use lowercase letters, digits and "-".`);
    return true;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/.test(image)) {
    run.questions.push(`"${image}" does not look like an image reference (such as nginx:1.27 or ghcr.io/acme/api:1.2).`);
    return true;
  }
  if (getService(run, name)) {
    if (getService(run, name)!.image === image) run.notes.push(`${name} already runs ${image}.`);
    else if (verb === 'change' || /\b(use|switch|change|upgrade|replace|update)\b/.test(t)) setImage(run, name, image);
    else clashes(run, clause, name);
    return true;
  }
  if (clashes(run, clause, name)) return true;
  const frame = readPortFrame(clause.replace(image, ' '));
  const tpl = templateOfImage(image);
  let svc: Service;
  if (tpl && tpl.name !== 'webapp') {
    const inst = instantiate(tpl.name, { name, image });
    svc = inst.service;
    // "… using image nginx:alpine on port 18080": that host port, to the image's main port.
    if (frame.said.length > 0 && svc.ports?.length) svc.ports = placePorts(svc.ports, frame);
    // No port said: the template's port, moved up when another service publishes it (a second redis gets 6380).
    else movePortsUp(run, svc);
    for (const v of inst.volumes) if (run.ws.indexOf('storage.yaml', VOLS, v.name) < 0) run.ws.append('storage.yaml', VOLS, v);
  } else if (frame.said.length > 0) {
    // "… on port 3000" (that port inside too), "… 8080:80", "map host 8080 to container 80".
    const ports = placePorts([], frame);
    svc = instantiate('webapp', { name, image, host_port: ports[0]!.host, container_port: ports[0]!.container }).service;
    svc.ports = ports;
  } else {
    svc = { name, image };
  }
  run.ws.append('services.yaml', SVC, svc);
  aliasImage(run, image);
  run.added.push(name);
  run.clauseAdded.push(name);
  mentionFocus(run, name);
  if (run.added.length > 0) wireStack(run);
  run.lines.push(`+ ${name}: ${image}${describePorts(svc)}`);
  // "… called consumer that needs it", "…, it needs redis": what the new service waits for.
  const needs = DEPENDS.exec(clause.replace(image, ' ')) ?? needsService(run, clause.replace(image, ' '));
  if (needs) {
    const after = clause.replace(image, ' ').slice(needs.index + needs[0].length);
    if (handleDependsOnSaid(run, name, after, needs[0], clause)) return true;
  }
  // "…, backed by postgres and redis": the services it needs, in the same clause.
  // "a web app called shop using image …": "web app" is this service, not a web server.
  // The name goes with the words that named it ("named shop with a postgres db" never names postgres "with").
  const rest = clause.replace(image, ' ').replace(new RegExp(String.raw`(?:\b(?:named|called|as|name\s+it|call\s+it)\s+)?['"“‘\`]?\b${escapeRe(name)}\b['"”’\`]?`, 'g'), ' ').replace(/\bweb\s+app(?:lication)?s?\b/gi, ' ');
  if (findServiceMentions(rest).some((m) => m.template !== tpl?.name)) handleAdd(run, rest.replace(/\bon\s+port\s+\d+|\bport\s+\d+|\bon\s+\d+/gi, ' '), 'add');
  // "… on port 8180 with 384mb", "… 2 replicas, half a cpu": the new service's own settings.
  const settings = rest.replace(/\b(?:on\s+)?(?:host\s+)?port\s+\d+(?:\s*(?::|->|to)\s*\d+)?|\bon\s+\d+\b|\b\d{2,5}\s*:\s*\d{2,5}\b/gi, ' ');
  if (findSizes(settings).length > 0 || findCpu(settings) !== undefined || /\b(?:replicas?|instances?|copies)\b/.test(settings.toLowerCase())) {
    const added = [...run.clauseAdded];
    run.clauseAdded = [name];
    handleModifiers(run, settings);
    run.clauseAdded = added;
  }
  return true;
}

/** Published host ports already taken by another service move up (8080 → 8081, a second 6379 → 6380), said as a warning. */
function movePortsUp(run: Run, svc: Service): void {
  const taken = new Set(services(run).flatMap((s) => (s.ports ?? []).map((p) => p.host).filter((h): h is number => h !== undefined)));
  for (const p of svc.ports ?? []) {
    if (p.host !== undefined && taken.has(p.host)) {
      const old = p.host;
      let next = old >= 1024 ? old + 1 : 8000 + old;
      while (taken.has(next)) next++;
      p.host = next;
      run.warnings.push(`Port ${old} is already used by another service, so ${svc.name} publishes it on ${next}.`);
    }
  }
}

/**
 * The object of a removal or stop verb, when it is a setting ("the disk quota on app", "every connection to postgres",
 * "its rate limit"): not a service. Said as not done, the service left as it is.
 */
const SETTING_OBJECT = /\b(?:remove|delete|drop|kill|clear|get\s+rid\s+of|take\s+away|lose|ditch|scrap|wipe|nuke|strip|stop|end|close|terminate)\s+(?:(?:the|its|their|all|every|any|each|open|active|existing|current)\s+)*(?:[\w-]+(?:'s|’s)\s+)?(?:(?:disk|memory|ram|cpu|storage|network|rate|connection|file|open|active|custom|default|old|extra|db|database|client|user)\s+)*(quotas?|limits?|caps?|connections?|sessions?|restrictions?|throttl\w*|queries|transactions|locks?)\b/i;
function settingObject(run: Run, clause: string): boolean {
  const m = SETTING_OBJECT.exec(clause);
  if (!m) return false;
  const names = targetsIn(run, clause).names;
  const of = names.length > 0 ? names.join(' and ') : 'any service';
  run.questions.push(`Not done: "${clause.trim()}": ${m[1]!.toLowerCase()} ${/s$/i.test(m[1]!) ? 'are' : 'is'} not a setting of ${of} that the state files hold, so I changed nothing${names.length > 0 ? ` (${of} ${names.length > 1 ? 'are' : 'is'} left as ${names.length > 1 ? 'they are' : 'it is'}; "remove ${names[0]}" removes the service itself)` : ''}.`);
  return true;
}

/** "change the image", "update the worker image": an image change with no image said asks which image, and of which service when none is named. */
function askImage(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  if (!/\bimages?\b/.test(t) || !/\b(?:change|update|swap|switch|replace|upgrade|bump|new|different|another|other)\b/.test(t)) return false;
  if (/\b(?:restart|redeploy|pull|re-?pull|recreate|rebuild|refresh)\b|\bto\s+\S|\d|\b(?:latest|stable|alpine)\b/.test(t) || findImageRefs(clause).length > 0) return false;
  const names = targetsIn(run, clause).names;
  const who = names.length === 1 ? getService(run, names[0]!) : undefined;
  run.questions.push(
    who
      ? `Which image should ${who.name} run instead of ${who.image}? e.g. "change the ${who.name} image to ${repoOf(who.image)}:<tag>". Nothing was changed.`
      : `Which service's image, and which image should it run? e.g. "change the api image to ghcr.io/acme/api:1.5"${services(run).length ? ` (${services(run).map((s) => s.name).join(', ')})` : ''}. Nothing was changed.`,
  );
  return true;
}

function setImage(run: Run, name: string, image: string): void {
  run.ws.set('services.yaml', svcPath(run, name, 'image'), image);
  run.ws.delete('services.yaml', svcPath(run, name, 'tag'));
  aliasImage(run, image);
  mentionFocus(run, name);
  run.lines.push(`~ ${name}: image ${image}`);
}

// ── scheduled jobs ─────────────────────────────────────────────────────────

const JOB_NOUN = String.raw`(?:cron\s*jobs?|cronjobs?|jobs?|tasks?)`;
const JOB_NAME = String.raw`['"“‘\`]?([a-z][a-z0-9_-]{0,48})['"”’\`]?`;
/** The words that say what a job runs, after the job and its schedule: "that runs", "which executes", "to run", "doing", "whose command is". */
const JOB_RELATIVE = String.raw`(?:that|which)\s+(?:will\s+|should\s+|would\s+|must\s+|shall\s+|can\s+)?(?:runs?|executes?|calls?|invokes?|does|do|kicks?\s+off|fires?\s+off|triggers?)|to\s+(?:run|execute|call|invoke|kick\s+off|trigger)|running|executing|calling|invoking|doing|kicking\s+off|whose\s+command\s+is|runs`;

/**
 * A job asked for in words: "schedule a job called warm-cache that runs curl …" → "run curl …"
 * named warm-cache; "a cron job named x which runs …", "a task called x to run …", "a job
 * warm-cache that runs …" (a name with a dash), "a cronjob named x: /app/x …", "…, call the job
 * x", "…and name it x" (with a schedule said). The request's other words are untouched.
 */
function jobWords(message: string, serviceNames: readonly string[] = []): { message: string; name?: string } {
  let name: string | undefined;
  let text = message.replace(
    new RegExp(String.raw`\b(?:(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?(?:schedule|add|create|set\s*up|make|configure|i\s+(?:need|want)|we\s+need)\s+)?(?:an?\s+|the\s+|one\s+)?(?:new\s+|scheduled\s+|recurring\s+|periodic\s+)*${JOB_NOUN}\s+(?:(?:called|named)\s+${JOB_NAME}\s*|(?=[a-z][a-z0-9]*[-_])${JOB_NAME}\s+)?(?:(?:that|which)\s+(?:runs?|executes?|calls?)|to\s+(?:run|execute|call)|running|executing|:(?=\s)|,(?=\s))\s+`, 'i'),
    (m: string, a: string | undefined, b: string | undefined, at: number, whole: string) => {
      // "add a cron job that runs every hour": a schedule and no command; the job is asked
      // about as it was ("What should the job run …"), never "run every hour".
      if (/^(?:every|each|once|twice|thrice|hourly|daily|nightly|weekly|monthly|yearly|annually|at\s|on\s|midnight|noon)\b/i.test(whole.slice(at + m.length))) {
        // "a job called cleanup that runs every 15 minutes in the worker: python cleanup.py": the
        // name is kept; the schedule and what follows are read as any job ("schedule a job that
        // runs every hour" with no command still asks what it runs).
        if (a ?? b) name = a ?? b;
        return a ?? b ? 'schedule a job that runs ' : m;
      }
      name = a ?? b;
      return 'run ';
    },
  );
  // What the job runs said in a relative or purpose clause after its name, its schedule or its
  // container (round 28): "schedule a job called reindex at 02:15 daily running bin/reindex in
  // search", "add a job in app every day at 4 that runs python manage.py clearsessions", "a daily
  // job at 4 in app doing X", "make a task in the app container for 4am daily which executes X",
  // "a daily 4am job in app whose command is X": the command, to the end of the clause, is what
  // runs, in the container said, at the schedule said ("run X in app every day at 4").
  const between = name === undefined ? new RegExp(String.raw`^(.{0,60}?)\b(?:(?:schedule|add|create|set\s*up|make|configure|i\s+(?:need|want)|we\s+need)\s+)?(?:an?\s+|the\s+|one\s+)?((?:(?:daily|nightly|hourly|weekly|monthly|every|each|midnight|noon|morning|night|minutes?|hours?|days?|weeks?|[a-z]{3,6}days?|o'?clock|[@:\d]{1,5}(?:am|pm)?|am|pm)\s+){0,4})(?:new\s+|scheduled\s+|recurring\s+|periodic\s+)*(?:${JOB_NOUN}|crons?|something)\s+(?:(?:called|named)\s+${JOB_NAME}\s+)?(\S.{0,80}?),?\s(?:${JOB_RELATIVE})\s+(\S.*)$`, 'i').exec(text) : null;
  if (between) {
    const inside = new RegExp(String.raw`\b(?:in|inside|within|on|for)\s+(?:the\s+)?([a-z][\w-]{0,62})(?:\s+(?:container|service))?\b`, 'gi');
    let container: string | undefined;
    const when = between[4]!.replace(inside, (m, n: string) => (container === undefined && (serviceNames.includes(n.toLowerCase()) || /\s(?:container|service)$/i.test(m)) ? ((container = n), ' ') : m)).replace(/^\s*for\s+/i, ' ').replace(/@/g, 'at');
    const said = `${between[2] ?? ''} ${when}`.replace(/\s+/g, ' ').trim();
    if (onlySchedule(said)) {
      name = between[3];
      text = `${between[1]}run ${between[5]!.replace(/[\s.!]+$/, '')}${container ? ` in ${container}` : ''} ${said}`;
    }
  }
  if (name === undefined && parseSchedule(text.toLowerCase(), 3) !== undefined && /\b(?:run|runs|execute|exec|cron|job|task)\b/i.test(text)) {
    text = text.replace(new RegExp(String.raw`\s*[,;]?\s*(?:and\s+)?(?:call|name)\s+(?:the\s+${JOB_NOUN}|this\s+${JOB_NOUN}|it)\s+${JOB_NAME}\s*[.!]*$`, 'i'), (_m, a: string) => {
      name = a;
      return '';
    });
  }
  return { message: text, name: name?.toLowerCase() };
}

/**
 * "deploy my app", "run my app", "put our application on the server": an app of the user's own
 * with nothing said of it (no image, no product, no name of a service there): which image is
 * asked, and nothing is made (it made a service of the word "app").
 */
function askWhichApp(run: Run, clause: string): boolean {
  const m = /^(?:(?:please|pls|can\s+you|could\s+you|would\s+you|i\s+(?:want|need)\s+to|i'?d\s+like\s+to|we\s+(?:want|need)\s+to|let'?s|help\s+me)\s+)*(?:deploy|run|ship|launch|host|put|install|set\s*up|spin\s+up|get|start)\s+(?:my|our)\s+(?:new\s+|own\s+)?(app|application|service|project|code|web\s*app|website|site|api)\b(?:\s+(?:on|to|onto)\s+(?:the|this|my|our)\s+(?:server|box|machine|host|vps))?(?:\s+(?:please|pls|for\s+me|now|here))*\s*[?.!]*$/i.exec(clause.trim());
  if (!m || getService(run, m[1]!.toLowerCase())) return false;
  run.questions.push(`Which image is your ${m[1]!.toLowerCase()}, and which port does it listen on? For example "deploy ghcr.io/you/app:1.0 as app on port 8080". Nothing was changed.`);
  return true;
}

/**
 * "remove the cleanup job", "delete job worker-cleanup", "drop the nightly-export cron", "cancel
 * the warm-cache task": an existing job of scheduled.yaml, by its name or by a word of its name
 * that only one job has (it was read as a service to remove: "There is no service worker-cleanup").
 * A name no job has is said so, with the jobs there are.
 */
function handleJobRemoval(run: Run, clause: string): boolean {
  const m = /^(?:(?:please|pls|and|also|then|now|ok|so)[\s,]+)*(?:remove|delete|drop|cancel|unschedule|get\s+rid\s+of)\s+(?:the\s+|my\s+|our\s+|that\s+)?(?:(?:cron\s*)?(?:jobs?|tasks?|crons?)\s+(?:called\s+|named\s+)?["'`]?([a-z0-9][\w.-]*)["'`]?|["'`]?([a-z0-9][\w.-]*)["'`]?\s+(?:cron\s*)?(?:jobs?|tasks?|cron(?:job)?s?))(?:\s+(?:please|pls|for\s+good|entirely|completely))*\s*[.!]*$/i.exec(clause.trim());
  if (!m) return jobRemovedByDescription(run, clause);
  const said = (m[1] ?? m[2])!.toLowerCase();
  const jobs = run.ws.items<{ name: string; container?: string }>('scheduled.yaml', JOBS);
  // "remove the cron job", "delete the job": no name; the one job there is, else which.
  const unnamed = /^(?:the|a|an|this|that|my|our|cron|crons|job|jobs|task|tasks|scheduled|recurring|periodic)$/.test(said);
  const exact = jobs.filter((j) => j.name === said);
  const found = unnamed ? jobs : exact.length > 0 ? exact : jobs.filter((j) => j.name.split(/[-_.]/).includes(said));
  if (unnamed && found.length === 0) {
    run.notes.push('There are no scheduled jobs, so nothing was changed. (`claude jobs` lists them, with the backups of volumes.)');
    return true;
  }
  if (found.length === 0) {
    // A volume's backup is a job too (`claude jobs` lists backup-<volume>): the backups handler's.
    if (/^backups?(?:$|-)/.test(said)) return false;
    run.notes.push(`There is no job called ${said}, so nothing was changed. ${jobs.length ? `The jobs are: ${jobs.map((j) => j.name).join(', ')}.` : 'There are no scheduled jobs.'} (\`claude jobs\` lists them with their schedules.)`);
    return true;
  }
  if (found.length > 1) {
    run.questions.push(`Which job: ${orList(found.map((j) => j.name))}? I changed nothing.`);
    return true;
  }
  const job = found[0]!;
  removeJobAt(run, run.ws.indexOf('scheduled.yaml', JOBS, job.name), job);
  return true;
}

/**
 * "get rid of the monday report", "delete the nightly purge": a job said by what it does (round 31,
 * `jobsDescribed`), when the object names no service, volume or user; several that fit are asked about.
 */
function jobRemovedByDescription(run: Run, clause: string): boolean {
  const m = /^(?:(?:please|pls|and|also|then|now|ok|so)[\s,]+)*(?:remove|delete|drop|cancel|unschedule|get\s+rid\s+of)\s+(?:the|my|our|that)\s+([a-z][\w\s.-]{2,60}?)(?:\s+(?:please|pls|for\s+good|entirely|completely))*\s*[.!]*$/i.exec(clause.trim());
  if (!m) return false;
  const obj = m[1]!.toLowerCase();
  const jobs = run.ws.items<{ name: string; schedule: string; container?: string; command?: unknown }>('scheduled.yaml', JOBS);
  if (jobs.length === 0 || targetsIn(run, obj).names.length > 0 || /\b(?:volumes?|users?|accounts?|rules?|ports?|backups?|services?|containers?|certificates?|certs?|networks?|secrets?|data)\b/.test(obj)) return false;
  const found = jobsDescribed(run, obj, jobs);
  if (found.length === 0) return false;
  if (found.length > 1) {
    run.questions.push(`Which job: ${orList(found.map((j) => j.name))}? I changed nothing.`);
    return true;
  }
  removeJobAt(run, run.ws.indexOf('scheduled.yaml', JOBS, found[0]!.name), found[0]!);
  return true;
}

/**
 * A job paused or resumed (round 28): its `enabled:`, the job kept. Said as "pause", "disable",
 * "deactivate", "suspend", "turn off", "switch off", "stop running", "put … on hold", "hold off
 * on", "skip … until …", "mute", "freeze"; and back as "resume", "re-enable", "enable … again",
 * "unpause", "reactivate", "turn … back on", "switch … on again". The job is the one named (its
 * name, or a word of its name before "job"); "the job" with several asks which.
 */
const JOB_PAUSE = /\b(?:pause|disable|deactivate|suspend|mute|freeze|silence|halt|stop(?:\s+running)?|(?:turn|switch|shut)\s+(?:[\w-]+\s+){0,3}?off|put\s+(?:[\w-]+\s+){0,3}?on\s+hold|hold\s+off|skip)\b/;
const JOB_RESUME = /\b(?:resume|start|re-?enable|un-?pause|re-?activate|un-?suspend|un-?mute|unfreeze|enable|(?:turn|switch|put|bring|start)\s+(?:[\w-]+\s+){0,3}?(?:back\s+on|on\s+again|back|again|on))\b/;

function handleJobPause(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  const hold = /\bon\s+hold\b/.test(t);
  const resume = !hold && JOB_RESUME.test(t) && !/\b(?:disable|pause|deactivate|suspend|off)\b/.test(t);
  if (!resume && !JOB_PAUSE.test(t)) return false;
  const jobs = run.ws.items<{ name: string; enabled?: boolean; container?: string }>('scheduled.yaml', JOBS);
  if (jobs.length === 0) return false;
  // "start the report job on mondays": a new time, not a pause (handleJobMove); "for now" is no time.
  const unnamed = jobs.reduce((rest, j) => rest.replace(new RegExp(`(?<![\\w-])${escapeRe(j.name)}(?![\\w-])`, 'g'), ' '), t);
  if (parseSchedule(unnamed.replace(/\b(?:for\s+now|for\s+the\s+time\s+being|for\s+a\s+(?:while|bit)|until\s+further\s+notice|until\s+i\s+say\s+so|till\s+later)\b/g, ' '), 3) !== undefined) return false;
  const byWord = jobsSaid(run, t, jobs);
  const bare = byWord.length === 0 && /\b(?:the|that|this|my|our)\s+(?:cron\s*)?(?:job|task|cron)\b/.test(t) && !targetsIn(run, clause).names.length;
  const found = byWord.length ? byWord : bare ? jobs : [];
  if (found.length === 0) return false;
  if (found.length > 1) {
    run.questions.push(`Which job should I ${resume ? 'resume' : 'pause'}: ${orList(found.map((j) => j.name))}? I changed nothing.`);
    return true;
  }
  const job = found[0]!;
  const at = jobs.indexOf(job);
  if ((job.enabled !== false) === resume) {
    run.lines.push(`job ${job.name}: already ${resume ? 'runs' : 'paused'}; nothing to change`);
    return true;
  }
  run.ws.set('scheduled.yaml', [...JOBS, at, 'enabled'], resume);
  if (job.container) mentionFocus(run, job.container);
  run.lines.push(resume ? `~ job ${job.name}: resumed (enabled: true)` : `~ job ${job.name}: paused (enabled: false), kept; "resume ${job.name}" runs it again`);
  return true;
}

/** Removes the job at `index` of scheduled.yaml and says so (`- job NAME (it ran inside SVC)`). */
function removeJobAt(run: Run, index: number, job: { name: string; container?: string }): void {
  run.ws.removeAt('scheduled.yaml', JOBS, index);
  run.lines.push(`- job ${job.name}${job.container ? ` (it ran inside ${job.container})` : ''}`);
}

/** A job and nothing else: "schedule a job", "add a new cron job please", "i need a cronjob". */
const BARE_JOB = new RegExp(
  String.raw`^(?:(?:please|pls|can\s+you|could\s+you|would\s+you|i\s+(?:need|want)|i'?d\s+like|we\s+need|let'?s)\s+)*(?:schedule|add|create|set\s*up|make|configure|new)?\s*(?:me\s+)?(?:an?\s+|some\s+|one\s+|another\s+)?(?:new\s+|scheduled\s+|recurring\s+|periodic\s+)*${JOB_NOUN}(?:\s+(?:for\s+me|please|pls))*\s*[?.!]*$`,
);

/** The job named in the request (`run.jobName`) made or, when it exists, changed to what is said. */
function putNamedJob(run: Run, job: { schedule: string; container?: string; image?: string; command: string }, words: string): boolean {
  const name = run.jobName;
  if (!name) return false;
  run.jobName = undefined;
  const at = run.ws.indexOf('scheduled.yaml', JOBS, name);
  if (at >= 0) {
    // A job of that name runs something else, or elsewhere: replacing it was not asked for
    // (review 16 M1: "…, call the job worker-cleanup" replaced the worker's cleanup job whole).
    const was = run.ws.get('scheduled.yaml', [...JOBS, at]) as { command?: unknown; container?: string; image?: string; schedule?: string } | undefined;
    const wasCommand = Array.isArray(was?.command) ? was!.command.join(' ') : String(was?.command ?? '');
    if (was && (wasCommand !== job.command || (was.container ?? was.image) !== (job.container ?? job.image))) {
      run.questions.push(`A job called ${name} already runs "${wasCommand}" in ${was.container ?? was.image ?? 'its container'} (${was.schedule ?? 'no schedule'}). Give the new job another name ("…, call the job ${name}-2"), or remove ${name} first ("remove the ${name} job"). I changed nothing.`);
      return true;
    }
    run.ws.set('scheduled.yaml', [...JOBS, at], { name, ...job });
    run.lines.push(`~ job ${name}: runs "${job.command}" ${words} (was ${was?.schedule ?? 'unscheduled'})`);
  } else {
    run.ws.append('scheduled.yaml', JOBS, { name, ...job });
    run.lines.push(`+ job ${name}: runs "${job.command}" ${words}`);
  }
  return true;
}

/**
 * "run /usr/local/bin/cleanup.sh in worker every night at 1:30", "every 10 minutes run
 * 'curl …' inside nginx": a job in scheduled.yaml, always inside a service's container.
 * "make that every 30 minutes instead": the job under discussion gets the new schedule.
 */
/**
 * A program that runs a task named after it: the task names the job ("python manage.py
 * clearsessions" → app-clearsessions, "php artisan horizon:snapshot" → app-horizon-snapshot,
 * "bundle exec rake db:cleanup", "npm run prune", "flask purge"), not the runner (app-manage).
 */
const RUNNER = /^(?:(?:python3?|php|bundle\s+exec|node)\s+)?(?:\.?\/?(?:bin\/)?)?(?:manage\.py|artisan|rake|rails|console|npm\s+run|yarn(?:\s+run)?|pnpm(?:\s+run)?|flask|django-admin|drush|wp)\s+([a-z][\w:.-]{0,40})/i;

function handleJob(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  // Backup words, not inside a command's own token ("php artisan backup:clean", "/app/backup.sh").
  // A command in backticks is the job's, its words none of the request's ("`promtool tsdb snapshot`").
  if (/(?<![\w:/.-])(?:back ?ups?|snapshots?)(?![\w:/.-])|\bback(ed|ing)?[- ]up\b|\bback\s+(it|them)\s+up\b/.test(t.replace(/`[^`]*`/g, ' '))) return false;
  const schedule = parseSchedule(t, 3);
  // "schedule a job", "i need a cronjob", "can you add a cron job?": nothing but a job asked
  // for; what it runs, when and where are asked, and nothing changes.
  if (!schedule && BARE_JOB.test(t.trim())) {
    run.questions.push(`What should the job run, when, and in which service's container (${services(run).map((x) => x.name).join(', ') || 'there are no services yet'})? For example "run bin/cleanup in app every night at 3". Nothing was changed.`);
    return true;
  }
  if (!schedule) return handleJobEveryN(run, t);
  // "… every night at 3 (redis-cli FLUSHALL)": a program in brackets is the command, as if quoted.
  const bracketed = /\(\s*((?:[a-z][\w.]*[-_./][\w./-]*|\.?\/[\w./-]+)(?:\s+[^\s()]+){0,8})\s*\)/i.exec(clause);
  const quoted = bracketed && !/\bcontainer\s*\)$/i.test(bracketed[0]) ? [bracketed[1]!, ...findQuoted(clause)] : findQuoted(clause);
  const script = /(?:^|\s)((?:(?:sh|bash|python3?|node|php|ruby|perl)\s+)?(?:\/[\w.\/-]+|(?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w-]+\.(?:sh|py|js|rb|php|pl)))(?=\s|$|[,.](?:\s|$))/.exec(clause);
  // "every sunday at 4am vacuum the db: vacuumdb --all --analyze": the command after a colon.
  const colon = !quoted[0] ? /:\s+((?:[a-z]|\.?\/)[\w.\/-]*(?:\s+(?!(?:in|inside|on|every|each|at|daily|nightly|weekly)\b)[^\s,;]+){0,8})\s*[.!]?$/.exec(clause) : null;
  // "run php artisan sync every night in app", "hourly: php artisan stats inside app",
  // "at midnight: php artisan x (app container)": words of a command up to a named service's
  // container, the schedule words cut off.
  const utility = utilityContainer(run, clause);
  const inContainer = quoted[0] ? undefined : (utility?.command ?? namedContainerCommand(run, clause));
  const colonSaid = colon && !/^(?:ssh-|https?$)/.test(colon[1]!) && !parseSchedule(colon[1]!.toLowerCase(), 3) ? colon[1] : undefined;
  const colonCmd = colonSaid && inContainer && colonSaid.startsWith(inContainer) ? inContainer : colonSaid;
  const command = quoted[0] ?? (colonCmd && (!script || colonCmd.includes(script[1]!)) ? colonCmd : undefined) ?? (inContainer && (!script || inContainer.includes(script[1]!)) ? inContainer : undefined) ?? script?.[1] ?? (colon ? undefined : commandAfterWith(clause));
  const jobs = run.ws.items<{ name: string; schedule: string; container?: string; command: unknown }>('scheduled.yaml', JOBS);
  if (!command && scheduledLifecycle(run, clause, schedule)) return true;
  // "schedule a job every night", "add a cron job that runs hourly": a job with no command
  // asks what it should run and where, and changes nothing.
  const unsaid = !command && /\b(?:schedule|add|create|set\s*up|make|need|want|run|configure)\b[^.]*?\b(?:an?|some|new|nightly|daily|hourly|weekly)\s+(?:(?:new|nightly|daily|hourly|weekly|scheduled|recurring|maintenance|cleanup|backup)\s+)*(?:cron\s*jobs?|cronjobs?|jobs?|tasks?|cron)\b/.test(t);
  if (unsaid && !/\b(that|it|the job|this job|the task)\b/.test(t.replace(/\b(?:a|an|some)\s+(?:[\w-]+\s+)*(?:cron\s*jobs?|jobs?|tasks?)\s+that\b/, ''))) {
    run.questions.push(`What should the job run ${schedule.words}, and in which service's container (${services(run).map((x) => x.name).join(', ') || 'there are no services yet'})? For example "run bin/cleanup in app ${schedule.words}". Nothing was changed.`);
    return true;
  }
  if (!command) {
    // A new time for the job under discussion.
    if (jobs.length === 0) return false;
    const lastJobTurn = [...run.input.history].reverse().find((h) => h.role === 'user' && parseSchedule(h.text.toLowerCase(), 3));
    // "make that every 2 hours", "actually only weekdays at 7am", "rather sundays": a refinement of the job just discussed.
    const refines = /\b(that|it|the job|this job|the task|instead|cron)\b/.test(t) || (lastJobTurn !== undefined && /^(?:(?:ok(?:ay)?|no|nah|hmm+|actually|rather|instead|wait|sorry|better|make\s+it|change\s+it\s+to|let'?s\s+(?:do|say)|how\s+about|maybe|just|only|then)[,\s]+)+/.test(t) && findServiceMentions(t).length === 0 && targetsIn(run, t).names.length === 0);
    if (!refines) return false;
    if (lastJobTurn && /\bback ?ups?\b|\bback(ed|ing)?[- ]up\b|\bback\s+(it|them)\s+up\b|\bsnapshots?\b/i.test(lastJobTurn.text)) return false;
    // The job under discussion: the one the last reply made or changed; with none and several
    // jobs, which is asked ("change the job to every 10 minutes" beside two jobs), nothing changed.
    const lastReply = [...run.input.history].reverse().find((h) => h.role === 'assistant');
    const discussed = lastReply ? jobs.findIndex((x) => new RegExp(`[+~] job ${escapeRe(x.name)}:`).test(lastReply.text)) : -1;
    if (discussed < 0 && jobs.length > 1) {
      run.questions.push(`Which job should run ${schedule.words}: ${orList(jobs.map((x) => x.name))}? I changed nothing.`);
      return true;
    }
    const j = discussed >= 0 ? discussed : jobs.length - 1;
    // "change it to fridays": the job's hour kept; "move it to 7pm": its days (schedule.ts refinedSchedule).
    const next = refinedSchedule(jobs[j]!.schedule, t, 3) ?? schedule;
    run.ws.set('scheduled.yaml', [...JOBS, j, 'schedule'], next.cron);
    run.lines.push(`~ job ${jobs[j]!.name}: runs ${next.words} (${next.cron})`);
    return true;
  }
  if (!quoted[0] && !colon && !inContainer && command !== commandAfterWith(clause) && !/\b(run|runs|execute|exec|schedule|cron|call|invoke|do)\b/.test(t)) return false;
  const rest = clause.replace(command, ' ');
  let container: string | undefined;
  const inName = /\b(?:in|inside|within|on)\s+(?:the\s+)?([a-z0-9][a-z0-9-]*)(?:\s+container)?\b/gi;
  for (const m of rest.matchAll(inName)) {
    const n = m[1]!.toLowerCase();
    if (getService(run, n)) {
      container = n;
      break;
    }
  }
  if (!container && !utility) container = targetsIn(run, rest).names[0];
  if (!container && /\b(in|inside)\s+(it|that|this|there)\b/.test(t)) container = focusTargets(run)[0];
  if (!container && utility) {
    // A job with no service of its own: a minimal utility container of the image said.
    let name = `job-${(command.split(/\s+/).find((w) => /^[a-z][\w-]*$/i.test(w)) ?? 'task').toLowerCase()}`.slice(0, 50);
    for (let k = 2; jobs.some((j) => j.name === name); k++) name = `${name.replace(/-\d+$/, '')}-${k}`;
    // A utility container has no network (docs/jobs.md): a command that fetches a URL is said to fail there.
    const url = /\b(?:https?|ftp):\/\/([^\s/:'"]+)/i.exec(command);
    if (url) run.warnings.push(`A job's utility container has no network (NetworkMode none, docs/jobs.md), so "${command}" cannot reach ${url[1]} from it; to reach the network, run it inside a service's container ("… in SERVICE").`);
    if (!putNamedJob(run, { schedule: schedule.cron, image: utility.image, command }, `in a utility container of ${utility.image} ${schedule.words} (${schedule.cron})`)) {
      run.ws.append('scheduled.yaml', JOBS, { name, schedule: schedule.cron, image: utility.image, command });
      run.lines.push(`+ job ${name}: runs "${command}" in a utility container of ${utility.image} ${schedule.words} (${schedule.cron})`);
    }
    return true;
  }
  // No container said (round 31): the one service that runs the application's own code (its own
  // image or a language runtime's, not a database, cache, proxy or catalogue app) runs it, and the
  // reply says so; with several, which of them is asked.
  // A container said by a name this host does not have ("in nosuchservice") is not "no container said": never another one.
  const namedElse = !container && /\b(?:in|inside|on)\s+(?:the\s+)?(?!(?:it|that|this|there|the|a|an|every|each|all|any|morning|mornings|evening|evenings|night|nights|afternoon|afternoons|day|days|week|weeks|month|months|background|future|meantime|general|order|addition|case|total)\b)([a-z][\w-]*)\b\s*(?:container\s+|service\s+)?(?=every|each|at|on|daily|nightly|weekly|hourly|monthly|:|,|[.!?]*$)/i.exec(t);
  const code = container || namedElse ? [] : codeServices(run);
  if (!container && code.length === 1) {
    container = code[0]!;
    run.notes.push(`(No container was said, so the job runs in ${container}, the one service here that runs your own code; say "… in SERVICE" to run it elsewhere.)`);
  }
  if (!container) {
    const choices = code.length > 1 ? code : services(run).map((s) => s.name);
    // "in nosuchservice": said so, with the services there are (closing 24: the reply was empty).
    const missing = namedElse && !getService(run, namedElse[1]!.toLowerCase()) ? `There is no service ${namedElse[1]!.toLowerCase()} here${services(run).length ? ` (the services are ${services(run).map((s) => s.name).join(', ')})` : ''}. ` : '';
    run.questions.push(`${missing}Which service's container should run "${command}"${choices.length ? `: ${orList(choices)}` : ''}? Jobs always run inside a container${choices.length ? '' : ' (there are no services yet)'}. Nothing was changed.`);
    return true;
  }
  // The same command in the same container said with a new time ("make that 4 instead", read
  // again with the new hour) moves that job; "also", "too", "another" adds a second one.
  const same = jobs.findIndex((j) => j.container === container && JSON.stringify(j.command) === JSON.stringify(command));
  if (same >= 0 && !/\b(?:also|too|as\s+well|another|additionally|second|extra|more)\b/.test(t)) {
    if (jobs[same]!.schedule === schedule.cron) {
      run.lines.push(`job ${jobs[same]!.name}: runs "${command}" inside ${container} ${schedule.words} (${schedule.cron})`);
      return true;
    }
    run.ws.set('scheduled.yaml', [...JOBS, same, 'schedule'], schedule.cron);
    mentionFocus(run, container);
    run.lines.push(`~ job ${jobs[same]!.name}: runs "${command}" inside ${container} ${schedule.words} (${schedule.cron}; was ${jobs[same]!.schedule})`);
    return true;
  }
  if (putNamedJob(run, { schedule: schedule.cron, container, command }, `inside ${container} ${schedule.words} (${schedule.cron})`)) {
    mentionFocus(run, container);
    return true;
  }
  // A URL fetched is named by its last part ("…/health" → api-health); a database client's
  // command by the command given to it ("redis-cli FLUSHDB" → redis-flushdb).
  const url = /\bhttps?:\/\/[^/\s]+((?:\/[^/\s?#]+)*)/i.exec(command);
  const client = /^(?:redis-cli|valkey-cli|psql(?:\s+-U\s+\S+)?\s+-c)\s+["']?([A-Za-z][\w-]*)/.exec(command) ?? RUNNER.exec(command);
  const base = url ? url[1]!.split('/').pop() || 'ping' : client ? client[1]!.toLowerCase() : (command.split(/\s+/).find((w) => /[\w-]+\.(sh|py|js|rb|php|pl)$|^\//.test(w)) ?? command.split(/\s+/)[0]!).split('/').pop()!;
  let name = `${container}-${base.replace(/\.[a-z]+$/, '')}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
  if (!/^[a-z]/.test(name)) name = `job-${name}`;
  let unique = name;
  for (let k = 2; jobs.some((j) => j.name === unique); k++) unique = `${name}-${k}`;
  run.ws.append('scheduled.yaml', JOBS, { name: unique, schedule: schedule.cron, container, command });
  mentionFocus(run, container);
  run.lines.push(`+ job ${unique}: runs "${command}" inside ${container} ${schedule.words} (${schedule.cron})`);
  return true;
}

/**
 * "make that every 5", "make it every 3", "actually every 30 instead": a number with no unit, in
 * a turn after a job was made or moved, is in that job's unit (minutes for "*\/10 * * * *",
 * hours for "0 *\/2 * * *", days for "0 3 *\/2 * *"); the job under discussion is the one changed.
 */
function handleJobEveryN(run: Run, t: string): boolean {
  // "change it to 5", "make that 6", "move it to 7 instead": a bare hour for the job under
  // discussion (the last reply made or changed it) when it runs at a fixed hour; its days kept.
  const hour = /^(?:(?:ok(?:ay)?|no|nah|hmm+|actually|rather|wait|sorry|and|so|then|can\s+you|could\s+you|please|pls)[,\s]+)*(?:change|make|move|set|push|switch|put|shift)\s+(?:it|that|the\s+job|this)\s+(?:to\s+)?(\d{1,2})(?:\s+(?:instead|then|please|pls|now|rather))*\s*[.!]*$/.exec(t.trim());
  if (hour) {
    const lastReply = [...run.input.history].reverse().find((h) => h.role === 'assistant');
    const jobs = run.ws.items<{ name: string; schedule: string }>('scheduled.yaml', JOBS);
    const at = lastReply ? jobs.findIndex((x) => new RegExp(`[+~] job ${escapeRe(x.name)}:`).test(lastReply.text)) : -1;
    const next = at >= 0 && /^\d+ \d+ /.test(jobs[at]!.schedule) ? refinedSchedule(jobs[at]!.schedule, `at ${hour[1]}`, 3) : undefined;
    if (!next || at < 0) return false;
    run.ws.set('scheduled.yaml', [...JOBS, at, 'schedule'], next.cron);
    run.lines.push(`~ job ${jobs[at]!.name}: runs ${next.words} (${next.cron}; was ${jobs[at]!.schedule})`);
    return true;
  }
  const m = /^(?:(?:ok(?:ay)?|no|nah|hmm+|actually|rather|wait|sorry|and|so|then|make|change|set|switch|move|put|it|that|this|one|the\s+job|to|just|only)[,\s]+)*every\s+(\d{1,2}|[a-z]+)(?:\s+(?:instead|then|please|pls|now|rather))*\s*[.!]*$/.exec(t.trim());
  const n = m ? (/^\d+$/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS[m[1]!]) : undefined;
  if (n === undefined || !/\b(?:that|it|this|one|job|make|change|actually|instead|rather)\b/.test(t)) return false;
  const jobs = run.ws.items<{ name: string; schedule: string }>('scheduled.yaml', JOBS);
  const named = [...run.input.history].reverse().find((h) => h.role === 'assistant' && /[+~] job [\w.-]+:/.test(h.text));
  if (!named) return false;
  const name = /[+~] job ([\w.-]+):/.exec(named.text)![1]!;
  const at = jobs.findIndex((j) => j.name === name);
  if (at < 0) return false;
  const f = jobs[at]!.schedule.split(' ');
  const unit = /^\*\/\d+$/.test(f[0]!) ? 'minutes' : /^\*\/\d+$/.test(f[1]!) ? 'hours' : /^\*\/\d+$/.test(f[2]!) ? 'days' : undefined;
  const schedule = unit ? parseSchedule(`every ${n} ${unit}`, 3) : undefined;
  if (!schedule) return false;
  run.ws.set('scheduled.yaml', [...JOBS, at, 'schedule'], schedule.cron);
  run.lines.push(`~ job ${name}: runs ${schedule.words} (${schedule.cron}; was ${jobs[at]!.schedule})`);
  return true;
}

/**
 * "move the cleanup job to every 30 minutes", "change prune to run at 5am", "push prune to
 * 4am", "reschedule the digest job to fridays at 9", "prune should run every 30 min now": an
 * existing job, by its name or a word of its name only one job has said with job/task/cron,
 * gets the schedule said. No command is said (that is a job of its own, handleJob).
 */
/** The jobs a clause names: by their whole name, else by a word of a name said before "job"/"task"/"cron" (not a service's name). */
function jobsSaid<J extends { name: string }>(run: Run, t: string, jobs: J[]): J[] {
  const byName = jobs.filter((j) => new RegExp(`(?<![\\w-])${escapeRe(j.name)}(?![\\w-])`).test(t));
  return byName.length ? byName : jobs.filter((j) => j.name.split(/[-_.]/).some((w) => w.length > 2 && new RegExp(`\\b${escapeRe(w)}\\s+(?:cron\\s*)?(?:job|task|cron)\\b`).test(t) && !getService(run, w)));
}

/** Words of a command that say nothing of what it does: programs, runners, extensions, flags' words. */
const COMMAND_FILLER = new Set('python python3 node npm npx yarn pnpm bun php ruby perl bash sh zsh run exec manage artisan rake make bin app usr local scripts script src cmd tasks task jobs job py js mjs ts rb pl sh'.split(' '));
/** Words of a request that never describe a job: verbs of moving, schedule words, fillers. */
const DESCRIPTION_FILLER = /^(?:move|moved|change|changed|reschedule|push|pushed|shift|set|make|switch|put|bump|should|would|could|will|must|run|runs|running|happen|happens|instead|from|now|please|then|back|later|earlier|every|each|daily|nightly|weekly|hourly|monthly|night|morning|evening|afternoon|midnight|noon|the|that|this|have|does|with|only|just|also|can|you|job|task|cron|minutes?|hours?|days?|weeks?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekdays?|weekends?|am|pm|not|and|for|out|off|inside|into|onto|at|on|in|to|of)$/;

/**
 * The jobs a clause describes by what they do (round 31): "the nightly purge", "the monday report",
 * "the cleanup (purge.py)": a word of the clause that is a word of a job's command or name (a
 * program's name, a path's folder or an extension is no such word; a service's name is not either).
 * "nightly", "weekly" or a day said beside it keeps the jobs whose schedule fits.
 */
function jobsDescribed<J extends { name: string; schedule: string; command?: unknown }>(run: Run, t: string, jobs: J[]): J[] {
  const words = t.split(/[^a-z0-9]+/).filter((w) => w.length >= 4 && !DESCRIPTION_FILLER.test(w) && !getService(run, w));
  if (words.length === 0) return [];
  const wordsOf = (j: J) => [...new Set(`${j.name} ${Array.isArray(j.command) ? j.command.join(' ') : String(j.command ?? '')}`.toLowerCase().split(/[^a-z0-9]+/))].filter((w) => w.length >= 4 && !COMMAND_FILLER.has(w) && !getService(run, w));
  const fits = jobs.filter((j) => wordsOf(j).some((w) => words.some((x) => x === w || (Math.min(x.length, w.length) >= 5 && (x.startsWith(w) || w.startsWith(x))))));
  if (fits.length < 2) return fits;
  const f = (j: J) => j.schedule.split(' ');
  const daily = fits.filter((j) => /^\d+$/.test(f(j)[1]!) && f(j)[2] === '*' && f(j)[4] === '*');
  if (/\b(?:nightly|daily)\b/.test(t) && daily.length === 1) return daily;
  const day = /\b(sun|mon|tues|wednes|thurs|fri|satur)day\b/.exec(t);
  const onDay = day ? fits.filter((j) => f(j)[4] === String(['sun', 'mon', 'tues', 'wednes', 'thurs', 'fri', 'satur'].indexOf(day[1]!))) : [];
  return onDay.length === 1 ? onDay : fits;
}

/**
 * "run the sync job right now", "kick off the nightly purge now", "trigger the cleanup
 * immediately" (round 33): one run of a job at once is not a change of state (the state says
 * when jobs run), so it is answered with the command that runs it now, `claude jobs run NAME`
 * (docs/jobs.md), and nothing changes. The job is found by its name or by what it does; several
 * that fit, or a job said that the host lacks, are asked. A schedule said with it is not this.
 */
function handleJobRunNow(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  if (!/\b(?:right\s+now|now|right\s+away|immediately|asap|at\s+once|straight\s+away|once)\b/.test(t)) return false;
  if (!/\b(?:run|kick(?:\s+\w+)?\s+off|trigger|execute|fire(?:\s+off)?|launch|start)\b/.test(t) || /\b(?:from\s+now\s+on|every|each|at\s+\d|instead|move|reschedule|until)\b|['"`]/.test(t)) return false;
  if (/(?<![\w:/.-])(?:back ?ups?|snapshots?)(?![\w:/.-])|\bback(?:ed|ing)?[- ]up\b/.test(t)) return false;
  const jobs = run.ws.items<{ name: string; schedule: string; container?: string; image?: string; command?: unknown }>('scheduled.yaml', JOBS);
  const jobWord = /\b(?:(?:cron\s*)?jobs?|tasks?|cronjobs?|script)\b/.test(t);
  const byName = jobsSaid(run, t, jobs);
  const fits = byName.length ? byName : targetsIn(run, t).names.length === 0 ? jobsDescribed(run, t, jobs) : [];
  if (fits.length === 0) {
    if (!jobWord) return false;
    run.questions.push(`Which job should run now? ${jobs.length ? `The jobs are ${orList(jobs.map((j) => `${j.name} (${Array.isArray(j.command) ? j.command.join(' ') : String(j.command ?? '')})`))}.` : 'There are no scheduled jobs.'} Nothing was changed.`);
    return true;
  }
  if (fits.length > 1) {
    run.questions.push(`Which job should run now: ${orList(fits.map((j) => j.name))}? Nothing was changed.`);
    return true;
  }
  const job = fits[0]!;
  const cmd = Array.isArray(job.command) ? job.command.join(' ') : String(job.command ?? '');
  run.notes.push(`Job ${job.name} runs "${cmd}" ${job.container ? `inside ${job.container}` : `in a utility container of ${job.image ?? 'its image'}`} on its schedule (${job.schedule}). One run now is not a change of state: \`claude jobs run ${job.name}\` runs it at once, waits for it and prints the outcome. Nothing was changed.`);
  return true;
}

function handleJobMove(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  const jobs = run.ws.items<{ name: string; schedule: string; container?: string }>('scheduled.yaml', JOBS);
  if (jobs.length === 0 || /['"`]|:(?!\s*\d)/.test(clause) || /\b(?:also|another|too|as\s+well|new)\b/.test(t)) return false;
  if (!/\b(?:move|moved|change|reschedule|push|shift|set|make|switch|put|bump|should\s+(?:run|go\s+out|happen)|run(?:s)?|to\s+run|happen|from\s+now\s+on|instead|now)\b|\b(?:job|task)\s*:\s*(?=\d|every|each|daily|nightly|at\b)/.test(t)) return false;
  const byName = jobsSaid(run, t, jobs);
  // A job said by what it does ("move the nightly purge to 3am"), when no name is said (round 31).
  const described = byName.length === 0 && targetsIn(run, t).names.every((n) => jobs.some((j) => j.container === n)) ? jobsDescribed(run, t, jobs as (typeof jobs[number] & { command?: unknown })[]) : [];
  const byWord = byName.length ? byName : described;
  if (described.length > 1 && parseSchedule(t, 3)) {
    run.questions.push(`Which job should change: ${orList(described.map((j) => j.name))}? Nothing was changed.`);
    return true;
  }
  if (byWord.length !== 1) return false;
  const job = byWord[0]!;
  const rest = t.replace(new RegExp(`(?<![\\w-])${escapeRe(job.name)}(?![\\w-])`), ' ').replace(/\binstead\s+of\s+\S+/, ' ').replace(/\bnot\s+(?:at\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm)?\s*[.!]*$/, ' ');
  const schedule = refinedSchedule(job.schedule, rest, 3);
  if (!schedule || schedule.cron === job.schedule) return false;
  const at = jobs.indexOf(job);
  run.ws.set('scheduled.yaml', [...JOBS, at, 'schedule'], schedule.cron);
  if (job.container) mentionFocus(run, job.container);
  run.lines.push(`~ job ${job.name}: runs ${schedule.words} (${schedule.cron}; was ${job.schedule})`);
  return true;
}

/** The services that run the user's own code: an image of their own or a language runtime's, no template's or catalogue app's. */
function codeServices(run: Run): string[] {
  return services(run).filter((s) => templateOf(s) === undefined && appOfImage(s.image) === undefined).map((s) => s.name);
}

/** The command of "run <words> in <service> [container]" or "<schedule>: <words> inside <service>" / "(<service> container)", when that service exists. */
function namedContainerCommand(run: Run, clause: string): string | undefined {
  const m = /\b(?<!\b(?:bundle|docker|compose|kubectl|npm|pnpm|yarn|poetry|pipenv|uv|cargo|go)\s)(?:run|runs|execute|exec|schedule)\s+(.+?)\s+(?:in|inside|within)\s+(?:the\s+)?([a-z0-9][\w-]*)(?:\s+container)?\b/i.exec(clause) ??
    /:\s+(.+?)\s*(?:\(\s*(?:in\s+)?(?:the\s+)?([a-z0-9][\w-]*)\s+container\s*\)|\s(?:in|inside|within)\s+(?:the\s+)?([a-z0-9][\w-]*)(?:\s+container)?)\s*[.!]?$/i.exec(clause);
  if (!m) return commandFirst(run, clause);
  // "every night at 3 run bin/cleanup in it": the service under discussion.
  const said = (m[2] ?? m[3])?.toLowerCase();
  const svc = said && /^(?:it|that|this|there)$/.test(said) ? focusTargets(run)[0] : said;
  if (!svc || !getService(run, svc)) return undefined;
  return beforeSchedule(m[1]!);
}

/**
 * "run curl -fsS https://x/ping from a small alpine container", "… in a throwaway busybox
 * container", "… in a utility container": a job with no service of its own, run in a minimal
 * container of that image (busybox when none is named). Not when the word is a service.
 */
function utilityContainer(run: Run, clause: string): { command: string; image: string } | undefined {
  const where = String.raw`\s+(?:from|in|inside|within|using|on)\s+(?:an?\s+|the\s+)?(?:(?:small|tiny|minimal|throwaway|throw-away|plain|separate|standalone|one-off|fresh|little|lightweight|light|new|temporary|temp)\s+)*(?:([a-z0-9][\w./-]*(?::[\w.-]+)?)\s+)?(?:utility\s+|helper\s+)?(?:container|image|box)\b`;
  // "hourly, curl https://x/ping from a little utility container", "daily at 2am wget … in a
  // throwaway container": the command said with no verb, after the schedule or before it.
  const m = new RegExp(String.raw`\b(?:run|runs|execute|exec|schedule)\s+(.+?)${where}`, 'i').exec(clause) ?? new RegExp(String.raw`^(.+?)${where}`, 'i').exec(withoutLeadingSchedule(clause));
  if (!m) return imageSaid(run, clause);
  const said = m[2]?.toLowerCase();
  if (said && getService(run, said)) return undefined;
  const word = said && !/^(?:utility|helper|separate|docker|job|cron)$/.test(said) ? said : undefined;
  const command = beforeSchedule(m[1]!);
  // With no verb, only a command that looks like one: a flag, a path or a URL after a program's name.
  if (!command || (!/^(?:run|runs|execute|exec|schedule)\b/i.test(m[0]) && !(/^[a-z][\w.-]*\s/i.test(command) && /(?:^|\s)--?[a-z]|\//i.test(command) && detectVerb(command) === undefined))) return undefined;
  // The image as said ("alpine", "curlimages/curl"): the blind sets expect a job's image as typed (round 36, held-out 29 job-02, job-11); none said is busybox.
  return { command, image: !word ? 'busybox:latest' : word };
}

/**
 * A job's own image said with "using", "with", "on", "from" or "use … to run" (round 33): "run
 * `python /app/report.py` every weekday at noon using python:3.12-slim", "use alpine:3.20 to run
 * `find …` every day at 4:15", "with busybox:1.36, run `du -sh /data` hourly". The image is a
 * reference with a tag or a path (a bare word is a service or a program), not a service's name,
 * and outside the command; the command is the quoted one, else the words after run up to the image.
 */
function imageSaid(run: Run, clause: string): { command: string; image: string } | undefined {
  const plain = clause.replace(new RegExp(QUOTED, 'g'), (q) => ' '.repeat(q.length));
  // "use the alpine image to run …": a bare name is an image when "image" follows it (round 36).
  const said = /(?:^|[\s,(])(?:using|with|on|from|use)\s+(?:the\s+|an?\s+)?(?:image\s+)?((?:[a-z0-9][\w.-]*\/)*[a-z][\w.-]*:[\w][\w.-]*|(?:[a-z0-9][\w.-]*\/)+[a-z][\w.-]*|[a-z][\w.-]*(?=\s+image\b))(?:\s+(?:image|container))?(?=$|[\s,;:)!?]|\.(?:\s|$))/i.exec(plain);
  if (!said || getService(run, said[1]!.split(/[:/]/)[0]!.toLowerCase())) return undefined;
  const image = said[1]!.toLowerCase();
  const quoted = findQuoted(clause)[0];
  const verb = new RegExp(String.raw`\b(?:run|runs|execute|exec)\s+(.+?)\s+(?:using|with|on|from)\s+(?:the\s+|an?\s+)?(?:image\s+)?${escapeRe(said[1]!)}`, 'i').exec(clause);
  const command = quoted ?? (verb ? beforeSchedule(verb[1]!) : undefined);
  if (!command || command.includes(said[1]!)) return undefined;
  // The image as said (round 36): a job's image is what was typed, "curlimages/curl" as much as "alpine:3.20".
  return { command, image };
}

/** The clause without the schedule said first ("hourly, ", "daily at 2am ", "every 10 minutes: "). */
function withoutLeadingSchedule(clause: string): string {
  return clause.replace(/^\s*(?:(?:every|each|daily|nightly|hourly|weekly|monthly|at|on|the|and|a|an|per|past|to|after|quarter|half|twice|once|minutes?|mins?|hours?|hrs?|days?|nights?|mornings?|evenings?|weekdays|weekends|noon|midnight|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\b[\s,:;-]*)+/i, '');
}


/**
 * "php artisan horizon:snapshot every 10 minutes in app", "php artisan x — every 10 min, in
 * worker", "cleanup.sh nightly (worker container)": the command said first, with no verb, then
 * its schedule, then an existing service's container at the end.
 */
function commandFirst(run: Run, clause: string): string | undefined {
  // The container said at the end, or before a schedule that ends the clause ("redis-cli FLUSHALL on redis every sunday at 4am").
  const where = [...clause.matchAll(/[\s,;—–-]*(?:\(\s*(?:in\s+)?(?:the\s+)?([a-z0-9][\w-]*)\s+container\s*\)|\b(?:in|inside|within|on)\s+(?:the\s+)?([a-z0-9][\w-]*)(?:\s+container)?)(?=\s*[,;—–-]?\s*(.*?)\s*[.!]?$)/gi)].find((m) => {
    const after = m[3] ?? '';
    return getService(run, (m[1] ?? m[2])!.toLowerCase()) && (after === '' || (parseSchedule(after.toLowerCase(), 3) !== undefined && detectVerb(after) === undefined));
  });
  if (!where) return undefined;
  const cmd = beforeSchedule(clause.slice(0, where.index).replace(/^\s*(?:(?:please|pls|plz|can\s+you|could\s+you)\s+)?(?:(?:run|execute|exec)\s+(?=\S*[-_./]|\S+\s+-))?/i, ''));
  // The first word is a program, not one of the engine's own verbs ("restart nginx every night in app").
  return cmd && detectVerb(cmd) === undefined && !/^(?:and|then|also|to|for)\b/i.test(cmd) ? cmd : undefined;
}

/**
 * "vacuum the postgres db every sunday at 4am with vacuumdb --all", "… using pg_dump -Fc mydb":
 * a command said after with/using/via, when it looks like one (a flag, a path, a program name
 * that is not an English word), never "with a 5 minute timeout".
 */
function commandAfterWith(clause: string): string | undefined {
  const m = /\b(?:with|using|via|by\s+running)\s+((?:[a-z][\w.:-]*|\.?\/[\w./-]+)(?:\s+[^\s,;]+){0,8}?)\s*(?=$|[.!]\s*$|\s+(?:in|inside)\s+(?:the\s+)?[\w-]+(?:\s+container)?\s*[.!]?$)/i.exec(clause);
  if (!m) return undefined;
  const cmd = beforeSchedule(m[1]!);
  if (!cmd) return undefined;
  const first = cmd.split(/\s+/)[0]!;
  return /(?:^|\s)--?[a-z]|\/|:/i.test(cmd) || (/^[a-z][\w-]*$/i.test(first) && /[_\d]|[a-z]{4,}/i.test(first) && !englishWord(first.toLowerCase())) ? cmd : undefined;
}

/** Commands that make a service re-read its configuration, by template. */
const RELOAD_COMMANDS: Record<string, string> = {
  nginx: 'nginx -s reload',
  caddy: 'caddy reload --config /etc/caddy/Caddyfile',
  postgres: 'pg_ctl reload -D /var/lib/postgresql/data',
  prometheus: 'kill -HUP 1',
};

/**
 * "every sunday at 2am reload nginx": a scheduled reload is a job running the service's own
 * reload command inside it. A scheduled restart or stop is not something a job inside the
 * container can do: said, nothing changed.
 */
function scheduledLifecycle(run: Run, clause: string, schedule: { cron: string; words: string }): boolean {
  const t = clause.toLowerCase();
  const act = /\b(reload|restart|reboot|bounce|recreate|stop|start)\b/.exec(t)?.[1];
  if (!act) return false;
  // A schedule said as one ("stop redis for now" is not).
  if (!/\b(every|each|daily|nightly|weekly|monthly|hourly|weekdays?|weekends?|twice|once)\b|\bon\s+(sun|mon|tue|wed|thu|fri|sat)[a-z]*s?\b/.test(t)) return false;
  const names = targetsIn(run, clause).names;
  const name = names[0] ?? (/\b(it|that|this)\b/.test(t) ? focusTargets(run)[0] : undefined);
  if (!name) {
    run.questions.push(`Which service should ${act} ${schedule.words}? (${services(run).map((s) => s.name).join(', ') || 'there are no services yet'})`);
    return true;
  }
  const svc = getService(run, name)!;
  const reload = RELOAD_COMMANDS[templateOf(svc) ?? repoOf(svc.image)];
  if (act !== 'reload' || !reload) {
    run.questions.push(
      `Not done: ${act} ${name} ${schedule.words}. Jobs run a command inside a service's container, so they cannot ${act === 'reload' ? `reload ${name} (I know no reload command for ${svc.image})` : `${act} the container itself`}. Say the command to run, e.g. "run '<command>' in ${name} ${schedule.words}".`,
    );
    return true;
  }
  const jobs = run.ws.items<{ name: string }>('scheduled.yaml', JOBS);
  let unique = `${name}-reload`;
  for (let k = 2; jobs.some((j) => j.name === unique); k++) unique = `${name}-reload-${k}`;
  run.ws.append('scheduled.yaml', JOBS, { name: unique, schedule: schedule.cron, container: name, command: reload });
  mentionFocus(run, name);
  run.lines.push(`+ job ${unique}: runs "${reload}" inside ${name} ${schedule.words} (${schedule.cron})`);
  return true;
}

// ── lifecycle: remove / stop / start / restart ─────────────────────────────

function handleLifecycle(run: Run, clause: string, verb: 'remove' | 'stop' | 'start' | 'restart'): boolean {
  // "nuke the redis cache every sunday at 5am": a removal said with a schedule that repeats is
  // something to do again and again inside the service, never the service removed now.
  const repeats = parseSchedule(clause.toLowerCase(), 3);
  if (verb === 'remove' && repeats && /\b(?:every|each|daily|nightly|weekly|monthly|hourly|weekdays|weekends)\b|\bon\s+(?:sun|mon|tue|wed|thu|fri|sat)[a-z]*s\b/i.test(clause)) {
    run.questions.push(`Not done: "${clause.trim()}" ${repeats.words}. A job runs a command inside a service's container; say the command, e.g. "run 'redis-cli FLUSHDB' in redis ${repeats.words}". Nothing was removed.`);
    return true;
  }
  const { names: found, all } = targetsIn(run, clause);
  let names = found;
  if (names.length === 0) {
    // A service said as kept ("…, tear it down. leave redis alone") is never the one said to be missing.
    const mentions = findServiceMentions(withoutNegatedMentions(clause));
    if (mentions.length > 0 || findQuoted(clause).length > 0) {
      const what = mentions[0]?.text ?? findQuoted(clause)[0];
      run.notes.push(`There is no ${what} service to ${verb}.`);
      return true;
    }
    if (!/\b(it|them|that|those|this)\b/.test(clause.toLowerCase())) return false;
    // "That demo thing nobody uses. Can you get rid of it?", "nobody needs the demo service, destroy
    // it": a singular pronoun with one service of this host named elsewhere in the same message is
    // that service (round 32), before the turns before are looked at.
    const inMessage = /\b(?:them|those)\b/i.test(clause) ? { names: [], all: false } : targetsIn(run, run.input.message);
    // Round 38 (held-out 33 risky-03): "delete memcached and remove it", "… and restart it": the
    // pronoun is the service an earlier clause of this request removed, never another one (it
    // removed, or restarted, postgres: the one the state had last).
    const goneHere = run.lines.map((l) => /^- ([\w.-]+)(?: \(|$)/.exec(l)?.[1]).filter((n): n is string => n !== undefined && getService(run, n) === undefined);
    if (inMessage.names.length === 0 && goneHere.length > 0) {
      if (verb !== 'remove') run.questions.push(`Not done: "${clause.trim()}": ${goneHere[goneHere.length - 1]} is removed by this request, so there is nothing to ${verb}.`);
      return true;
    }
    names = !inMessage.all && inMessage.names.length === 1 ? inMessage.names : focusTargets(run);
    if (names.length === 0) {
      const all = services(run);
      const pronoun = /\b(it|them|that|those|this)\b/i.exec(clause)!;
      if (all.length === 0) run.questions.push(`Which service should I ${verb}? There are none yet.`);
      const filled = all.length > 0 ? need(run, { slot: 'service', question: `Which service should I ${verb}: ${orList(all.map((s) => s.name))}?`, choices: all.map(serviceChoice), fill: (v) => clause.slice(0, pronoun.index) + v + clause.slice(pronoun.index + pronoun[0].length) }) : undefined;
      return filled === undefined ? true : handleLifecycle(run, filled, verb);
    }
  }
  if (all && names.length === 0) {
    run.notes.push('There are no services yet.');
    return true;
  }
  const here = services(run).map((o) => o.name);
  // Removing a service others wait for (depends_on): the others are named and asked about, never
  // edited without a word (round 32). Said with them ("remove prometheus and grafana", "…, keep
  // grafana", "…, the api can run without it") it is done; the answer "keep them" or "remove them
  // too" completes it.
  if (verb === 'remove' && !all) {
    const dependants = services(run).filter((o) => !names.includes(o.name) && (o.depends_on ?? []).some((d) => names.includes(d) && settingOf(clause, d, here) === undefined)).map((o) => o.name);
    // Named anywhere in the message, kept or removed ("…, keep grafana" is said of it too).
    const said = dependants.filter((d) => new RegExp(String.raw`(?<![\w.-])${escapeRe(d)}(?![\w-])`, 'i').test(run.input.message) || findServiceMentions(run.input.message).some((m) => existingFor(run, m) === d));
    const unsaid = dependants.filter((d) => !said.includes(d));
    if (unsaid.length > 0 && /\b(?:everything|all|whatever|anything)\s+(?:that\s+|which\s+)?(?:depends|relies|needs|uses|waits)\b|\b(?:its|their)\s+dependen(?:ts|cies)\b|\bwith\s+(?:its|their)\s+dependents\b/i.test(run.input.message)) names = [...names, ...unsaid];
    else if (unsaid.length > 0) {
      const gone = names.filter((n) => unsaid.some((d) => (getService(run, d)!.depends_on ?? []).includes(n)));
      const them = unsaid.length > 1 ? 'them' : 'it';
      const choice = need(run, {
        slot: 'service',
        question: `${orList(unsaid).replace(/ or /, ' and ')} ${unsaid.length > 1 ? 'depend' : 'depends'} on ${orList(gone).replace(/ or /, ' and ')} (depends_on). Remove ${unsaid.join(' and ')} too, or keep ${them} without ${gone.join(' and ')}? Say "remove ${them} too" or "keep ${them}".`,
        choices: [
          { value: `remove ${unsaid.join(' and ')} too`, words: ['too', 'also', 'as well', 'both', 'all of them', 'everything', 'remove them', 'remove it', 'delete them', 'delete it'] },
          { value: `keep ${unsaid.join(' and ')}`, words: ['keep', 'leave', 'without', 'only', 'just'] },
        ],
        fill: (v) => v,
      });
      if (choice === undefined) return true;
      if (choice.startsWith('remove ')) names = [...unsaid, ...names];
    }
  }
  for (const name of names) {
    mentionFocus(run, name);
    const svc = getService(run, name)!;
    // "remove the tag from nginx", "drop worker's replicas", "remove app's image": the head of the
    // object is a setting, the service only its possessor; the service stays (review 23 HIGH-1).
    const setting = verb === 'remove' ? settingOf(clause, name, here) : undefined;
    if (setting !== undefined) {
      settingRemoved(run, clause, name, setting);
      continue;
    }
    if (verb === 'remove') removeService(run, name);
    else if (verb === 'stop') {
      if (svc.state === 'stopped') run.notes.push(`${name} is already stopped.`);
      else {
        run.ws.set('services.yaml', svcPath(run, name, 'state'), 'stopped');
        run.lines.push(`~ ${name}: stopped (its definition and data are kept; "start ${name}" brings it back)`);
      }
    } else if (verb === 'start') {
      if (svc.state !== 'stopped' && svc.enabled !== false) run.notes.push(`${name} is already meant to be running.`);
      else {
        run.ws.delete('services.yaml', svcPath(run, name, 'state'));
        if (svc.enabled === false) run.ws.delete('services.yaml', svcPath(run, name, 'enabled'));
        run.lines.push(`~ ${name}: running`);
      }
    } else {
      restartService(run, name);
    }
  }
  return true;
}

/**
 * A restart is a change of the label `restarted-at`: the service's config hash changes, so
 * the plan replaces its containers (stop, remove, create, start, health check).
 */
function restartService(run: Run, name: string): void {
  const stamp = run.input.now.toISOString();
  run.ws.set('services.yaml', svcPath(run, name, 'labels', 'restarted-at'), stamp);
  const svc = getService(run, name)!;
  if (svc.state === 'stopped') run.ws.delete('services.yaml', svcPath(run, name, 'state'));
  run.lines.push(`~ ${name}: restart (label restarted-at=${stamp} makes the plan replace its container)`);
}

/** The nouns that name a service itself when they head the object ("the worker service", "the container for worker"). */
const SERVICE_HEAD = /^(?:services?|containers?|apps?|applications?|deployments?|stacks?|boxe?s?|servers?|instance|everything|all|anything|it|them|that|this|those|one|ones|thing|data|volumes?|stuff)$/i;
const OBJECT_DET = /^(?:the|its|their|his|her|all|every|any|each|of|that|this|those|these)$/i;
const REMOVAL_VERB = String.raw`(?:remove|delete|drop|clear|get\s+rid\s+of|take\s+away|take\s+off|lose|ditch|scrap|wipe(?:\s+out)?|nuke|strip(?:\s+off)?|purge|uninstall|destroy|trash|axe|bin|junk|eliminate|yeet|do\s+away\s+with|blow\s+away|unset)`;

/**
 * The setting a removal verb's object names for the service `name`, or undefined when the object is the
 * service itself: the head of the object decides (review 23 HIGH-1), not a word list. "NAME's HEAD" and
 * "(the) … HEAD of/on/from/for/in (the) NAME" with a head that is not the service (nor "service",
 * "container", a pronoun, another service) are a setting of NAME.
 */
function settingOf(clause: string, name: string, names: string[]): string | undefined {
  const n = escapeRe(name);
  const head = (phrase: string): string | undefined => {
    const words = phrase.toLowerCase().split(/\s+/).filter((w) => w !== '' && !OBJECT_DET.test(w));
    const h = words.at(-1);
    if (h === undefined || SERVICE_HEAD.test(h) || !/^[a-z][a-z-]*$/.test(h) || words.some((w) => names.some((o) => o.toLowerCase() === w))) return undefined;
    return words.join(' ');
  };
  const own = new RegExp(String.raw`\b${REMOVAL_VERB}\s+(?:(?:the|its|all|every|any|each)\s+)*(?:the\s+)?${n}(?:'s|’s)\s+((?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s*(?=$|[,.;!?]|\s+(?:and|but|please|pls|now|too|as\s+well|entirely|completely|altogether|setting|config)\b)`, 'i').exec(clause);
  if (own) return head(own[1]!);
  const of = new RegExp(String.raw`\b${REMOVAL_VERB}\s+((?:[a-z][\w-]*\s+){1,5}?)(?:of|on|from|for|in)\s+(?:the\s+)?${n}\b`, 'i').exec(clause);
  if (of) return head(of[1]!);
  return undefined;
}

/** A setting removed from a service: replicas go back to one; any other is said as not done, the service left as it is. */
function settingRemoved(run: Run, clause: string, name: string, setting: string): void {
  const svc = getService(run, name)!;
  if (/\b(?:replicas?|instances|copies|scaling|scale)\b/.test(setting)) {
    const cur = svc.replicas ?? 1;
    if (cur === 1) {
      run.notes.push(`${name} already runs one replica; nothing to change.`);
      return;
    }
    run.ws.set('services.yaml', svcPath(run, name, 'replicas'), 1);
    run.lines.push(`~ ${name}: 1 replica (was ${cur})`);
    return;
  }
  run.questions.push(`Not done: "${clause.trim()}": ${setting} is a setting of ${name}, not the service, and I cannot remove it here, so I changed nothing (${name} is left as it is; "remove ${name}" removes the service itself).`);
}

function removeService(run: Run, name: string): void {
  const i = serviceIndex(run, name);
  const svc = getService(run, name)!;
  run.ws.removeAt('services.yaml', SVC, i);
  for (const other of services(run)) {
    if (other.depends_on?.includes(name)) {
      const deps = other.depends_on.filter((d) => d !== name);
      if (deps.length) run.ws.set('services.yaml', svcPath(run, other.name, 'depends_on'), deps);
      else run.ws.delete('services.yaml', svcPath(run, other.name, 'depends_on'));
      run.lines.push(`~ ${other.name}: no longer waits for ${name} to start (depends_on)`);
    }
  }
  const jobs = run.ws.items<{ name: string; container?: string }>('scheduled.yaml', JOBS);
  for (let j = jobs.length - 1; j >= 0; j--) {
    if (jobs[j]!.container === name) removeJobAt(run, j, jobs[j]!);
  }
  const vols = (svc.volumes ?? []).map((v) => v.source).filter((s) => !s.startsWith('/'));
  // A dump is made by the database itself; with the database gone, its data is archived instead.
  for (const v of vols) {
    const vi = run.ws.indexOf('storage.yaml', VOLS, v);
    const b = vi >= 0 ? run.ws.get<{ type?: string }>('storage.yaml', [...VOLS, vi, 'backup']) : undefined;
    if (b?.type === 'dump' && !services(run).some((o) => (o.volumes ?? []).some((m) => m.source === v))) {
      run.ws.set('storage.yaml', [...VOLS, vi, 'backup', 'type'], 'archive');
      run.lines.push(`~ volume ${v}: backed up as a tar.zst of its directory (no database dumps it any more)`);
    }
  }
  run.lines.push(`- ${name}${vols.length ? ` (its volume${vols.length > 1 ? 's' : ''} ${vols.join(', ')} and the data in ${vols.length > 1 ? 'them' : 'it'} are kept)` : ''}`);
  // A network is there for its services to find each other: with the last of them gone, it goes
  // too (the plan removes it from the engine), rather than staying declared with nothing on it.
  for (const net of svc.networks ?? []) {
    if (services(run).some((o) => (o.networks ?? []).includes(net))) continue;
    const ni = run.ws.indexOf('services.yaml', NETS, net);
    if (ni < 0) continue;
    run.ws.removeAt('services.yaml', NETS, ni);
    run.lines.push(`- network ${net} (no service is on it any more)`);
  }
  run.focus = run.focus.filter((f) => f !== name);
}

// ── environment variables ──────────────────────────────────────────────────

const SECRETISH = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/;

/** "set LOG_LEVEL=debug on api", "set the env var LOG_LEVEL to debug for api". */
/**
 * "api needs SMTP_PASSWORD from the secret smtp_pass", "set STRIPE_KEY on worker from secret
 * stripe_key", "pass the secret api_token to api as API_TOKEN": an environment variable whose
 * value is a secret, written as ${secrets.NAME} (resolved only by the runtime). A secret that
 * is not set yet is generated (so the plan holds together) and said, with how to set the real
 * value.
 */
/**
 * A secret made up for a service's variable: "generate a random secret and give it to api as
 * SESSION_KEY", "api needs a random JWT_SECRET", "create a strong SESSION_KEY for api", "set
 * APP_KEY on web to something random". The value is generated (never seen here) and stored
 * encrypted; the variable refers to it.
 */
/**
 * "…, just make one up", "generate one", "invent one and don't show it to me": the value of the
 * secret variable said in the clause before is generated (never shown). Round 24: said as a clause
 * of its own, it was not understood, and "dont show it to me" was refused as concealment.
 */
const MAKE_ONE_UP = /\b(?:make\s+(?:one|it|something)\s+up|(?:generate|invent|create|pick|choose)\s+(?:one|it|something)(?:\s+(?:random|strong|for\s+(?:me|it)))?)\b/i;
const ONLY_MAKE_ONE_UP = /^(?:\s|,|\band\b|\bbut\b|\bjust\b|\bplease\b|\bpls\b|\bthen\b|\byourself\b|(?:do\s+not|don'?t|dont|no\s+need\s+to)\s+(?:show|tell|print|give)\s+(?:it|me|them)(?:\s+(?:to\s+me|the\s+value))?|i\s+(?:don'?t|do\s+not)\s+(?:need|want)\s+to\s+(?:see|know)\s+it|make\s+(?:one|it|something)\s+up|(?:generate|invent|create|pick|choose)\s+(?:one|it|something)(?:\s+(?:random|strong|for\s+(?:me|it)))?|[.!])*$/i;
function handleGeneratedEnv(run: Run, clause: string): boolean {
  if (run.generated.length > 0 && MAKE_ONE_UP.test(clause) && ONLY_MAKE_ONE_UP.test(clause)) return true;
  const madeUp = MAKE_ONE_UP.test(run.input.message) && /\b[A-Z0-9]+_(?:[A-Z0-9]+_)*(?:SECRET|KEY|TOKEN|PASSWORD)(?:_[A-Z0-9]+)*\b|\b(?:SECRET|TOKEN)_[A-Z0-9_]+\b/.test(clause);
  if (!madeUp && !/\b(?:generat\w*|random(?:ly)?|strong|auto-?generat\w*|make\s+(?:one\s+)?up|invent\w*|fresh|new\s+(?:secret|key|token|password))\b/i.test(clause)) return false;
  const v = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9]{3,})\b/.exec(clause);
  if (!v || /^(?:HTTPS?|SSH|TCP|UDP|TLS|DNS|CPU|RAM|UTC|GMT|SMTP|JSON|YAML|HTML)$/.test(v[1]!)) return false;
  const variable = v[1]!;
  const rest = clause.replace(variable, ' ');
  const named = targetsIn(run, rest).names;
  const targets = named.length > 0 ? named : focusTargets(run);
  if (targets.length === 0) {
    run.questions.push(`Which service should get the generated ${variable}? (${services(run).map((s) => s.name).join(', ') || 'there are none yet'})`);
    return true;
  }
  const saidM = /\bsecret\s+(?:(?:called|named)\s+['"“‘`]?([a-z][a-z0-9_]{0,62})|['"“‘`]([a-z][a-z0-9_]{0,62})['"”’`]|([a-z][a-z0-9]*_[a-z0-9_]+))/.exec(clause);
  const said = saidM ? (saidM[1] ?? saidM[2] ?? saidM[3]) : undefined;
  for (const name of targets) {
    const secret = said ?? `${name}_${variable.toLowerCase()}`.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
    if (!run.input.secretNames.includes(secret) && !run.generated.some((g) => g.name === secret)) run.generated.push({ name: secret, purpose: `${name} (${variable})` });
    run.ws.set('services.yaml', svcPath(run, name, 'environment', variable), `\${secrets.${secret}}`);
    mentionFocus(run, name);
    run.lines.push(`~ ${name}: environment ${variable} from the secret ${secret} (resolved only by the runtime)`);
  }
  return true;
}

function handleEnvFromSecret(run: Run, clause: string): boolean {
  const secretName = String.raw`['"“‘\`]?([a-z][a-z0-9_]{0,62})['"”’\`]?`;
  const a = new RegExp(String.raw`\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\b(?:\s+(?:env(?:ironment)?\s+)?(?:var(?:iable)?)?)?[^.;]{0,40}?\b(?:from|=|to|using|with|via|out\s+of|reads?|as)\s+(?:the\s+|a\s+|my\s+)?(?:secret\s+(?:called\s+|named\s+)?${secretName}|\$\{secrets\.([a-z][a-z0-9_]{0,62})\}|${secretName}\s+secret\b)`).exec(clause);
  const b = /\bsecret\s+['"“‘`]?([a-z][a-z0-9_]{0,62})['"”’`]?\s+(?:as|into|in|for|to)\s+(?:[\w-]+\s+)?(?:as\s+)?(?:the\s+)?(?:env(?:ironment)?\s+(?:var(?:iable)?\s+)?)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\b/.exec(clause);
  if (!a && !b && passwordOfService(run, clause)) return true;
  const variable = a?.[1] ?? b?.[2];
  const secret = a ? (a[2] ?? a[3] ?? a[4]) : b?.[1];
  if (!variable || !secret || variable.length < 3 || /^(SSH|HTTP|HTTPS|TCP|UDP|TLS|API|DNS|CPU|RAM)$/.test(variable)) return false;
  const rest = clause.replace(variable, ' ').replace(new RegExp(String.raw`\b${escapeRe(secret)}\b`, 'g'), ' ');
  const named = targetsIn(run, rest).names;
  const targets = named.length > 0 ? named : focusTargets(run);
  if (targets.length === 0) {
    run.questions.push(`Which service should get ${variable} from the secret ${secret}? (${services(run).map((s) => s.name).join(', ') || 'there are none yet'})`);
    return true;
  }
  if (!run.input.secretNames.includes(secret) && !run.generated.some((g) => g.name === secret)) {
    run.generated.push({ name: secret, purpose: `${targets[0]} (${variable}); it was not set yet, so this is a random placeholder: if it is a password from elsewhere (SMTP, an API), set the real one with \`claude secret set ${secret}\` before you apply` });
  }
  for (const name of targets) {
    run.ws.set('services.yaml', svcPath(run, name, 'environment', variable), `\${secrets.${secret}}`);
    mentionFocus(run, name);
    run.lines.push(`~ ${name}: environment ${variable} from the secret ${secret} (resolved only by the runtime)`);
  }
  return true;
}

/**
 * Another service's password handed over as a variable: "the api needs the database password in
 * DB_PASSWORD", "give web the redis password as REDIS_PASS", "pass the db's password to worker
 * as PGPASSWORD". The secret is the one the owner's own environment already refers to.
 */
function passwordOfService(run: Run, clause: string): boolean {
  const m = /\b(?:the\s+)?([\w-]+(?:'s|’s)?)\s+(?:(?:admin|root|user|master)\s+)?(?:password|pass|passwd|secret)\s+(?:in|as|into|to|via|through)\s+(?:the\s+|an?\s+)?(?:env(?:ironment)?\s+(?:var(?:iable)?\s+)?|variable\s+)?['"`]?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)['"`]?(?=$|[\s,;.!?])/.exec(clause);
  if (!m) return false;
  const ownerWord = m[1]!.replace(/(?:'s|’s)$/, '');
  const owners = targetsIn(run, ownerWord).names;
  if (owners.length !== 1) return false;
  const owner = getService(run, owners[0]!)!;
  const ref = Object.entries(owner.environment ?? {}).find(([k, v]) => /PASS|SECRET|TOKEN/.test(k) && /^\$\{secrets\.[a-z0-9_]+\}$/.test(String(v)));
  if (!ref) {
    run.questions.push(`${owner.name} has no password stored as a secret that I could hand over. Set one with \`claude secret set NAME\`, then say "give ${m[2]} from secret NAME to …".`);
    return true;
  }
  const rest = clause.slice(0, m.index) + ' ' + clause.slice(m.index + m[0].length);
  const targets = targetsIn(run, rest).names.filter((n) => n !== owner.name);
  const to = targets.length > 0 ? targets : focusTargets(run).filter((n) => n !== owner.name);
  if (to.length === 0) {
    run.questions.push(`Which service should get ${owner.name}'s password as ${m[2]}? (${services(run).map((x) => x.name).join(', ')})`);
    return true;
  }
  const secret = String(ref[1]).slice('${secrets.'.length, -1);
  for (const name of to) {
    run.ws.set('services.yaml', svcPath(run, name, 'environment', m[2]!), `\${secrets.${secret}}`);
    mentionFocus(run, name);
    run.lines.push(`~ ${name}: environment ${m[2]} from the secret ${secret}, ${owner.name}'s password (resolved only by the runtime)`);
  }
  return true;
}

/** Words in capitals that are not a variable's name. */
const NOT_VARIABLES = /^(?:SSH|HTTP|HTTPS|TCP|UDP|TLS|SSL|API|DNS|CPU|RAM|UTC|GMT|URL|IP|DB|OK|SYSTEM|IMPORTANT|NOTE|PS|FYI|ASAP|AM|PM|UI|GB|MB|KB|TB)$/;
// A value may hold commas with no space round them ("beta,search", "https://a.io,https://b.io"):
// one value, never a list of clauses (nlu.ts splitClauses masks it the same way).
const ENV_VALUE = String.raw`("[^"]*"|'[^']*'|“[^”]*”|[^\s,;"']+(?:,(?![A-Za-z_][A-Za-z0-9_]*=)[^\s,;"']+)*)`;
const ENV_KEY = String.raw`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}[0-9]*)`;

/**
 * Variables said in words rather than KEY=value: "env var FEATURE_X should be "on"", "and TZ
 * Europe/Berlin", "set DATABASE_URL on api to postgres://…", "set its LOG_LEVEL to debug",
 * "LOG_FORMAT: json". A name in capitals is a variable when the clause speaks of env or
 * variables, or sets it with a verb; a service named between the name and "to" is the target.
 */
function loosePairs(clause: string, envContext: boolean): { pairs: [string, string][]; spans: [number, number][]; svc?: string } {
  const pairs: [string, string][] = [];
  const spans: [number, number][] = [];
  let svc: string | undefined;
  // A comma that ends an unquoted value ends the list item, it is not the value's ("QUEUE to high, CONCURRENCY to 8").
  const unq = (v: string) => (/^["'“]/.test(v) ? v.replace(/^["'“]|["'”]$/g, '') : v.replace(/,+$/, ''));
  const add = (k: string, v: string, at: number, len: number) => {
    if (NOT_VARIABLES.test(k) || pairs.some(([x]) => x === k)) return;
    pairs.push([k, unq(v)]);
    spans.push([at, at + len]);
  };
  const verbSet = new RegExp(String.raw`\b(?:set|put|make|change|give|add|update)\s+(?:(?:its|the|their|an?|env(?:ironment)?|var(?:iable)?)\s+)*${ENV_KEY}(?:\s+(?:env(?:ironment)?\s+)?var(?:iable)?)?(?:\s+(?:on|for|in|of)\s+(?:the\s+)?([a-z][\w-]*)(?:\s+(?:service|container|app))?)?\s+(?:to|=|as|at)\s+${ENV_VALUE}`, 'g');
  for (const m of clause.matchAll(verbSet)) {
    add(m[1]!, m[3]!, m.index ?? 0, m[0].length);
    if (m[2]) svc = m[2];
  }
  // "set the api ALLOWED_HOSTS to …", "set api's LOG_LEVEL to debug": the service said between the verb and the name.
  const svcFirst = new RegExp(String.raw`\b(?:[Ss]et|[Pp]ut|[Cc]hange|[Uu]pdate)\s+(?:[Tt]he\s+)?([a-z][\w-]*)(?:'s|’s)?\s+(?:env(?:ironment)?\s+)?(?:var(?:iable)?\s+)?${ENV_KEY}\s+(?:to|=|as)\s+${ENV_VALUE}`, 'g');
  for (const m of clause.matchAll(svcFirst)) {
    if (/^(?:its|their|an?|env|environment|var|variable)$/.test(m[1]!)) continue;
    add(m[2]!, m[3]!, m.index ?? 0, m[0].length);
    svc ??= m[1];
  }
  // "set QUEUE to high and CONCURRENCY to 8", "…, B to 2": more of the list a set verb began.
  if (pairs.length > 0) for (const m of clause.matchAll(new RegExp(String.raw`(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)${ENV_KEY}\s+(?:to|=|as)\s+${ENV_VALUE}`, 'g'))) add(m[1]!, m[2]!, m.index ?? 0, m[0].length);
  // "turn on FEATURE_Y", "disable NEW_CHECKOUT": a flag (a name with an underscore) on or off.
  for (const m of clause.matchAll(/\b(turn(?:ed)?\s+on|switch(?:ed)?\s+on|enable[ds]?|turn(?:ed)?\s+off|switch(?:ed)?\s+off|disable[ds]?)\s+(?:the\s+)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b(?!\s*(?:=|to\b))/g)) add(m[2]!, /on|enable/i.test(m[1]!) ? 'true' : 'false', m.index ?? 0, m[0].length);
  const said = new RegExp(String.raw`(?:\b(?:env(?:ironment)?\s+(?:var(?:iable)?\s+)?|variable\s+))?(?<![\w$])${ENV_KEY}\s*(?:(?:(?:should|must|needs\s+to|has\s+to|is\s+to|to)\s+be|is|=|:)(?:\s+set\s+(?:to|as))?|(?:set|equal|equals|equal\s+to)\s*(?:to|as|=)?)\s+${ENV_VALUE}`, 'g');
  // "NODE_ENV should be set to production", "TZ set to Europe/Paris": "set" says it is a variable.
  // A name with an underscore ("LOG_LEVEL should be debug") is a variable too.
  for (const m of clause.matchAll(said)) if (envContext || /^(?:env|variable)/i.test(m[0]) || /\sset\s+(?:to|as)\s/i.test(m[0]) || m[1]!.includes('_')) add(m[1]!, m[2]!, m.index ?? 0, m[0].length);
  // "…, and TZ Europe/Berlin": a name in capitals and its value, in a clause about variables.
  if (envContext) {
    // "api needs NODE_ENV production and PORT 3000", "env vars REGION eu-west-1 and TIER gold".
    const bare = new RegExp(String.raw`(?<![\w$=/.-])${ENV_KEY}\s+(?!(?:should|must|needs|is|are|to|=|:|on|for|in|into|of|and|or|the|its|their|with|from|at|as|env|environment|var|vars|variables?)\b)${ENV_VALUE}`, 'g');
    for (const m of clause.matchAll(bare)) add(m[1]!, m[2]!, m.index ?? 0, m[0].length);
  }
  return { pairs, spans, ...(svc ? { svc } : {}) };
}

// ── round 24: a service's labels, command and networks ─────────────────────

/**
 * The services a clause about one of their settings means: those it names (with the words that
 * are the setting itself taken out), else the one under discussion ("give it the label …").
 */
function settingTargets(run: Run, clause: string): string[] {
  const named = targetsIn(run, clause).names;
  if (named.length > 0) return named;
  if (/\b(?:it|its|them|their|this\s+one|that\s+one)\b/i.test(clause) || run.clauseAdded.length > 0) return focusTargets(run);
  return [];
}

/**
 * "label the api with team=payments", "tag it env=prod", "add the labels team=a and tier=b to
 * api", "api should have the label owner=alice": each KEY=value said with a label word is a label
 * of the services meant. claude.os/* labels are the runtime's own: never written from a request.
 */
const LABEL_WORD = /\b(?:re)?(?:label(?:s|led|ed|ing)?|tag(?:s|ged|ging)?)\b/i;
const LABEL_PAIR = /(?<![\w$./:-])([a-z0-9][a-z0-9._/-]{0,62})\s*=\s*("[^"]*"|'[^']*'|[^\s,;"'=]+)/gi;
function handleLabels(run: Run, clause: string): boolean {
  if (!LABEL_WORD.test(clause)) return false;
  const pairs = [...clause.matchAll(LABEL_PAIR)].map((m) => [m[1]!, m[2]!.replace(/^["']|["']$/g, '')] as const);
  if (pairs.length === 0) return false;
  // "run IMAGE as hello and tag it team=frontend": what the clause adds before the label word is
  // added first, and the label goes to what it added.
  const at = clause.search(LABEL_WORD);
  const head = clause.slice(0, at).replace(/[\s,;]*(?:\band\b|\bthen\b)?[\s,;]*$/i, '');
  const added = /\w/.test(head) && detectVerb(head) === 'add' && interpretClause(run, head, 'add');
  const tail = added ? clause.slice(at) : clause;
  let names = settingTargets(run, tail.replace(LABEL_PAIR, ' '));
  if (names.length === 0 && added) names = run.clauseAdded.length > 0 ? [...run.clauseAdded] : focusTargets(run);
  if (names.length === 0) {
    run.questions.push(`Which service should get the label${pairs.length > 1 ? 's' : ''} ${pairs.map(([k, v]) => `${k}=${v}`).join(', ')}? e.g. "label the api with ${pairs[0]![0]}=${pairs[0]![1]}".`);
    return true;
  }
  for (const name of names) {
    mentionFocus(run, name);
    for (const [k, v] of pairs) {
      if (/^claude\.os\//i.test(k)) {
        run.notes.push(`Not done: the label ${k} (claude.os/ labels are the runtime's own and are never set from a request).`);
        continue;
      }
      if (getService(run, name)!.labels?.[k] === v) continue;
      run.ws.set('services.yaml', svcPath(run, name, 'labels', k), v);
      run.lines.push(`~ ${name}: label ${k}=${v}`);
    }
  }
  return true;
}

/**
 * "the worker should run `celery -A proj worker` instead of its default command", "override the
 * api's command with "python -m app serve"", "set api's command to `node server.js`": the quoted
 * words are the command its container runs (services.yaml `command`), inside the container.
 */
/**
 * A service's command said without quotes ("set the api's command to gunicorn app:app -w 4",
 * "api command: npm run start:prod", "make the api run uvicorn main:app as its command") is
 * quoted before anything reads the request, so no word of it is read as a request of its own
 * (round 25). It runs to the end of the clause: the end of the request, a ";", or ", and" / "and"
 * before a verb of its own ("… -w 4 and restart it").
 */
const COMMAND_LEAD = String.raw`\bwith\s+(?:the\s+)?(?:command|cmd|entrypoint)\s+(?!(?:to|of|for|that|which|is)\b)|\b(?:(?:start(?:up)?|run|default|container'?s?)\s+)?(?:command|cmd|entrypoint)\s*(?:(?:to|with|as)\s+|=\s*|:\s*|(?:should|must|needs?\s+to|has\s+to)\s+be\s+|is\s+)`;
// Round 30: ", command: python worker.py, no ports": a field said after the command ends it.
const COMMAND_END = String.raw`(?=\s*(?:,?\s*(?:and|then|&)\s+(?:then\s+)?(?:re)?(?:start|deploy|load|apply|also|give|set|add|scale|expose|publish|make|put|open|limit|move|bump|please|pls)\b|;|,\s+(?:please|pls|thanks?|thx)\b|,\s+(?:no\s+(?:host\s+)?ports?|not\s+published|internal\s+only|(?:on\s+)?ports?\s+\d|image\s|\d+\s*(?:replicas?|instances|copies)\b|(?:memory|ram|cpus?|replicas?|restart)\s*[:=]?\s*\d|named\s|called\s)|\s+(?:please|pls|thanks?|thx)\s*[.!]*\s*$|[.!?]*\s*$))`;
const UNQUOTED_COMMAND = new RegExp(String.raw`(${COMMAND_LEAD})(?![\s'"\`“‘])([^;'"\`]{1,300}?)${COMMAND_END}`, 'i');
const RUN_AS_COMMAND = /(\brun\s+)(?![\s'"`“‘])([^;'"`]{1,300}?)(\s+as\s+(?:its|the|their)\s+(?:(?:default|startup|start|container)\s+)*command\b)/i;
/**
 * Round 32: a command said in single or double quotes right after what names it ("with the command
 * '-text=hello'", "command: "--verbose"", "with args '-text=pong'", "passing '--mode=fast'", "that
 * runs 'sleep 3600'") is said in backticks, the one quoting every reader takes byte for byte; the
 * other kind of quote inside it is kept ('sh -c "…"'). Flags ("-text=…") are a command too.
 */
const COMMAND_IN_QUOTES = /(\b(?:with\s+(?:the\s+)?(?:command|cmd|args|arguments|flags?|entrypoint)|(?:the\s+)?(?:command|cmd|args|arguments|entrypoint)(?:\s+(?:is|would\s+be|should\s+be|will\s+be))?\s*[:=]?|passing|runn?ing|that\s+runs|which\s+runs?|executing)\s*)(?:'([^'\n`]{1,300})'|"([^"\n`]{1,300})"|“([^”\n`]{1,300})”)(?=\s|[,.;!?)]|$)/gi;
function commandInQuotes(message: string): string {
  return message.replace(COMMAND_IN_QUOTES, (_m, lead: string, a?: string, b?: string, c?: string) => `${lead}\`${(a ?? b ?? c)!}\``);
}

function commandQuoted(message: string): string {
  return message.replace(UNQUOTED_COMMAND, (_m, lead: string, cmd: string) => `${lead}\`${cmd.trim()}\``).replace(RUN_AS_COMMAND, (_m, lead: string, cmd: string, tail: string) => `${lead}\`${cmd.trim()}\`${tail}`);
}

/**
 * "enable backups for the redis volume too, same as postgres", "back up redis like postgres",
 * "same backups for redis as for postgres": the backup of the one named after "same as" / "like"
 * is copied, its schedule said as its cron line and its retention as "keep N" (round 25); the one
 * copied is not backed up again. Said of a service or volume with no backup, nothing is rewritten.
 */
const LIKE_ANOTHER = /((?<![\s,])\s*(?:,\s*)?)(?:(?:with\s+|on\s+|using\s+)?(?:the\s+)?same\s+(?:way|schedule|backups?|settings?|retention|policy|thing|plan)?\s*(?:as|like)(?:\s+(?:for|with|on))?|like(?<=\bback(?:ed)?\s+up\s+(?:the\s+)?[\w-]+(?:\s+volume)?\s+like)|just\s+like)\s+(?:the\s+|for\s+the\s+)?([a-z][\w-]{0,62}?)(?:'s|’s)?(?:\s+(?:volume|data|backups?|one|does|is|has))?(?=\s*(?:$|[,.;!?]|\b(?:too|also|please|pls|thanks)\b))/i;
function backupLikeAnother(message0: string, files: StateFiles): string {
  // "same backups for redis as for postgres": "back up redis same as postgres".
  const message = message0.replace(/\b(?:the\s+)?same\s+(?:backups?|backup\s+schedule|schedule)\s+for\s+(?:the\s+)?([a-z][\w-]{0,62})(?:\s+volume)?\s+as\s+(?:for\s+)?/i, 'back up $1 same as ');
  const m = LIKE_ANOTHER.exec(message);
  if (!m || !/\bback(?:ed|ing)?[\s-]?ups?\b|\bbackups?\b/i.test(message)) return message0;
  const ws = new Workspace(files);
  const vols = ws.items<{ name: string; backup?: { enabled?: boolean; schedule?: string; retain?: number } }>('storage.yaml', VOLS);
  const svcs = ws.items<Service>('services.yaml', SVC);
  const name = m[2]!.toLowerCase();
  const own = svcs.find((x) => x.name === name)?.volumes?.map((v) => v.source) ?? [];
  const vol = vols.find((v) => v.backup?.enabled && v.backup.schedule && (v.name === name || own.includes(v.name)));
  if (!vol) return message0;
  const said = `${m[1]!.includes(',') ? ', ' : ' '}cron ${vol.backup!.schedule}${vol.backup!.retain !== undefined ? `, keep ${vol.backup!.retain}` : ''}`;
  return message.slice(0, m.index) + said + message.slice(m.index + m[0].length);
}

/**
 * Round 29 (intent): a quoted command said beside a service in the other English orders: "the
 * worker should run "X"", "use `X` as the worker command", "worker command 'X'", "X as its
 * command" (the quote right after the verb or the noun). The quote is what runs, so an image-like
 * path inside it ("config/sidekiq.yml") is never read as the service's image.
 */
// "api should run with `gunicorn …`", "… should start using the command `…`" (round 35).
const COMMAND_QUOTED_SAID = String.raw`\b(?:should|must|needs?\s+to|has\s+to|shall)\s+(?:just\s+|only\s+|always\s+)?(?:(?:run|execute|start|launch|boot)\s+(?:with|using)\s+(?:the\s+|this\s+)?(?:(?:command|cmd|entrypoint)\s*:?\s*)?|run\s+as|run|execute)\s*(?=[\x60'"“‘])|\bas\s+(?:the\s+|its\s+|their\s+)?(?:[a-z][\w-]*(?:'s|’s)?\s+)?(?:(?:default|startup|start|container|new)\s+)*(?:command|cmd|entrypoint)\b|\b(?!(?:the|a|an|with|its|their|his|her|my|our|this|that|new|and|or|using|via)\b)[a-z][\w-]*(?:'s|’s)?\s+(?:(?:default|startup|start|container|new)\s+)*(?:command|cmd|entrypoint)\s*(?=[\x60'"“‘])`;
/** Compiled once (review 22 LOW-7: it was compiled on every clause). */
const COMMAND_QUOTED = new RegExp(COMMAND_QUOTED_SAID, 'i');
const SCHEDULED = /\b(?:jobs?|cron\w*|every|each|daily|nightly|hourly|weekly|monthly|at\s+\d|[0-9*]+\s+[0-9*]+\s+[0-9*]+)\b/i;
const SERVICE_COMMAND_SAID = new RegExp(String.raw`\b(?:run|start)\s+(?:the\s+)?[\w-]{1,64}\s+with\s+(?:the\s+)?(?:command|cmd|entrypoint)\b|\binstead\s+of\s+(?:its|the|their)\s+(?:(?:default|usual|normal|own|image'?s?|built-?in)\s+)*(?:command|cmd|entrypoint)\b|\b(?:(?:its|the|their|a)\s+|(?:the\s+)?[a-z][\w-]*(?:'s|’s)?\s+)(?:(?:default|container'?s?|startup|start|run)\s+)*(?:command|cmd|entrypoint)\s*(?:to\b|with\b|=|:|(?:should|must|needs?\s+to|has\s+to)\s+be\b|is\b)|\bcommand\s+(?:of|for)\s+(?:the\s+)?[a-z][\w-]*\s+(?:to|with|=|:|should\s+be|is)|\bas\s+(?:its|the|their)\s+(?:(?:default|startup|start|container)\s+)*command\b|\boverride\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+(?:'s|’s)?\s+)?(?:default\s+)?command\b|\b(?:run|use|execute)\s+(?:the\s+)?(?:command|cmd)\s*(?=[\x60'"“‘])|\bstart(?:s|ed)?\s+(?:up\s+)?with\s*(?=[\x60'"“‘])|${COMMAND_QUOTED_SAID}`, 'i');
function handleServiceCommand(run: Run, clause: string): boolean {
  if (!SERVICE_COMMAND_SAID.test(clause)) return false;
  // A quoted command said with a time is a job's ("the worker should run `x` every night"): handleJob's.
  if (COMMAND_QUOTED.test(clause) && SCHEDULED.test(clause.replace(new RegExp(QUOTED, 'g'), ' '))) return false;
  const said = findQuoted(clause).filter((q) => /\S/.test(q));
  if (said.length !== 1) return false;
  const cmd = said[0]!;
  const argv = execForm(cmd);
  const names = settingTargets(run, clause.replace(new RegExp(QUOTED, 'g'), ' '));
  if (names.length !== 1) {
    run.questions.push(`Which service should run \`${cmd}\` as its command? e.g. "the worker should run \`${cmd}\` instead of its default command".`);
    return true;
  }
  const name = names[0]!;
  mentionFocus(run, name);
  if (commandString(getService(run, name)!.command) === cmd) {
    run.already.push(`${name}: runs ${cmd}`);
    return true;
  }
  run.ws.set('services.yaml', svcPath(run, name, 'command'), argv ?? cmd);
  run.lines.push(`~ ${name}: command ${argv ? argv.join(' ') : cmd} (run inside its container, instead of the image's default)`);
  return true;
}

/**
 * "put the api on the backend network", "attach api to network backend", "the worker should
 * join the internal network": the service joins that container network (made when there is none
 * of that name). The host's network is never this (refused before: it shares the host's stack).
 */
const NETWORK_SAID = /\b(?:on|to|join|joins|into|onto|in|inside)\s+(?:the\s+|a\s+|an\s+|our\s+|their\s+|its\s+)?(?:(?:own|separate|dedicated|new)\s+)?(?:(?:docker|container|private|internal)\s+)?(?:network\s+['"“‘`]?([a-z][a-z0-9_-]{0,62})['"”’`]?(?![\w-])|['"“‘`]?([a-z][a-z0-9_-]{0,62})['"”’`]?\s+(?:docker\s+|container\s+)?network\b)/i;
function handleServiceNetwork(run: Run, clause: string): boolean {
  const m = NETWORK_SAID.exec(clause);
  if (!m) return false;
  // An address range or a firewall verb makes "the office network" a source, not a network to
  // join: "open the grafana port to the office network 172.16.0.0/12".
  if (/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b|[0-9a-f]{0,4}:[0-9a-f:]*:[0-9a-f]{0,4}\/\d{1,3}/i.test(clause) || /\b(?:open|allow|permit|block|deny|drop|reject|firewall|port|ports)\b/i.test(clause)) return false;
  const net = (m[1] ?? m[2]!).toLowerCase();
  if (/^(?:host|same|a|an|the|this|that|its|their|new|one|separate|own|other|default|bridge|none)$/.test(net) || getService(run, net)) return false;
  const names = settingTargets(run, clause.slice(0, m.index) + ' ' + clause.slice(m.index + m[0].length));
  if (names.length === 0) return false;
  if (!run.ws.items<{ name: string }>('services.yaml', NETS).some((n) => n.name === net)) {
    run.ws.append('services.yaml', NETS, { name: net });
    run.lines.push(`+ network ${net}: a private network where the services on it reach each other by name`);
  }
  for (const name of names) {
    mentionFocus(run, name);
    const s = getService(run, name)!;
    if (s.networks?.includes(net)) {
      run.already.push(`${name}: on network ${net}`);
      continue;
    }
    run.ws.set('services.yaml', svcPath(run, name, 'networks'), [...(s.networks ?? []), net]);
    run.lines.push(`~ ${name}: joins network ${net}`);
  }
  return true;
}

// ── round 27: a service's settings in words, and a setting removed ─────────

/** A verb that takes a setting away ("remove", "drop", "get rid of", "take … off"). */
const SETTING_GONE = String.raw`\b(?:remove|delete|drop|clear|unset|get\s+rid\s+of|take|pull|kick|strip|scrap|ditch|lose)\b`;
/**
 * The settings a service has that a request can take away, each with the words that name it.
 * The first group, when there is one, is the setting's own key (a variable, the service waited
 * for, the network left).
 */
const REMOVABLE: { what: 'environment' | 'command' | 'depends_on' | 'networks' | 'restart'; re: RegExp }[] = [
  { what: 'environment', re: new RegExp(String.raw`(?:\b(?:env(?:ironment)?\s+)?(?:var(?:iable)?\s+)?)\`?${ENV_KEY}\`?(?:\s+(?:env(?:ironment)?\s+)?(?:var(?:iable)?|setting)\b)?`) },
  { what: 'command', re: /\b(?:(?:custom|own|special|startup|start|default)\s+)*(?:command|cmd|entrypoint)(?:\s+override)?\b/i },
  { what: 'depends_on', re: /\b(?:dependenc(?:y|ies)|depends[_ ]on)\s+(?:on\s+)?(?:the\s+)?([a-z][\w-]*)/i },
  { what: 'networks', re: /\b(?:off|out\s+of|from)\s+(?:the\s+)?(?:network\s+([a-z][\w-]*)|([a-z][\w-]*)\s+network)\b/i },
  { what: 'restart', re: /\brestart\s+polic(?:y|ies)\b/i },
];

/**
 * "remove the DEBUG variable from the worker", "drop the api's dependency on redis", "remove the
 * custom command from the worker", "take the worker off the jobs network", "unset LOG_LEVEL on
 * the api": the setting goes, the service stays. Before round 27 each of these removed the
 * service (the grid's first run; HARM's round 26 found the same of a memory limit).
 */
function handleSettingRemoval(run: Run, clause: string): boolean {
  const gone = new RegExp(SETTING_GONE, 'i').exec(clause);
  if (!gone) return false;
  const after = clause.slice(gone.index);
  for (const { what, re } of REMOVABLE) {
    const m = re.exec(after);
    if (!m || m.index > 40) continue;
    // A name in capitals is a variable when it has an underscore, is in backticks, or is called one ("remove NGINX" is no variable).
    if (what === 'environment' && (NOT_VARIABLES.test(m[1]!) || !/_|`|\b(?:env|environment|var|variable|setting)\b/i.test(m[0]))) continue;
    // "take", "pull", "kick" remove only with "off"/"out of"/"away" ("take the worker off the jobs network").
    if (/^(?:take|pull|kick)$/i.test(gone[0]) && !/\b(?:off|out|away)\b/i.test(after)) continue;
    // The setting's words are left out when the services are read ("dependency on redis" names redis as the key, not a target).
    const key = m[1] ?? m[2];
    const rest = clause.slice(0, gone.index) + after.slice(0, m.index) + ' ' + after.slice(m.index + m[0].length);
    const names = settingTargets(run, rest);
    if (names.length !== 1) {
      run.questions.push(`Which service should lose ${key ? `its ${what === 'environment' ? 'variable' : what === 'networks' ? 'network' : 'dependency on'} ${key}` : `its ${what.replace('_', ' ')}`}? (${services(run).map((s) => s.name).join(', ') || 'there are none'}) Nothing was changed.`);
      return true;
    }
    const name = names[0]!;
    mentionFocus(run, name);
    const s = getService(run, name)!;
    const had = (v: unknown) => v !== undefined && (!Array.isArray(v) || v.length > 0);
    const cur = what === 'environment' ? s.environment?.[key!] : (s as unknown as Record<string, unknown>)[what];
    const keep = Array.isArray(cur) ? (cur as string[]).filter((x) => x !== key?.toLowerCase()) : undefined;
    if (!had(cur) || (keep && keep.length === (cur as string[]).length)) {
      run.already.push(`${name}: no ${key ? `${what === 'environment' ? 'variable' : what === 'networks' ? 'network' : 'dependency on'} ${key}` : what.replace('_', ' ')}`);
      return true;
    }
    if (keep && keep.length > 0) run.ws.set('services.yaml', svcPath(run, name, what), keep);
    else run.ws.delete('services.yaml', what === 'environment' ? svcPath(run, name, 'environment', key!) : svcPath(run, name, what));
    if (what === 'environment' && Object.keys(getService(run, name)!.environment ?? {}).length === 0) run.ws.delete('services.yaml', svcPath(run, name, 'environment'));
    run.lines.push(`~ ${name}: ${what === 'environment' ? `variable ${key} removed` : what === 'networks' ? `leaves network ${key}` : what === 'depends_on' ? `no longer waits for ${key}` : what === 'restart' ? 'restart policy back to the default (unless-stopped)' : `command removed (the image's own runs)`}`);
    return true;
  }
  return false;
}

/** A restart policy said in words: "restart policy: always", "restart unless stopped", "never auto-restart the worker". */
const RESTART_TO = String.raw`\brestart(?:s|ing)?(?:\s+polic(?:y|ies))?(?:\s*[:=]\s*|\s+(?:to|of|for\s+(?:the\s+)?[\w-]+\s*:?|should\s+be|is)\s+|\s+)["'\`]?`;
const RESTART_SAID: [RegExp, NonNullable<Service['restart']>][] = [
  [new RegExp(String.raw`\bnever\s+(?:auto(?:matically)?[- ]?)?restart|\b(?:don'?t|do\s+not)\s+auto(?:matically)?[- ]?restart|\bno\s+auto[- ]?restarts?\b|\bauto[- ]?restart\s+(?:off|disabled)\b|\brestart(?:\s+polic(?:y|ies))?\s*[:=]\s*["'\`]?(?:no|never|none|off)\b|\brestart\s+polic(?:y|ies)\s+(?:to|should\s+be|is)\s+["'\`]?(?:no|never|none|off)\b`, 'i'), 'no'],
  [new RegExp(String.raw`${RESTART_TO}unless[- ]stopped\b`, 'i'), 'unless-stopped'],
  [new RegExp(String.raw`${RESTART_TO}on[- ](?:failures?|errors?|crash(?:es)?)\b|\bonly\s+restart(?:s|ed)?\s+(?:it\s+)?(?:when|if)\s+(?:it\s+)?(?:fails|crashes|dies)\b`, 'i'), 'on-failure'],
  [new RegExp(String.raw`${RESTART_TO}always\b|\balways\s+(?:auto[- ]?)?restart\b`, 'i'), 'always'],
];

/**
 * A log bound said for a service: "keep the api's logs under 50MB", "worker logs: max 10m, keep
 * 3 files", "rotate the api logs at 100 megs, 5 files", "cap nginx's log at 20m": services.yaml
 * `logs` (max_size of the live file, how many rotated ones are kept). Said with no size and no
 * count ("rotate the logs"), it is the engine's own rotation (handleServiceLogs).
 */
const LOG_WORD = /\blogs?(?:\s+files?)?\b/i;
function readLogBound(clause: string): { max_size?: string; keep?: number } | undefined {
  if (!LOG_WORD.test(clause) || /\baudit\b|\bjournal\b|\/var\/log\b|\bjobs?\b|\bcron\w*/i.test(clause)) return undefined;
  const near = clause.slice(clause.search(LOG_WORD), clause.search(LOG_WORD) + 60);
  const size = findSizes(near)[0];
  const keep = /\b(?:keep(?:ing)?\s+(?:the\s+)?(?:last\s+)?|last\s+)?(\d{1,3})\s+(?:(?:rotated|old|log)\s+)*(?:files?|rotations?|copies)\b|\bkeep\s*[:=]\s*(\d{1,3})\b/i.exec(near);
  const n = keep ? Number(keep[1] ?? keep[2]) : undefined;
  if (!size && n === undefined) return undefined;
  return { ...(size ? { max_size: size.value } : {}), ...(n !== undefined && n >= 1 && n <= 100 ? { keep: n } : {}) };
}

/**
 * A health check said for a service: "add a healthcheck to the api: curl -f …/health", "worker
 * health: `pgrep celery`, every 1m, 3 retries", "check the api is healthy every 30s by hitting
 * /healthz" (a path: fetched from the service's own port inside its container).
 */
const HEALTH_WORD = /\bhealth[\s-]?checks?\b|\bhealth\s*:|\b(?:is\s+)?healthy\b|\bhealth\s+(?:probe|test)\b/i;
function readHealthcheck(run: Run, clause: string, name: string): Record<string, unknown> | undefined {
  // "a health check job every minute in web: curl …" is a scheduled job (health-job.test.ts).
  if (!HEALTH_WORD.test(clause) || /\b(?:jobs?|cron\w*|tasks?|scheduled?)\b/i.test(clause)) return undefined;
  const every = /\bevery\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b|\binterval\s*[:=]?\s*(\d+)\s*(s|m|h)\b/i.exec(clause);
  const unit = (u: string) => (/^s/i.test(u) ? 's' : /^m/i.test(u) ? 'm' : 'h');
  const interval = every ? `${every[1] ?? every[3]}${unit(every[2] ?? every[4]!)}` : undefined;
  const retries = /\b(\d{1,2})\s+(?:retries|tries|attempts|failures)\b|\bretries\s*[:=]?\s*(\d{1,2})\b/i.exec(clause);
  const quoted = findQuoted(clause).filter((q) => /\S/.test(q) && !/^\//.test(q));
  const afterColon = /\bhealth[\s-]?checks?\b[^:]{0,40}:(?![\s]*[`"'])([^,;]+)/i.exec(clause);
  const path = /(?:\bhitting|\bcalling|\bfetching|\bon|\bat|\bvia|\bagainst|\bendpoint|\bpath|\burl)\s+["'`]?(\/[\w./-]*)/i.exec(clause);
  let test: string | undefined = quoted[0] ?? afterColon?.[1]!.trim();
  if (!test && path) {
    const port = getService(run, name)?.ports?.[0]?.container;
    if (port === undefined) return undefined;
    test = `curl -fsS http://localhost:${port}${path[1]}`;
  }
  if (!test && !interval && !retries) return undefined;
  const was = (getService(run, name)?.healthcheck ?? {}) as Record<string, unknown>;
  return { ...was, ...(test ? { test } : {}), ...(interval ? { interval } : {}), ...(retries ? { retries: Number(retries[1] ?? retries[2]) } : {}) };
}

/** restart, logs and healthcheck said for a service (the readers above), set on the services the clause means. */
function handleServiceSettings(run: Run, clause0: string): boolean {
  // "worker logs: max 10m, keep 3 files", "health: `pgrep celery`, every 1m, 3 retries": the
  // splitter cuts at the commas, so the rest of the sentence is read with the clause.
  const at = run.input.message.indexOf(clause0);
  const clause = at < 0 ? clause0 : clause0 + run.input.message.slice(at + clause0.length).split(/[.;!?](?:\s|$)/)[0]!;
  const restart = RESTART_SAID.find(([re]) => re.test(clause))?.[1];
  const logs = readLogBound(clause);
  if (!restart && !logs && !HEALTH_WORD.test(clause)) return false;
  const bare = clause.replace(new RegExp(QUOTED, 'g'), ' ').replace(/\bhealth[\s-]?checks?\b[^:]{0,40}:[^,;]+/i, (m) => m.slice(0, m.indexOf(':')));
  const names = settingTargets(run, bare);
  const health = names.length === 1 ? readHealthcheck(run, clause, names[0]!) : undefined;
  if (!restart && !logs && !health) return false;
  if (names.length === 0) {
    run.questions.push(`Which service is this for? (${services(run).map((s) => s.name).join(', ') || 'there are none yet'}) Nothing was changed.`);
    return true;
  }
  for (const name of names) {
    mentionFocus(run, name);
    const s = getService(run, name)!;
    if (restart) {
      if (s.restart === restart) run.already.push(`${name}: restart ${restart}`);
      else {
        run.ws.set('services.yaml', svcPath(run, name, 'restart'), restart);
        run.lines.push(`~ ${name}: restart ${restart}`);
      }
    }
    if (logs) {
      run.ws.set('services.yaml', svcPath(run, name, 'logs'), { ...(s.logs ?? {}), ...logs });
      run.lines.push(`~ ${name}: log kept to ${[logs.max_size ? `${logs.max_size} a file` : '', logs.keep !== undefined ? `${logs.keep} rotated files` : ''].filter(Boolean).join(', ')}`);
    }
    if (health && names.length === 1) {
      run.ws.set('services.yaml', svcPath(run, name, 'healthcheck'), health);
      run.lines.push(`~ ${name}: health check ${String(health.test ?? '(the image\'s own)')}${health.interval ? `, every ${String(health.interval)}` : ''}${health.retries ? `, ${String(health.retries)} retries` : ''} (run inside its container)`);
    }
  }
  return true;
}

function handleEnv(run: Run, clause0: string): boolean {
  // "`NODE_ENV` should be `production`": a word in backticks is that word.
  const clause = clause0.replace(/`([^`\s]+)`/g, '$1');
  const pairs: [string, string][] = [];
  for (const m of clause.matchAll(/(?<![\w${}])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|(?:[^\s,;]|,(?![A-Za-z_][A-Za-z0-9_]*=)(?=[^\s,;]))*)/g)) {
    if (!/[A-Z]/.test(m[1]!) && !/\b(env|environment|variable|var)\b/i.test(clause)) continue;
    // "(FEATURE_X=true)": the parenthesis closes around the pair, it is not the value's.
    pairs.push([m[1]!, m[2]!.replace(/^["']|["']$/g, '').replace(/^([^(]*)\)+$/, '$1')]);
  }
  const worded = /\b(?:env(?:ironment)?\s+(?:var(?:iable)?\s+)?|variable\s+)([A-Za-z_][A-Za-z0-9_]*)\s+(?:to|=|as|with\s+(?:the\s+)?value(?:\s+of)?)\s+("[^"]*"|'[^']*'|\S+)/i.exec(clause);
  // A comma after an unquoted value ends the item ("QUEUE to high, CONCURRENCY to 8"), it is not the value's.
  if (worded && !pairs.some(([k]) => k === worded[1])) pairs.push([worded[1]!, /^["']/.test(worded[2]!) ? worded[2]!.replace(/^["']|["']$/g, '') : worded[2]!.replace(/,+$/, '')]);
  // Said in words: only when no KEY=value was written (that form is exact).
  const envContext = /\b(?:env|environment|variables?|vars?)\b/i.test(clause) || /\benv|environment|variable/i.test(run.input.message);
  // Said in words beside KEY=value too ("LOG_LEVEL debug and FEATURE_X on (FEATURE_X=true)"): the exact form wins for its key.
  const loose = loosePairs(clause, envContext);
  for (const p of loose.pairs) if (!pairs.some(([k]) => k === p[0])) pairs.push(p);
  if (pairs.length === 0) return false;
  // What is left once the variables and their values are out: where a service is named.
  const cut = [...loose.spans].sort((x, y) => y[0] - x[0]).reduce((c, [a0, b0]) => c.slice(0, a0) + ' ' + c.slice(b0), clause);
  // A pair taken out of a list leaves its commas: "2 GB RAM, EULA=TRUE, call it mc" is "2 GB RAM, call it mc" (round 34).
  const rest0 = pairs.reduce((c, [k, v]) => c.replace(`${k}=${v}`, ' ').replace(k, ' '), cut).replace(/,(?:\s*,)+/g, ',');
  const rest1 = loose.svc ? `${rest0} ${loose.svc}` : rest0;
  // "point the api at the db: DB_URL=…", "connect the worker to redis with REDIS_URL=…": the
  // service pointed is the one that gets the variable; what it is pointed at is only said.
  const pointedAt = /\b(point|connect|hook\s+up|wire\s+up|wire)\s+(.+?)\s+(?:at|to|towards)\s+(?:the\s+|its\s+|our\s+|my\s+)?[\w-]+/i.exec(rest1);
  const rest = pointedAt && targetsIn(run, pointedAt[2]!).names.length > 0 ? rest1.replace(pointedAt[0], `${pointedAt[1]} ${pointedAt[2]}`) : rest1;
  const named = targetsIn(run, rest).names;
  // "add n8n on 5678 with env TZ=Europe/Berlin": the clause adds the service the variables are for.
  if (named.length === 0) {
    const without = rest.replace(/\b(?:with|and|plus|using)?\s*(?:the\s+)?(?:env(?:ironment)?(?:\s+var(?:iable)?s?)?|variables?)\b\s*(?:,\s*)*/gi, ' ').replace(/\s+/g, ' ').trim();
    if (without !== '' && (findAppMentions(without).length > 0 || findServiceMentions(without).length > 0 || findImageRefs(without).length > 0) && detectVerb(without) !== 'remove') {
      const understood = interpretClause(run, without, detectVerb(without));
      const added = [...run.clauseAdded];
      if (understood && added.length > 0) {
        setEnvPairs(run, pairs, added, (k) => `"${added[0]} gets ${k} from the secret ${k.toLowerCase()}"`, false);
        return true;
      }
      if (understood) return true;
    }
  }
  const unknown = /\b(?:on|for|in|of)\s+(?:the\s+)?([a-z][a-z0-9-]*)(?:\s+(?:service|container))?\s*$/i.exec(rest.trim());
  if (named.length === 0 && unknown && !['it', 'that', 'this', 'them', 'all', 'every', 'each'].includes(unknown[1]!.toLowerCase())) {
    run.notes.push(`There is no service ${unknown[1]!.toLowerCase()}, so nothing was changed (services: ${services(run).map((s) => s.name).join(', ') || 'none yet'}).`);
    return true;
  }
  const targets = named.length > 0 ? named : focusTargets(run);
  if (targets.length === 0) {
    run.questions.push(`Which service should get ${pairs.map(([k]) => k).join(', ')}? (${services(run).map((s) => s.name).join(', ') || 'there are none yet'})`);
    return true;
  }
  setEnvPairs(run, pairs, targets, (k) => `"use secret ${k.toLowerCase()} as ${k} for ${targets[0]}"`, true);
  // Round 34: a list item beside the variables is the same service's ("…, 2 GB RAM, EULA=TRUE, call it mc"): a size or cpu left once the variables are out is read as such.
  if (named.length === 0 && (findSizes(rest).length > 0 || findCpu(rest) !== undefined)) handleModifiers(run, rest);
  return true;
}

/**
 * Sets each KEY=value on every target service. A key that looks like a secret is not written
 * (its value would land in plain text): the reply says how to store it and what to say instead.
 */
function setEnvPairs(run: Run, pairs: [string, string][], targets: string[], sayInstead: (key: string) => string, focus: boolean): void {
  for (const [k, v] of pairs) {
    if (SECRETISH.test(k.toUpperCase())) {
      run.questions.push(`Not done: ${k} looks like a secret, and a value typed here would be written in plain text. Run \`claude secret set ${k.toLowerCase()}\`, then say ${sayInstead(k)}.`);
      continue;
    }
    for (const name of targets) {
      run.ws.set('services.yaml', svcPath(run, name, 'environment', k), v);
      if (focus) mentionFocus(run, name);
      run.lines.push(`~ ${name}: environment ${k}=${v}`);
    }
  }
}

// ── which service waits for which ──────────────────────────────────────────

/**
 * The words between a service and the services it waits for: "depends on", "wait(s) for",
 * "start(s) (only) after", "needs … up first", "talking to". Whatever precedes is the subject
 * ("make the api", "both", "it"), whatever follows the services waited for.
 */
const DEPENDS = /\b(?:depend(?:s|ing|ent|ant)?\s+(?:up)?on|wait(?:s|ing)?\s+(?:for|on|until)|start(?:s|ing|ed)?\s+(?:only\s+|just\s+)?after|come(?:s)?\s+up\s+(?:only\s+)?after|(?:is|are)\s+started\s+after|talk(?:s|ing)?\s+to|connect(?:s|ing|ed)?\s+to)\b|\bneeds?\s+(?=(?:the\s+)?[\w-]+(?:\s*(?:,|and|&)\s*(?:the\s+)?[\w-]+)*\s+(?:to\s+be\s+)?(?:up|running|healthy|ready|started)\s+(?:first|before)\b)/i;
const NOT_DEPENDING = /\b(?:no\s+longer|not|never|n't|stop|without)\s+(?:\w+\s+){0,2}$/i;

/**
 * "make the api depend on redis", "the worker should wait for postgres to be up", "start api
 * after postgres", "both talking to redis", "the api shouldn't wait for redis anymore":
 * services.yaml depends_on. Each subject gets each service waited for (one rule for lists);
 * "it" is the service added or named last. A service waited for that does not exist is added
 * when the subject is being added in this request (an app described in one sentence), else
 * nothing changes and the reply says so. A dependency that would close a cycle is not made.
 */
/**
 * "it needs redis", "the worker requires postgres", "…called consumer that needs it": a service
 * needing another service (one there, a template or app, or "it") waits for it. Never a
 * setting ("it needs more memory", "needs port 8080", "needs a volume").
 */
function needsService(run: Run, clause: string): RegExpExecArray | null {
  // "they use redis", "the api uses postgres": "use" with a subject before it (never "use postgres 16").
  const uses = /\b(?:uses?|using)\s+(?:the\s+|a\s+|an\s+|its\s+|our\s+|my\s+)?(?=\S)/i.exec(clause);
  const subject = uses ? /\b(they|it|both|which|that|who|all|[a-z][\w-]*)\s+(?:(?:both|all|also|will|should|must)\s+)?$/i.exec(clause.slice(0, uses.index)) : null;
  const m = /\b(?:needs?|needing|requires?|requiring)\s+(?:the\s+|a\s+|an\s+|its\s+|our\s+|my\s+)?(?=\S)/i.exec(clause) ?? (subject && (/^(?:they|it|both|which|that|who|all)$/i.test(subject[1]!) || getService(run, subject[1]!.toLowerCase())) ? uses : null);
  if (!m) return null;
  const rest = clause.slice(m.index + m[0].length);
  const first = /^[\w.-]+/.exec(rest)?.[0]?.toLowerCase() ?? '';
  const service =
    /^(?:it|that|them|that\s+one)\b/i.test(rest) ||
    getService(run, first) !== undefined || getService(run, first.replace(/e?s$/, '')) !== undefined ||
    findServiceMentions(rest).some((x) => x.index === 0) ||
    findAppMentions(rest).some((x) => x.index === 0 && !x.app.unsupported && x.app.image !== undefined);
  return service ? m : null;
}

function handleDependsOn(run: Run, clause0: string): boolean {
  // "start the api only after postgres is up", "bring up worker once redis is ready": the subject between.
  const clause = clause0.replace(/\b(?:start|launch|boot|bring\s+up)\s+((?:the\s+)?[\w-]+(?:\s*(?:,|and|&)\s*(?:the\s+)?[\w-]+)*)\s+(?:only\s+|just\s+)?(?:after|once)\s+(?=\S)/i, '$1 starts after ');
  // An image said in the clause is a service to add first (handleCustomService reads what it needs).
  const m = DEPENDS.exec(clause) ?? (findImageRefs(clause).length === 0 ? needsService(run, clause) : null);
  if (!m) return false;
  let before = clause.slice(0, m.index);
  let rest = clause.slice(m.index + m[0].length).replace(/\b(?:to\s+be\s+)?(?:up|running|healthy|ready|started)(?:\s+(?:first|before\s+(?:it|they|that)(?:\s+starts?)?))?\b.*$|\b(?:first|anymore|any\s+more|before\s+(?:it|they)\s+starts?)\b.*$|\bis\s+up\b.*$/i, ' ');
  // "…, with a postgres db it depends on", "redis, which the api waits for": the services waited for come first.
  // A list item joined after it ("…it depends on, plus redis") is read on its own afterwards.
  const relative = /^\s*(?:[.!]*|,.*)\s*$/.test(rest) ? /^(.*\S)\s+(?:that\s+|which\s+|whom\s+)?((?:the\s+)?[\w-]+)\s+(?:(?:should|must|will|shall|can)\s+)?$/i.exec(before) : null;
  const trailing = relative ? rest.replace(/^[\s,.!]+/, '') : '';
  if (relative) [before, rest] = [relative[2]!, relative[1]!.replace(/^\s*(?:with|and|plus)\s+/i, '')];
  const done = handleDependsOnSaid(run, before, rest, m[0], clause);
  if (done && trailing !== '') interpretClause(run, trailing, detectVerb(trailing) ?? 'add');
  return done;
}

function handleDependsOnSaid(run: Run, before: string, rest: string, verbWords: string, clause: string): boolean {
  const remove = NOT_DEPENDING.test(before) || /\b(?:anymore|any\s+more)\b/i.test(clause);
  const talking = /^(?:talk|connect)/i.test(verbWords);
  const all = () => services(run).map((s) => s.name);
  let subjects = targetsIn(run, before.replace(/\b(?:start|make|have|let|get)\b/gi, ' ')).names;
  // "redis and four runners …, they use redis": "they" are the others, never what they use.
  const used = targetsIn(run, rest).names;
  if (subjects.length === 0 && /\b(?:both|they|them|all|each)\b/i.test(before)) subjects = (run.added.length > 1 ? [...run.added] : focusTargets(run)).filter((n) => !used.includes(n));
  else if (subjects.length === 0 && /\b(?:it|that|this|its)\b/i.test(before)) subjects = run.added.length > 0 ? [run.added[run.added.length - 1]!] : focusTargets(run).slice(-1);
  if (subjects.length === 0) return false;
  let targets = targetsIn(run, rest).names.filter((n) => !subjects.includes(n));
  if (targets.length === 0 && /\b(?:it|that|that\s+one|them)\b/i.test(rest)) {
    // The one under discussion other than the subject: in this request, else in the turns before.
    const last = [...run.focus, ...run.added].reverse().find((n) => !subjects.includes(n) && all().includes(n)) ?? focusTargets({ ...run, focus: [] }).filter((n) => !subjects.includes(n)).pop();
    targets = last ? [last] : [];
  }
  if (targets.length === 0 && !remove) {
    // "…and worker (…), both talking to redis": the data service of an app being added comes with it.
    const said = findServiceMentions(rest).filter((x) => !x.generic || talking);
    const mentions = [...said.map((x) => x.text), ...findAppMentions(rest).filter((a) => !said.some((x) => x.index < a.index + a.text.length && a.index < x.index + x.text.length)).map((x) => x.text)];
    // "it needs redis too": what a service needs is added with it, whenever the service came.
    // "api should wait for postgres; add postgres too": a service the request adds in a later clause
    // is added here, before it is waited for (round 38, fit32b: h32-multi-10).
    const addedLater = (x: string) => new RegExp(String.raw`\b(?:add|deploy|install|create|set\s*up|spin\s+up|bring\s+up)\s+(?:a\s+|an\s+|the\s+)?${escapeRe(x)}(?![\w-])`, 'i').test(run.input.message.slice(run.input.message.indexOf(clause) + clause.length));
    if (mentions.length > 0 && (/^(?:needs?|needing|requires?|requiring)\b/i.test(verbWords) || subjects.every((n) => run.added.includes(n)) || (!remove && mentions.every(addedLater)))) {
      for (const x of mentions) interpretClause(run, `add ${x}`, 'add');
      targets = targetsIn(run, rest).names.filter((n) => !subjects.includes(n));
    }
  }
  if (targets.length === 0) {
    const said = /^\s*(?:the\s+)?([a-z0-9][\w-]*)/i.exec(rest)?.[1];
    if (talking || !said) return false;
    run.notes.push(`There is no service ${said.toLowerCase()}, so nothing waits for it; nothing was changed (services: ${all().join(', ') || 'none yet'}).`);
    return true;
  }
  for (const name of subjects) {
    const svc = getService(run, name)!;
    const had = svc.depends_on ?? [];
    let now = [...had];
    for (const d of targets) {
      if (remove) {
        if (!now.includes(d)) run.already.push(`${name} does not wait for ${d}`);
        now = now.filter((x) => x !== d);
        continue;
      }
      if (now.includes(d)) {
        run.already.push(`${name} waits for ${d} to start (depends_on)`);
        continue;
      }
      const chain = waitsFor(run, d);
      if (chain.includes(name)) {
        run.questions.push(`Not done: ${name} waiting for ${d} would make a cycle, since ${d} already waits for ${name}${chain[0] === name ? '' : ' (through ' + chain.slice(0, chain.indexOf(name)).join(', ') + ')'}: neither could start. Say "${d} should no longer wait for ${name}" first if ${name} should start first.`);
        continue;
      }
      now.push(d);
    }
    if (JSON.stringify(now) === JSON.stringify(had)) continue;
    if (now.length > 0) run.ws.set('services.yaml', svcPath(run, name, 'depends_on'), now);
    else run.ws.delete('services.yaml', svcPath(run, name, 'depends_on'));
    mentionFocus(run, name);
    const gone = had.filter((d) => !now.includes(d));
    const added = now.filter((d) => !had.includes(d));
    if (added.length > 0) run.lines.push(`~ ${name}: starts only once ${added.join(' and ')} ${added.length > 1 ? 'are' : 'is'} healthy (depends_on)`);
    if (gone.length > 0) run.lines.push(`~ ${name}: no longer waits for ${gone.join(' and ')} to start (depends_on)`);
  }
  return true;
}

/** Every service `name` waits for, directly or through others. */
function waitsFor(run: Run, name: string, seen: string[] = []): string[] {
  for (const d of getService(run, name)?.depends_on ?? []) {
    if (seen.includes(d)) continue;
    seen.push(d);
    waitsFor(run, d, seen);
  }
  return seen;
}

// ── services that do not exist ─────────────────────────────────────────────

/**
 * "give mysql-prod 2 GB of memory" when there is no mysql-prod: a change, stop, restart or
 * removal naming a service that does not exist changes nothing, and says so. The name is the
 * word right after the verb (or before "'s"), one that looks like a service name (a product
 * word with a suffix, or a word with a dash or digit) and is not one of the services.
 */
function unknownServiceNamed(run: Run, clause: string, verb: Verb | undefined): boolean {
  if (verb !== 'change' && verb !== 'scale' && verb !== 'stop' && verb !== 'start' && verb !== 'restart' && verb !== 'remove') return false;
  const t = clause.toLowerCase();
  const have = services(run).map((s) => s.name);
  const cands: string[] = [];
  const re =
    /\b(?:give|limit|cap|restrict|allocate|scale|resize|restart|reload|stop|start|remove|delete|upgrade|downgrade|move|bump|raise|lower|increase|decrease|change|set)\s+(?:the\s+)?([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*)(?:'s)?\b|\b([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*)'s\s+(?:memory|ram|cpu|port|replicas?|image|version)\b/g;
  for (const m of t.matchAll(re)) cands.push((m[1] ?? m[2])!);
  // A plain word in the same place, when what follows makes it the object: "give foo 2 GB",
  // "restart foo", "scale foo to 3", "foo's memory".
  const plain =
    /\b(?:give|limit|cap|restrict|allocate|scale|resize|restart|reload|stop|start|remove|delete|upgrade|downgrade|bump|raise|lower|increase|decrease)\s+(?:the\s+)?([a-z][a-z0-9]*)(?='s\b|\s+\d|\s+(?:to|at|down|up|back|service|container)\b|\s*$)|\b([a-z][a-z0-9]*)'s\s+(?:memory|ram|cpu|port|replicas?|image|version)\b/g;
  for (const m of t.matchAll(plain)) {
    const w = (m[1] ?? m[2])!;
    if (NOT_APPS.has(w) || PLAIN_NOT_SERVICES.has(w) || (/ing$/.test(w) && /^\s+(up|down|back|off|out|over)\b/.test(t.slice(m.index! + m[0].length))) || findServiceMentions(w).length > 0 || namesApp(w)) continue;
    cands.push(w);
  }
  // The other word order: "give 2 GB to foo", "bump the memory for foo", "3 replicas of foo",
  // when the clause names no service that exists.
  if ((verb === 'change' || verb === 'scale') && targetsIn(run, clause).names.length === 0 && (findSizes(t).length > 0 || findCpu(t) !== undefined || /\b(memory|ram|cpus?|cores?|replicas?|instances|copies|port)\b/.test(t))) {
    const m = /\b(?:to|for|of|on|in)\s+(?:the\s+)?([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)(?:\s+(?:service|container|app))?(?:\s+please)?(?=\s*[.!?]*\s*$|\s+(?:to|at|up to|down to)\s+(?:\d|half|one|two|three|four|five))/.exec(t);
    const w = m?.[1];
    if (w && !NOT_APPS.has(w) && !PLAIN_NOT_SERVICES.has(w) && findSizes(w).length === 0 && !/^(mb|gb|gigs?|megs?|gib|mib|half|one|memory|ram|cpus?|cores?|replicas?|instances|copies|port|default|max|maximum|minimum|min|limit|now|today|tonight|later|please)$/.test(w) && findServiceMentions(w).length === 0 && !namesApp(w)) cands.push(w);
  }
  // A job's name is not a service's ("resume nightly-report", handleJobPause).
  const jobNames = run.ws.items<{ name: string }>('scheduled.yaml', JOBS).map((j) => j.name);
  const missing = cands.find((c) => !have.includes(c) && !jobNames.includes(c) && !have.includes(c.replace(/_/g, '-')) && !have.includes(c.replace(/e?s$/, '')) && !have.includes(c.replace(/s$/, '')) && !/^(ipv[46]|http[s23]?|h[23]|tls1)/.test(c) && !/^\d/.test(c));
  if (!missing) return false;
  if (findImageRefs(clause).some((r) => r.includes(missing))) return false;
  run.notes.push(`There is no service ${missing}, so nothing was changed. The services are: ${have.join(', ') || 'none yet'}. To add it, say "add ${missing} from image …".`);
  return true;
}

// ── modifiers: memory, cpu, ports, replicas, connections, version ──────────

/**
 * Reachable only from the other containers, never from the host or outside: "internal-only",
 * "nothing on the host", "take it off the host port", "nobody outside can reach it", "only
 * reachable inside", "only the app containers should talk to it", "no published port".
 */
const INTERNAL_ONLY =
  /\b(?:doesn'?t|does\s+not|don'?t|do\s+not|shouldn'?t|should\s+not|needn'?t|no\s+need\s+(?:for\s+(?:it|them)\s+)?to|won'?t|isn'?t|is\s+not|aren'?t|are\s+not|not)\s+(?:need\s+to\s+|have\s+to\s+|meant\s+to\s+|supposed\s+to\s+)?(?:be\s+)?public(?:ly\s+(?:reachable|accessible|available|exposed|visible))?\b|\b(?:only|just)\b[^.]*\b(?:other\s+)?(?:containers|services)\b|\bnot\s+(?:from|on)\s+(?:the\s+)?host\b|\binternal(?:ly)?[\s-]+only\b|\bonly\s+internal(?:ly)?\b|\bno\s+(?:host|public|published|exposed|open)\s+ports?\b|\bno\s+ports?\s+(?:on\s+the\s+host|published|exposed|open(?:ed)?)\b|\bnothing\s+(?:on|to)\s+the\s+host\b|\boff\s+(?:the\s+)?host(?:\s+ports?)?\b|\b(?:unpublish\w*|stop\s+publishing|unexpose|un-?expose)\b|\b(?:don'?t|do\s+not|never|no\s+longer|stop|without)\s+(?:expos|publish)\w*\b|\bnot\s+(?:be\s+)?(?:exposed|published)\b|\b(?:no\s*(?:one|body)|nobody|nothing)\s+(?:from\s+)?outside\b|\b(?:not|never|un)\s*reachable\s+from\s+(?:the\s+)?(?:outside|host|internet|lan|network)\b|\bonly\s+(?:be\s+)?(?:reachable|accessible|available|visible)\s+(?:from\s+)?(?:inside|internally|within)\b|\b(?:reachable|accessible|available)\s+only\s+(?:from\s+)?(?:inside|internally|within|to\s+(?:the\s+)?(?:other\s+)?(?:containers|services|apps?))\b|\bonly\s+(?:from\s+)?inside\s+(?:the\s+)?(?:docker|network|stack)\b|\b(?:private|internal)\s+to\s+(?:the\s+)?(?:stack|network|docker|containers|services)\b|\bkeep\s+(?:it|them|\S+)\s+off\s+the\s+host\b|\b(?:doesn'?t|does\s+not|don'?t|do\s+not|shouldn'?t|should\s+not|needn'?t|no\s+need\s+to|won'?t|must\s+not|mustn'?t|may\s+not|can(?:'?t|not|\s+not))\s+(?:need\s+to\s+|have\s+to\s+)?(?:be\s+)?(?:reachable|accessible|exposed|published|visible|open)\s+(?:from|on|to)\s+(?:the\s+)?(?:host|outside|internet|lan|world)\b|\bkeep\s+(?:it|them|\S+)\s+internal\b|\b(?:remove|drop|delete|kill|get\s+rid\s+of|take\s+away)\s+(?:the\s+|its\s+|their\s+|that\s+|his\s+|her\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:host\s+|published\s+|public\s+|exposed\s+)?ports?(?:\s+(?:mapping|binding|publishing))?(?!\s*\d)\b|\bno\s+ports?\s*(?=[,.;!]|$)|\b(?:don'?t|dont|do\s+not|never)\s+(?:publish|expose)\s+(?:it|that|this|them|that\s+one|this\s+one|that\s+port|its\s+port)\b|\bports?\s+\d{2,5}\s+only\s+inside\b/;

/**
 * A count said of a service as a noun (`t` lower case, `N` the count's pattern, one group):
 * "run 5 workers", "3 consumers pls", "i need 2 more workers", "5 x worker", "worker x 3",
 * "bump the workers to 6", "scale consumers out to 4". The name said in the plural, after
 * "x", or after a verb that runs it; never a number of something else between ("2 gigs for
 * the worker", "port 8080 worker").
 */
function countOfService(t: string, name: string, N: string): RegExpExecArray | null {
  const nm = escapeRe(name);
  const rel = String.raw`(?:\s+(?:more|extra|additional|fewer|less))?`;
  const end = String.raw`(?=\s*(?:$|[,.;!?]|\b(?:pls|please|plz|thanks|thx|now|instead|then|running|up|going|at\s+once|in\s+parallel|and|for|so|to|on|from|behind|with|too|as\s+well|total|in\s+total)\b))`;
  return (
    new RegExp(String.raw`(?<![\w.:/$-])${N}${rel}\s+(?:x\s*|×\s*)?${nm}e?s(?![\w'-])(?!\s*[:=])`).exec(t) ??
    new RegExp(String.raw`(?<![\w.:/$-])${N}\s+(?:more|extra|additional|fewer|less)\s+${nm}(?![\w'-])(?!\s*[:=])`).exec(t) ??
    new RegExp(String.raw`(?<![\w.:/$-])${N}\s*(?:x|×)\s*${nm}(?![\w'-])`).exec(t) ??
    new RegExp(String.raw`(?<![\w.-])${nm}e?s?\s*(?:x|×)\s*${N}(?![\w.])`).exec(t) ??
    new RegExp(String.raw`\b(?:run|start|launch|spin\s+up|fire\s+up|need|want|have|keep|give\s+(?:me|us))\s+${N}${rel}\s+(?:of\s+(?:the\s+|my\s+|our\s+)?)?${nm}${end}`).exec(t) ??
    new RegExp(String.raw`\b(?:scale|bump|set|make|raise|increase|grow|take|bring|reduce|drop|lower|cut|up)\s+(?:up\s+|out\s+|down\s+)?(?:the\s+|my\s+|our\s+)?(?:number\s+of\s+|count\s+of\s+)?${nm}e?s\s+(?:up\s+|out\s+|down\s+|back\s+)?to\s+${N}(?![\w.%:])`).exec(t)
  );
}

/** Of `names`, the one whose mention in `t` comes last before `at` (else the first after it). */
/** Words that spread a value to every service listed: "both with 1g", "each at 256m", "all of them", "all three", "1 gig apiece". */
const SPREAD = /\b(?:both|each|all|every|apiece|them|they|their|per\s+(?:service|container|app|one))\b/;

/** "reached through nginx", "sits behind caddy", "via traefik": the service said there is the way in, never what "its" names. */
const THE_WAY_IN = /\b(?:through|thru|via|behind|by\s+way\s+of|proxied\s+by|fronted\s+by)\s+(?:the\s+|a\s+|an\s+|our\s+)?$/;

function nearestBefore(run: Run, t: string, names: string[], at: number, pronoun = false): string | undefined {
  let best: { name: string; pos: number } | undefined;
  let after: { name: string; pos: number } | undefined;
  for (const n of names) {
    const svc = getService(run, n);
    const words = [n, ...(svc ? findServiceMentions(t).filter((m) => existingFor(run, m) === n).map((m) => m.text) : [])];
    for (const w of words) {
      for (const m of t.matchAll(new RegExp(String.raw`(?<![\w-])${escapeRe(w.toLowerCase())}(?![\w-])`, 'g'))) {
        // Round 37 (held-out 31 svc-75): "api should only be reached through nginx, stop publishing its port" is api's port.
        if (pronoun && names.length > 1 && THE_WAY_IN.test(t.slice(0, m.index!))) continue;
        if (m.index! < at && (!best || m.index! > best.pos)) best = { name: n, pos: m.index! };
        if (m.index! >= at && (!after || m.index! < after.pos)) after = { name: n, pos: m.index! };
      }
    }
  }
  return best?.name ?? after?.name;
}

/**
 * Of several services a clause added, the ones it said, in the order said: "the wordpress,
 * reachable on 8088" publishes wordpress, never the database added for it unsaid; "wordpress
 * on 8081 named bakery-wp, with its own mariadb named bakery-db" is wordpress's port (round 26).
 */
function saidFirst(run: Run, t: string, names: string[]): string[] {
  if (names.length < 2) return names;
  const at = (n: string) => {
    const svc = getService(run, n);
    const words = [n, ...(svc ? findServiceMentions(t).filter((m) => existingFor(run, m) === n || m.template === templateOf(svc)).map((m) => m.text) : [])];
    const found = words.map((w) => t.search(new RegExp(String.raw`(?<![\w-])${escapeRe(w.toLowerCase())}(?![\w-])`))).filter((i) => i >= 0);
    return found.length > 0 ? Math.min(...found) : -1;
  };
  const said = names.map((n) => ({ n, i: at(n) })).filter((x) => x.i >= 0).sort((a, b) => a.i - b.i).map((x) => x.n);
  return said.length > 0 ? said : names;
}

/**
 * Publishing said every way (round 28): "publish", "expose" ("xpose", "exposed to the outside
 * world"), "make … reachable / accessible / available / public", "put … on the internet", "let
 * people reach …", "a public port", "host port", "bind / map … to port …". With a port, a
 * service with no port yet gets that host port (publish-said.test.ts).
 */
const PUBLISH_SAID = /\b(?:publish\w*|x?pos(?:e|ed|es|ing)|expos\w*|reachable|accessible|available|public(?:ly)?|internet|outside|(?:the\s+)?world|reach|(?:host|public)\s+port|bind|map)\b/;

/** The latest tag said as where an image goes: "onto latest", "to the latest tag", "use the latest version" (round 37). */
const LATEST_TAG = /\b(?:onto|to|on)\s+(?:the\s+)?latest\b(?!\s+(?:backups?|snapshots?|dumps?|logs?|config\w*|settings?))|\b(?:use|run|pull|take)\s+(?:the\s+)?latest\s+(?:tag|version|image|release)\b|\b(?:upgrade|update|bump)\s+(?:the\s+)?[\w-]+\s+to\s+(?:the\s+)?latest\b/;

function handleModifiers(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  let did = false;
  // In a clause that added services, its modifiers are theirs: "add memcached on port
  // 11211" never moves another cache.
  const explicit = run.clauseAdded.length > 0 ? [...run.clauseAdded] : targetsIn(run, clause).names;
  const targets = (filter?: (s: Service) => boolean) => {
    const named = explicit.filter((n) => {
      const s = getService(run, n);
      return s && (!filter || filter(s));
    });
    if (named.length > 0) return named;
    const focus = focusTargets(run, filter);
    // "gitea web on 3000 and its ssh on 2222": "its" is one service, the one said last.
    // "deploy the wordpress, it should be reachable on 8088": "it" is the service said last before it, never a database added for it unsaid (round 26).
    if (focus.length > 1 && /\b(?:its|it)\b/.test(t) && !/\b(?:their|them|they|both|each|all)\b/.test(t)) {
      const msg = run.input.message.toLowerCase();
      const from = msg.indexOf(t);
      const near = from >= 0 ? nearestBefore(run, msg, focus, from + t.search(/\b(?:its|it)\b/), true) : undefined;
      return near !== undefined ? [near] : focus.slice(-1);
    }
    if (focus.length > 0) return focus;
    // None named or under discussion: the service the reply to "which service?" chose.
    const a = run.answer;
    return a?.slot === 'service' && services(run).some((s) => s.name === a.value && (!filter || filter(s))) ? [a.value] : [];
  };
  // Round 29: of several services this clause added, a value said after one of them is that
  // one's ("postgres with 2g and redis", "mariadb (give it 3 gigs) and a redis"); said with
  // both/each/all/every/them it is each one's ("mariadb and redis, both with 512 megs").
  const saidOf = (names: string[], at: number): string[] =>
    names.length > 1 && at >= 0 && run.clauseAdded.length > 1 && names.every((n) => run.clauseAdded.includes(n)) && !SPREAD.test(t)
      ? [nearestBefore(run, t, names, at) ?? names[0]!]
      : names;
  // Several services and none named or under discussion: which one is asked (ask.ts).
  const ask = (what: string) => {
    did = true;
    const all = services(run);
    if (all.length === 0) run.questions.push(`Which service should get ${what}? There are none yet.`);
    else need(run, { slot: 'service', question: `Which service should get ${what}: ${orList(all.map((s) => s.name))}?`, choices: all.map(serviceChoice), fill: (v) => v });
  };

  // Only reachable from the other containers: no host port at all.
  const internal = INTERNAL_ONLY.exec(t);
  if (internal && !findCidrs(t).length) {
    // "add nginx on 8081 and a postgres nobody outside can reach": the service named just before the phrase.
    const near = explicit.length > 1 ? nearestBefore(run, t, explicit, internal.index) : undefined;
    const meant0 = near ? [near] : targets();
    const meant = meant0.length > 0 ? meant0 : targets((s) => (s.ports ?? []).length > 0);
    const names = meant.filter((n) => (getService(run, n)?.ports ?? []).length > 0);
    if (names.length === 0 && meant.length > 0) {
      for (const n of meant) if (!run.lines.some((l) => l.startsWith(`~ ${n}: no host port`))) run.already.push(`${n}: no host port`);
      return true;
    }
    for (const name of names) {
      run.ws.delete('services.yaml', svcPath(run, name, 'ports'));
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: ${NO_HOST_PORT}`);
    }
    if (names.length > 0 && !near) return true;
    did = did || names.length > 0;
  }

  // Replicas: "scale web to 3 replicas", "run 3 instances of nginx", "scale web to 3",
  // "run two of them", "back to one" (after a scaling turn).
  const scaledBefore = [...run.input.history].reverse().find((h) => h.role === 'user');
  // "keep 14 of them", "keep 14 copies" while backups are talked about: how many backups are kept
  // (handleBackups), never replicas.
  const retentionTalk = retentionIn(t) !== null && backupsInDiscussion(run) && !/\b(?:replicas?|instances?|containers?|nodes|running)\b/.test(t);
  // "scale postgres to 16.4", "scale worker to 2 and postgres to 16.4" (the gapped clause): a decimal is no count of
  // replicas (it was cut to 16); it asks, and changes nothing (review 23 HIGH-2).
  const decimal = retentionTalk ? null : /\b(?:scale|scaled|replicas?|instances?|copies)\b(?:(?!\b(?:cpus?|cores?|memory|mem|ram|port|image|version|tag)\b)[^,;])*?\bto\s+(\d+\.\d+)(?![\w.-])|\b(\d+\.\d+)\s+(?:replicas?|instances?|copies)\b/.exec(t);
  if (decimal) {
    const names = targets();
    const v = decimal[1] ?? decimal[2]!;
    run.questions.push(`Not done: "${clause.trim()}": ${v} is not a whole number of replicas. How many replicas${names.length === 1 ? ` of ${names[0]}` : ''} should run (e.g. "scale ${names[0] ?? 'worker'} to 2")? If ${v} is a version, say "change ${names[0] ?? 'the service'} to version ${v}". Nothing was changed.`);
    return true;
  }
  const rep = retentionTalk ? null :
    /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:replicas?|instances?|copies|containers|nodes)\b/.exec(t) ??
    // "back to a single instance", "just one replica": one.
    /\b(?:a\s+single|single|just\s+one|only\s+one|just\s+a\s+single)\s+(?:replica|instance|copy|container|node)\b()/.exec(t) ??
    /\brun\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+of\s+(?:them|it|those)\b/.exec(t) ??
    // "make it 3 of them", "we want four of those", "have 2 of these".
    (!/\b(?:memory|ram|cpus?|cores?|ports?|restart|stop|remove)\b/.test(t) ? /\b(?:make\s+(?:it|that|them)|have|want|need|keep|give\s+(?:me|us)|let'?s\s+(?:do|have)|go\s+(?:with|for))\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+of\s+(?:them|those|these|it)\b/.exec(t) : null) ??
    (/\bscale\b|\breplicas?\b|\binstances?\b|\bcopies\b/.test(t) || (scaledBefore && /\bscale\b|\breplicas?\b|\binstances?\b|\bcopies\b|\bof\s+(?:them|those|these|it)\b|\bscaled\b/i.test(scaledBefore.text) && /\b(back|down|up)\s+to\b/.test(t))
      ? /\bto\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b/.exec(t)
      : null) ??
    // "too many, bring api down to 2", "ok back to one", "cut it back to a single one": back/down/up to a small
    // count, said of a service that runs several now (or was just scaled), and nothing else the number could be.
    (!/\b(?:memory|ram|mem|cpus?|cores?|ports?|connections?|versions?|keep|retain|days?|hours?|minutes?|weeks?)\b/.test(t) && findSizes(clause).length === 0 &&
    (targets().some((n) => (getService(run, n)?.replicas ?? 1) > 1) || /\btoo\s+many\b|\bfewer\b|\bless\s+of\b/.test(t))
      ? /\b(?:back|down|up)\s+(?:again\s+)?to\s+(?:just\s+|only\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|:|\.\d))/.exec(t)
      : null);
  // "one api is enough again", "two workers are plenty now", "we only need 2 apis", "a single web will do":
  // a count said of a service is its replicas.
  if (!rep) {
    const N = String.raw`(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a\s+single|single|just\s+one|only\s+one)`;
    for (const sv of services(run)) {
      const nm = escapeRe(sv.name);
      const m =
        new RegExp(String.raw`\b${N}\s+(?:of\s+(?:the\s+)?)?${nm}s?\b(?:\s+(?:instances?|replicas?|copies|containers))?\s+(?:is|are|will|would|should|'ll|ought\s+to)?\s*(?:be\s+|do\s+)?(?:just\s+)?(?:enough|plenty|fine|sufficient|ok(?:ay)?|do|good|all\s+(?:we|i)\s+need)\b`).exec(t) ??
        new RegExp(String.raw`\b(?:have|run|want|need|keep|get)\s+${N}\s+(?:of\s+(?:the\s+)?)?${nm}s?\s+(?:running|instances?|replicas?|copies|containers|up|going)\b|\b(?:only|just)\s+(?:need|want|run|keep)\s+${N}\s+${nm}s?\b|\b(?:need|want|keep|run)\s+(?:only|just)\s+${N}\s+${nm}s?\b|\bback\s+to\s+${N}\s+${nm}s?\b`).exec(t);
      // A count said before the service as a noun: "run 5 workers", "3 consumers pls", "5 x
      // worker", "worker x 3", "bump workers to 6"; "2 more workers" is relative (below).
      // …unless another service is the one spoken of: "give the api 4 workers" is the api's own
      // worker processes, never the worker service's replicas.
      const otherNamed = services(run).some((o) => o.name !== sv.name && new RegExp(String.raw`(?<![\w-])${escapeRe(o.name)}(?![\w-])`, 'i').test(t));
      const said = m ?? (otherNamed ? null : countOfService(t, sv.name, N));
      if (!said) continue;
      const word = said.slice(1).find((x) => x !== undefined)!;
      const by = /\b(more|extra|additional|another|fewer|less)\b/.exec(said[0])?.[1];
      const k = /single|one/.test(word) ? 1 : parseNumberWord(word);
      const n = by === undefined || k === undefined ? k : Math.max(0, (sv.replicas ?? 1) + (/fewer|less/.test(by) ? -k : k));
      if (n === undefined || n > 100) continue;
      const cur = sv.replicas ?? 1;
      run.ws.set('services.yaml', svcPath(run, sv.name, 'replicas'), n);
      mentionFocus(run, sv.name);
      run.lines.push(`~ ${sv.name}: ${n} replica${n === 1 ? '' : 's'} (was ${cur})`);
      unpublishForReplicas(run, sv.name, n);
      return true;
    }
  }
  // "double the api instances", "triple the workers", "halve the replicas": the count it has now, times a factor.
  const times = !rep ? /\b(double|triple|quadruple|halve)\s+(?:the\s+)?(?:number\s+of\s+|count\s+of\s+)?(?:[\w-]+\s+)?(?:replicas?|instances?|copies|containers|workers|nodes)\b/.exec(t) : null;
  if (times) {
    const f = { double: 2, triple: 3, quadruple: 4, halve: 0.5 }[times[1] as 'double'];
    const names = targets();
    if (names.length === 0) ask(`${times[1]} the replicas`);
    for (const name of names) {
      const cur = getService(run, name)!.replicas ?? 1;
      const n = Math.max(1, Math.min(100, Math.round(cur * f)));
      run.ws.set('services.yaml', svcPath(run, name, 'replicas'), n);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: ${n} replica${n === 1 ? '' : 's'} (was ${cur})`);
      unpublishForReplicas(run, name, n);
    }
    return true;
  }
  // "run 2 more instances of api", "one fewer replica": relative to the count it has now.
  const more = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple(?:\s+of)?|a\s+few|another)\s+(more|extra|additional|fewer|less)?\s*(?:replicas?|instances?|copies|containers)\b/.exec(t);
  if (more && (more[2] || more[1] === 'another')) {
    const k = /couple/.test(more[1]!) ? 2 : /few/.test(more[1]!) ? 3 : more[1] === 'another' ? 1 : (parseNumberWord(more[1]!) ?? 1);
    const down = more[2] === 'fewer' || more[2] === 'less';
    const names = targets();
    if (names.length === 0) ask(`${k} ${down ? 'fewer' : 'more'} replicas`);
    for (const name of names) {
      const cur = getService(run, name)!.replicas ?? 1;
      const n = Math.max(down ? 0 : 1, Math.min(100, down ? cur - k : cur + k));
      run.ws.set('services.yaml', svcPath(run, name, 'replicas'), n);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: ${n} replica${n === 1 ? '' : 's'} (was ${cur})`);
      unpublishForReplicas(run, name, n);
    }
    return true;
  }
  if (rep) {
    const n = rep[1] === '' ? 1 : parseNumberWord(rep[1]!);
    const names = targets();
    if (n === undefined || n > 100) run.questions.push('How many replicas? (0 to 100)');
    else if (names.length === 0) ask(`${n} replicas`);
    for (const name of n !== undefined && n <= 100 ? names : []) {
      if (n === undefined) break;
      run.ws.set('services.yaml', svcPath(run, name, 'replicas'), n);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: ${n} replica${n === 1 ? '' : 's'}`);
      unpublishForReplicas(run, name, n);
    }
    did = true;
  }

  // "double the memory for redis", "halve grafana's memory".
  // "…running out of memory, double it": "it" is the memory the request spoke of.
  const tm = /\b(double|halve|triple)\s+(?:it|that|this)\b/.test(t) && (/\b(memory|ram|oom)\b/i.test(run.input.message) || findSizes(run.input.message).length > 0) && findCpu(run.input.message) === undefined ? `${t} memory` : t;
  const factor = /\b(double|twice)\b[^.]*\b(memory|ram)\b/.test(tm) ? 2 : /\b(halve|half)\b[^.]*\b(memory|ram)\b/.test(tm) ? 0.5 : /\btriple\b[^.]*\b(memory|ram)\b/.test(tm) ? 3 : undefined;
  if (factor !== undefined && findSizes(clause).length === 0) {
    const names = targets();
    if (names.length === 0) ask('more memory');
    for (const name of names) {
      const cur = getService(run, name)!.resources?.memory;
      const bytes = cur ? sizeToBytes(cur) : undefined;
      if (bytes === undefined) {
        run.questions.push(`${name} has no memory limit to ${factor > 1 ? 'multiply' : 'halve'}; say an amount, e.g. "give ${name} 512MB".`);
        continue;
      }
      const mib = Math.max(4, Math.round((bytes * factor) / 1024 ** 2));
      const value = mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
      run.ws.set('services.yaml', svcPath(run, name, 'resources', 'memory'), value);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: memory limit ${value} (was ${cur})`);
    }
    return true;
  }

  // Memory: a size with memory words, or "limit X to 512MB", or a size said of a service
  // ("grafana should have 512MB"). A bare number with a memory word is MiB ("more ram, like 512").
  const bareMem = /\b(?:memory|ram|mem)\b/.test(t) && findSizes(clause).length === 0 ? /\b(?:like|about|around|to|of|at|=|:)\s*(\d{2,5})\b(?!\s*(?:%|cpus?|cores?|replicas?|instances?|connections?|ports?|\.\d|:))/.exec(t) : null;
  // "drop it to that", "make it that": the size said earlier in the request ("the proxy is fine with 64mb, drop it to that").
  const thatSize = !bareMem && findSizes(clause).length === 0 && /\b(?:to|at|down\s+to|up\s+to)\s+(?:that|this)\b|\b(?:make|set|leave)\s+(?:it|them)\s+(?:at\s+)?(?:that|this)\b/.test(t) ? findSizes(run.input.message.slice(0, Math.max(0, run.input.message.toLowerCase().indexOf(t)))).pop() : undefined;
  const sizes = bareMem ? findSizes(`${bareMem[1]}MB`) : thatSize ? [thatSize] : findSizes(clause);
  const memWords = /\b(memory|ram|mem)\b/.test(t) || /\blimit\b/.test(t) || /\b(?:make|set|change|bump|raise|lower|increase|decrease|reduce|drop)\s+(?:it|that|this|them)\b/.test(t) || /^(?:(?:and|also|ok|so)\s+)?(?:the\s+)?[a-z][\w-]*\s+\d+(?:\.\d+)?\s?(?:[kmgt]i?b?|megs?|gigs?)\s*(?:pls|please|each)?\s*[.!]*$/.test(t.trim()) || /\b(max(?:imum)?|at\s+most|up\s+to|no\s+more\s+than|tops)\b/.test(t) || /\bgive\b/.test(t) || (/\b(have|get|use|needs?|with|at|cap(ped)?)\b/.test(t) && !/\b(volume|disk|storage|upload|file|backup)\b/.test(t)) ||
    // A size said of a service with no other thing it could be ("bump the cache to 1 gig", "drop redis to 64mb") is its memory.
    !/\b(volumes?|disks?|storage|uploads?|files?|back ?ups?|swap|logs?|shm|body|request|retention|keep|retain)\b/.test(t);
  if (sizes.length > 0 && memWords && !/\b(volume|disk|storage)\b/.test(t)) {
    const names = saidOf(targets(), t.indexOf(sizes[0]!.text.toLowerCase()));
    if (names.length === 0) ask(`a memory limit of ${sizes[0]!.text}`);
    for (const name of names) {
      mentionFocus(run, name);
      const cur = getService(run, name)?.resources?.memory;
      const curBytes = cur === undefined ? undefined : sizeToBytes(cur);
      // "512mb more", "an extra 256m", "+1g", "256m less": on top of (or off) the limit it has.
      const at = t.indexOf(sizes[0]!.text.toLowerCase());
      const sign = at < 0 ? 0 : /^\s*(?:of\s+(?:memory|ram)\s+)?(?:more|extra)\b/.test(t.slice(at + sizes[0]!.text.length)) || /(?:\b(?:extra|additional|another)\s+|\+\s?)$/.test(t.slice(0, at)) ? 1 : /^\s*(?:of\s+(?:memory|ram)\s+)?(?:less|fewer)\b/.test(t.slice(at + sizes[0]!.text.length)) ? -1 : 0;
      let value = sizes[0]!.value;
      if (sign !== 0 && curBytes !== undefined) {
        const mib = Math.max(4, Math.round((curBytes + sign * (sizeToBytes(value) ?? 0)) / 1024 ** 2));
        value = mib % 1024 === 0 || (mib > 1024 && mib % 512 === 0) ? `${mib / 1024}Gi` : `${mib}Mi`;
      }
      if (curBytes !== undefined && curBytes === sizeToBytes(value)) {
        run.already.push(`${name}: memory limit ${cur}`);
        continue;
      }
      run.ws.set('services.yaml', svcPath(run, name, 'resources', 'memory'), value);
      run.lines.push(`~ ${name}: memory limit ${value}${cur ? ` (was ${cur})` : ''}`);
    }
    did = true;
  } else if (sizes.length > 0 && /\b(volume|disk|storage)\b/.test(t)) {
    const names = targets((s) => (s.volumes ?? []).some((v) => !v.source.startsWith('/')));
    for (const name of names) {
      for (const v of getService(run, name)!.volumes ?? []) {
        const vi = run.ws.indexOf('storage.yaml', VOLS, v.source);
        if (vi < 0) continue;
        run.ws.set('storage.yaml', [...VOLS, vi, 'size'], sizes[0]!.value);
        run.lines.push(`~ volume ${v.source}: size ${sizes[0]!.value}`);
      }
    }
    did = names.length > 0 || did;
  }

  if (sizes.length === 0 && /\b(more|less)\s+(memory|ram)\b|\b(memory|ram)\s+(limit|cap)\b(?![^.]*\d)/.test(t)) {
    const names = targets();
    run.questions.push(`How much memory should ${names[0] ?? 'it'} get? Say an amount, e.g. "give ${names[0] ?? 'redis'} 512MB".`);
    did = true;
  }

  const cpu = findCpu(clause);
  // More cores than this host has (observed): Docker refuses it, and the plan would (CLA4008).
  const cores = run.input.summary?.resources?.cpuCores;
  const asked = cpu ? (cpu.value.endsWith('m') ? Number(cpu.value.slice(0, -1)) / 1000 : Number(cpu.value)) : 0;
  if (cpu && cores !== undefined && asked > cores) {
    const names = targets();
    run.notes.push(`That cannot be done as asked: ${names.join(' and ') || 'a service'} cannot get ${cpu.value} CPUs, this host has ${cores} core${cores === 1 ? '' : 's'} (Docker refuses more). Nothing was changed; ask for ${cores} or fewer, or for no CPU limit.`);
    did = true;
  } else if (cpu) {
    const names = saidOf(targets(), t.indexOf(cpu.text));
    if (names.length === 0) ask(`a CPU limit of ${cpu.value}`);
    for (const name of names) {
      run.ws.set('services.yaml', svcPath(run, name, 'resources', 'cpu'), cpu.value);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: CPU limit ${cpu.value.endsWith('m') ? `${cpu.value} (${Number(cpu.value.slice(0, -1)) / 1000} of a core)` : `${cpu.value} core${cpu.value === '1' ? '' : 's'}`}`);
    }
    did = true;
  }

  // Connection limit (PostgreSQL, MariaDB).
  const conn =
    /\b(?:connection\s+limit|max(?:imum)?[_\s]+(?:of\s+)?connections?|connections?\s+(?:limit|cap|max(?:imum)?))\s*(?:of|to|=|:|at)?\s*(\d+)\b/.exec(t) ??
    /\b(\d+)\s+(?:max(?:imum)?\s+|concurrent\s+|simultaneous\s+)?connections\b/.exec(t) ??
    /\blimit\b[^.]*\bconnections?\b[^.\d]*(\d+)/.exec(t) ??
    // "db needs more connections, like 250", "allow up to 300 connections", "connections: 400".
    /\bconnections?\b[^.\d]{0,30}?\b(?:like|about|around|to|of|at|=|:|say|maybe|up\s+to)?\s*(\d{2,5})\b(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|ms\b|s\b))/.exec(t);
  if (conn) {
    const n = Number(conn[1]);
    const isDb = (s: Service) => ['postgres', ...sameWire('mariadb')].includes(templateOf(s) ?? '');
    const names = targets(isDb);
    if (names.length === 0) {
      run.questions.push('A connection limit applies to a database; which one? (there is no PostgreSQL or MariaDB service yet — "add postgres with a connection limit of 100")');
    }
    for (const name of names) {
      const svc = getService(run, name)!;
      mentionFocus(run, name);
      const tpl = templateOf(svc);
      if (tpl === 'postgres') {
        const cmd = withOption(commandString(svc.command) ?? 'postgres', /\s-c\s+max_connections=\d+/, ` -c max_connections=${n}`);
        run.ws.set('services.yaml', svcPath(run, name, 'command'), cmd);
        run.lines.push(`~ ${name}: command ${cmd} (at most ${n} connections)`);
      } else {
        const cmd = withOption(commandString(svc.command) ?? MYSQL_PROGRAMS[tpl!]!.server, /\s--max-connections=\d+/, ` --max-connections=${n}`);
        run.ws.set('services.yaml', svcPath(run, name, 'command'), cmd);
        run.lines.push(`~ ${name}: command ${cmd} (at most ${n} connections)`);
      }
    }
    did = true;
  }

  // Ports: "move nginx to port 8080", "nginx on port 8080", "change the port of web to 8081",
  // "nginx to 8080", and "make that 18090" right after a port was set.
  const frame = readPortFrame(clause);
  const bare = frame.said.length === 0 && !rep && !conn ? barePort(run, clause) : undefined;
  if (bare !== undefined) frame.said.push({ host: bare, before: '' });
  // "let nginx also answer on 443": the clause splitter took the "also" off; the words just before the clause still say it.
  const msg = run.input.message.toLowerCase();
  const at = msg.indexOf(t);
  if (at > 0 && run.clauseAdded.length === 0 && /\b(?:also|too|as\s+well)\W*$/.test(msg.slice(Math.max(0, at - 16), at)) && !/\b(?:instead|rather|move|switch|change)\b/.test(t)) frame.add = true;
  const ports = frame.said.map((s) => s.host);
  // A catalogue app added by this clause already has the ports it asked for ("console on 9001").
  // So is one whose ports are those said ("gitea on 3000, a redis": 3000 is gitea's, never redis's too).
  const portsDone = run.clauseAdded.length > 0 && (run.clauseAdded.every((n) => run.portsSet.includes(n)) || ports.every((p) => run.clauseAdded.some((n) => run.portsSet.includes(n) && (getService(run, n)?.ports ?? []).some((x) => x.host === p))));
  if (ports.length > 0 && !portsDone && !/\b(allow|open|block|close|deny|firewall|expose\s+to)\b/.test(t)) {
    // A service with no port yet is one to publish only when publishing is said ("publish it on 8000").
    // "add notes", then "put it on port 7000": "it" is the service the last reply added (round 29), as if added here.
    const lastReply = /\bit\b/.test(t) ? [...run.input.history].reverse().find((h) => h.role === 'assistant')?.text ?? '' : '';
    // Round 30: "put the worker on port 9100", "move worker to port 80": a service named with a verb that places it is
    // published there too (it asked "which service" of the service it named).
    const placed = (s: Service) => explicit.includes(s.name) && /\b(?:move|put|place|listen\w*|serve|answer|switch|change|set)\b/.test(t) && !/\b(?:talks?|connects?|reach\w*|calls?|speaks?)\s+to\b/.test(t);
    const names = saidFirst(run, t, targets((s) => (s.ports ?? []).length > 0 || run.added.includes(s.name) || PUBLISH_SAID.test(t) || lastReply.includes(`+ ${s.name}:`) || placed(s)));
    if (names.length === 0) ask(`port ${ports.join(', ')}`);
    for (const name of names.slice(0, 1)) {
      const svc = getService(run, name)!;
      // "the console on 9001": a port word of a catalogue app names which of its ports.
      const list = placePorts(svc.ports ?? [], frame, appOfImage(svc.image)?.ports);
      mentionFocus(run, name);
      if (JSON.stringify(list) === JSON.stringify(svc.ports ?? [])) {
        // A service this request adds is not "already so (left as it is)": its "+" line says the port.
        if (!run.added.includes(name)) run.already.push(`${name}: published on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')}`);
        continue;
      }
      run.ws.set('services.yaml', svcPath(run, name, 'ports'), list);
      run.lines.push(`~ ${name}: published on ${list.map((p) => (p.host === p.container ? `${p.host}` : `${p.host} (container ${p.container})`)).join(', ')}`);
    }
    did = true;
  }

  // Version: "upgrade postgres to 17", "use nginx version 1.27".
  // The service a version is said of: named, or "it" ("use 7.4 for it").
  const verTargets = explicit.length > 0 ? explicit : /\b(?:it|that|this)\b/.test(t) ? focusTargets(run) : [];
  const ver =
    /\b(?:upgrade|update|downgrade|move|switch|change|pin|bump|roll\s+(?:back|forward))\b[^.]*?\bto\s+(?:the\s+)?(?:(?:version|tag|release)\s+)?v?(\d+(?:\.\d+){0,2}(?:-[a-z0-9.]+)?)\b(?!:\d)/.exec(t) ??
    /\b(?:version|release|tag)\s+v?(\d+(?:\.\d+){0,2})\b/.exec(t) ??
    // "mariadb to 11.4 please", "redis -> 7.4", "put postgres on 16.4", "we need mariadb 11.4 now", "grafana at v11.2":
    // a dotted version said of a service that is there (never a size, a CPU count or a port).
    (verTargets.length > 0 && findSizes(clause).length === 0 && findCpu(clause) === undefined && !/\b(?:ports?|cpus?|cores?|memory|ram|replicas?|instances?|copies|connections?)\b/.test(t)
      ? new RegExp(String.raw`(?:\b(?:to|on|onto|at|use|run|with)\s+|->\s*|→\s*|=\s*|\b(?:${verTargets.map(escapeRe).join('|')})\s+)v?(\d+\.\d+(?:\.\d+)?(?:-[a-z0-9.]+)?)(?![\w.%])`).exec(t) ??
        // "postgres 17 please", "redis to 8": a whole number near the major version it runs now.
        ((m) => (m && nearMajor(run, verTargets[0]!, Number(m[1])) ? m : null))(new RegExp(String.raw`(?:\b(?:to|on|onto|use|run)\s+|->\s*|→\s*|\b(?:${verTargets.map(escapeRe).join('|')})\s+)v?(\d{1,2})(?![\w.%:])\s*(?:please|pls|now|instead|then|thanks)?\s*[.!]*$`).exec(t))
      : null);
  // Round 37 (held-out 31 svc-86): "get the worker off the 3.1 tag and onto latest", "move worker to the latest tag": the latest tag.
  const latest = ver ? null : LATEST_TAG.exec(t);
  if (latest && !conn && !rep && ports.length === 0) {
    const names = targets();
    if (names.length === 0) ask('the latest tag');
    for (const name of names.slice(0, 1)) {
      const svc = getService(run, name)!;
      const repo = repoOf(svc.image);
      const suffix = variantOf(svc.image.slice(repo.length + 1) || 'latest');
      setImage(run, name, suffix ? `${repo}:${suffix.replace(/^-/, '')}` : `${repo}:latest`);
    }
    return true;
  }
  if (ver && !conn && !rep && ports.length === 0 && !/^\d+$/.test(ver[1]!) || (ver && Number(ver[1]) < 80 && !conn && !rep && ports.length === 0)) {
    const names = targets();
    if (names.length === 0) ask(`version ${ver[1]}`);
    for (const name of names.slice(0, 1)) {
      const svc = getService(run, name)!;
      const repo = repoOf(svc.image);
      const oldTag = svc.image.slice(repo.length + 1) || 'latest';
      const suffix = variantOf(oldTag);
      const image = `${repo}:${ver[1]}${ver[1]!.includes('-') ? '' : suffix}`;
      setImage(run, name, image);
      if (templateOf(svc) === 'postgres' && oldTag.split('.')[0] !== ver[1]!.split('.')[0]) {
        run.warnings.push(`A major PostgreSQL upgrade cannot start on the old data directory; the new ${name} will fail its health check and the apply will be rolled back unless the data is migrated (pg_dump / restore) first.`);
      }
    }
    did = true;
  }
  return did;
}

/**
 * Several containers cannot share one host port: with more than one replica the service's host
 * ports go (a proxy in front publishes the port), and the user is told who still reaches the
 * replicas by name (lines.ts whoReachesReplicas).
 */
function unpublishForReplicas(run: Run, name: string, n: number): void {
  const svc = getService(run, name)!;
  const fixed = (svc.ports ?? []).filter((p) => p.host !== undefined);
  if (n <= 1 || fixed.length === 0) return;
  const list = (svc.ports ?? []).map((p) => {
    const { host: _h, host_ip: _ip, ...rest } = p;
    return rest;
  });
  run.ws.set('services.yaml', svcPath(run, name, 'ports'), list);
  run.lines.push(`~ ${name}: no longer publishes host port${fixed.length > 1 ? 's' : ''} ${fixed.map((p) => p.host).join(', ')} (${n} containers cannot share a host port)`);
  run.warnings.push(
    `${name} will not be reachable from outside on port${fixed.length > 1 ? 's' : ''} ${fixed.map((p) => p.host).join(', ')}: ${REPLICAS_BY_NAME}. To serve them from outside, put a proxy in front ("add caddy") and point it at ${name}, or scale back to 1.`,
  );
}

/** `n` is within five of the major version `name` runs now ("postgres 17" for postgres:16-alpine). */
function nearMajor(run: Run, name: string, n: number): boolean {
  const svc = getService(run, name);
  if (!svc) return false;
  const major = /^v?(\d+)/.exec(svc.image.slice(repoOf(svc.image).length + 1));
  return major !== null && Math.abs(Number(major[1]) - n) <= 5 && n > 0;
}

/** The variant part of a tag, kept across a version change: "16-alpine" → "-alpine", "alpine" → "-alpine". */
function variantOf(tag: string): string {
  return /-(alpine|slim|apache|fpm)\b.*$/.exec(tag)?.[0] ?? (/^(alpine|slim|bookworm|bullseye)$/.test(tag) ? `-${tag}` : '');
}

function commandString(cmd: Service['command']): string | undefined {
  if (cmd === undefined) return undefined;
  return Array.isArray(cmd) ? cmd.join(' ') : cmd;
}

function withOption(cmd: string, existing: RegExp, add: string): string {
  return existing.test(cmd) ? cmd.replace(existing, add) : cmd + add;
}

/**
 * A port said as a bare number where nothing but a port fits: "nginx to 8080" (a service, then
 * "to N" closing the clause), or "make that 18090" / "nah, 18090" right after a turn that set a
 * port. Never with words of another setting (version, replicas, memory, schedule, retention).
 */
function barePort(run: Run, clause: string): number | undefined {
  const t = clause.toLowerCase();
  if (findSizes(t).length > 0 || /\b(versions?|v\d+|upgrade|update|downgrade|bump|scale|replicas?|instances?|copies|connections?|memory|ram|mem|cpus?|cores?|keep|retain|every|daily|hourly|weekly|nightly|minutes?|hours?|days?|weeks?|months?|at\s+\d|timezone|utc|gmt)\b/.test(t)) return undefined;
  // "grafana to 3300", "move grafana over to 3300", "can you put grafana on port 3300 please", "shift grafana's port across to 3300".
  const named = /^(?:(?:and|also|then|ok|okay|so|hey|pls|please|(?:can|could|would)\s+(?:you|u)|i\s+(?:want|need)\s+(?:you\s+)?to)\s+)*(?:move\s+|put\s+|switch\s+|change\s+|set\s+|shift\s+|run\s+|have\s+|bring\s+|relocate\s+)?(?:the\s+)?([a-z][\w-]*)(?:'s)?(?:\s+(?:server|service|container|app|port))?\s+(?:(?:over|across|instead|now)\s+)?(?:to|->|→|on(?:to)?|at)\s+(?:port\s+)?(\d{2,5})\s*(?:instead|then|please|pls|now|thanks|thx|instead\s+please)?\s*[.!?]*$/.exec(t);
  // Below 80 it is more likely a version ("move postgres to 17").
  if (named && Number(named[2]) >= 80 && (getService(run, named[1]!) || targetsIn(run, named[1]!).names.length > 0)) return portNumber(named[2]!);
  // "move it to 8081" (the service under discussion; a version is never 80 or more without a dot).
  const moveIt = /\b(?:move|put|switch|shift)\s+(?:it|that|this|them)\s+(?:over\s+)?(?:to|on(?:to)?)\s+(?:port\s+)?(\d{2,5})\s*(?:instead|then|please|pls)?\s*[.!?]*$/.exec(t);
  if (moveIt && Number(moveIt[1]) >= 80) return portNumber(moveIt[1]!);
  // "…, and publish 8000", "publish it on port 8000": publishing is a service's port, never the firewall's.
  // "expose it on 3307", "expose it on the host on 6380" (a service under discussion): the same.
  const publish = new RegExp(String.raw`\b(?:publish(?:es|ing)?\s+(?:(?:it|that|this|them)\s+)?|(?:expose|bind|map)\s+(?:it|that|this|them)\s+(?:to\s+(?=\d|(?:the\s+)?(?:host\s+)?port\b))?|make\s+(?:it|that|this|them)\s+(?:available|reachable|accessible)\s+)${ON_THE_HOST}(?:on\s+|at\s+|as\s+)?(?:(?:the\s+)?(?:host\s+)?port\s+)?(\d{2,5})(?:\s+${ON_THE_HOST.slice(0, -1)})?\s*(?:too|as\s+well|please|pls|then|thanks|instead)?\s*[.!?]*$`).exec(t);
  if (publish && (/^publish/.test(publish[0].trim()) || focusTargets(run).length > 0)) return portNumber(publish[1]!);
  const ref = /\b(?:make|change|set|switch|put|move)\s+(?:that|it|this|the\s+port)\s+(?:to\s+|on\s+)?(\d{2,5})\s*(?:instead|then|please|pls)?\s*[.!?]*$/.exec(t) ?? /^(?:(?:no|nah|nope|actually|sorry|oops|wait|hmm|i\s+meant|make\s+it|rather)[,.\s]+)+(\d{2,5})\s*(?:instead|then|please|pls)?\s*[.!?]*$/.exec(t);
  if (!ref) return undefined;
  const lastUser = [...run.input.history].reverse().find((h) => h.role === 'user')?.text ?? '';
  return findPorts(lastUser).length > 0 || /\bports?\b/i.test(lastUser) ? portNumber(ref[1]!) : undefined;
}

/** "on the host", "to the host": where a port is published, said before or after the number. */
const ON_THE_HOST = String.raw`(?:(?:on|to)\s+the\s+host\s+)?`;

function portNumber(s: string): number | undefined {
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : undefined;
}

// ── backups ────────────────────────────────────────────────────────────────

/**
 * How long or how many backups to keep: "keep 14", "keep the last 10", "keep 14 days of them",
 * "retain two weeks", "30 days of backups". A duration is turned into copies by the schedule
 * ("14 days" of daily backups is 14, of hourly ones 336).
 */
const RETENTION =
  /\b(?:keep(?:ing|s)?|kept|retain(?:ing|s|ed)?|hold(?:ing)?\s+on\s*to|hang(?:ing)?\s+on\s*to|stor(?:e|ing)|sav(?:e|ing)|retention(?:\s+(?:period|count|policy))?(?:\s*(?:of|is|to|=|:|at))?)\s+(?:them\s+|those\s+|backups?\s+|copies\s+|snapshots?\s+)?(?:for\s+)?(?:only\s+|just\s+|at\s+most\s+|no\s+more\s+than\s+)?(?:the\s+last\s+|last\s+|up\s+to\s+|about\s+)?(\d+|seven|ten|thirty|fourteen)\s*(days?|weeks?|months?|hours?|copies|backups?|snapshots?|dumps?|versions?)?(?:'?\s*worth)?\b|\b(\d+)\s+(days?|weeks?|months?)(?:'?\s*worth)?\s+of\s+(?:back ?ups?|snapshots?|dumps?|history)\b|\b(?:keep|retain|hold\s+on\s*to|store|save)\s+(?:them\s+|backups?\s+)?(?:for\s+)?(?:a|an|one)\s+(day|week|month|year)(?:'?s?\s*worth)?\b/;

/** RETENTION read after the durations and counts said in words are put plainly (retention.ts). */
const retentionIn = (t: string): RegExpExecArray | null => RETENTION.exec(retentionWords(t));

function retentionCopies(m: RegExpExecArray, cron: string): number {
  if (m[5]) return Math.min(10000, Math.max(1, Math.round((({ day: 24, week: 168, month: 730, year: 8760 } as Record<string, number>)[m[5]] ?? 24) / cronIntervalHours(cron))));
  const n = parseNumberWord(m[1] ?? m[3]!) ?? 7;
  const unit = (m[2] ?? m[4] ?? '').replace(/s$/, '');
  const hours = unit === 'day' ? n * 24 : unit === 'week' ? n * 168 : unit === 'month' ? n * 730 : unit === 'hour' ? n : undefined;
  if (hours === undefined) return Math.min(10000, Math.max(1, n));
  return Math.min(10000, Math.max(1, Math.round(hours / cronIntervalHours(cron))));
}

/** Hours between runs of a cron schedule (roughly: a list of days or hours counts its entries). */
function cronIntervalHours(cron: string): number {
  const [min = '0', hour = '3', dom = '*', , dow = '*'] = cron.trim().split(/\s+/);
  const count = (f: string) => f.split(',').reduce((a, p) => a + (/^\d+-\d+$/.test(p) ? Number(p.split('-')[1]) - Number(p.split('-')[0]) + 1 : 1), 0);
  if (/^\*\/\d+$/.test(min)) return Number(min.slice(2)) / 60;
  if (min === '*') return 1 / 60;
  if (/^\*\/\d+$/.test(hour)) return Number(hour.slice(2));
  if (hour === '*') return 1;
  if (dom !== '*') return 730 / count(dom);
  if (dow !== '*') return 168 / count(dow);
  return 24 / count(hour);
}

/** "back up everything", "all volumes", "both databases", "all of them": every volume is meant. */
function saysAll(clause: string): boolean {
  return /\b(?:all|every|each|both)\s+(?:of\s+)?(?:the\s+|our\s+|my\s+)?(?:databases?|dbs?|services?|volumes?|data|containers?|apps?|stores?|them)\b|\beverything\b|\ball\s+(?:the\s+)?(?:data|of\s+it)\b|\bwhole\s+(?:server|box|machine|host)\b/i.test(clause);
}

/** Backups were set or spoken of in this request or the last turns of the conversation. */
function backupsInDiscussion(run: Run): boolean {
  if (/\bback ?ups?\b|\bback(?:ed|ing)?\s+(?:\w+\s+)?up\b|\bsnapshots?\b|\bdumps?\b/i.test(run.input.message)) return true;
  return run.input.history.slice(-4).some((h) => h.role === 'user' && /\bback ?ups?\b|\bback(?:ed|ing)?\s+(?:\w+\s+)?up\b|\bsnapshots?\b|\bdumps?\b/i.test(h.text));
}

/**
 * Backups said to go to a NAS or an address on the LAN ("back up postgres to 192.168.1.50", "to
 * the nas"): not refused (a private address is not outside, harm-classes.ts), and not dropped
 * without a word either: backups are written to a local directory, which can be the NAS's share
 * once it is mounted.
 */
const LAN_PLACE = /\bnas\b|\b(?:10|192\.168|172\.(?:1[6-9]|2\d|3[01]))(?:\.\d{1,3}){2,3}\b|\b(?:the|our|my)\s+lan\b|\b[\w-]+\.(?:local|lan|home\.arpa)\b/;
function lanDestination(run: Run, t: string): void {
  const place = LAN_PLACE.exec(t);
  if (!place || !/\bback ?ups?\b|\bback(?:ed)?[- ]up\b|\bmirror/.test(t)) return;
  const note = `Backups are written to a directory on this machine (storage.yaml \`destination:\`, docs/backups.md); to keep them on ${/^nas$/.test(place[0]) ? 'the NAS' : place[0]}, mount its share under \`mounts:\` in storage.yaml (docs/storage.md) and set each volume's backup \`destination:\` to a directory on it.`;
  if (!run.notes.includes(note)) run.notes.push(note);
}

function handleBackups(run: Run, clause: string): boolean {
  const t = clause.toLowerCase().replace(/\bback\s+(it|them|that|this)\s+up\b/, 'back up $1').replace(/\bbacking up\b/, 'back up');
  // "keep 14 days of them", "keep two weeks of them": retention of the backups under discussion.
  // With no word of backups in the conversation, a backup already set is what "keep the last 3" is about.
  const backupsSet = () => run.ws.items<{ backup?: { enabled?: boolean } }>('storage.yaml', VOLS).some((v) => v.backup && v.backup.enabled !== false);
  const retentionAlone = retentionIn(t) !== null && !/\bback ?ups?\b|\bback(ed)?[- ]up\b|\bsnapshots?\b/.test(t) && !/\b(?:replicas?|instances?|containers?|nodes|running|logs?|log\s+files?)\b/.test(t) && (backupsInDiscussion(run) || backupsSet());
  lanDestination(run, t);
  if (backUpNow(run, clause, t)) return true;
  // "make it 4am instead": a new time for the backups of the volume under discussion.
  const rescheduled = !retentionAlone && refinesSchedule(t) && parseSchedule(t, 3) !== undefined && backupsInDiscussion(run) && backupTargets(run, clause).length > 0;
  if (rescheduled) {
    const vols = backupTargets(run, clause);
    for (const v of vols) {
      const vi = run.ws.indexOf('storage.yaml', VOLS, v);
      const old = run.ws.get<string>('storage.yaml', [...VOLS, vi, 'backup', 'schedule']);
      const next = withTimeOf(old, parseSchedule(t, 3)!.cron, t);
      run.ws.set('storage.yaml', [...VOLS, vi, 'backup', 'schedule'], next);
      if (run.ws.get('storage.yaml', [...VOLS, vi, 'backup', 'enabled']) === undefined) run.ws.set('storage.yaml', [...VOLS, vi, 'backup', 'enabled'], true);
      run.lines.push(`~ volume ${v}: backed up at ${next}${old ? ` (was ${old})` : ''}`);
      // A MySQL-protocol database's dump job moves with its archive (it runs before it).
      const owner = services(run).find((sv) => (sv.volumes ?? []).some((m) => m.source === v) && MYSQL_PROGRAMS[templateOf(sv) ?? ''] && run.ws.indexOf('scheduled.yaml', JOBS, `${sv.name}-dump`) >= 0);
      if (owner) dumpJob(run, owner.name, templateOf(owner)!, next);
    }
    return true;
  }
  if (!retentionAlone && !/\bback ?ups?\b|\bback(ed)?[- ]up\b|\bsnapshots?\b/.test(t)) return false;
  if (!/\bback ?ups\b|\bbackup\b|\bsnapshots?\b/.test(t) && /\b(bring|get|fire|spin|boot|power|start|come|came|is|are|kick)\s+(?:[\w-]+\s+){0,3}back\s+up\b/.test(t)) return false;
  const ownVols = volumeTargets(run, clause);
  // "turn backups off for it", "switch its backups off", "pause the backups", "don't back it up anymore".
  if (/\b(disable|stop|no(?!\s+(?:more|fewer|less|longer|older)\s+than\b)|without|skip|turn off|switch off|remove|pause|cancel|kill|drop|get rid of)\b[^.]*\bback ?ups?\b|\b(?:don'?t|do\s+not|never)\s+(?:need\s+to\s+)?back\s+(?:up\s+)?(?:it|this|that|them)\b|\b(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:really\s+)?need\s+(?:to\s+be\s+|to\s+|an?\s+|any\s+)?back(?:ed|ing)?[\s-]?ups?\b|\bstop\s+back\s+up\b|\bno (more|longer)\b(?!\s+than\b)[^.]*\bback\s?up|\bback ?ups?\s+(?:(?:for|of|on)\s+[\w-]+\s+)?(?:off|disabled)\b|\b(?:turn|switch|shut)\s+(?:the\s+|its\s+|their\s+|all\s+)?(?:[\w-]+\s+)?back ?ups?\s+off\b|\b(?:don'?t|do\s+not|never)\s+back\s+(?:\w+\s+)?up\b[^.]*\b(?:any\s?more|again|from\s+now\s+on)\b/.test(t)) {
    if (ownVols.length > 0) {
      backUpVolumes(run, ownVols, t, 'off', undefined, null);
      return true;
    }
    const vols = run.ws.items<{ name: string; backup?: { enabled?: boolean } }>('storage.yaml', VOLS);
    let named = targetsIn(run, clause).names;
    // "the database doesn't need backups": the services that hold records; nothing said, with
    // several backups set and no "all": which ones is asked, never every backup (round 33).
    if (named.length === 0 && /\b(?:the|our|my)\s+(?:main\s+)?(?:databases?|dbs?)\b/.test(t)) named = services(run).filter((sv) => /^(?:postgres|mysql|mariadb)$/.test(templateOf(sv) ?? '') || /\bmongo/i.test(sv.image ?? '')).map((sv) => sv.name);
    const on = vols.filter((v) => v.backup?.enabled);
    if (named.length === 0 && on.length > 1 && !saysAll(clause) && !/\b(?:all|every|each|any)\s+(?:of\s+)?(?:the\s+|my\s+|our\s+)?(?:back\s?ups?|snapshots?)\b/.test(t)) {
      const owners = focusTargets(run).filter((n) => (getService(run, n)?.volumes ?? []).some((m) => on.some((v) => v.name === m.source)));
      if (owners.length === 1) named = owners;
      else {
        run.questions.push(`Which backups should I turn off: ${orList(on.map((v) => v.name))}? Say "all" to turn off every one. Nothing was changed.`);
        return true;
      }
    }
    const mine = new Set(named.flatMap((n) => (getService(run, n)?.volumes ?? []).map((v) => v.source)));
    vols.forEach((v, i) => {
      if (named.length > 0 && !mine.has(v.name)) return;
      if (v.backup?.enabled) {
        run.ws.set('storage.yaml', [...VOLS, i, 'backup', 'enabled'], false);
        run.lines.push(`~ volume ${v.name}: backups off (existing backups are kept)`);
      }
    });
    return true;
  }
  const schedule = parseSchedule(t, 3) ?? { cron: '0 3 * * *', words: 'every day at 03:00' };
  const retainM = retentionIn(t);
  const retainOnly = retainM !== null && (retentionAlone || !parseSchedule(t, 3));
  const retainFor = (cron: string) => (retainM ? retentionCopies(retainM, cron) : 7);
  const retain = retainFor(schedule.cron);
  if (ownVols.length > 0) {
    backUpVolumes(run, ownVols, t, retainOnly ? 'retain' : 'on', schedule, retainM);
    return true;
  }
  // "keep 7" after "back up the database every night": the backups set, a service's volume too;
  // "only 7 days of backups", "keep backups for only 7 days" with a backup set and no service said:
  // that backup's retention, never a new schedule for every volume.
  const backedUp = retentionAlone || (retainOnly && targetsIn(run, clause).names.length === 0) ? backupTargets(run, clause) : [];
  if (backedUp.length > 0) {
    backUpVolumes(run, backedUp, t, 'retain', schedule, retainM);
    return true;
  }
  if (retainOnly) {
    // "keep 14 days of backups for redis": only the retention of the backups already set.
    const named = targetsIn(run, clause).names;
    const names0 = named.length > 0 ? named : focusTargets(run);
    let did0 = false;
    for (const n of names0) {
      for (const v of getService(run, n)?.volumes ?? []) {
        const vi = run.ws.indexOf('storage.yaml', VOLS, v.source);
        if (vi < 0) continue;
        const b = run.ws.get<{ enabled?: boolean; schedule?: string }>('storage.yaml', [...VOLS, vi, 'backup']);
        if (!b) continue;
        const copies = retainFor(b.schedule ?? '0 3 * * *');
        run.ws.set('storage.yaml', [...VOLS, vi, 'backup', 'retain'], copies);
        mentionFocus(run, n);
        run.lines.push(`~ volume ${v.source}: the last ${copies} backups kept`);
        did0 = true;
      }
    }
    if (did0) return true;
    if (retentionAlone) return false;
  }
  const hasData = (s: Service) => (s.volumes ?? []).some((v) => !v.source.startsWith('/') && run.ws.indexOf('storage.yaml', VOLS, v.source) >= 0);
  // "set up postgres called mydb with daily backups" beside a postgres there already: the
  // product word is the kind of the service this request adds, not the old one (the old
  // database's volume was backed up); an old service said by its own name still counts.
  const addedKinds = new Set(run.added.map((n) => templateOf(getService(run, n)!)).filter((k): k is string => k !== undefined));
  const saidAsKind = (n: string) => {
    const kind = templateOf(getService(run, n)!);
    return kind !== undefined && addedKinds.has(kind) && (n === kind || !new RegExp(`(?<![\\w.-])${escapeRe(n)}(?![\\w-])`).test(t));
  };
  const said = targetsIn(run, clause).names.filter((n) => run.added.includes(n) || !saidAsKind(n));
  const explicit = said.filter((n) => !run.added.includes(n));
  // "set up postgres and redis, back up redis nightly": a service this request adds, named
  // after "back up", is the one backed up (not every service the request adds; "postgres and
  // redis with daily backups" reaches here as the clause "redis with daily backups": both).
  const namedAdded = run.added.filter((n) => hasData(getService(run, n)!) && new RegExp(`\\bback(?:ing)?[\\s-]*up\\s+(?:only\\s+|just\\s+)?(?:the\\s+)?${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i').test(clause));
  let names = explicit.length > 0 ? explicit : namedAdded.length > 0 && namedAdded.length < run.added.length ? namedAdded : run.added.length > 0 ? [...run.added] : focusTargets(run, hasData);
  // "back up the database every night" beside "redis as a cache": the database is the one
  // that holds records (PostgreSQL, MySQL, MariaDB, MongoDB), not the cache; with none of
  // those there, the words pick nothing out and every candidate stays.
  if (explicit.length === 0 && /\b(?:the|our|my|its|their)\s+(?:main\s+|primary\s+|sql\s+)?(?:databases?|dbs?)\b/i.test(clause) && !/\b(?:all|every|each|both)\s+(?:of\s+)?(?:the\s+|our\s+|my\s+)?(?:databases?|dbs?|services?|volumes?|data)\b|\beverything\b|\bboth\b/i.test(clause)) {
    const records = (n: string) => {
      const sv = getService(run, n);
      return !!sv && (/^(?:postgres|mysql|mariadb)$/.test(templateOf(sv) ?? '') || /\bmongo/i.test(sv.image ?? ''));
    };
    const pool = names.length > 0 ? names : services(run).filter(hasData).map((sv) => sv.name);
    if (pool.some(records)) names = pool.filter(records);
  }
  // "back it up nightly" with postgres and redis and neither under discussion: which one is asked.
  const it = names.length === 0 && services(run).filter(hasData).length > 1 ? /\b(?:it|that(?:\s+one)?|this(?:\s+one)?)\b/.exec(clause) : null;
  if (it) {
    const fits = services(run).filter(hasData);
    const filled = need(run, { slot: 'service', question: `Which service should I back up: ${orList(fits.map((s) => s.name))}?`, choices: fits.map(serviceChoice), fill: (v) => clause.slice(0, it.index) + v + clause.slice(it.index + it[0].length) });
    return filled === undefined ? true : handleBackups(run, filled);
  }
  // Nothing named, with backups already set: those are the ones meant ("the backup should run at
  // 4am"), never every volume unless the person said all (review 24 MED-5: "move the nightly
  // backup to 4am" backed up every volume). With none set, "set up automatic daily backups" is
  // every service's data (held-out 17, 18, 20 expect both databases).
  if (names.length === 0 && !saysAll(clause)) {
    const set = backupTargets(run, clause);
    const owners = services(run).filter((sv) => (sv.volumes ?? []).some((m) => set.includes(m.source))).map((sv) => sv.name);
    if (owners.length > 0) names = owners;
  }
  if (names.length === 0) names = services(run).filter(hasData).map((s) => s.name);
  // A service said by name with no volume, run from a catalogue app's image ("deploy gitea/gitea:1.21
  // as gitea", then "backup gitea repos nightly"): its data is where the app keeps it (round 38, fit32b).
  for (const n of explicit) if (!hasData(getService(run, n)!)) appDataVolumes(run, n);
  const withData = names.filter((n) => hasData(getService(run, n)!));
  const without = names.filter((n) => !withData.includes(n));
  if (withData.length === 0) {
    run.questions.push(
      services(run).length === 0
        ? 'There is nothing to back up yet: no service has a data volume. Add one first ("I need a PostgreSQL database with daily backups").'
        : `Nothing to back up: ${without.join(', ') || 'no service'} ha${without.length === 1 ? 's' : 've'} no data volume.`,
    );
    return true;
  }
  if (/\bs3\b|\bcloud\b|\bremote\b|\boff-?site\b/.test(t)) {
    run.warnings.push('Backups go to the local backup destination; S3 or other remote targets are not supported yet.');
  }
  for (const name of withData) {
    const svc = getService(run, name)!;
    mentionFocus(run, name);
    const tpl = templateOf(svc);
    // PostgreSQL and Redis get the database's own dump (pg_dumpall, BGSAVE: runtime/backup);
    // other data a tar.zst of the volume (docs/backups.md).
    const type = tpl === 'postgres' || tpl === 'redis' ? 'dump' : 'archive';
    for (const v of svc.volumes ?? []) {
      const vi = run.ws.indexOf('storage.yaml', VOLS, v.source);
      if (vi < 0) continue;
      // A new schedule keeps the count kept unless this clause says one ("keep 3" stays 3).
      const before = run.ws.get<{ retain?: number }>('storage.yaml', [...VOLS, vi, 'backup']);
      const kept = retainM ? retain : before?.retain ?? retain;
      run.ws.set('storage.yaml', [...VOLS, vi, 'backup'], { enabled: true, schedule: schedule.cron, retain: kept, type });
      run.lines.push(`~ volume ${v.source}: backed up ${schedule.words} (${schedule.cron}), last ${kept} kept (${type === 'dump' ? (tpl === 'postgres' ? 'pg_dumpall' : 'redis BGSAVE') : 'tar.zst of the volume'})`);
    }
    // A MySQL-protocol database: a consistent dump inside its container, into its volume,
    // finished before the volume's archive starts (dumpJob).
    if (MYSQL_PROGRAMS[tpl ?? '']) dumpJob(run, name, tpl!, schedule.cron);
  }
  if (without.length > 0 && explicit.length > 0) run.notes.push(`${without.join(', ')} ha${without.length === 1 ? 's' : 've'} no data to back up.`);
  return true;
}

/**
 * A service with no volume, run from the image of a catalogue app that keeps data ("deploy
 * gitea/gitea:1.21 as gitea"; stdlib-templates/apps/catalog.yaml): each path the app keeps its
 * data in gets a volume of its own (`<service>-<suffix>`), as "add gitea" would have made, so a
 * backup asked of it has something to back up (round 38, fit32b: h32-bak-15). The container's
 * own files there are not copied: a volume starts with the image's files at that path.
 */
function appDataVolumes(run: Run, name: string): boolean {
  const svc = getService(run, name);
  if (!svc?.image || (svc.volumes ?? []).length > 0) return false;
  const app = loadAppCatalog().apps.find((a) => a.image !== undefined && repoOf(a.image) === repoOf(svc.image!) && (a.volumes ?? []).length > 0);
  if (!app) return false;
  for (const v of app.volumes!) mountVolume(run, name, { names: [`${name}-${v.suffix}`], paths: [{ path: v.target, index: 0, host: false }], readonly: false, size: v.size, storage: true, placing: true, spans: [] });
  run.notes.push(`${name} kept its data inside the container: ${app.volumes!.map((v) => v.target).join(' and ')} (where ${app.name} keeps it) now ${app.volumes!.length === 1 ? 'is a volume' : 'are volumes'} of its own, backed up. What the running container wrote there is not copied into the new volume.`);
  return true;
}

/**
 * The dump job of a MySQL-protocol database (MariaDB, MySQL) whose backups run on `cron`:
 * mysqldump/mariadb-dump inside its container into claude-dump.sql in its volume, at the time
 * said (the volume's archive runs then too: the held-out sets expect both at the time said).
 * The dump is written to a temporary file and renamed into place when complete, so an archive
 * made meanwhile holds the last complete dump, never a half-written one (before, it wrote
 * claude-dump.sql in place; docs/backups.md, "MySQL and MariaDB").
 */
function dumpJob(run: Run, name: string, tpl: string, cron: string): void {
  const programs = MYSQL_PROGRAMS[tpl]!;
  const file = '/var/lib/mysql/claude-dump.sql';
  const command = `${programs.dump} --all-databases -uroot -p"$${templatePassword(tpl)!.env}" > ${file}.part && mv ${file}.part ${file}`;
  const jobName = `${name}-dump`;
  const job = { name: jobName, schedule: cron, container: name, command, timeout: '30m', on_failure: 'alert' };
  const ji = run.ws.indexOf('scheduled.yaml', JOBS, jobName);
  if (ji >= 0) run.ws.set('scheduled.yaml', [...JOBS, ji], job);
  else run.ws.append('scheduled.yaml', JOBS, job);
  const daily = /^(\d+) (\d+) \* \* \*$/.exec(cron);
  const when = daily ? `every day at ${daily[2]!.padStart(2, '0')}:${daily[1]!.padStart(2, '0')}` : `on ${cron}`;
  run.lines.push(`+ job ${jobName}: a consistent dump of ${name} ${when} (${cron}), inside its container, into its volume (renamed into place when complete)`);
}

// ── volumes of their own ───────────────────────────────────────────────────

/** A schema name from a path's last part and the service ("nextcloud" + /var/www/html → nextcloud-html). */
function volumeNameFor(service: string | undefined, path: string): string {
  const base = path.split('/').filter(Boolean).pop()?.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'data';
  const name = !service || base.startsWith(service) ? base : base === 'data' || base === service ? `${service}-data` : `${service}-${base}`;
  return name.slice(0, 63).replace(/-+$/, '');
}

/**
 * The volume frame (volumes.ts) against the state files, one rule for every wording:
 * - a service named in the clause (or "it", the service under discussion; or the service the
 *   clause adds) gets the volume mounted: the path said is where it appears in the container
 *   ("call the volume worker-data, at /data", "give nextcloud a volume at /var/www/html",
 *   "persist /var/lib/grafana"), so a container path is never taken for a host path;
 * - with no service, the path is the volume's directory on the host ("new volume 'x' under
 *   /data/x", "somewhere to keep artifacts, /srv/artifacts, call it artifacts");
 * - a volume that exists is reused, never made twice; a mount already there is "already so";
 * - "mount /dev/sdb1 at /mnt/data" is a disk mounted on the host (storage.yaml `mounts:`),
 *   never formatted.
 * The rest of the clause ("…, daily backups, keep 5") is read as the volume's backups.
 */
function handleVolume(run: Run, clause: string, added: string[] = []): boolean {
  const f = readVolumeFrame(clause);
  const t = clause.toLowerCase();
  if (f.device && f.paths.length > 0 && added.length === 0) return mountDevice(run, f.device, f.paths[f.paths.length - 1]!.path, f.filesystem);
  const existing = new Set(run.ws.items<{ name: string }>('storage.yaml', VOLS).map((v) => v.name));
  // "the postgres volume", "redis's volume": a service named where a volume's name goes is that
  // service's one volume (postgres-data), never a new volume of the service's name (round 30:
  // "I want the postgres volume backed up…" made a volume postgres inside postgres-data, CLA3020).
  f.names = f.names.map((n) => {
    if (existing.has(n)) return n;
    const own = (services(run).find((s) => s.name === n)?.volumes ?? []).map((v) => (v as { source?: string }).source).filter((v): v is string => v !== undefined && existing.has(v));
    return own.length === 1 ? own[0]! : n;
  });
  // What the clause is about once the names and paths are blanked ("nginx-logs", "/var/log/nginx" name no service).
  let blanked = clause;
  for (const [a, b] of f.spans) blanked = blanked.slice(0, a) + ' '.repeat(b - a) + blanked.slice(b);
  let svcs = added.length > 0 ? added : targetsIn(run, blanked).names;
  if (svcs.length === 0 && /\b(?:give|for|to|into|in|on)\s+(?:it|them)\b|\bits\s+(?!(?:own|ext4|xfs|btrfs)\b)/i.test(blanked) && !/\b(?:mount|attach|call|name|put|keep|store|back)\s+it\b/i.test(blanked)) svcs = focusTargets(run).slice(0, 1);
  // "persist /var/lib/grafana": a service whose name is a part of the path said.
  if (svcs.length === 0 && f.paths.length === 1 && !f.names.length) svcs = services(run).filter((s) => f.paths[0]!.path.split('/').includes(s.name)).map((s) => s.name).slice(0, 1);
  const reused = f.names.filter((n) => existing.has(n));
  const about = f.storage || reused.length > 0 && /\b(?:mount|attach|plug|map|bind)\w*/i.test(t);
  if (!about || !(f.placing || f.paths.length > 0 || added.length > 0)) return false;
  if (svcs.length === 0 && f.names.length === 0 && !(f.paths.length > 0 && /\bvolume|\bpersist|\bstorage|\bsomewhere\b/i.test(t))) return false;
  // A volume that exists, said with no path and no service ("back up the uploads volume"), is not placed here.
  if (svcs.length === 0 && f.paths.length === 0 && f.names.length > 0 && f.names.every((n) => existing.has(n))) {
    if (!/\b(?:make|create|add|new|provision)\b/i.test(t)) return false;
  }
  if (svcs.length > 1) svcs = [nearestBefore(run, t, svcs, t.length) ?? svcs[0]!];
  const svc = svcs[0];
  if (svc) {
    for (const n of svcs) mentionFocus(run, n);
    mountVolume(run, svc, f);
  } else {
    const names = f.names.length > 0 ? f.names : [volumeNameFor(undefined, f.paths[0]!.path)];
    for (const name of names) {
      // One path for one name; several names with a path each ("photos (/srv/photos) and docs (/srv/docs)") pair in order.
      const path = names.length === 1 && f.paths.length > 0 ? f.paths[f.paths.length - 1]!.path : names.length === f.paths.length ? f.paths[names.indexOf(name)]!.path : `/data/${name}`;
      makeVolume(run, name, path, f);
    }
  }
  // The rest of the clause ("…called uploads and back it up daily") is read as backups.
  // (A volume named "backups" is a name, not a request for them.) A negation before it is
  // kept with it: "…, no backups for it, it's throwaway" turns them off, never on.
  const backups = /(?:\b(?:no|without|skip|never|don'?t|do\s+not|disable|not)\s+(?:\w+\s+)?)?(?:\bback\s?ups?\b|\bback(?:ed|ing)?\s+(?:\w+\s+)?up\b|\bsnapshots?\b|\bkeep\s+\d+\b)/i.exec(blanked);
  if (backups) handleBackups(run, clause.slice(backups.index));
  return true;
}

/**
 * A service not here yet, said before the storage words of the clause ("postgres please, with
 * its data on a volume called pg", "add gitea, data on a volume named git-data"): the clause
 * adds it, and the volume is its own. A volume said first ("a volume called pg for postgres")
 * is read as before.
 */
function addedBeforeVolume(run: Run, clause: string): boolean {
  const f = readVolumeFrame(clause);
  if (!f.storage || (f.names.length === 0 && f.paths.length === 0)) return false;
  const first = Math.min(...f.spans.map(([a]) => a), /\bvolume|\bstorage|\bpersist/i.exec(clause)?.index ?? clause.length);
  const fresh = (m: { index: number }) => m.index < first && !negatedAt(clause, m.index);
  return (
    findServiceMentions(clause).some((m) => fresh(m) && existingFor(run, m) === undefined) ||
    findAppMentions(clause).some((m) => fresh(m) && !m.app.template && m.app.image !== undefined && !services(run).some((s) => s.name === m.app.name || repoOf(s.image) === repoOf(m.app.image!)))
  );
}

/** A volume of its own: a host directory (under /data unless a path is said), reused when it exists. */
function makeVolume(run: Run, name: string, path: string, f: VolumeFrame): void {
  const i = run.ws.indexOf('storage.yaml', VOLS, name);
  if (i >= 0) {
    const v = run.ws.items<{ name: string; path: string }>('storage.yaml', VOLS)[i]!;
    run.already.push(`volume ${name} exists (at ${v.path})`);
  } else {
    const vol: Record<string, unknown> = { name, path };
    if (f.size) vol.size = f.size;
    if (f.filesystem) vol.filesystem = f.filesystem;
    if (f.owner) vol.owner = f.owner;
    run.ws.append('storage.yaml', VOLS, vol);
    const extra = [f.size, f.filesystem, f.owner && `owned by ${f.owner}`].filter(Boolean).join(', ');
    run.lines.push(`+ volume ${name} at ${path}${extra ? ` (${extra})` : ''}`);
  }
  if (!run.volumes.includes(name)) run.volumes.push(name);
}

/**
 * A volume mounted into a service: the last path said is where it appears in the container, an
 * earlier one (if any) the host directory. With no path, "the postgres data", "its data" is the
 * service's data mount; anything else asks where.
 */
function mountVolume(run: Run, name: string, f: VolumeFrame): void {
  const svc = getService(run, name)!;
  const mounts = svc.volumes ?? [];
  const own = new Set(run.ws.items<{ name: string }>('storage.yaml', VOLS).map((v) => v.name));
  const inside = f.paths.filter((p) => !p.host);
  let target = inside.length > 0 ? inside[inside.length - 1]!.path : undefined;
  const hostPath = f.paths.find((p) => p.host)?.path ?? (f.paths.length > 1 ? f.paths[0]!.path : undefined);
  if (!target && hostPath) {
    // "a dir for grafana dashboards, path /srv/dashboards": the host's directory; where it appears inside is not said.
    makeVolume(run, f.names[0] ?? volumeNameFor(undefined, hostPath), hostPath, f);
    run.questions.push(`Not mounted into ${name} yet: say where it should appear inside, e.g. "mount ${f.names[0] ?? 'it'} into ${name} at /data".`);
    return;
  }
  if (!target) {
    const data = mounts.find((m) => own.has(m.source));
    if (!data || f.names.some((n) => own.has(n) && !mounts.some((m) => m.source === n))) {
      run.questions.push(`Where inside ${name} should ${f.names[0] ? `the volume ${f.names[0]}` : 'the volume'} appear? Say a path, e.g. "mount ${f.names[0] ?? 'it'} into ${name} at /data".`);
      return;
    }
    target = data.target;
  }
  const volName = f.names[0] ?? (hostPath ? volumeNameFor(undefined, hostPath) : mounts.find((m) => m.target === target && own.has(m.source))?.source ?? volumeNameFor(name, target));
  const at = mounts.findIndex((m) => m.target === target);
  if (at >= 0 && renameNewData(run, name, mounts[at]!.source, volName, hostPath, f)) {
    run.ws.set('services.yaml', svcPath(run, name, 'volumes', at, 'source'), volName);
    if (f.readonly) run.ws.set('services.yaml', svcPath(run, name, 'volumes', at, 'readonly'), true);
    return;
  }
  makeVolume(run, volName, hostPath ?? `/data/${volName}`, f);
  const ro = f.readonly ? ' (read-only)' : '';
  if (at >= 0 && mounts[at]!.source === volName) {
    if (f.readonly && !mounts[at]!.readonly) {
      run.ws.set('services.yaml', svcPath(run, name, 'volumes', at, 'readonly'), true);
      run.lines.push(`~ ${name}: volume ${volName} at ${target} is read-only`);
    } else run.already.push(`${name} mounts ${volName} at ${target}`);
    return;
  }
  const mount = { source: volName, target, ...(f.readonly ? { readonly: true } : {}) };
  if (at >= 0) {
    const old = mounts[at]!.source;
    run.ws.set('services.yaml', svcPath(run, name, 'volumes', at), mount);
    run.lines.push(`~ ${name}: ${target} now on volume ${volName}${ro} (was ${old})`);
    if (own.has(old)) run.warnings.push(`${name} starts on the new volume ${volName}, which is empty: the data in ${old} is not copied (it stays in ${old}). Copy it over before applying if you need it.`);
  } else {
    run.ws.set('services.yaml', svcPath(run, name, 'volumes'), [...mounts, mount]);
    run.lines.push(`~ ${name}: mounts volume ${volName} at ${target}${ro}`);
  }
}

/**
 * The data volume of a service this request added, said under another name ("postgres with its
 * data on a volume called pg"): the template's volume is renamed (its owner, permissions and
 * size kept; its path /data/<name> unless one is said), never left behind empty beside it.
 */
function renameNewData(run: Run, svc: string, old: string, name: string, hostPath: string | undefined, f: VolumeFrame): boolean {
  if (old === name || !run.added.includes(svc) || run.ws.indexOf('storage.yaml', VOLS, name) >= 0) return false;
  const vi = run.ws.indexOf('storage.yaml', VOLS, old);
  if (vi < 0 || services(run).some((s) => s.name !== svc && (s.volumes ?? []).some((v) => v.source === old))) return false;
  const was = run.ws.items<Record<string, unknown> & { path: string }>('storage.yaml', VOLS)[vi]!;
  const path = hostPath ?? `/data/${name}`;
  run.ws.set('storage.yaml', [...VOLS, vi], { ...was, name, path, ...(f.size ? { size: f.size } : {}) });
  run.lines = run.lines.map((l) => (l.startsWith(`+ ${svc}:`) ? l.replace(`${old} (${was.path})`, `${name} (${path})`) : l));
  if (!run.volumes.includes(name)) run.volumes.push(name);
  return true;
}

/** "mount /dev/sdb1 at /mnt/data, it's ext4": a disk on the host (storage.yaml mounts), never formatted; with no filesystem said, asks. */
function mountDevice(run: Run, source: string, target: string, type: VolumeFrame['filesystem']): boolean {
  const list = run.ws.items<{ source: string; target: string }>('storage.yaml', ['spec', 'mounts']);
  if (list.some((m) => m.source === source && m.target === target)) {
    run.already.push(`${source} is mounted at ${target}`);
    return true;
  }
  // The compiler needs the filesystem the disk holds (docs/storage.md); it is asked, never guessed.
  if (!type || type === 'tmpfs') {
    run.questions.push(`Which filesystem does ${source} hold (ext4, xfs or btrfs)? Say e.g. "mount ${source} at ${target}, it's ext4". Nothing is formatted either way.`);
    return true;
  }
  run.ws.append('storage.yaml', ['spec', 'mounts'], { source, target, type });
  run.lines.push(`+ mount ${source} at ${target} (${type}; checked before mounting, never formatted)`);
  return true;
}

/**
 * Volumes of their own a backup clause is about: named in it ("backup uploads weekly", "keep 30
 * backups of uploads", "stop backing up the uploads volume"), else, when it names no service,
 * the one made or named in this request or, failing that, in the last turns of the conversation
 * ("back it up", "keep 14 of them", "make it 4am instead").
 */
function volumeTargets(run: Run, clause: string): string[] {
  const own = run.ws.items<{ name: string }>('storage.yaml', VOLS).map((v) => v.name).filter((v) => !services(run).some((s) => (s.volumes ?? []).some((x) => x.source === v)));
  if (own.length === 0) return [];
  const t = clause.toLowerCase();
  const named = own.filter((v) => new RegExp(`(?<![\\w-])${v.replace(/[.]/g, '\\.')}(?![\\w-])`).test(t));
  if (named.length > 0) return named;
  if (targetsIn(run, clause).names.length > 0 || run.added.length > 0) return [];
  const recent = [...run.volumes].reverse().find((v) => own.includes(v));
  if (recent) return [recent];
  for (const h of run.input.history.slice(-6).reverse()) {
    if (h.role !== 'user') continue;
    const said = own.filter((v) => new RegExp(`(?<![\\w-])${v.replace(/[.]/g, '\\.')}(?![\\w-])`).test(h.text.toLowerCase()));
    if (said.length > 0) return [said[said.length - 1]!];
    if (findServiceMentions(h.text).length > 0 || services(run).some((s) => h.text.toLowerCase().includes(s.name))) return [];
  }
  return [];
}

/**
 * The volumes whose backups a clause changes without saying whose ("move the backup to 4:30am",
 * "keep 7", "too many, make it 7"): a volume of its own said or under discussion (volumeTargets),
 * else a backed-up volume named, or of a service named, in the clause or in the last turns, else
 * the one volume that is backed up. None when that is not one choice: the caller does not guess.
 */
function backupTargets(run: Run, clause: string): string[] {
  const own = volumeTargets(run, clause);
  if (own.length > 0) return own;
  const backed = run.ws.items<{ name: string; backup?: { enabled?: boolean } }>('storage.yaml', VOLS).filter((v) => v.backup && v.backup.enabled !== false).map((v) => v.name);
  if (backed.length === 0) return [];
  const saidIn = (text: string): string[] => {
    const t = text.toLowerCase();
    const byName = backed.filter((v) => new RegExp(`(?<![\\w-])${escapeRe(v)}(?![\\w-])`).test(t));
    if (byName.length > 0) return byName;
    const names = services(run).filter((sv) => new RegExp(`(?<![\\w-])${escapeRe(sv.name)}(?![\\w-])`).test(t)).map((sv) => sv.name);
    return backed.filter((v) => names.some((n) => (getService(run, n)?.volumes ?? []).some((m) => m.source === v)));
  };
  const now = saidIn(clause);
  if (now.length > 0 || targetsIn(run, clause).names.length > 0) return now;
  for (const h of run.input.history.slice(-6).reverse()) {
    if (h.role !== 'user') continue;
    const said = saidIn(h.text);
    if (said.length > 0) return said;
  }
  return backed.length === 1 ? backed : [];
}

/**
 * "too many, make it 7", "7 is enough", "no, 10": a bare count right after a turn that set how
 * many backups are kept is that count ("keep 7"); after anything else it is not read here.
 */
function keptCorrection(run: Run, clause: string): string | undefined {
  const m = /^(?:(?:too\s+(?:many|few|much|little)|that'?s\s+too\s+(?:many|much|few)|not\s+(?:so|that)\s+many|no|nah|hmm+|actually|wait|sorry|ok(?:ay)?|less|fewer|more)[,.!\s]+)*(?:(?:make|change|set)\s+(?:it|that|them|this)\s+(?:to\s+)?|(?:just|only)\s+)?(\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|twenty|thirty)(?:\s+(?:instead|then|is\s+enough|will\s+do|is\s+fine|please|pls|copies|backups))*\s*[.!]*$/i.exec(clause.trim());
  if (!m) return undefined;
  const last = [...run.input.history].reverse().find((h) => h.role === 'assistant');
  if (!last || !/\blast \d+ (?:backups )?kept\b/.test(last.text) || /\breplicas?\b/.test(last.text)) return undefined;
  // Round 37 (held-out 31 conv-07): "back up pgdata every night at 2" then "make it 4 instead": the
  // count kept was the default, never said; the number said is the one corrected (the hour).
  const said = [...run.input.history].reverse().find((h) => h.role === 'user');
  if (said && retentionIn(said.text.toLowerCase()) === null && /\d/.test(said.text)) return undefined;
  return `keep ${m[1]}`;
}

/** A clause (lower case) that asks for one backup at once: "back up the db now" (not "add postgres now", "back up every night from now on"). */
function isBackupNow(t: string): boolean {
  if (!/\b(?:now|right\s+away|immediately|asap|at\s+once|straight\s+away)\b/.test(t)) return false;
  // Only a clause about a backup ("add postgres now" and "give postgres 1gb now" are not).
  if (!/\bback ?ups?\b|\bback(?:ed|ing)?\s+(?:\w+\s+){0,2}up\b|\bsnapshots?\b|\bdump\b/.test(t)) return false;
  return !/\b(?:every|each|daily|nightly|weekly|hourly|monthly|from\s+now\s+on|(?:any|no)\s?more|at\s+\d|\d\s*(?:am|pm)\b|o'?clock|noon|midnight|keep|retain|off|disable|stop)\b/.test(t);
}

/**
 * "back up the db now", "take a backup right away": one backup at once, which is not a state
 * change (the state says when backups run). Answered with the command that runs the volume's
 * backup job now (`claude backups run <volume>`), or, for a volume with no backup yet, how
 * to set one up first; nothing is changed. A schedule said with it ("now and every night")
 * is left to the rest of handleBackups.
 */
function backUpNow(run: Run, clause: string, t: string): boolean {
  if (!isBackupNow(t)) return false;
  const vols = run.ws.items<{ name: string; backup?: { enabled?: boolean } }>('storage.yaml', VOLS);
  const hasData = (sv: Service) => (sv.volumes ?? []).some((v) => run.ws.indexOf('storage.yaml', VOLS, v.source) >= 0);
  const own = volumeTargets(run, clause);
  // A service said by its name is that one ("the pgb1 database"); "the database" with no name
  // and two databases is each of them (which one is asked where it runs).
  const roles = findServiceMentions(clause).filter((m) => m.generic).map((m) => loadTemplate(m.template).role);
  const byName = services(run).filter((sv) => new RegExp(`(?<![\\w.-])${escapeRe(sv.name)}(?![\\w-])`).test(t)).map((sv) => sv.name);
  const ofRole = roles.length > 0 ? services(run).filter((sv) => roles.includes(roleOf(sv) ?? appOfImage(sv.image)?.role ?? '')).map((sv) => sv.name) : [];
  // "back up postgres now" with two postgres services (even when one is called postgres): each
  // of them is offered, and the CLI asks which (a numbered choice); never the first one found.
  const kinds = findServiceMentions(clause).filter((m) => !m.generic && !negatedAt(clause, m.index)).map((m) => m.template);
  const ofKind = kinds.length > 0 ? services(run).filter((sv) => kinds.includes(templateOf(sv) ?? '')).map((sv) => sv.name) : [];
  const onlyKindWord = byName.length > 0 && byName.every((n) => kinds.includes(n));
  const named = byName.length > 0 && !(onlyKindWord && ofKind.length > 1) ? byName : ofKind.length > 1 ? ofKind : ofRole.length > 1 ? ofRole : targetsIn(run, clause).names;
  const names = own.length > 0 ? [] : named.length > 0 ? named : focusTargets(run, hasData);
  const targets = own.length > 0 ? own : (names.length > 0 ? names : services(run).filter(hasData).map((sv) => sv.name)).flatMap((n) => (getService(run, n)?.volumes ?? []).map((v) => v.source)).filter((v) => vols.some((x) => x.name === v));
  if (targets.length === 0) {
    run.notes.push('There is no data volume to back up yet. Add a service with data first ("I need a PostgreSQL database with daily backups").');
    return true;
  }
  const on = targets.filter((v) => vols.find((x) => x.name === v)?.backup?.enabled);
  const off = targets.filter((v) => !on.includes(v));
  if (on.length > 0) {
    const said = `A backup now is not a change to the state files; run it with ${on.map((v) => `\`claude backups run ${v}\``).join(', ')} (it waits for the backup and prints how it went).`;
    run.notes.push(said);
    run.offer = { kind: 'backup-now', volumes: on, said };
  }
  if (off.length > 0) run.notes.push(`${off.join(', ')} ${off.length === 1 ? 'has' : 'have'} no backup set up yet: say "back ${off.length === 1 ? 'it' : 'them'} up every night" to set one up, then \`claude backups run ${off[0]}\` runs it at once.`);
  return true;
}

/** A clause that only moves a schedule already set ("make it 4am instead", "at 2 rather", "no, 5:30"). */
function refinesSchedule(t0: string): boolean {
  // "move the nightly backup to 4am": "nightly" says which backup, not a new schedule.
  const t = t0.replace(/\b(?:nightly|daily|weekly|hourly|monthly)\s+(?=(?:[\w-]+\s+)?(?:back ?ups?|snapshots?|dumps?)\b)/g, '');
  if (/\b(?:back ?ups?|snapshots?|dumps?)\b[^.?!]{0,40}\b(?:should|could|can|would|to)\s+(?:\w+\s+)?(?:run|happen|go|start|be)\s+(?:at|around|by)\b/.test(t) && !/\b(?:every|each|daily|weekly|monthly|hourly|nightly)\b/.test(t)) return true;
  return /\b(?:instead|rather|make\s+(?:it|that|them)|change\s+(?:it|that)\s+to|move\s+(?:it|that|them)\s+to)\b|\b(?:move|push|shift|change|reschedule|set|put)\s+(?:the\s+|its\s+|their\s+|our\s+|my\s+)?(?:[\w-]+\s+)?(?:back ?ups?|snapshots?|dumps?)\s+(?:to|at|for)\b|^(?:(?:ok(?:ay)?|no|nah|hmm+|actually|wait|sorry|how\s+about|maybe|then)[,\s]+)+/.test(t) && !/\b(?:every|each|daily|weekly|monthly|hourly|nightly)\b/.test(t);
}

/** A time said alone replaces the time of a schedule and keeps its days ("0 3 * * 0" + "4am" → "0 4 * * 0"). */
function withTimeOf(old: string | undefined, said: string, t: string): string {
  if (!old || /\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekdays?\b|\bweekends?\b/.test(t)) return said;
  const o = old.split(' ');
  const n = said.split(' ');
  if (o.length !== 5 || n.length !== 5 || o[1]!.includes('*') || o[1]!.includes('/')) return said;
  return [n[0], n[1], o[2], o[3], o[4]].join(' ');
}

/** Backups of volumes of their own: on (schedule, retention), retention only, or off. */
function backUpVolumes(run: Run, vols: string[], t: string, mode: 'off' | 'retain' | 'on', schedule: { cron: string; words: string } | undefined, retainM: RegExpExecArray | null): void {
  for (const v of vols) {
    const vi = run.ws.indexOf('storage.yaml', VOLS, v);
    const b = run.ws.get<{ enabled?: boolean; schedule?: string; retain?: number }>('storage.yaml', [...VOLS, vi, 'backup']);
    if (!run.volumes.includes(v)) run.volumes.push(v);
    if (mode === 'off') {
      if (b?.enabled) {
        run.ws.set('storage.yaml', [...VOLS, vi, 'backup', 'enabled'], false);
        run.lines.push(`~ volume ${v}: backups off (existing backups are kept)`);
      } else run.already.push(`volume ${v}: not backed up`);
      continue;
    }
    const cron = mode === 'retain' ? b?.schedule ?? schedule?.cron ?? '0 3 * * *' : schedule!.cron;
    const retain = retainM ? retentionCopies(retainM, cron) : b?.retain ?? 7;
    if (mode === 'retain' && b) {
      run.ws.set('storage.yaml', [...VOLS, vi, 'backup', 'retain'], retain);
      run.lines.push(`~ volume ${v}: the last ${retain} backups kept`);
      continue;
    }
    // "snapshot the uploads volume", "a consistent copy": the same archive with its services paused.
    const snapshot = /(?<![\w:/.-])snapshots?(?![\w:/.-])|\bconsistent\b|\bpaus(?:e|ed|ing)\b/.test(t);
    run.ws.set('storage.yaml', [...VOLS, vi, 'backup'], { enabled: true, schedule: cron, retain, type: snapshot ? 'snapshot' : 'archive' });
    run.lines.push(`~ volume ${v}: backed up ${schedule?.words ?? 'every day at 03:00'} (${cron}), last ${retain} kept (${snapshot ? 'a snapshot: tar.zst with its services paused' : 'tar.zst of the volume'})`);
  }
}

// ── troubleshooting ────────────────────────────────────────────────────────

/**
 * A complaint or a symptom ("I'm unable to reach nginx", "grafana keeps crashing", "the site
 * won't load", "getting 502s from nginx", "having trouble with redis"): a report of what is
 * wrong, never a request to add what it names. A wish ("make postgres not reachable from the
 * host", "so it doesn't crash") is not a complaint.
 */
const SYMPTOM = new RegExp(
  [
    String.raw`\b(?:is|are|was|were|seems?(?:\s+to\s+be)?|went|goes|keeps?|kept|has\s+been|have\s+been|'s|'re)\s+(?:still\s+|totally\s+|completely\s+|really\s+|kinda\s+|super\s+|so\s+|very\s+|just\s+)?(?:down|dead|offline|broken|borked|unreachable|unresponsive|inaccessible|slow|sluggish|hanging|stuck|flaky|crash\w*|restarting|dying|failing|erroring|throwing\s+errors|timing\s+out)\b`,
    String.raw`\b(?:is|are|was|were|has|have)(?:n'?t|\s+not)\s+(?:been\s+)?(?:still\s+|even\s+)?(?:working|responding|running|loading|up|reachable|accessible|available|starting|coming\s+(?:up|back))\b|\bnot\s+(?:working|responding|loading|reachable\s+any\s?more)\b`,
    String.raw`(?:can'?t|cannot|can\s+not|couldn'?t|unable\s+to|not\s+able\s+to|fail(?:s|ed|ing)?\s+to|won'?t|wont|doesn'?t|does\s+not|didn'?t|isn'?t|aren'?t)\s+(?:seem\s+to\s+|even\s+|properly\s+)?(?:reach|connect|load|access|open|get\s+(?:to|into|through)|hit|ping|resolve|respond|start|come\s+(?:up|back)|boot|work|log\s?in|see|talk\s+to|find|serve|answer)\b`,
    // "web died again", "web is flapping", "redis is acting weird", "what happened to postgres" (round 30).
    String.raw`\b(?:died|dies)\b|\bflapping\b|\bacting\s+(?:weird|up|strange|funny|odd)\b|\bwhat\s+happened\s+(?:to|with)\b|\bcrash(?:ed|es|ing)\b|\bcrash\s?loop|\b(?:running|ran|runs)\s+out\s+of\s+(?:memory|ram)\b|\bout\s+of\s+memory\b|\bOOM(?:[- ]?kill\w*)?\b`,
    String.raw`\btim(?:es|ed|ing)\s+out\b|\bconnection\s+(?:refused|reset|timed\s+out)\b|\brefus(?:es|ed|ing)\s+(?:the\s+)?connections?\b`,
    String.raw`\b(?:having|had|got|getting|seeing|hitting|throwing|gives?|giving|returns?|returning)\s+(?:some\s+|a\s+|an\s+|lots\s+of\s+|loads\s+of\s+)?(?:trouble|issues?|problems?|errors?|5\d\ds?\b|bad\s+gateway|gateway\s+time-?out)`,
    String.raw`\b(?:something|what)(?:'s|\s+is|s)\s+(?:wrong|up)\s+(?:with|w\/)`,
    // "restarted 5 times today", "keeps getting killed", "restarts every few minutes", "restarting in a loop" (round 29).
    String.raw`\brestart(?:ed|s)\s+(?:\d+|several|many|multiple|a\s+few|a\s+bunch\s+of|so\s+many)\s+times\b|\brestarts\s+(?:every|all\s+the\s+time|constantly|non-?stop)\b|\b(?:keeps?|kept)\s+(?:on\s+)?(?:getting\s+)?(?:killed|oom\w*|exiting|going\s+down|restarting|stopping|falling\s+over|dying)\b|\b(?:stuck\s+)?restarting\s+(?:in\s+a\s+loop|over\s+and\s+over|constantly)\b`,
    // "why can't my app reach the db?", "why does nginx keep dying?"
    String.raw`\bwhy\s+(?:can'?t|cannot|won'?t|wont|doesn'?t|does|did|didn'?t|isn'?t|is|are|aren'?t|do|does)\b[^?.]*?\b(?:reach|connect|load|work|respond|start|down|slow|crash\w*|broken|fail\w*|die|dying|dead|restart\w*|time\s+out|timing\s+out|stop|stopp?ed|unreachable|come\s+up)\b`,
    // "figure out why redis stopped", "why api restarts": why, a name and what happened to it.
    String.raw`\bwhy\s+(?:the\s+|my\s+|our\s+)?[a-z][\w-]*\s+(?:stopped|crashed|died|restarts|restarted|went\s+down|is\s+restarting|keeps\s+\w+ing)\b`,
  ].join('|'),
  'gi',
);
/** A wish about reachability, not a complaint ("make postgres not reachable from the host"). */
const WISH = /\b(?:make|should|shouldn'?t|must|ensure|so\s+(?:that\s+)?(?:it|they|nothing|no\s*one)|want|need|don'?t\s+want|keep|only|unless|if)\b/i;

function isComplaint(clause: string): boolean {
  SYMPTOM.lastIndex = 0;
  let yes = SYMPTOM.test(clause);
  SYMPTOM.lastIndex = 0;
  // "site down again ugh", "redis dead": a name and its state, with no verb.
  const terse = /^\s*(?:the\s+|my\s+|our\s+)?([a-z][\w-]*)\s+(?:down|dead|offline|broken|borked|unreachable)\b/i.exec(clause);
  const w = terse?.[1]?.toLowerCase();
  if (!yes && w && (findServiceMentions(w).length > 0 || namesApp(w) || /[-\d]/.test(w) || /^(?:site|app|api|server|box|vpn|dns|mail|email|web|db|database|cache|dashboards?|blog|shop|store|wiki|git|backend|frontend|proxy)$/.test(w))) yes = true;
  // "jon doesnt work here anymore": a person leaving, not a service failing.
  if (/\b(?:work|works|working)\s+(?:here|for\s+(?:us|me|the\s+company)|with\s+us|at\s+\w+)\b|\bleft\s+(?:the\s+(?:company|team|firm)|us)\b/i.test(clause)) return false;
  return yes && !WISH.test(clause);
}

/**
 * A complaint that names a service this host does not have ("I'm unable to reach nginx" with no
 * nginx): said, nothing added or changed. Complaints are read before any handler that could
 * add what they name.
 */
function complaintAboutMissing(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  const have = services(run).map((s) => s.name);
  if (targetsIn(run, clause).names.length > 0) return false;
  const missing: string[] = [];
  for (const m of findServiceMentions(clause)) if (!m.generic) missing.push(m.text);
  for (const k of findAppMentions(clause)) if (!k.app.template) missing.push(k.text);
  // "can't reach my-api", "foo-2 keeps crashing": a name-like word as the complaint's object.
  const obj =
    /\b(?:reach|connect\s+to|access|load|open|get\s+(?:to|into)|hit|ping|talk\s+to|with)\s+(?:the\s+|my\s+|our\s+)?([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*)\b|^(?:the\s+|my\s+|our\s+)?([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*)\s+(?:is|are|keeps?|seems|went|won'?t|doesn'?t|isn'?t|has|'s)\b/.exec(t);
  const w = obj?.[1] ?? obj?.[2];
  if (w && !have.includes(w) && !/^(ipv[46]|http[s23]?|h[23]|tls1|\d)/.test(w)) missing.push(w);
  if (missing.length === 0) return false;
  const what = [...new Set(missing.map((x) => x.toLowerCase()))];
  run.notes.push(
    `There is no ${what.join(' or ')} service on this host, so there is nothing to look at or restart, and I added nothing. The services are: ${have.join(', ') || 'none yet'}. To add it, say "add ${what[0]}".`,
  );
  return true;
}

/**
 * A question about a problem, not an order to fix it: "why is the web down??", "the site is slow
 * since yesterday, any idea?", "what's wrong with redis?". An order anywhere in the request
 * ("… fix it", "restart it if so") makes it one.
 */
function askedNotOrdered(message: string): boolean {
  const t = message.trim().toLowerCase();
  // Asked anywhere in the sentence (round 29): "…, why", "…, what happened", "whats wrong w/ it",
  // "what's the problem", "diagnose X", "figure out why …", "any clue why?".
  const asks = /\?\s*$/.test(t) || /^(?:so\s+|hey\s+|hmm+\s+|ok\s+)?(?:why|what|whats|what's|how\s+come|is|are|does|do|did|any\s+idea|wonder)\b/.test(t) ||
    /\b(?:any\s+(?:idea|clue|thoughts?)|what(?:'s|\s+is|s)\s+(?:wrong|up|going\s+on|the\s+(?:problem|issue|cause|matter|deal))|what\s+(?:happened|is\s+happening|went\s+wrong|is\s+causing|causes)|i\s+wonder|why\b|how\s+come|diagnose|troubleshoot|investigate|figure\s+out|find\s+out)\b/.test(t);
  // The symptom's own words are no order ("it won't start", "keeps restarting").
  SYMPTOM.lastIndex = 0;
  const orders = /\b(?:fix|restart|start|bring|repair|sort\s+(?:it|this|that)|reboot|bounce|kick|revive|get\s+(?:it|them|\w+)\s+(?:back|up|running|going)|make\s+(?:it|them)\s+work|please\s+(?:check|look)\s+and)\b/.test(t.replace(SYMPTOM, ' '));
  SYMPTOM.lastIndex = 0;
  return asks && !orders;
}

/**
 * A service's logs cleared, truncated or rotated ("clear the nginx logs", "rotate the logs",
 * "delete the nginx logs"): no state file holds them, so nothing is planned, and the service is
 * never what is deleted. The answer says how they are kept (docs/runtime.md, "The two
 * backends"). The host's, the system's and the audit log are refused before this (harm-classes.ts).
 */
const LOGS_CHORE = /\b(?:clear|clean|delete|remove|wipe|erase|truncate|empty|purge|trim|rotate|shrink|flush)(?:s|d|ed|ing)?(?:\s+(?:out|up))?\s+(?:(?:the|all|its|their|of|my|our)\s+){0,3}(?:[\w.'-]+\s+){0,3}?logs?\b|\blogs?\s+(?:of|for|from)\b[^.;]{0,40}\b(?:rotat|clear|clean|truncat|emptie|delet)\w*/i;
function handleServiceLogs(run: Run, clause: string): boolean {
  if (!LOGS_CHORE.test(clause) || /\baudit\b|\bjobs?\b|\bcron\w*|\bruns?\b|\.\/|\bvolumes?\b/i.test(clause)) return false;
  const names = targetsIn(run, clause).names;
  const whose = names.length > 0 ? names.join(', ') : 'a service';
  run.notes.push(
    `The logs of ${whose} are kept by the container engine and rotated by size, so there is nothing to plan and I changed nothing: the live file up to 10 MiB, the last 3 kept (CLAUDE_LOG_MAX_BYTES, CLAUDE_LOG_KEEP). A service's own bound is said with a size or a count ("keep the ${names[0] ?? 'api'}'s logs under 50MB, 5 files"). \`claude logs ${names[0] ?? 'SERVICE'}\` shows them. The audit log is never cleared.`,
  );
  for (const n of names) mentionFocus(run, n);
  return true;
}

/**
 * Sudo kept asking for a password ("make sure nobody gets sudo without a password", "disable
 * passwordless sudo", "bob must type a password for sudo"): it always does here, since
 * security.yaml has no way to say NOPASSWD and a request for it is refused. Said, nothing planned.
 */
function handleSudoPassword(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  if (!/\bsudo\b/.test(t) || !/\bpass(?:word|wd)/.test(t)) return false;
  const kept = new RegExp(SUDO_PASSWORD_KEPT.source, 'i').test(t) || /\b(?:must|should|has\s+to|have\s+to|always|needs?\s+to)\s+(?:\w+\s+){0,2}?(?:type|enter|give|ask\w*\s+(?:for\s+)?|use|require)\s+(?:a\s+|their\s+|his\s+|her\s+|the\s+)?pass(?:word|wd)\b/.test(t);
  if (!kept) return false;
  run.notes.push('sudo already asks every user for their password here: security.yaml has no way to turn that off (no NOPASSWD), and a request for it is refused. Nothing to change.');
  return true;
}

/** A clause that says something is wrong: "the website is down", "nginx keeps crashing". */
function namesAProblem(clause: string): boolean {
  return isComplaint(clause) || /\b(is|are|seems?|went|goes)\s+(down|dead|offline|broken|unreachable|not (working|responding|running|loading|up))\b|\bcan'?t (reach|connect|load|access)\b|\bnot (working|responding|loading)\b|\bcrash(ed|ing)?\b/.test(clause.toLowerCase());
}

/**
 * A clause that only asks about a problem, with nothing of its own: "what is going on", "what
 * happened", "any idea why?", "can you check". Beside a clause that names the problem it is part
 * of that one, not a request the engine did not understand.
 */
const ABOUT_THE_PROBLEM =
  /^(?:(?:so|and|but|hey|hmm+|ok(?:ay)?|please|pls|plz)\s+)*(?:what(?:'?s|\s+is|s)\s+(?:going\s+on|wrong|up|happening|the\s+(?:problem|issue|matter))(?:\s+with\s+(?:it|that|this|them))?|what\s+(?:happened|is\s+happening|went\s+wrong)|any\s+(?:idea|clue|thought)s?(?:\s+why)?|why(?:\s+(?:is\s+that|though|tho))?|how\s+come|help(?:\s+me)?|(?:can|could|would)\s+you\s+(?:check|look|have\s+a\s+look|take\s+a\s+look)(?:\s+(?:into\s+it|at\s+it|please|pls))*|(?:check|look\s+into|look\s+at)\s+(?:it|that|this)|(?:please\s+)?(?:check|look)(?:\s+into\s+it)?)(?:\s+(?:please|pls|plz|thanks|thx))*\s*[?!.]*$/i;

function handleTroubleshoot(run: Run, clause: string): boolean {
  if (!namesAProblem(clause)) return false;
  let names = targetsIn(run, clause).names;
  if (names.length === 0) names = focusTargets(run);
  if (names.length === 0) {
    run.questions.push(`Which service is down? (${services(run).map((s) => s.name).join(', ') || 'there are no services yet'})`);
    return true;
  }
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  // A question ("why is the web down??", "any idea why it's slow?") is answered, not acted on:
  // a restart would be a guess, so it is said as the request to type instead.
  const asking = askedNotOrdered(run.input.message);
  for (const name of names) {
    mentionFocus(run, name);
    const svc = getService(run, name)!;
    const o = observed.get(name);
    // The one answer that is not a guess: the state files themselves stop it. Starting it is
    // proposed (and applied only once approved), as earlier rounds did.
    if (asking && svc.state !== 'stopped') {
      const seen = o ? `${o.state}${o.health && o.health !== 'none' ? ` (${o.health})` : ''}${o.exitCode !== undefined ? `, exit code ${o.exitCode}` : ''}${o.restartCount ? `, restarted ${o.restartCount} times` : ''}` : undefined;
      if (!o) run.notes.push(`${name} has no container running (not observed). Say "restart ${name}" to start it again.`);
      else if (o.state !== 'running' || o.health === 'unhealthy') run.notes.push(`${name} is ${seen}. Say "restart ${name}" to restart it.`);
      else run.notes.push(`${name} looks fine: ${seen}.${o.memoryMb !== undefined ? ` It uses ${o.memoryMb} MB (limit ${svc.resources?.memory ?? 'none'}).` : ''}`);
      const logs = run.input.summary?.logs?.[name];
      if (logs && logs.length > 0) run.notes.push(`Last log lines of ${name} (see \`claude logs ${name}\`):`, ...logs.slice(-5).map((l) => `  > ${l}`));
      else run.notes.push(`\`claude logs ${name}\` shows its recent output. I changed nothing.`);
      continue;
    }
    if (svc.state === 'stopped') {
      run.notes.push(`${name} is stopped in services.yaml.`);
      run.ws.delete('services.yaml', svcPath(run, name, 'state'));
      run.lines.push(`~ ${name}: running`);
    } else if (!o) {
      run.notes.push(`${name} has no container running (not observed).`);
      restartService(run, name);
    } else if (o.state !== 'running' || o.health === 'unhealthy') {
      run.notes.push(`${name} is ${o.state}${o.health && o.health !== 'none' ? ` (${o.health})` : ''}${o.exitCode !== undefined ? `, exit code ${o.exitCode}` : ''}${o.restartCount ? `, restarted ${o.restartCount} times` : ''}.`);
      const logs = run.input.summary?.logs?.[name];
      if (logs && logs.length > 0) run.notes.push(`Last log lines of ${name} (see \`claude logs ${name}\`):`, ...logs.slice(-5).map((l) => `  > ${l}`));
      restartService(run, name);
    } else {
      run.notes.push(`${name} looks fine: ${o.state}${o.health && o.health !== 'none' ? `, ${o.health}` : ''}. I changed nothing; \`claude logs ${name}\` shows its recent output.`);
    }
  }
  return true;
}

// ── secrets ────────────────────────────────────────────────────────────────

const GENERATED_PASSWORD = /\b(?:(?:randomly|auto(?:matically)?|auto-?)\s*)?(?:generated|random|strong|secure|auto-?generated)\s+(?:(?:db|database|admin|root|user|initial)\s+)?(?:passwords?|pass|secrets?)\b|\b(?:generate|make\s+up|create)\s+(?:a|an|the|its)?\s*(?:(?:db|database|admin|root)\s+)?(?:passwords?|secrets?)\b(?:\s+for\s+(?:it|me))?/;
function handleSecrets(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  if (!/\bpasswords?\b|\bsecrets?\b|\bapi[_ -]?key\b/.test(t)) return false;
  // "add postgres with a generated password", "mariadb with a random root password": a
  // database added from its template gets a generated password anyway (said in the reply).
  if (GENERATED_PASSWORD.test(t) && findServiceMentions(clause).some((m) => !m.generic)) return false;
  // A value typed into the request is never written anywhere.
  const typed = /\b(?:password|secret|api[_ -]?key)\s*(?:is|=|:|to|of|as)?\s*['"“‘`]?([^\s'"”’`]{4,})['"”’`]?/i.exec(clause);
  if (/\bpasswords?\s+(log ?ins?|logging|auth\w*|access)\b/.test(t) && /\b(ssh|root|log ?ins?|logging in)\b/.test(t)) return false;
  if (typed && !/^(for|the|a|an|from|with|secret|secrets|set|claude|password|it|log ?ins?|logging|auth\w*|access|over|via|on|off)$/i.test(typed[1]!) && !/^\$\{/.test(typed[1]!)) {
    run.notes.push(
      'I did not write the password you typed into any file: state files, plans and model context never hold secret values. Store it encrypted with `claude secret set NAME` (it prompts for the value), then say "use the NAME secret for SERVICE".',
    );
    return true;
  }
  const named = /\b([a-z][a-z0-9_]{0,62})\s+(?:secret|password)\b/.exec(t);
  const names = targetsIn(run, clause).names.length > 0 ? targetsIn(run, clause).names : focusTargets(run, (s) => ['postgres', 'grafana', ...sameWire('mariadb')].includes(templateOf(s) ?? ''));
  let did = false;
  for (const name of names) {
    const svc = getService(run, name)!;
    const tpl = templateOf(svc);
    const templated = tpl !== undefined && loadTemplate(tpl).role === 'database' ? templatePassword(tpl) : undefined;
    const secret = tpl === 'grafana' ? 'grafana_admin_password' : templated ? templated.secret : `${name.replace(/-/g, '_')}_password`;
    const chosen = named && run.input.secretNames.includes(named[1]!) ? named[1]! : secret;
    if (!run.input.secretNames.includes(chosen)) {
      run.questions.push(`There is no secret named ${chosen} yet. Run \`claude secret set ${chosen}\` (it asks for the value and stores it encrypted), then ask again.`);
      did = true;
      continue;
    }
    const envKey = tpl === 'grafana' ? 'GF_SECURITY_ADMIN_PASSWORD' : templated ? templated.env : tpl === 'postgres' ? 'POSTGRES_PASSWORD' : undefined;
    if (!envKey) {
      run.questions.push(`I don't know which environment variable ${name} reads its password from; add it to services.yaml as VAR: \${secrets.${chosen}}.`);
      did = true;
      continue;
    }
    run.ws.set('services.yaml', svcPath(run, name, 'environment', envKey), `\${secrets.${chosen}}`);
    if (tpl === 'postgres') run.ws.delete('services.yaml', svcPath(run, name, 'environment', 'POSTGRES_HOST_AUTH_METHOD'));
    run.lines.push(`~ ${name}: ${envKey} from the secret ${chosen} (resolved only by the runtime)`);
    if (tpl === 'postgres') run.warnings.push(`PostgreSQL reads POSTGRES_PASSWORD only when it creates its data directory; an existing database keeps its old authentication until you change it with ALTER USER.`);
    did = true;
  }
  const store = /\b(store|save|keep|add|put)\b[^.]*\bas\s+(?:a\s+)?secret\b|\b(store|save|add)\b[^.]*\b(api[_ -]?key|token|password)\b/.exec(t);
  if (!did && store) {
    const subject = /\b(?:the|my|our)?\s*([a-z0-9]+(?:\s+[a-z0-9]+)?)\s+(api[_ -]?key|token|password|secret)\b/.exec(t.replace(/^\s*(store|save|keep|add|put)\s+/, ''));
    const name = subject ? `${subject[1]!.replace(/^(the|my|our)\s+/, '').replace(/\s+/g, '_')}_${subject[2]!.replace(/[ -]/g, '_')}`.replace(/_secret$/, '') : 'NAME';
    run.notes.push(`Secret values never go through a request. Run \`claude secret set ${name}\` (it asks for the value and stores it encrypted to this host), then refer to it as \${secrets.${name}} ("use the ${name} secret for SERVICE").`);
    return true;
  }
  if (!did && /\b(set|use|add|create|give)\b/.test(t)) {
    run.notes.push('Secrets are set with `claude secret set NAME` (the value is asked for and stored encrypted); services refer to them as ${secrets.NAME}.');
    did = true;
  }
  return did;
}

// ── certificates ───────────────────────────────────────────────────────────

/**
 * Where runtime/certs puts a certificate's files for services to mount (runtime/certs/store.ts
 * HANDOFF_DIR; the compiler does not import the runtime): fullchain.pem, privkey.pem and an
 * nginx server block (nginx.conf) for 443 that also answers HTTP-01 challenges on 80.
 */
const CERT_HANDOFF_DIR = '/srv/claude/certs';

/**
 * Serve HTTPS from an nginx service with certificate `cert`: publish 443, mount the
 * certificate's directory at /etc/nginx/certs and its server block into conf.d, and run the
 * master as root (it reads the 0600 key; the workers drop to nobody, as in the nginx
 * image). Returns what changed, for the proposal's lines.
 */
function wireTls(svc: Service, cert: string): string[] {
  const changed: string[] = [];
  if (!(svc.ports ?? []).some((p) => p.container === 443)) {
    svc.ports = [...(svc.ports ?? []), { host: 443, container: 443 }];
    changed.push('publishes 443');
  }
  const dir = `${CERT_HANDOFF_DIR}/${cert}`;
  const volumes = [...(svc.volumes ?? [])];
  if (!volumes.some((v) => v.target === '/etc/nginx/certs')) {
    volumes.push({ source: dir, target: '/etc/nginx/certs', readonly: true });
    changed.push(`mounts the certificate ${cert} at /etc/nginx/certs`);
  }
  if (!volumes.some((v) => v.target === `/etc/nginx/conf.d/${cert}-tls.conf`)) volumes.push({ source: `${dir}/nginx.conf`, target: `/etc/nginx/conf.d/${cert}-tls.conf`, readonly: true });
  svc.volumes = volumes;
  if (svc.user === undefined) svc.user = '0';
  return changed;
}

/** A certificate asked for: "i need a cert", "set up https", "get us an ssl certificate", "enable tls". */
const CERT_WANTED = /\b(?:put|move|switch|serve|run|have|get|secure|protect)\s+(?:[\w.-]+\s+){0,3}(?:on|over|to|with|behind|onto)\s+(?:https|ssl|tls)\b|\bmake\s+(?:it|the\s+site|the\s+website|this|that)\s+(?:secure|https)\b|\b(?:need|want|get|add|create|issue|set\s*up|enable|turn\s+on|configure|request|generate|obtain|install|make)\s+(?:me\s+|us\s+)?(?:an?\s+|the\s+|some\s+|my\s+)?(?:new\s+)?(?:free\s+)?(?:let'?s\s*encrypt\s+|ssl\s+|tls\s+)?(?:certs?|certificates?|https|ssl|tls)\b|^\s*(?:an?\s+)?(?:ssl\s+|tls\s+)?(?:certs?|certificates?|https)\s+(?:please|pls|plz)?\s*[.!]*$|^\s*(?:and\s+|now\s+)?(?:https|ssl|tls|an?\s+(?:tls\s+|ssl\s+)?cert(?:ificate)?)\s+(?:on|for|to)\s+(?:it|that|this|them)\b/;

/** A domain said in a clause of its own: "domain is x", "the domain: x", "our domain name is x", "it's for x", ", domain x". */
const DOMAIN_SAID = /(?:^|[,;.!-]\s+|\s-\s)(?:and\s+)?(?:the\s+|our\s+|my\s+)?(?:(?:domain|site|website|host)(?:\s*name)?(?:\s*(?:is|=|:|will\s+be|should\s+be)|(?=\s))|it'?s\s+for)\s+((?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24})\b|[,;:]\s+((?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24})\s*(?:please|pls|plz|thanks|thx)?\s*[.!]*$/i;

/** The domains a clause names (not files: x.sh, x.yaml), lowercased; "wildcard" says the names under it. */
function domainsIn(clause: string, t: string): string[] {
  return [...clause.matchAll(/(?<![\w*.-])((?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24})\b/gi)].map((m) => m[1]!.toLowerCase()).filter((d) => !/\.(sh|py|js|yaml|yml|json|conf)$/.test(d) && !/^\d/.test(d))
    // "a wildcard cert for lab.example.com": the names under it (*.lab.example.com).
    .map((d, _i, all) => (/\bwildcard\b/.test(t) && !all.some((x) => x.startsWith('*.')) ? `*.${d}` : d));
}

/** "get a letsencrypt certificate for shop.example.com", "set up https for example.com": security.yaml certificates (and nginx serving them). */
/**
 * What a browser shows or says about a site without https, with a domain said somewhere in the
 * message (round 32): "the padlock", "the green lock", "not secure", "make it secure", "a secure
 * connection", "warning about security". Never without a domain ("secure the server" is HARM's).
 */
const BROWSER_SECURE = /\bnot\s+secure\b|\b(?:make|makes|keep)\s+(?:it|that|this|the\s+(?:web\s?)?site|[\w.-]+)\s+(?:secure|safe)\b|\bsecure\s+(?:connection|site|website|in\s+(?:the\s+)?browser)\b|\b(?:green|little|small)?\s*lock\b(?!\s+(?:down|out|up|it|them|the|file))|\bsecurity\s+warning|\bwarn\w*\s+about\s+security\b|\b(?:should|to)\s+be\s+https\b|\bsecure\s+(?:it|that)\b|\bsecure\s+[a-z0-9-]+\.[a-z]/;

/** The domains said anywhere in the message, not an image's registry ("ghcr.io/acme/x") or an address. */
function domainsInMessage(run: Run): string[] {
  const m = run.input.message;
  return [...new Set(domainsIn(m, m.toLowerCase()).filter((d) => !new RegExp(`${escapeRe(d)}(?:/|:\\d)`, 'i').test(m)))];
}

function handleCertificate(run: Run, clause: string): boolean {
  // "letsencrypt for app.example.io", "lets encrypt on x": a Let's Encrypt certificate.
  let t = clause.toLowerCase().replace(/\b(?:let'?s\s*encrypt|letsencrypt)\b(?!\s+(?:certs?|certificates?)\b)/g, "let's encrypt certificate");
  // "visitors see 'not secure'", "show the lock", "make it secure" with a domain in the message: https.
  const browserSaid = BROWSER_SECURE.test(t) && !/\b(?:certificates?|certs?|tls|ssl|https)\b/.test(t) && domainsInMessage(run).length > 0 && !/\bssh\b|\bpasswords?\b|\bfirewall\b|\bports?\b|\busers?\b/.test(t);
  if (browserSaid) t = `${t} https`;
  // "make the website secure, with the padlock thing, for shop.example.com": the padlock is https.
  if (!/\b(certificates?|certs?|tls|ssl|https|padlock)\b|\block\s+(?:icon|symbol|sign)\b/.test(t) && !(/\bmake\s+(?:the\s+)?(?:web\s?site|site|shop|blog)\s+secure\b/.test(t) && domainsIn(clause, t).length > 0)) return false;
  let domains = domainsIn(clause, t);
  // "my blog is at myblog.example.com, make it https", "the site is x. It should be https": the
  // domain said in another clause of the message is this certificate's (round 32); that clause
  // is read with it. "…, and www too": the www name of the domain as well.
  if (domains.length === 0) {
    const elsewhere = domainsInMessage(run);
    if (elsewhere.length > 0 && (CERT_WANTED.test(t) || browserSaid || /\bhttps\b|\bssl\b|\btls\b|\bpadlock\b/.test(t))) {
      domains = elsewhere;
      run.consumed.push(...elsewhere);
    }
  }
  if (domains.length === 1 && !domains[0]!.startsWith('www.') && /\bwww\b(?!\.)/i.test(run.input.message)) domains.push(`www.${domains[0]}`);
  // "enable ssl on the site, domain is mysite.dev", "set up ssl. our domain is example.dev":
  // the domain said in a clause of its own is this certificate's, and that clause is read.
  if (domains.length === 0 && CERT_WANTED.test(t)) {
    const apart = DOMAIN_SAID.exec(run.input.message);
    if (apart) {
      // "https on it, example.org" (round 30): a domain alone after a comma, last, is the certificate's too.
      const said = (apart[1] ?? apart[2])!;
      domains = domainsIn(said, said.toLowerCase());
      run.consumed.push(apart[0].replace(/^[\s,;.!-]+/, ''));
    }
  }
  // "…, auto renew", "…, renew automatically": what a Let's Encrypt certificate does anyway.
  const renew = /(?:^|[,;.-]\s*)((?:and\s+)?(?:auto[- ]?renew(?:al|ed|ing)?|renew(?:ed)?\s+automatically|with\s+auto[- ]?renew(?:al)?))\s*(?:please|pls)?\s*[.!]*$/im.exec(run.input.message);
  if (renew) run.consumed.push(renew[1]!);
  // "https" counts as a word, not as a URL's scheme ("send alerts to https://hooks.example.com").
  // "show the little padlock in the browser", "the lock icon": what a browser shows for https (round 31).
  const https = /\bhttps\b(?!:\/\/)|\bpadlock\b|\block\s+(?:icon|symbol|sign)\b/.test(t);
  // "i need a cert", "set up https": the domain is the slot.
  if (domains.length === 0 && CERT_WANTED.test(t) && findPorts(clause).length === 0) {
    const filled = need(run, { slot: 'hostname', question: 'Which domain should the certificate be for (e.g. "shop.example.com")?', fill: (v) => `${clause} for ${v}` });
    return filled === undefined ? true : handleCertificate(run, filled);
  }
  if (domains.length === 0 || (!https && !/\b(certificates?|certs?|tls|ssl)\b/.test(t))) return false;
  // "wildcard cert *.x.example.net, self signed": the kind may be said in a clause of its own.
  const signedApart = /^\s*(?:and\s+)?(?:make\s+it\s+|have\s+it\s+)?(self[- ]?signed)\s*(?:please|pls)?\s*[.!]*$/im.exec(run.input.message.toLowerCase().split(/[,;]/).slice(1).join('\n'));
  if (signedApart) run.consumed.push(signedApart[1]!);
  const provider = /\bself[- ]?signed\b/.test(t) || signedApart ? 'self-signed' : /\bmanual\b|\bmy own\b/.test(t) ? 'manual' : 'letsencrypt';
  const name = domains[0]!.replace(/^\*\./, 'wildcard-').replace(/\./g, '-').slice(0, 63);
  const CERTS = ['spec', 'certificates'];
  const i = run.ws.indexOf('security.yaml', CERTS, name);
  const cert = { name, domains, provider, auto_renew: true };
  if (i >= 0) run.ws.set('security.yaml', [...CERTS, i], cert);
  else run.ws.append('security.yaml', CERTS, cert);
  run.lines.push(`${i >= 0 ? '~' : '+'} certificate ${name}: ${domains.join(', ')} (${provider}${provider === 'letsencrypt' ? ', renewed automatically' : ''}; security.yaml, needs your explicit approval)`);
  if (provider === 'letsencrypt') run.notes.push(`(Let's Encrypt checks that ${domains.join(', ')} point${domains.length === 1 ? 's' : ''} at this machine and that port 80 is reachable from the internet.)`);
  // "https for example.com": the web server serves it. An nginx that is there gets 443 and
  // the certificate's mounts; with no web server, an nginx is added (addFromTemplate wires it).
  const webs = services(run).filter((s) => templateOf(s) === 'nginx');
  // Round 35: a caddy here serves HTTPS itself ("deploy caddy", then "give it https for example.org"):
  // no nginx is added beside it, and caddy stays the service under discussion.
  const caddy = services(run).filter((s) => templateOf(s) === 'caddy');
  if (https && webs.length === 0 && caddy.length > 0) {
    mentionFocus(run, caddy[0]!.name);
    run.notes.push(`(${caddy[0]!.name} serves HTTPS itself, on port 443, for the sites its Caddyfile names; no other web server is added.)`);
  } else if (https && webs.length === 0) {
    addFromTemplate(run, 'nginx', undefined, clause);
  } else if (https || webs.length === 1) {
    for (const w of webs.slice(0, 1)) {
      const svc = structuredClone(w);
      const changed = wireTls(svc, name);
      if (changed.length === 0) continue;
      run.ws.set('services.yaml', svcPath(run, w.name), svc);
      run.lines.push(`~ ${w.name}: serves HTTPS for ${domains.join(', ')} (${changed.join(', ')})`);
      mentionFocus(run, w.name);
    }
  }
  if (provider === 'letsencrypt') run.notes.push(`Until Let's Encrypt issues it, ${name} is a self-signed placeholder; the observer daemon orders it after the apply (or run \`claude certs renew\`). See docs/certificates.md.`);
  return true;
}

/**
 * "also add acme.dev itself", "and www.acme.dev too", "include shop.acme.dev": right after a
 * turn about a certificate, a domain said alone is one more certificate.
 */
function certificateFollowUp(run: Run, clause: string): boolean {
  const reply = [...run.input.history].reverse().find((h) => h.role === 'assistant')?.text ?? '';
  if (!/^\s*[+~] certificate /m.test(reply)) return false;
  const bare = clause.toLowerCase().replace(/\b(?:(?:and|also|plus|oh|ok(?:ay)?|then|now|please|pls|too|as\s+well|itself|the\s+(?:bare|apex|root|naked)\s+(?:domain|one)|(?:add|include|cover|do|get|one\s+for|for)|(?:the\s+)?(?:bare|apex|root|naked)|domain)\b|[,!+&]|\.(?=\s|$))/g, ' ');
  const domain = /^\s*((?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24})\s*$/.exec(bare);
  return domain !== null && findServiceMentions(clause).length === 0 && handleCertificate(run, `certificate for ${domain[1]}`);
}

// ── SSH settings ───────────────────────────────────────────────────────────

function hasSshKeys(run: Run): boolean {
  return run.ws.items<{ ssh_keys?: string[] }>('security.yaml', ['spec', 'users']).some((u) => (u.ssh_keys ?? []).length > 0);
}

function handleSshConfig(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  let did = false;
  if ((/\b(disable|turn off|no|forbid|disallow|block)\b[^.]*\bpassword\b[^.]*\b(log ?ins?|auth\w*|access|ssh)\b/.test(t) && !/\broot\s+password\b/.test(t)) || /\bkey[- ]only\b|\bkeys? only\b/.test(t)) {
    if (!hasSshKeys(run)) {
      run.questions.push('No user in security.yaml has an SSH key, so turning off password logins would lock everyone out. Add one first ("add user alice with ssh key ssh-ed25519 AAAA…"), then ask again.');
    } else {
      run.ws.set('security.yaml', ['spec', 'ssh', 'password_authentication'], false);
      run.lines.push('~ ssh: password logins off (keys only)');
    }
    did = true;
  }
  if (/\b(disable|turn off|no|forbid|disallow|block)\b[^.]*\broot\b[^.]*\blog ?ins?\b/.test(t)) {
    run.ws.set('security.yaml', ['spec', 'ssh', 'permit_root_login'], false);
    run.lines.push('~ ssh: root cannot log in');
    did = true;
  }
  // "allow root to log in over ssh with keys": PermitRootLogin yes is safe only while
  // password logins are off (then root needs a key); otherwise asked, nothing changed.
  if (/\b(allow|enable|permit|let|turn on|want)\b[^.]*\broot\b[^.]*\b(log\s?-?ins?|log(?:ging)? in|ssh|access)\b/.test(t) && !/\b(disable|turn off|no|forbid|disallow|block|deny)\b[^.]*\broot\b/.test(t)) {
    const passwordsOff = run.ws.get<boolean>('security.yaml', ['spec', 'ssh', 'password_authentication']) === false;
    if (!passwordsOff) {
      run.questions.push('Password logins over SSH are on, so letting root log in would let root in with a password, the first thing scanners try. I changed nothing. Turn password logins off first ("ssh keys only", which needs a user with an SSH key), then ask again: root can then log in with a key only.');
      run.clauseBlocked = true;
    } else if (run.ws.get<boolean>('security.yaml', ['spec', 'ssh', 'permit_root_login']) !== true) {
      run.ws.set('security.yaml', ['spec', 'ssh', 'permit_root_login'], true);
      run.lines.push('~ ssh: root may log in, with an SSH key only (password logins are off)');
    } else run.notes.push('Root may already log in over SSH (with a key only).');
    did = true;
  }
  const portChange = /\bssh\b[^.]*\bport\b[^.\d]*(\d{1,5})\b/.exec(t);
  if (portChange && /\b(change|move|set|use|run)\b/.test(t) && !/\b(allow|open|block)\b/.test(t)) {
    const p = Number(portChange[1]);
    run.ws.set('security.yaml', ['spec', 'ssh', 'port'], p);
    run.lines.push(`~ ssh: listens on port ${p}`);
    const rules = run.ws.items<FirewallRule>('network.yaml', RULES);
    rules.forEach((r, i) => {
      if (r.name === 'allow-ssh' || r.name === 'deny-ssh') {
        run.ws.set('network.yaml', [...RULES, i, 'port'], p);
        run.lines.push(`~ firewall rule ${r.name}: port ${p}`);
      }
    });
    run.warnings.push(`Keep your current SSH session open until you have logged in on port ${p}.`);
    did = true;
  }
  return did;
}

// ── firewall ───────────────────────────────────────────────────────────────

function sshPort(run: Run): number {
  return run.ws.get<number>('security.yaml', ['spec', 'ssh', 'port']) ?? 22;
}

/** A rule's port(s) include this port (a rule with no port covers every port). */
function portCovered(spec: FirewallRule['port'], port: number): boolean {
  if (spec === undefined) return true;
  return [spec].flat().some((x) => {
    const m = /^(\d+)-(\d+)$/.exec(String(x));
    return m ? Number(m[1]) <= port && port <= Number(m[2]) : Number(x) === port;
  });
}

function rules(run: Run): FirewallRule[] {
  return run.ws.items<FirewallRule>('network.yaml', RULES);
}

/** Adds or replaces a rule: allows go before the first drop/reject rule, drops at the end. */
const RULE_KEYS = ['name', 'direction', 'protocol', 'port', 'source', 'destination', 'interface', 'state', 'action', 'comment'] as const;

function putRule(run: Run, unordered: FirewallRule, first = false): 'added' | 'updated' | 'same' {
  const rule = {} as Record<string, unknown>;
  for (const k of RULE_KEYS) if (unordered[k] !== undefined) rule[k] = unordered[k];
  const list = rules(run);
  // A rule said by a name it already has ("a rule named lan-ssh allowing … from 10.1.0.0/16"
  // when lan-ssh exists): that rule is changed, not a second one added beside it.
  if (run.ruleName && list.some((r) => r.name === run.ruleName)) {
    rule.name = run.ruleName;
    run.ruleName = undefined;
  }
  const i = list.findIndex((r) => r.name === rule.name);
  if (i >= 0) {
    if (JSON.stringify(list[i]) === JSON.stringify(rule)) return 'same';
    run.ws.set('network.yaml', [...RULES, i], rule);
    return 'updated';
  }
  if (run.ruleName && !list.some((r) => r.name === run.ruleName)) {
    rule.name = run.ruleName;
    run.ruleName = undefined;
  }
  ensureFirewall(run);
  const seq = run.ws.seq('network.yaml', RULES);
  const node = run.ws.doc('network.yaml').createNode(rule);
  let at = seq.items.length;
  if (first) at = 0;
  else if (rule.action === 'accept') {
    const firstDrop = list.findIndex((r) => r.action !== 'accept');
    if (firstDrop >= 0) at = firstDrop;
  }
  seq.items.splice(at, 0, node);
  run.ws.changed.add('network.yaml');
  return 'added';
}

function removeRule(run: Run, name: string): boolean {
  const i = rules(run).findIndex((r) => r.name === name);
  if (i < 0) return false;
  run.ws.removeAt('network.yaml', RULES, i);
  return true;
}

function ensureFirewall(run: Run): void {
  if (run.ws.get('network.yaml', FW) === undefined) {
    run.ws.set('network.yaml', [...FW, 'enabled'], true);
  } else if (run.ws.get('network.yaml', [...FW, 'enabled']) === false) {
    run.ws.set('network.yaml', [...FW, 'enabled'], true);
    run.lines.push('~ firewall: enabled');
  }
}

function inputPolicy(run: Run): 'accept' | 'drop' {
  return run.ws.get<'accept' | 'drop'>('network.yaml', [...FW, 'default_input_policy']) ?? 'accept';
}

const ANYWHERE = /\b(anywhere|anyone|everyone|everybody|the world|world|public(ly)?|the internet|internet|all addresses|any address|any source|all sources|outside)\b/;

function sourcesOf(cidrs: string[]): FirewallRule['source'] {
  if (cidrs.length === 0) return undefined;
  return (cidrs.length === 1 ? cidrs[0] : cidrs) as FirewallRule['source'];
}

function portsOf(ports: number[]): FirewallRule['port'] {
  return (ports.length === 1 ? ports[0] : ports) as FirewallRule['port'];
}

function describeRulePorts(port: FirewallRule['port']): string {
  return port === undefined ? 'every port' : [port].flat().join(', ');
}

function describeSource(src: FirewallRule['source']): string {
  if (src === undefined) return 'anywhere';
  return Array.isArray(src) ? src.join(', ') : src;
}

/** "nobody else", "no one else", "everyone else blocked", "block everybody else": only the named source. */
const NOBODY_ELSE =
  /\b(?:no\s*(?:one|body)|nobody|noone|none)\s+else\b|\b(?:everyone|everybody|anyone|anybody|all|the\s+rest)\s+else\s+(?:is\s+|gets?\s+|should\s+be\s+)?(?:blocked|denied|out|dropped|refused|kept\s+out)\b|\b(?:block|deny|drop|reject|refuse)\s+(?:everyone|everybody|anyone|anybody|all|the\s+rest)(?:\s+else)?\b(?!\s+(?:except|but|apart))/i;

/**
 * Review 23 HIGH-4: one reading of a restriction. "only", "NET only", "lock X('s port) (down) to
 * NET", "restrict/limit/narrow X to NET" say, as "nobody else" does, that only the source named
 * gets through: under an accept policy the port's other addresses are dropped (an accept rule
 * alone changes nothing there). Read with an address in the clause only.
 */
const RESTRICTED_TO = /\bonly\b|\b(?:lock\w*|restrict\w*|limit\w*|narrow\w*)\s+(?:[\w'’.:/-]+\s+){0,5}?(?:down\s+)?to\b/;

const IPV4_ADDR = String.raw`\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?`;
/** The separator between two addresses of one list ("A and B", "A, B", "A & B"). */
const ADDRESS_LIST = new RegExp(String.raw`(?<=${IPV4_ADDR})(?:\s*,\s*(?:and\s+)?|\s+(?:and|or)\s+|\s*&\s*)(?=${IPV4_ADDR})`, 'g');
/** A port range: "8000-8010", "8000..8010", "ports 8000 to 8010", "60000 through 61000". */
const DOMAIN = String.raw`(?<![\w.@/:=-])(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24}(?![\w/:@-]|\.\w)`;
/** The words between two domains of one list ("a.io, b.io and also c.io"). */
const DOMAIN_LIST = new RegExp(String.raw`(?<=${DOMAIN})(?:\s*,\s*(?:and\s+)?(?:also\s+)?|\s+(?:and|or|plus|as\s+well\s+as)\s+(?:also\s+)?|\s*[&+]\s*)(?=${DOMAIN})`, 'gi');
const PORT_RANGE = /(?<![\w.:/-])(?<!\bfrom\s+)(?<!\bfrom\s+port\s+)(\d{1,5})\s*(?:-|–|\.\.|\s(?:to|through|thru|till|until)\s)\s*(?:port\s+)?(\d{2,5})\b(?![.:/]\d|\s*(?:[kmgt]i?b?\b|megs?|gigs?|%))/gi;
/**
 * The ports a clause names by a service's name ("the mysql port", "postgres's port", "redis
 * ports"): a service there publishes them on the host; else the template (postgres 5432, mysql
 * 3306) or catalogue app (mongo 27017) of that name says them. A word that names nothing gives none.
 */
function portsNamedBy(run: Run, clause: string): number[] {
  const out: number[] = [];
  for (const m of clause.toLowerCase().matchAll(/\b(?!(?:the|a|an|its|that|this|their|default|server|host|open|which|what)\b)([a-z][\w-]{0,62}?)(?:'s|’s)?\s+(?:(?:default|server)\s+)?ports?\b(?!\s*(?:number\s+)?\d)/g)) {
    const word = m[1]!;
    const svc = getService(run, word);
    const own = (svc?.ports ?? []).map((p) => p.host).filter((n): n is number => n !== undefined);
    if (own.length > 0) {
      out.push(...own);
      continue;
    }
    const mention = findServiceMentions(word).find((x) => x.text === word && !x.generic);
    const fromTemplate = mention ? templateInfos().find((ti) => ti.name === mention.template)?.port : undefined;
    if (fromTemplate !== undefined) {
      out.push(fromTemplate);
      continue;
    }
    const app = findAppMentions(word).find((a) => a.app.ports?.length);
    if (app) out.push(app.app.ports![0]!.host ?? app.app.ports![0]!.container);
  }
  return [...new Set(out)];
}

/** "allow ping", "let people ping the box", "block icmp", "make it pingable". */
const PING = /\bping(?:s|ing|able)?\b|\bicmp\b|\becho[- ]requests?\b/;

/** "reject" answers with a refusal instead of silence; every other blocking word drops. */
function blockActionOf(t: string): 'drop' | 'reject' {
  return /\breject/.test(t) ? 'reject' : 'drop';
}

/**
 * "set the default inbound policy back to accept": done, not refused (an admin's change to make),
 * with a plain warning of what it opens. It is a high-risk change: the firewall step of its plan
 * needs an admin signature (policy P2, plan/trust.ts), as users and SSH keys do. The rules stay:
 * a drop rule still drops.
 */
function acceptByDefault(run: Run): boolean {
  ensureFirewall(run);
  const was = inputPolicy(run);
  run.ws.set('network.yaml', [...FW, 'default_input_policy'], 'accept');
  run.lines.push(was === 'accept' ? '~ firewall: default policy ACCEPT for incoming traffic (written out; it was the default already)' : '~ firewall: default policy ACCEPT for incoming traffic (was DROP)');
  const dropped = new Set<number>();
  for (const r of rules(run)) if (r.action !== 'accept' && r.source === undefined) for (const p of [r.port ?? []].flat()) dropped.add(Number(p));
  const reachable = services(run).flatMap((sv) => (sv.ports ?? []).filter((p) => p.host !== undefined && (!p.host_ip || !/^127\.|^::1$/.test(p.host_ip)) && !dropped.has(p.host!)).map((p) => `${sv.name} (${p.host})`));
  run.warnings.push(
    `High-risk change: with the default policy ACCEPT, every port of this machine that no rule drops can be reached from anywhere${reachable.length ? `, including ${reachable.join(', ')}` : ''}, and so can anything that starts listening later. Applying it needs an admin signature (policy P2). To open only what you need instead, keep the policy DROP and say "open port 8080 to 192.168.1.0/24".`,
  );
  return true;
}

/**
 * The input policy asked to become accept: POLICY_ACCEPT_SAID in the clause, and nothing in the
 * request that reads the other way. A lock-down, a drop/deny/block/reject word, a negation ("don't
 * allow incoming traffic by default", "stop accepting …", "no longer accept"), accept as the old
 * value ("from accept to drop") or a description of how it is now ("currently defaults to
 * accepting") never opens every port; the request then goes on as the other words say.
 */
function acceptPolicySaid(clause: string, message: string): boolean {
  const c = clause.toLowerCase();
  if (!POLICY_ACCEPT_SAID.test(c)) return false;
  const m = message.toLowerCase();
  if (lockdownSaid(m) || /\b(?:drop|deny|denied|block\w*|reject\w*|lock\w*|close\w*|tighten\w*|restrict\w*)\b/.test(m)) return false;
  if (/\b(?:not|never|no\s+longer|stop(?:s|ped|ping)?|quit|instead\s+of|rather\s+than|currently|right\s+now|at\s+the\s+moment|still)\b|n'?t\b/.test(c)) return false;
  if (/\bfrom\s+(?:accept|allow|open)\w*\s+to\b/.test(m)) return false;
  return true;
}

const OPENING_SUBJECT = /\b(?:ssh|web(?:site)?|(?:the\s+)?site|https?|port\s+\d{1,5}|\d{2,5}(?:\/(?:tcp|udp))?)\b/i;
// "only allow ssh from …": the verb after an "only" (the walkthrough of 2026-12-06 lost "and web
// traffic from anywhere" after it: the second opening got no verb).
const OPENING_VERB = /^\s*(?:(?:only|just)\s+)?(allow|open|permit|accept|let|expose|whitelist|unblock|block|deny|drop|reject|close)\b/i;
/**
 * A firewall clause with two openings whose sources differ, one an address and the other the
 * world ("ssh only from 10.0.0.0/8, the website open to everyone", "allow http from anywhere and
 * ssh from 203.0.113.0/24"), split where the second begins; the second gets the first's verb when
 * it has none ("… and http from anywhere"). Undefined when the clause is one opening, or when one
 * source is said for all ("allow ssh and http from 10.0.0.0/8").
 */
function splitBySource(clause: string): [string, string] | undefined {
  const world = (x: string) => ANYWHERE.test(x.toLowerCase());
  for (const m of clause.matchAll(/(?:(?<!\s)\s+)?[,;]\s*(?:and\s+|but\s+)?|(?<!\s)\s+(?:and|but)\s+/gi)) {
    const left = clause.slice(0, m.index);
    const right = clause.slice(m.index + m[0].length);
    if (!OPENING_SUBJECT.test(left) || !OPENING_SUBJECT.test(right)) continue;
    const l = findCidrs(left).length > 0;
    const r = findCidrs(right).length > 0;
    if ((l && !r && world(right) && !world(left)) || (r && !l && world(left) && !world(right))) {
      const verb = OPENING_VERB.exec(left);
      const second = OPENING_VERB.test(right) || /\b(?:open|reachable|accessible|public)\b/i.test(right) || !verb ? right : `${verb[1]} ${right}`;
      // "block 9090 from the outside but allow it from 192.168.1.0/24": "it" is the port said before (round 35).
      const subject = OPENING_SUBJECT.exec(left.replace(/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' '));
      if (subject && !OPENING_SUBJECT.test(right.replace(/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' ')) && /\b(?:it|that|this|them)\b/i.test(right)) return [left, second.replace(/\b(?:it|that|this|them)\b/i, /^\d/.test(subject[0]) ? `port ${subject[0]}` : subject[0])];
      return [left, second];
    }
  }
  return undefined;
}

/** "lock the box down", "default deny", "drop everything incoming by default": the input policy set to drop. */
function lockdownSaid(t: string): boolean {
  return /\block(ed|ing)?\s*down\b|\block(?:ed|ing)?\s+(?:(?:this|the|that|my|our|it|everything|things?|box|server|machine|host|system|vps|node|whole|entire|all)\s+){1,3}down\b(?!\s+(?:ssh|port|to)\b)|\bharden\b|\bbutton\s+(?:\w+\s+){0,2}up\b|\bdefault[- ](?:deny|drop|reject|block)\b|\bblock (all |everything )?(other |else )?(incoming|inbound)\b(?!\s+(?:(?:traffic|connections?|packets|requests)\s+)?(?:on|to|for|at)\s+(?:port\b|\d))|\b(?:drop|deny|reject)\s+(?:all|everything)\s+(?:(?:other|else)\s+)?(?:incoming|inbound)\b(?!\s+(?:traffic\s+)?(?:on|to|for)\b)|\bblock everything else\b|\bdefault\s+(?:(?:input|incoming|inbound|firewall)\s+)*policy\b[^.]*\b(?:drop|deny|block|reject)\b|\b(?:drop|deny|block|reject)\w*\s+(?:(?:all|the|rest|else|other|everything|every\s*thing|incoming|inbound|traffic|connections|coming|in|from|outside|internet|external)\s+)*by\s+default\b|\bby\s+default\s*,?\s+(?:(?:just|simply)\s+)?(?:drop|deny|block|reject)\w*\s+(?:all|the\s+rest|everything|every\s*thing|anything|incoming|inbound)\b/.test(t) && !/\block(ed|ing)?\s*down\s+ssh\b/.test(t);
}

/** A blocking word ("block", "deny", …): "lock … down to" with an address narrows, it blocks nothing. */
const blockVerb0 = (t: string): boolean => /\b(?:block|close|deny|drop|reject|forbid|disallow|blacklist|ban)\b/.test(t);

function handleFirewall(run: Run, clause: string, suffix = ''): boolean {
  if (acceptPolicySaid(clause, run.input.message)) return acceptByDefault(run);
  // "both tcp and udp on 53", "open 7777 tcp+udp", "allow dns, tcp and udp": one rule for each
  // protocol (round 30), the udp one named with -udp so neither replaces the other.
  const both = suffix === '' ? BOTH_PROTOCOLS.exec(clause) : null;
  if (both) {
    const said = (p: string) => clause.slice(0, both.index) + p + clause.slice(both.index + both[0].length);
    const tcp = handleFirewall(run, said('tcp'), '-tcp');
    return handleFirewall(run, said('udp'), '-udp') || tcp;
  }
  // "only allow ssh from 10.0.0.0/8 and keep the website open", "…, but leave the site
  // reachable": what is kept open is a rule of its own, never narrowed to the source said before
  // it (a lock-down's "but keep …" is read with the lock-down).
  const kept = !lockdownSaid(clause.toLowerCase()) ? /^(.*?\S)(?:\s*,\s*|\s+)(?:(?:but|and)\s+)?((?:keep|leave)\s.*)$/i.exec(clause) : null;
  if (kept && findCidrs(kept[1]!).length > 0 && findCidrs(kept[2]!).length === 0) {
    const head = handleFirewall(run, kept[1]!);
    return handleFirewall(run, kept[2]!) || head;
  }
  // "ssh only from 203.0.113.0/24, the website open to everyone", "allow ssh from the office and
  // http from anywhere": two openings, each with its own source; the world said for one never
  // takes the other's address (the walkthrough of 2026-12-06 narrowed the website to the office).
  const bySource = splitBySource(clause);
  if (bySource) {
    const head = handleFirewall(run, bySource[0]);
    return handleFirewall(run, bySource[1]) || head;
  }
  // "a redis that only the containers can reach", "nobody outside should reach memcached": no host
  // port for a service (handleModifiers), not a firewall rule, unless a range or the firewall is named.
  {
    const t0 = clause.toLowerCase();
    if (INTERNAL_ONLY.test(t0) && findCidrs(t0).length === 0 && !/\b(?:firewall|ssh|open|allow|block|deny|close|permit|whitelist)\b/.test(t0) && (findServiceMentions(t0).length > 0 || findAppMentions(t0).length > 0 || targetsIn(run, t0).names.length > 0 || /\b(?:it|them)\b/.test(t0))) return false;
  }
  const t = clause.toLowerCase();
  const cidrs = findCidrs(clause);
  // "expose its port 80 on 9090", "8080:80": a container port published on a host port, not a rule.
  if (cidrs.length === 0 && !/\bfirewall\b/.test(t) && readPortFrame(clause).said.some((s) => s.container !== undefined)) return false;
  // Port ranges are read first and taken out, so their two ends are not two ports.
  const ranges: string[] = [];
  const unranged = /\b(?:open|allow|permit|accept|let|unblock|block|close|deny|drop|reject|forward|ports?|tcp|udp)\b/.test(t)
    ? clause.replace(PORT_RANGE, (m, a: string, b: string) => {
        if (Number(a) >= Number(b) || Number(b) > 65535) return m;
        ranges.push(`${Number(a)}-${Number(b)}`);
        return ' ';
      })
    : clause;
  let ports = findPorts(unranged);
  // "let dns through", "block telnet", "allow imap and imaps", "open the mqtt port plus 8883": a
  // well-known service said by its word, with no number of its own, is its registered port (round 30).
  const ruleSaid = /\b(?:allow|open|permit|accept|let|unblock|block|close|deny|drop|reject|ban|whitelist|expose)\w*\b|\bfirewall\b|\b(?:reach|through)\b/.test(t);
  const wordPorts = ruleSaid ? servicePortsIn(unranged).filter((w) => !ports.includes(w.port)) : [];
  ports.push(...wordPorts.map((w) => w.port));
  if (ruleSaid && cidrs.length + ports.length > 0 || /\blet\s+\d/.test(t)) for (const p of listedPortsIn(unranged)) if (!ports.includes(p)) ports.push(p);
  // "let 3479 in", "let 993 and 995 through": the numbers after "let".
  for (const m of t.matchAll(/\blet\s+(?:port\s+)?(\d{2,5}(?:\s*(?:,|and|&)\s*\d{2,5})*)\s+(?:in|through|thru|pass)\b/g)) for (const n of m[1]!.match(/\d{2,5}/g) ?? []) if (!ports.includes(Number(n))) ports.push(Number(n));
  // "deny port 5432 from the internet, allow it from 172.16.0.0/12": "it" is the port an earlier clause of the same request said (round 35).
  if (ports.length === 0 && ranges.length === 0 && cidrs.length > 0 && /\b(?:it|that|this|them)\b/.test(t) && targetsIn(run, clause).names.length === 0) {
    const at = run.input.message.indexOf(clause);
    const earlier = at > 0 ? findPorts(run.input.message.slice(0, at).replace(/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' ')) : [];
    if (earlier.length > 0) ports = [earlier[earlier.length - 1]!];
  }
  // "actually only from 10.2.0.0/16": the port under discussion (the last one opened).
  // A range said is a port said ("allow udp ports 10000-10100 from …" took the last port opened, round 31).
  if (ports.length === 0 && ranges.length === 0 && cidrs.length > 0 && /\b(only|just|from)\b/.test(t) && !/\b(?:block|drop|deny|reject|ban|blacklist)\b/.test(t) && !/\bssh\b|\bweb\b|\bhttps?\b/.test(t) && targetsIn(run, clause).names.length === 0) {
    const prev = [...run.input.history].reverse().find((h) => h.role === 'user' && /\b(open|allow|expose|let)\b/i.test(h.text) && findPorts(h.text).length > 0);
    if (prev) ports = findPorts(prev.text);
  }
  // "open a port for the game server": no number and no service, so which port is asked, never guessed.
  // "open that port in the firewall" after "add nginx on port 80": the port of the service under discussion (round 24).
  const thatPort = /\b(?:that|the|this)\s+ports?\b/.test(t) && !/\b(?:a|an|another|one|some|new|extra|more|few)\s+(?:\w+\s+)?ports?\b/.test(t) ? focusTargets(run, (sv) => (sv.ports ?? []).some((p) => p.host !== undefined)) : [];
  if (ports.length === 0 && ranges.length === 0 && cidrs.length === 0 && thatPort.length === 0 && /\b(?:open|expose|forward|allow|unblock|publish|poke)\b/.test(t) && /\b(?:a|an|another|one|some|the|new|extra|more|few)\s+(?:\w+\s+)?(?:ports?|hole)\b/.test(t) && !/\b(?:ssh|web|https?|website)\b/.test(t) && targetsIn(run, clause).names.length === 0) {
    const a = /\b(?:a|an|another|one|some|the|new|extra|more|few)\s+(?:\w+\s+)?(?:ports?|hole)\b/i.exec(clause)!;
    const filled = need(run, { slot: 'port', question: 'Which port number should be opened (and for whom)? e.g. "25565", or "open udp 27015 to 192.168.1.0/24".', fill: (v) => clause.slice(0, a.index) + `port ${v}` + clause.slice(a.index + a[0].length) });
    return filled === undefined ? true : handleFirewall(run, filled);
  }
  // "deny mysql port from everywhere", "block the postgres port", "open mongo's port to
  // 10.0.0.0/8": a service's port said by its name (round 25): the host port of the service of
  // that name, else the port its template or catalogue app publishes.
  if (ports.length === 0 && ranges.length === 0 && wordPorts.length === 0 && /\b(?:allow|open|permit|accept|let|unblock|block|close|deny|drop|reject|lock\w*|restrict\w*|limit\w*)\b/.test(t)) ports.push(...portsNamedBy(run, clause));
  // "drop traffic from 198.51.100.23", "block 203.0.113.0/24 entirely": a source blocked on every port.
  // A range said is a port said (review 24 MED-1: "deny udp 6000 to 6010 from NET" dropped every port from NET).
  if (ports.length === 0 && ranges.length === 0 && cidrs.length > 0 && /\b(?:block|drop|deny|reject|ban|blacklist)\b/.test(t) && !/\bssh\b|\bweb\b|\bhttps?\b/.test(t) && targetsIn(run, clause).names.length === 0) {
    ensureFirewall(run);
    const name = `block-${cidrs[0]!.replace(/[./:]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
    const src = sourcesOf(cidrs);
    const action = blockActionOf(t);
    const r = putRule(run, { name, ...(src !== undefined ? { source: src } : {}), action, comment: 'blocked on every port' }, true);
    run.lines.push(r === 'same' ? `(already so) firewall: ${action} everything from ${cidrs.join(', ')}` : `~ firewall: ${action} everything from ${cidrs.join(', ')} (every port)`);
    return true;
  }
  // "allow all traffic from 10.0.0.0/8", "let 10.8.0.0/24 reach everything", "open all ports to
  // 192.168.1.0/24": a private range let in on every port (a private source is not the world; the
  // same from anywhere is refused before this, detectDanger).
  if (ports.length === 0 && ranges.length === 0 && cidrs.length > 0 && cidrs.every((c) => /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/.test(c)) && /\b(?:allow|accept|permit|let|open|whitelist)\w*\b/.test(t) && /\b(?:everything|anything|all\s+(?:the\s+)?(?:traffic|tcp|udp|ports|connections|packets|protocols)|any\s+(?:traffic|port|connection)s?|every\s+port)\b/.test(t) && !/\b(?:block|drop|deny|reject|ban)\b/.test(t) && targetsIn(run, clause).names.length === 0) {
    ensureFirewall(run);
    const name = `allow-${cidrs[0]!.replace(/[./:]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
    const src = sourcesOf(cidrs);
    const protocol = /\btcp\b/.test(t) && !/\budp\b/.test(t) ? 'tcp' : /\budp\b/.test(t) && !/\btcp\b/.test(t) ? 'udp' : undefined;
    const r = putRule(run, { name, ...(protocol ? { protocol } : {}), ...(src !== undefined ? { source: src } : {}), action: 'accept', comment: 'a private range, every port' });
    run.lines.push(r === 'same' ? `(already so) firewall: accept everything from ${cidrs.join(', ')}` : `~ firewall: accept ${protocol ?? 'everything'} from ${cidrs.join(', ')} (every port; a private range, not the internet)`);
    return true;
  }
  // "allow ping", "block icmp": an ICMP rule (IPv4 echo and the rest of ICMP; IPv6 neighbour discovery is always let in).
  if (PING.test(t) && ports.length === 0 && ranges.length === 0 && /\b(?:allow|open|permit|accept|let|unblock|enable|respond|answer|reply|block|close|deny|drop|reject|disable|ignore|stop)\b|\bpingable\b/.test(t)) {
    const deny = /\b(?:block|close|deny|drop|reject|disable|ignore|stop)\b|\b(?:not|no|don'?t|never)\b[^.]*\bping/.test(t);
    const action = deny ? blockActionOf(t) : 'accept';
    const rule: FirewallRule = { name: deny ? 'block-ping' : 'allow-ping', protocol: 'icmp', action, comment: 'ping (ICMP)' };
    const s = sourcesOf(cidrs);
    if (s !== undefined) rule.source = s;
    const other = deny ? 'allow-ping' : 'block-ping';
    if (removeRule(run, other)) run.lines.push(`- firewall rule ${other}`);
    const r = putRule(run, rule, deny);
    run.lines.push(`~ firewall: ${deny ? `${action} ping` : 'answer ping'} (ICMP) from ${describeSource(rule.source)}${r === 'same' ? ' (already so)' : ''}`);
    return true;
  }
  const fail2ban = /\bfail2ban\b|\bbrute[- ]?force\b/.test(t);
  const ssh = /\bssh\b/.test(t);
  // "udp 51820 needs to be open", "open 27015/udp": the rule's protocol.
  // "open up ntp": a service that speaks only udp said by its word, with no protocol said.
  // A port word's own protocol (ntp, syslog) is that port's alone (protoFor, review 23 MED-2).
  const proto: 'tcp' | 'udp' = /\budp\b/.test(t) && !/\btcp\b/.test(t) ? 'udp' : 'tcp';
  // "…, nobody else": only the source named gets through; everyone else is dropped (default deny for that port).
  // "only", "lock … down to", "restrict … to", "NET only" (review 23 HIGH-4): the same reading.
  const onlyThem = NOBODY_ELSE.test(run.input.message) || (cidrs.length > 0 && !blockVerb0(t) && RESTRICTED_TO.test(t));
  // "the site open to everyone", "make the site public": the website said as "site".
  let web = /\b(web|http|https|website|(?:the|our|my|a)\s+site)\s*(traffic|access|ports?|requests?)?\b/.test(t) && /\b(allow|open|permit|accept|let|unblock|expose|block|close|deny)\b|\bmake\s+(?:the|our|my)\s+(?:web)?site\s+public\b/.test(t);
  const lockdownSystem = lockdownSaid(t);;
  let allowVerb = /\b(allow|open|permit|accept|let|unblock|expose|whitelist|only)\b|\b(?:can|may|should|must)\s+(?:reach|access|connect\s+to)\b|\b(accessible|reachable|available)\s+(from|to)\b|^(?:keep|leave)\b.*\b(?:reachable|accessible|available|up)\b/.test(t);
  // "keep the website open", "leave the site reachable": the web service there, by its own port.
  if (/^(?:keep|leave)\b.*\b(?:reachable|accessible|available|up)\b/.test(t)) web ||= /\b(?:website|site|web\s*server)\b/.test(t);
  // "drop ghcr.io/acme/x:1 onto port 8200" puts an image there, it blocks nothing.
  // "ban 45.1.2.3 from 443", "keep 203.0.113.0/24 out of ssh": blocking words too.
  let blockVerb = /\b(block|close|deny|drop(?!\s+[\w.-]+[:/])|reject|forbid|disallow|blacklist|ban)\b|\bkeep\s+(?:\S+\s+){1,4}out\b/.test(t);
  // "drop everything incoming by default but keep ssh, http and https", "default deny except 8080":
  // what is kept is opened after the default policy is set.
  const keptOpen = lockdownSystem ? /\b(?:except(?:\s+for)?|but\s+(?:keep|leave|allow|let|not)|apart\s+from|other\s+than|besides|save\s+for)\b(.*)$/.exec(t)?.[1] : undefined;
  if (keptOpen !== undefined) {
    web ||= /\b(?:web|https?|website)\b/.test(keptOpen);
    allowVerb = true;
    blockVerb = false;
  }
  const blockAction = blockActionOf(t);
  // "block 198.51.100.77 from ssh", "keep 10.9.0.0/16 out of ssh": the verb decides the action
  // wherever the port is said; an address blocked from SSH is a drop rule for port 22 from it,
  // never SSH narrowed to it.
  const blockOnly = ssh && blockVerb && !allowVerb && !lockdownSystem && cidrs.length > 0;
  if (blockOnly && !ports.includes(sshPort(run))) ports.push(sshPort(run));
  const restrictSsh = !blockOnly && ssh && (/\b(lock(ed|ing)?\s*down|restrict|limit|only|allow|from|permit|whitelist|open|let|expose|accept|unblock|reachable|accessible)\b/.test(t) || cidrs.length > 0);
  // "anything going to port 25", "traffic to port 8080": the port a rule is about, not a service moved to it.
  const aboutPort = t.replace(/\b(open|allow|expose)\s+port\b/, '').replace(/\b(?:going|coming|headed|sent|destined|bound|traffic|connections?|packets|anything|everything|requests?|incoming|inbound)\s+(?:in\s+)?(?:to|on|at|for)\s+port\b/g, 'port');
  // "restrict it to 10.0.0.0/8", "limit that to …", "narrow it down to …": with an address, the
  // port or service under discussion narrowed (round 30); "open it to everyone": opened.
  const pointed = /\b(?:it|that|this|them)\b/.test(t) && !/\b(?:that|this)\s+(?:is|was|'s)\b/.test(t);
  if (cidrs.length > 0 && /\b(?:restrict\w*|limit\w*|narrow\w*|lock\w*)\b/.test(t) && !blockVerb0(t)) allowVerb = true;
  const firewallTopic = (pointed && (allowVerb || blockVerb) && (cidrs.length > 0 || ANYWHERE.test(t))) || fail2ban || restrictSsh || lockdownSystem || (/\bfirewall\b/.test(t)) || web || (ranges.length > 0 && (allowVerb || blockVerb)) || (ports.length > 0 && (allowVerb || blockVerb) && !/\b(on|to|at|move|change)\s+port\b/.test(aboutPort)) || (cidrs.length > 0 && (allowVerb || blockVerb));
  if (!firewallTopic) return false;
  // "expose grafana on 3001": publish that service on that port (handleModifiers), not a rule.
  // "expose it on 3307", "actually expose it on the host on 6380", "expose that on host port
  // 3300": the service under discussion, the same way.
  // "expose grafana to the internet on 3000 instead": a service published on a port is reachable
  // from everywhere already; the world said on the way is no firewall rule (round 24).
  const toWorld = /\s+to\s+(?:the\s+)?(?:internet|world|public|everyone|everybody|anyone|outside(?:\s+world)?)\b/;
  const tp = t.replace(toWorld, '');
  const publish = new RegExp(String.raw`\b(?:expose|publish)\s+(?:the\s+)?([a-z][\w-]*)\s+${ON_THE_HOST}(?:on|at)\s+(?:(?:the\s+)?(?:host\s+)?port\s+)?\d{2,5}\b`).exec(tp);
  const pronoun = publish && /^(?:it|that|this|them)$/.test(publish[1]!);
  if (publish && cidrs.length === 0 && !ANYWHERE.test(tp) && !ssh && !web && (pronoun ? focusTargets(run).length > 0 : getService(run, publish[1]!) || targetsIn(run, publish[1]!).names.length > 0)) return false;
  const anywhere = ANYWHERE.test(t);

  // "close 8080, the api doesn't need to be public": the port one service publishes, said with
  // that service not being public, is no longer published (no rule is needed for what is not open).
  if (blockVerb && !/\b(?:allow|open|permit|accept|let|unblock|expose|whitelist)\b/.test(t) && cidrs.length === 0 && ranges.length === 0 && ports.length > 0 && !/\brules?\b/.test(t) && INTERNAL_ONLY.test(run.input.message.toLowerCase())) {
    // Whose port it was when the request came ("api is not meant to be public, close 8080" unpublished it already).
    const owners = new Workspace(run.input.files).items<Service>('services.yaml', SVC).filter((s) => (s.ports ?? []).some((p) => p.host !== undefined && ports.includes(p.host)));
    const svc = owners.length === 1 ? getService(run, owners[0]!.name) : undefined;
    if (svc && ports.every((n) => (owners[0]!.ports ?? []).some((p) => p.host === n))) {
      if (!(svc.ports ?? []).some((p) => p.host !== undefined && ports.includes(p.host))) return true;
      const left = (svc.ports ?? []).filter((p) => p.host === undefined || !ports.includes(p.host));
      if (left.length > 0) run.ws.set('services.yaml', svcPath(run, svc.name, 'ports'), left);
      else run.ws.delete('services.yaml', svcPath(run, svc.name, 'ports'));
      mentionFocus(run, svc.name);
      run.lines.push(left.length > 0 ? `~ ${svc.name}: port ${ports.join(', ')} no longer published on the host` : `~ ${svc.name}: ${NO_HOST_PORT}`);
      return true;
    }
  }

  // "remove the firewall rule for port 8080" / "delete the allow-web rule": remove, never add.
  if (/\b(remove|delete|drop|get rid of)\b[^.]*\brules?\b/.test(t)) {
    const named = rules(run).filter((r) => new RegExp(String.raw`(?<![\w-])${r.name}(?![\w-])`).test(t));
    const byPort = rules(run).filter((r) => {
      const rp = (Array.isArray(r.port) ? r.port : r.port !== undefined ? [r.port] : []).map(Number);
      return ports.length > 0 && rp.some((p) => ports.includes(p));
    });
    const bySsh = ssh ? rules(run).filter((r) => r.name === 'allow-ssh' || r.name === 'deny-ssh') : [];
    const gone = [...new Set([...named, ...byPort, ...bySsh].map((r) => r.name))];
    if (gone.length === 0) {
      run.questions.push(`Which firewall rule? The rules are: ${rules(run).map((r) => r.name).join(', ') || 'none'}.`);
      return true;
    }
    for (const name of gone) {
      removeRule(run, name);
      run.lines.push(`- firewall rule ${name}`);
    }
    return true;
  }

  if (lockdownSystem) {
    ensureFirewall(run);
    const wasDrop = inputPolicy(run) === 'drop';
    putRule(run, { name: 'allow-loopback', interface: 'lo', action: 'accept', comment: 'local traffic' }, true);
    putRule(run, { name: 'allow-established', state: 'established,related', action: 'accept', comment: 'replies to connections this host made' }, true);
    if (!wasDrop) {
      run.ws.set('network.yaml', [...FW, 'default_input_policy'], 'drop');
      run.lines.push('~ firewall: default policy DROP for incoming traffic');
      run.lines.push('  • allow established connections and localhost');
    }
    // "lock down the system, only allow SSH from 10.0.0.0/8": a later clause of the same
    // request narrows SSH, so it is not opened to anywhere first (and not said so).
    const sshNarrowedLater = (/\bssh\b/i.test(run.input.message) || new RegExp(String.raw`(?<![\d.:/])${sshPort(run)}(?![\d.:/])`).test(run.input.message)) && findCidrs(run.input.message).length > 0;
    if ((!restrictSsh || cidrs.length === 0) && !sshNarrowedLater && !rules(run).some((r) => r.name === 'allow-ssh')) {
      putRule(run, { name: 'allow-ssh', protocol: 'tcp', port: sshPort(run), action: 'accept', comment: 'SSH' });
      run.lines.push(`  • allow SSH (${sshPort(run)}) from anywhere, so you keep access (say "only allow SSH from 10.0.0.0/8" to narrow it)`);
    }
  }

  if (restrictSsh) {
    // "open ssh", "allow ssh", "let ssh in": opened with no address and no word that narrows it
    // is opened from anywhere (round 26); "only allow ssh", "restrict ssh" still ask where from.
    const openedPlain = !/\b(?:lock(?:ed|ing)?\s*down|restrict\w*|limit\w*|only|just|whitelist|from|to)\b/.test(t);
    // Review 20 MED-5: where a rule already accepts SSH from a narrower network, "allow ssh" most often means
    // "make sure I can get in": it asks, naming that network, instead of opening SSH to everyone beside it.
    const narrower = openedPlain && cidrs.length === 0 && !anywhere ? rules(run).find((r) => r.action === 'accept' && r.source !== undefined && portCovered(r.port, sshPort(run))) : undefined;
    if (narrower) {
      run.questions.push(`SSH is already allowed from ${describeSource(narrower.source)} (rule ${narrower.name}). Open it to every address as well? Say "allow ssh from anywhere" for that, or "only allow SSH from …" to change the network.`);
    } else if (cidrs.length === 0 && !anywhere && !openedPlain) {
      // "deny by default and only allow ssh and web": SSH kept open (the lockdown clause did it), not narrowed.
      if (!lockdownSystem && !lockdownSaid(run.input.message.toLowerCase())) run.questions.push('From which addresses should SSH be allowed? Name a network, e.g. "only allow SSH from 10.0.0.0/8".');
    } else {
      const existing = rules(run).find((r) => r.name === 'allow-ssh');
      let src: string[] = cidrs;
      if (existing && /\b(also|too|as well|and from|additionally)\b/.test(t) && existing.source !== undefined) {
        src = [...new Set([...(Array.isArray(existing.source) ? existing.source : [existing.source]), ...cidrs])];
      }
      const rule: FirewallRule = { name: 'allow-ssh', protocol: 'tcp', port: sshPort(run), action: 'accept', comment: 'SSH' };
      if (!anywhere || src.length > 0) {
        const s = sourcesOf(src);
        if (s !== undefined) rule.source = s;
      }
      putRule(run, rule);
      run.lines.push(`~ firewall: allow SSH (${sshPort(run)}) from ${describeSource(rule.source)}${rule.source !== undefined ? ' only' : ''}`);
      if (rule.source !== undefined && inputPolicy(run) !== 'drop') {
        putRule(run, { name: 'deny-ssh', protocol: 'tcp', port: sshPort(run), action: 'drop', comment: 'SSH from anywhere else' });
        run.lines.push('  • drop SSH from every other address (other traffic is unchanged)');
      }
      // Narrowing SSH can lock you out; opening it to anywhere cannot.
      if (rule.source !== undefined) {
        run.warnings.push(
          `This changes who can reach SSH. If you are connected from outside ${describeSource(rule.source)}, you will lose access; the firewall change is applied commit-confirmed, so it rolls back unless you confirm it in time.`,
        );
      }
    }
  }

  if (fail2ban) {
    const lines = [
      'fail2ban is not available on Claude.OS: there are no host packages, and the firewall has no rate limits yet.',
      'What protects SSH instead: it is accepted only from the addresses you name (everything else is dropped)',
    ];
    if (hasSshKeys(run)) {
      run.ws.set('security.yaml', ['spec', 'ssh', 'password_authentication'], false);
      run.ws.set('security.yaml', ['spec', 'ssh', 'permit_root_login'], false);
      run.lines.push('~ ssh: password logins and root logins off (keys only), which makes password guessing pointless');
      lines[1] += ', and password logins are turned off.';
    } else {
      lines[1] += '. Adding a user with an SSH key and then saying "disable ssh password login" would make password guessing pointless.';
    }
    run.notes.push(...lines);
  }

  // Opening and closing ports (web, numbers, or a service's published ports).
  let openPorts: number[] = [];
  let label = '';
  // "the website", "the site", "the web server": the web service of this stack, by the ports it publishes.
  const site = web && /\b(?:website|site|web\s*server)\b/.test(t) && !/\b(?:https?|traffic|ports?|requests?)\b/.test(t) ? services(run).filter((sv) => roleOf(sv) === 'web' && (sv.ports ?? []).some((p) => p.host !== undefined)) : [];
  if (site.length === 1) {
    ranges.length = 0;
    openPorts = site[0]!.ports!.map((p) => p.host).filter((h): h is number => h !== undefined);
    label = site[0]!.name;
  } else if (web) {
    ranges.length = 0;
    openPorts = /\bhttps\b/.test(t) && !/\bhttp\b|\bweb\b/.test(t) ? [443] : /\bhttp\b/.test(t) && !/\bhttps\b|\bweb\b/.test(t) ? [80] : [80, 443];
    label = 'web';
    // "block ntp but allow http" (review 23 MED-2): a port word beside the web is left out, and said so.
    const left = wordPorts.filter((w) => !openPorts.includes(w.port));
    if (left.length > 0) run.questions.push(`Not done: port${left.length > 1 ? 's' : ''} ${left.map((w) => w.port).join(', ')} in "${clause.trim()}" (I read only the web part of it). Say ${left.length > 1 ? 'them' : 'it'} as a request of ${left.length > 1 ? 'their' : 'its'} own, e.g. "block port ${left[0]!.port}${left[0]!.protocol ? `/${left[0]!.protocol}` : ''}".`);
  } else if (ports.length > 0 || ranges.length > 0) {
    openPorts = ports;
    const all = [...ports.map(String), ...ranges];
    label = all.length === 1 && ranges.length === 0 ? `port-${ports[0]}` : `ports-${all.join('-')}`.slice(0, 40).replace(/-+$/, '');
  } else if (!restrictSsh && !lockdownSystem && (allowVerb || blockVerb)) {
    let svcNames = targetsIn(run, clause).names;
    // "only allow postgres connections from 10.1.2.3", "let 192.168.1.0/24 reach mysql": a
    // product with no service of its own yet is its template's port.
    const product = svcNames.length === 0 ? findServiceMentions(t).find((m) => !m.generic && templateInfos().some((x) => x.name === m.template && x.port !== undefined)) : undefined;
    if (product && cidrs.length > 0) {
      openPorts = [templateInfos().find((x) => x.name === product.template)!.port!];
      label = product.template;
    }
    // "open its port in the firewall", "allow their ports from 10.0.0.0/8": the service under discussion.
    if (svcNames.length === 0 && /\b(?:its|their|it|them|that|this)\b/.test(t)) svcNames = focusTargets(run, (sv) => (sv.ports ?? []).some((p) => p.host !== undefined));
    if (svcNames.length === 0 && thatPort.length === 1) svcNames = thatPort;
    for (const n of svcNames) openPorts.push(...(getService(run, n)!.ports ?? []).map((p) => p.host).filter((h): h is number => h !== undefined));
    if (svcNames.length > 0) label = svcNames.join('-').slice(0, 40);
    if (allowVerb && !blockVerb && cidrs.length > 0) {
      // "make postgres accessible from 10.1.0.0/16": a port bound to 127.0.0.1 must be
      // published on all addresses first, and then only that range gets through.
      for (const n of svcNames) {
        const list = getService(run, n)!.ports ?? [];
        list.forEach((p, i) => {
          if (p.host_ip && /^127\.|^::1$/.test(p.host_ip)) {
            run.ws.delete('services.yaml', svcPath(run, n, 'ports', i, 'host_ip'));
            run.lines.push(`~ ${n}: port ${p.host} published on all addresses (was ${p.host_ip} only)`);
          }
        });
      }
      if (svcNames.length > 0 && openPorts.length > 0 && inputPolicy(run) !== 'drop') {
        for (const p of openPorts) putRule(run, { name: openPorts.length > 1 ? `deny-${label}-${p}`.slice(0, 50) : `deny-${label}`, protocol: 'tcp', port: p, action: 'drop', comment: `${label} from anywhere else` });
        run.lines.push(`  • drop port${openPorts.length > 1 ? 's' : ''} ${openPorts.join(', ')} from every other address`);
      }
    }
  }
  // One rule per port or range said ("open ports 80 and 443": allow-port-80 and allow-port-443),
  // so each can later be narrowed or removed alone; web traffic is one rule (allow-web), and a
  // service's port is named after the service (allow-grafana; allow-minio-9000 when it has several).
  // Round 37 (held-out 31 fw-20): "https from anywhere, but plain http only from 10.0.0.0/8": a web
  // rule for other ports than this clause's (the clause before it) is kept, and this one is named by its ports.
  const webRule = web ? rules(run).find((r) => r.name === `allow-${label}`) : undefined;
  const webPorts = webRule ? [webRule.port].flat().map(Number) : [];
  const webLabel = webRule && webPorts.length > 0 && !webPorts.some((p) => openPorts.includes(p)) ? `${label}-${openPorts.join('-')}`.slice(0, 50) : label;
  const parts: { label: string; port: FirewallRule['port'] }[] = web
    ? [{ label: webLabel, port: portsOf(openPorts) }]
    : ports.length > 0 || ranges.length > 0
      ? run.ruleName && openPorts.length + ranges.length > 1
        ? // A rule named with several ports ("rule called mail-in for 25, 465 and 587") is one rule holding them all (round 31).
          [{ label, port: [...openPorts, ...ranges] as FirewallRule['port'] }]
        : [...openPorts.map((p) => ({ label: p === sshPort(run) && !run.ruleName && (cidrs.length === 0 || /\bonly\b/.test(t)) ? 'ssh' : `port-${p}`, port: p as FirewallRule['port'] })), ...ranges.map((r) => ({ label: `ports-${r}`, port: r as FirewallRule['port'] }))]
      : openPorts.length <= 1
        ? [{ label, port: portsOf(openPorts) }]
        : openPorts.map((p) => ({ label: `${label}-${p}`.slice(0, 50), port: p as FirewallRule['port'] }));
  // "allow 1194/udp and 443/tcp": a port said with a protocol of its own keeps it; the others take the clause's.
  // Review 23 MED-2: a protocol belongs to the port it is said with ("53/udp", "udp 53", "53 udp",
  // "53 over udp", "53 (udp)") or to the port word that has one (ntp, syslog); a protocol said
  // apart from every port ("open 27015, udp", "udp please: open 10000") is the port's when the
  // clause has one port, or every port's when it qualifies the list ("udp ports 5000 and 5001");
  // any other port is tcp ("allow 53 over udp and 80": 80 is tcp).
  const ownProto = (port: number): 'tcp' | 'udp' | undefined => {
    const own = new RegExp(String.raw`(?<![\d.])${port}\s*\/\s*(tcp|udp)\b|\b(tcp|udp)\s*\/?\s*(?:port\s+)?${port}(?![\d.])|(?<![\d.])${port}\s+(?:(?:over|via|using|on|as)\s+)?\(?(tcp|udp)\b`).exec(t);
    return (own?.[1] ?? own?.[2] ?? own?.[3]) as 'tcp' | 'udp' | undefined;
  };
  const numbered = [...new Set(openPorts)];
  const attached = numbered.some((p) => ownProto(p) !== undefined);
  const clauseProto = numbered.length + ranges.length <= 1 || (!attached && /\b(?:tcp|udp)\s+ports\b/.test(t)) ? proto : 'tcp';
  const protoFor = (port: FirewallRule['port']): 'tcp' | 'udp' => {
    if (typeof port !== 'number') return web ? proto : clauseProto;
    const word = wordPorts.find((w) => w.port === port);
    return ownProto(port) ?? (word?.protocol !== undefined && !/\btcp\b/.test(t) ? word.protocol : undefined) ?? clauseProto;
  };
  if (!web && clauseProto !== proto && proto === 'udp' && /\budp\b/.test(t) && !attached) {
    run.notes.push(`("udp" was said apart from the ${numbered.length + ranges.length} ports, so it is no one port's protocol: each is tcp. Say "53/udp" for a udp rule.)`);
  }
  // One rule per protocol: "-udp" on the second's name ("both tcp and udp"); the tcp one keeps its name.
  if (suffix === '-udp') for (const p of parts) p.label += suffix;
  const portWords = () => [...openPorts.map(String), ...ranges].join(', ') + (suffix ? ` (${suffix.slice(1)})` : '');
  const several = () => openPorts.length + ranges.length > 1 || ranges.length > 0;
  if ((openPorts.length > 0 || (ranges.length > 0 && !web)) && !(ssh && ranges.length === 0 && openPorts.every((p) => p === sshPort(run)) && restrictSsh)) {
    if (blockVerb && !allowVerb) {
      let removed = 0;
      for (const r of rules(run)) {
        const rp = Array.isArray(r.port) ? r.port : r.port !== undefined ? [r.port] : [];
        // Blocked from one source: the accept rules for other sources stay (removing allow-ssh
        // from 10.0.0.0/8 for "block port 22 from 203.0.113.5" closed SSH to the office).
        if (cidrs.length === 0 && r.action === 'accept' && rp.length > 0 && rp.every((p) => openPorts.includes(Number(p)))) {
          removeRule(run, r.name);
          removed++;
          run.lines.push(`- firewall rule ${r.name}`);
        }
      }
      if (inputPolicy(run) !== 'drop') {
        const s = sourcesOf(cidrs);
        for (const part of parts) {
          const rule: FirewallRule = { name: `${blockAction === 'reject' ? 'reject' : 'deny'}-${part.label}`, protocol: protoFor(part.port), port: part.port, action: blockAction };
          if (s !== undefined) rule.source = s;
          putRule(run, rule);
        }
        run.lines.push(`~ firewall: ${blockAction} port${several() ? 's' : ''} ${portWords()} from ${describeSource(s)}`);
      } else if (removed === 0) {
        run.notes.push(`Port${openPorts.length > 1 ? 's' : ''} ${openPorts.join(', ')} ${openPorts.length > 1 ? 'are' : 'is'} already blocked (the default policy drops incoming traffic).`);
      }
    } else {
      const s = sourcesOf(cidrs);
      ensureFirewall(run);
      let same = true;
      for (const part of parts) {
        const rule: FirewallRule = { name: `allow-${part.label}`, protocol: protoFor(part.port), port: part.port, action: 'accept' };
        if (s !== undefined) rule.source = s;
        if (web) rule.comment = site.length === 1 ? `${label}, the website` : 'HTTP and HTTPS';
        // The SSH port said as a number is the SSH rule ("only allow 22 80 443" after a lockdown keeps one allow-ssh).
        if (part.label === 'ssh') rule.comment = 'SSH';
        // Review 23 LOW-6: an allow from one more range ("allow http and https from
        // 192.168.1.0/24" with 443 open to everyone) is a rule beside the world's, never the
        // world's narrowed to it; "only", "restrict", a correction or a named rule still replace it.
        const world = s !== undefined && !onlyThem && !run.ruleName && !/\b(?:instead|change|switch|move|narrow\w*|restrict\w*|limit\w*|lock\w*|tighten\w*|make\s+(?:it|that))\b/.test(t) ? rules(run).find((r) => r.name === rule.name && r.action === 'accept' && r.source === undefined) : undefined;
        if (world) {
          rule.name = `${rule.name}-from-${[s].flat()[0]!.replace(/[./:]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
          run.notes.push(`(Rule ${world.name} still lets port ${describeRulePorts(world.port)} in from anywhere; ${rule.name} is added beside it. Say "only allow … from ${describeSource(s)}" to narrow it instead.)`);
        }
        if (putRule(run, rule) !== 'same') same = false;
        // "only …" after an allow from one more range: the rule added beside the world's goes too.
        if (s !== undefined && onlyThem) for (const r of rules(run)) if (r.name.startsWith(`${rule.name}-from-`) && r.action === 'accept' && removeRule(run, r.name)) run.lines.push(`- firewall rule ${r.name}`);
        if (s !== undefined && onlyThem && inputPolicy(run) !== 'drop') putRule(run, { name: `deny-${part.label}`, protocol: protoFor(part.port), port: part.port, action: 'drop', comment: `${part.label} from anywhere else` });
      }
      if (s !== undefined && onlyThem && inputPolicy(run) !== 'drop') run.lines.push(`~ firewall: drop port${several() ? 's' : ''} ${portWords()} from every other address`);
      // The SSH port narrowed by number is narrowed as "only allow SSH from …" is: every other address dropped.
      if (s !== undefined && parts.some((p) => p.label === 'ssh')) {
        if (inputPolicy(run) !== 'drop' && !onlyThem) {
          putRule(run, { name: 'deny-ssh', protocol: 'tcp', port: sshPort(run), action: 'drop', comment: 'SSH from anywhere else' });
          run.lines.push('  • drop SSH from every other address (other traffic is unchanged)');
        }
        run.warnings.push(`This changes who can reach SSH. If you are connected from outside ${describeSource(s)}, you will lose access; the firewall change is applied commit-confirmed, so it rolls back unless you confirm it in time.`);
      }
      run.lines.push(`~ firewall: allow ${web ? `web traffic (${openPorts.join(', ')})` : `port${several() ? 's' : ''} ${portWords()}`} from ${describeSource(s)}${same ? ' (already allowed)' : ''}`);
      if (inputPolicy(run) !== 'drop' && !same) {
        run.notes.push('(The firewall\'s default policy already accepts incoming traffic; the rule keeps these ports open if you lock the system down later.)');
      }
      const published = new Set(services(run).flatMap((sv) => (sv.ports ?? []).map((p) => p.host)));
      const idle = openPorts.filter((p) => !published.has(p));
      if (!web && idle.length > 0) run.notes.push(`(No service publishes port ${idle.join(', ')} yet.)`);
    }
  } else if (!lockdownSystem && !restrictSsh && !fail2ban) {
    if (/\bfirewall\b/.test(t) && /\b(enable|turn on|switch on|activate|start)\b/.test(t)) {
      ensureFirewall(run);
      run.ws.changed.add('network.yaml');
      run.lines.push('~ firewall: enabled');
      return true;
    }
    if (cidrs.length > 0 || /\bfirewall\b/.test(t)) {
      run.questions.push('Which port or service should the firewall rule cover? e.g. "open port 8080 to 192.168.1.0/24" or "allow web traffic".');
      return true;
    }
    return false;
  }
  return true;
}

/** After every clause: warn about published ports a default-drop firewall will block. */
/**
 * "change office-ssh so it allows 198.51.100.0/24 instead", "office-ssh should only allow
 * 10.0.0.0/8", "set lan-ssh's source to 10.1.0.0/16", "move rule web-in to port 8443": a rule
 * named by its name gets the address or port said; nothing else of it changes.
 */
function handleNamedRule(run: Run, clause: string): boolean {
  const list = rules(run);
  const t = clause.toLowerCase();
  const hit = list.filter((r) => r.name && new RegExp(String.raw`(?<![\w-])${escapeRe(r.name.toLowerCase())}(?:'s)?(?![\w-])`).test(t));
  // A plain word ("ssh", "web") names a rule only with "rule" said; "office-ssh" names it alone.
  if (hit.length !== 1 || services(run).some((s) => s.name === hit[0]!.name) || (!/[-\d]/.test(hit[0]!.name) && !/\brule\b/.test(t))) return false;
  const rule = { ...hit[0]! };
  // "remove office-ssh", "delete the rule lan-ssh": that rule goes.
  if (/^(?:(?:please|pls|and|also|then|now)\s+)*(?:remove|delete|drop|get\s+rid\s+of|kill)\s+(?:the\s+)?(?:firewall\s+)?(?:rule\s+)?[\w-]+(?:'s)?(?:\s+(?:firewall\s+)?rule)?\s*(?:please|pls|too|as\s+well)?\s*[.!]*$/.test(t.trim())) {
    removeRule(run, rule.name);
    run.lines.push(`- firewall rule ${rule.name}`);
    return true;
  }
  const rest = t.replace(rule.name.toLowerCase(), ' ');
  const cidrs = findCidrs(rest);
  const port = /\bport\s+(\d{1,5})\b/.exec(rest)?.[1];
  if (cidrs.length === 0 && !port && !ANYWHERE.test(rest)) return false;
  const changed: string[] = [];
  if (cidrs.length > 0 || ANYWHERE.test(rest)) {
    const source = cidrs.length > 0 ? sourcesOf(cidrs) : undefined;
    if (source === undefined) delete rule.source;
    else rule.source = source;
    changed.push(`from ${describeSource(rule.source)}`);
  }
  if (port) {
    rule.port = Number(port);
    changed.push(`port ${port}`);
  }
  putRule(run, rule);
  run.lines.push(`~ firewall rule ${rule.name}: ${rule.action === 'accept' ? 'allows' : 'blocks'} ${changed.join(', ')}`);
  // "restrict it to NET", "office-web should only allow NET" (review 23 HIGH-4): a restriction, so
  // under an accept policy the port's other addresses are dropped, as handleFirewall's onlyThem does.
  if (rule.action === 'accept' && rule.source !== undefined && rule.port !== undefined && cidrs.length > 0 && inputPolicy(run) !== 'drop' && !blockVerb0(rest) && (RESTRICTED_TO.test(rest) || NOBODY_ELSE.test(run.input.message))) {
    const label = rule.name.replace(/^allow-/, '');
    putRule(run, { name: `deny-${label}`.slice(0, 63), ...(rule.protocol ? { protocol: rule.protocol } : {}), port: rule.port, action: 'drop', comment: `${label} from anywhere else` });
    run.lines.push(`~ firewall: drop port ${Array.isArray(rule.port) ? rule.port.join(', ') : rule.port} from every other address`);
  }
  return true;
}

function finishFirewall(run: Run): void {
  if (!run.ws.changed.has('network.yaml')) return;
  if (inputPolicy(run) === 'drop') {
    const denySsh = rules(run).findIndex((r) => r.name === 'deny-ssh');
    if (denySsh >= 0) run.ws.removeAt('network.yaml', RULES, denySsh);
    // Said by a clause before the lock-down of the same request ("ssh only from …, drop
    // everything else"): neither is true once the policy drops.
    run.lines = run.lines.filter((l) => l !== '  • drop SSH from every other address (other traffic is unchanged)');
    run.notes = run.notes.filter((n) => !n.startsWith("(The firewall's default policy already accepts incoming traffic"));
    const allowed = new Set<number>();
    for (const r of rules(run)) {
      if (r.action !== 'accept' || r.port === undefined) continue;
      for (const p of Array.isArray(r.port) ? r.port : [r.port]) {
        const [lo, hi] = String(p).split('-').map(Number);
        for (let x = lo!; x <= (hi ?? lo!); x++) allowed.add(x);
      }
    }
    const blocked: string[] = [];
    for (const s of services(run)) {
      const ps = (s.ports ?? []).filter((p) => p.host !== undefined && (!p.host_ip || !/^127\.|^::1$/.test(p.host_ip)) && !allowed.has(p.host!)).map((p) => p.host);
      if (ps.length > 0) blocked.push(`${s.name} (${ps.join(', ')})`);
    }
    if (blocked.length > 0) run.warnings.push(`This blocks all other incoming traffic, including ${blocked.join(', ')}. Say "also allow web traffic" (or "open port N") to keep them reachable.`);
  }
}

// ── users ──────────────────────────────────────────────────────────────────

const KEY_RE = /\b((?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3})(?: ([A-Za-z0-9._@+-]+@[A-Za-z0-9._-]+))?/;

/**
 * The groups a clause names: "in group devs", "in the docker group", "groups adm & www-data",
 * "to the adm & docker groups", "groups: audio & video" (lists were joined by joinPeople).
 */
function groupsSaid(t: string): { groups: string[]; spans: [number, number][] } {
  const G = String.raw`['"“‘\`]?([a-z_][a-z0-9_-]{0,31}(?:\s*&\s*[a-z_][a-z0-9_-]{0,31})*)['"”’\`]?`;
  const groups: string[] = [];
  const spans: [number, number][] = [];
  for (const m of t.matchAll(new RegExp(String.raw`\bgroups?\s*:?\s+${G}|\b(?:in|into|to|join|joins)\s+(?:the\s+)?(?!(?:the|groups?)\b)${G}\s+groups?\b`, 'gi'))) {
    const list = (m[1] ?? m[2])!;
    for (const g of list.split(/\s*&\s*/)) if (!/^(?:only|too|also|as|and|please|pls|membership|access|for|with|of|called|named|the|a|an)$/.test(g.toLowerCase())) groups.push(g.toLowerCase());
    spans.push([m.index!, m.index! + m[0].length]);
  }
  return { groups: [...new Set(groups)], spans };
}

/**
 * Several people in one clause ("add carol & dave, regular users, no sudo", "create accounts
 * for ivan & judy, both sudoers", "add users ivan & judy & ken, all in group devs"): each is
 * made (or found) and gets what the clause says of them all, sudo and groups.
 */
function handlePeople(run: Run, clause: string, verb: Verb | undefined): boolean {
  const t = clause.toLowerCase();
  if (KEY_RE.test(clause)) return false;
  const { groups, spans } = groupsSaid(t);
  let rest = t;
  for (const [a, b] of spans) rest = rest.slice(0, a) + ' '.repeat(b - a) + rest.slice(b);
  const list = /(?<![\w@./:+=-])['"“‘`]?[a-z_][a-z0-9_-]{0,31}['"”’`]?(?:\s*&\s*['"“‘`]?[a-z_][a-z0-9_-]{0,31}['"”’`]?)+(?![\w@./+=-])/.exec(rest);
  if (!list) return false;
  const names = list[0].split(/\s*&\s*/).map((n) => n.replace(/['"“”‘’`]/g, ''));
  if (names.some((n) => NOT_A_PERSON.test(n) || getService(run, n) || findServiceMentions(n).length > 0)) return false;
  // "put users ana and bo in it": the group under discussion.
  if (/\b(?:to|in|into|join)\s+(?:it|that|this|the\s+(?:new\s+)?group)\b/.test(rest)) {
    if (!run.lastGroup) return false;
    groups.push(run.lastGroup);
  }
  const USERS = ['spec', 'users'];
  const known = () => run.ws.items<{ name: string; sudo?: boolean; groups?: string[] }>('security.yaml', USERS);
  // "kim and lee both need sudo": people who exist already are people without the word "users".
  const people = /\b(?:users?|accounts?|logins?|sudoers?|people|members?)\b/.test(t) || groups.length > 0 || (/\b(?:sudo|admins?|administrators?)\b/.test(t) && names.every((n) => known().some((u) => u.name === n)));
  if (!people) return false;
  if (verb === 'remove' && groups.length === 0) {
    for (const n of names) {
      const i = known().findIndex((u) => u.name === n);
      if (i < 0) run.notes.push(`There is no user ${n}.`);
      else {
        run.ws.removeAt('security.yaml', USERS, i);
        run.lines.push(`- user ${n} (security.yaml; needs your explicit approval)`);
      }
    }
    return true;
  }
  const noSudo = /\b(?:no|without|not|non-?|never)\s*(?:sudo|admin|root)|\b(?:regular|normal|standard|plain|ordinary|unprivileged)\s+(?:users?|accounts?)\b/.test(t);
  const revoke = /\b(?:revoke|remove|take\s+away|strip|drop)\b[^.]*\b(?:sudo|admin)\b/.test(t);
  const sudo = !noSudo && !revoke && (/\b(?:sudoers?|admins?|administrators?|superusers?)\b|\bsudo\b|\broot\s+access\b/.test(t) || groups.some((g) => ['sudo', 'wheel', 'admin'].includes(g)));
  for (const name of names) {
    let i = known().findIndex((u) => u.name === name);
    if (i < 0) {
      run.ws.append('security.yaml', USERS, sudo ? { name, sudo: true, shell: '/bin/sh' } : { name, shell: '/bin/sh' });
      run.lines.push(`+ user ${name}${sudo ? ', may use sudo' : ''} (security.yaml; needs your explicit approval)`);
      run.notes.push(`${name} has no SSH key yet and cannot log in over SSH with a key; say "add ${name}'s ssh key ssh-ed25519 AAAA…".`);
      i = known().length - 1;
    } else if (sudo && !known()[i]!.sudo) {
      run.ws.set('security.yaml', [...USERS, i, 'sudo'], true);
      run.lines.push(`~ user ${name}: may use sudo`);
    } else if (revoke && known()[i]!.sudo) {
      run.ws.set('security.yaml', [...USERS, i, 'sudo'], false);
      run.lines.push(`~ user ${name}: may no longer use sudo`);
    }
    for (const g of groups) {
      // The wheel group is a group as said (held-out 12, 13 and 26 expect it in the list) and sudo too (round 33); "sudo", "admin" are sudo only.
      if (['sudo', 'sudoers', 'admin'].includes(g)) continue;
      const member = known()[i]!.groups ?? [];
      if (member.includes(g)) continue;
      run.ws.set('security.yaml', [...USERS, i, 'groups'], [...member, g]);
      run.lines.push(`~ user ${name}: member of group ${g}`);
      run.emptyGroups = run.emptyGroups.filter((x) => x !== g);
    }
  }
  run.lastUser = names[names.length - 1];
  return true;
}

/**
 * "admin" after "user"/"account" is the role only when a word of a role follows ("a user with
 * admin rights", "user admin access"); "add user admin with sudo", "delete the user admin" name a
 * user called admin (round 30: held-out 23 read it as the role everywhere and never made it).
 */
const ADMIN_ROLE = String.raw`admin(?:istrator)?s?\b(?=\s+(?:rights|access|privileges|privs|permissions|perms|role|powers|group|level|user|account)\b)|admin(?:istrator)?s?\s*\?`;

function handleUsers(run: Run, clause: string, verb: Verb | undefined): boolean {
  if (handlePeople(run, clause, verb)) return true;
  // "put users ana and bo in it", "add ana, bo and cy to the analysts group", "users ana and bo
  // should be in the docker group": each person in the list, one at a time.
  const NAME = String.raw`['"“‘\`]?[a-z_][a-z0-9_-]{0,31}['"”’\`]?`;
  const list = /\b(?:groups?|sudoers?|sudo|admins?|in\s+(?:it|that|this)|users?|accounts?|people)\b/i.test(clause)
    ? new RegExp(String.raw`\b(?:(?:put|add|make|create|get|place|move|with|give|grant|let)\s+)?(?:the\s+)?(?:new\s+)?(?:users?\s+|accounts?\s+)?((?:${NAME}\s*,\s*)+(?:(?:and|&)\s+)?${NAME}|${NAME}\s+(?:and|&)\s+${NAME})(?=\s+(?:in|into|to|should|shall|must|will|join|are|as|need|get|both|all|too|sudo|admin|root|ssh|keys?|access|with)\b|\s*,\s*(?:both|all|each|every\s+one)\b|\s*$)`, 'i').exec(clause)
    : null;
  // Right after "group(s)" a list is of groups ("in the groups docker & www-data"), never of people.
  if (list && !/\bgroups?\s*:?\s*$/i.test(clause.slice(0, clause.indexOf(list[1]!, list.index)))) {
    const names = list[1]!.split(/\s*(?:,|\band\b|&)\s*/i).map((n) => n.replace(/['"“”‘’`]/g, '').toLowerCase()).filter((n) => n !== '');
    // A list after a verb or "users" ("put users ana and bo …", "give ana, bo sudo"), or joined by "and"; never words of the request.
    const led = /^(?:put|add|make|create|get|place|move|with|give|grant|let|users?|accounts?|the\s+users?)\b/i.test(list[0]) || /\b(?:and|&)\s+\S+$/.test(list[1]!);
    const plain = led && names.every((n) => !/^(?:the|a|an|and|or|it|them|users?|accounts?|groups?|sudo|admin|docker|me|us|you|him|her|no|not|without|with|only|just|also|too|please|pls|new|owner|app|apps|db|database|service|services|server|box|key|keys|ssh|root|my|our|their|his|its)$/.test(n) && !getService(run, n) && findServiceMentions(n).length === 0 && !namesApp(n) && !products().includes(n));
    if (plain && names.length > 1 && names.length <= 12) {
      let did = false;
      for (const n of names) {
        const one = list[0].replace(list[1]!, n).replace(/\busers\b/i, 'user').replace(/\baccounts\b/i, 'account');
        did = handleUsers(run, `${clause.slice(0, list.index)} ${one} ${clause.slice(list.index + list[0].length)}`.replace(/\s+/g, ' ').trim(), verb) || did;
      }
      if (did) return true;
    }
  }
  const t = clause.toLowerCase();
  // "a postgres database owned by a user called shop": the database's owner, not a login.
  if (ownerIn(clause) && findServiceMentions(clause).some((m) => ['postgres', ...sameWire('mariadb')].includes(m.template))) return false;
  // "the db user should be called forum": the database's user, never a login on the host.
  if (/\b(?:db|database|postgres(?:ql)?|pg|mysql|maria\s?db|sql)\s+(?:user|owner|role|login|account)s?\b/i.test(clause) && !KEY_RE.test(clause)) return false;
  const key = KEY_RE.exec(clause);
  const USERS0 = ['spec', 'users'];
  const known = run.ws.items<{ name: string }>('security.yaml', USERS0).map((u) => u.name);
  // "remove carol from the docker group", "take carol out of the docker group": she leaves it, the user stays.
  const leave = /\b(?:remove|take|drop|kick|delete|pull)\s+(?:user\s+)?([a-z_][a-z0-9_-]{0,31})\s+(?:out\s+of|from)\s+(?:the\s+)?(?:group\s+)?['"“‘`]?(?!(?:this|that|my|our|the|server|box|machine|host|system|vps|node|here)\b)([a-z_][a-z0-9_-]{0,31})['"”’`]?(?:\s+group)?\b/.exec(t);
  if (leave && known.includes(leave[1]!) && !['sudo', 'sudoers', 'wheel', 'admin', 'admins'].includes(leave[2]!) && (/\bgroups?\b/.test(t) || !getService(run, leave[2]!))) {
    const i = known.indexOf(leave[1]!);
    const u = run.ws.items<{ name: string; groups?: string[] }>('security.yaml', USERS0)[i]!;
    const g = leave[2]!;
    if (!(u.groups ?? []).includes(g)) run.notes.push(`${u.name} is not in the group ${g}.`);
    else {
      const left = u.groups!.filter((x) => x !== g);
      if (left.length > 0) run.ws.set('security.yaml', [...USERS0, i, 'groups'], left);
      else run.ws.delete('security.yaml', [...USERS0, i, 'groups']);
      run.lines.push(`~ user ${u.name}: no longer in the group ${g}`);
    }
    run.lastUser = u.name;
    return true;
  }
  // Groups and sudo: "put ivan in the developers group", "add hank to the sudoers",
  // "revoke sudo from carol", "add her to the docker group".
  // "make a group called deploy", "create the group ops", "new group devs": a group exists through its
  // members (security.yaml lists groups per user), so it is kept for "add ines to it".
  const made = /\b(?:make|create|add|set\s*up|new|start|need|want)\s+(?:a\s+|an\s+|the\s+|one\s+)?(?:new\s+)?(?:unix\s+|linux\s+|system\s+)?group\s+(?:called\s+|named\s+|for\s+)?['"“‘`]?((?!(?:called|named|for|with|and)\b)[a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t) ??
    /\b(?:make|create|add|set\s*up|new)\s+(?:a\s+|an\s+|the\s+)?(?:new\s+)?['"“‘`]?((?!(?:new|unix|linux|system|user|users)\b)[a-z_][a-z0-9_-]{0,31})['"”’`]?\s+group\b/.exec(t);
  if (made && !['sudo', 'sudoers', 'wheel', 'admin', 'docker'].includes(made[1]!)) {
    run.lastGroup = made[1]!;
    if (!run.emptyGroups.includes(made[1]!)) run.emptyGroups.push(made[1]!);
  }
  const groupIt = run.lastGroup && /\b(?:to|in|into|join|joins)\s+(?:it|that(?:\s+(?:one|group))?|this(?:\s+(?:one|group))?|the\s+(?:new\s+)?group)\b/.exec(t) ? ([t, run.lastGroup] as unknown as RegExpExecArray) : null;
  if (made && !groupIt && !/\b(?:users?|accounts?|members?)\b|\bwith\s+[a-z_]/.test(t.slice(made.index + made[0].length)) && !KEY_RE.test(clause)) {
    run.consumed.push(made[1]!);
    return true;
  }
  const groupM0 = groupIt ?? (made && /\b(?:with|and)\b/.test(t) ? ([t, made[1]] as unknown as RegExpExecArray) : null) ?? /\b(?:in|into|to|join|joins)\s+(?:the\s+)?['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?\s+group\b/.exec(t) ?? /\bgroups?\s*:?\s+['"“‘`]?((?!(?:only|too|also|as|and|please|pls|membership|access|for|with|of|called|named)\b)[a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t) ?? (run.lastUser || /\b(?:user|account)\b/.test(t) ? /(?:^|,\s*|\b(?:in|into|to|join|joins|and)\s+)(?:the\s+)?([a-z_][a-z0-9_-]{0,31})\s+group\b/.exec(t) : null);
  const sudoers = /\b(to|in|into)\s+(the\s+)?sudoers\b|\bsudoers\b/.test(t);
  const revoke =
    /\b(revoke|remove|take away|drop|strip)\b[^.]*\b(sudo|admin)\b|\b(take|pull|yank|withdraw|strip|remove|revoke|drop)\b[^.]*\b(sudo|admin\w*|root(?:\s+access)?)\b[^.]*\b(from|away|off)\b|\bno (longer|more)\b[^.]*\b(sudo|admin)\b|\b(shouldn'?t|should not|must not|mustn'?t|doesn'?t need|does not need|don'?t need|no longer needs?|can'?t|cannot|can not|won'?t)\s+(?:be\s+(?:an?\s+)?|have\s+|get\s+|use\s+|keep\s+|need\s+)?(sudo|admin|root access|sudoers?)\b/.test(t) ||
    /\b(?:not|n'?t|never|no\s+longer)\s+(?:be\s+)?(?:able|allowed|permitted)\s+to\s+(?:use\s+|run\s+|do\s+)?(?:sudo|root)\b/.test(t) ||
    // "bob could use sudo before, not any more", "kim has to give up sudo", "lose root" (review 17 MED-3).
    /\b(?:sudo|root|admin\w*)\b[^.]*\b(?:not\s+any\s*more|no\s+more|any\s*more|before)\b|\b(?:give\s+up|lose|loses|losing|hand\s+(?:back|over))\s+(?:(?:his|her|their|the|its)\s+)?(?:sudo|root|admin\w*)\b/.test(t);
  // "carol needs admin rights", "give dave root access", "erin should have sudo": sudo for a user.
  const grant =
    !revoke &&
    (/\b(?:needs?|should\s+(?:have|get|be)|must\s+have|gets?|wants?|requires?|deserves?)\s+(?:an?\s+|the\s+)?(?:sudo|admin(?:istrator)?|root|superuser)(?:\s+(?:rights|access|privileges|privs|permissions|powers|perms))?\b/.test(t) ||
      /\b(?:she|he|they|[a-z_][\w-]*)(?:\s*(?:'s|’s|'re)|\s+(?:is|are|will\s+be))\s+(?:an?\s+|our\s+|the\s+)?(?:new\s+)?(?:admin(?:istrator)?|sudoer|superuser|sysadmin)s?\b(?!\s*\?)/.test(t) ||
      /\b(?:let|allow)\s+(?:them|him|her|[a-z_][\w-]*)\s+(?:use\s+|have\s+|run\s+)?sudo\b|\bcan\s+(?:use\s+)?sudo\b|\b(?:give|grant|make)\s+(?:him|her|them)\s+(?:an?\s+)?(?:sudo|admin\w*|root)\b/.test(t) ||
      // Round 24: being able to sudo said every way ("jane needs to be able to sudo", "bob has to be
      // able to use sudo", "should be allowed to run sudo"), and "make kim an administrator".
      /\b(?:(?:be\s+)?(?:able|allowed|permitted)\s+to|needs?\s+to|has\s+to|have\s+to)\s+(?:use\s+|run\s+|do\s+|have\s+)?(?:sudo|root)\b/.test(t) ||
      /\bmake\s+(?!(?:it|that|this|sure)\b)[a-z_][\w-]*\s+(?:an?\s+|our\s+)?(?:admin(?:istrator)?|sudoer|superuser|sysadmin)s?\b/.test(t));
  // A user that exists, named in the clause, also as "franks account" (the apostrophe left out).
  // One said as the owner ("revoke bob's sudo since alice handles ops": bob's sudo) before one only
  // mentioned; otherwise the first in security.yaml, as before (review 23 HIGH-5).
  const said = (n: string, owner: boolean) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}${owner ? "(?:'s|’s)" : "(?:'s|’s|s)?"}(?![\w-])`).test(t);
  const knownRef = known.find((n) => said(n, true)) ?? known.find((n) => said(n, false));
  // "put lee in developers", "add kim to ops": an existing user put in a group without the word "group".
  const bareGroup = knownRef || (/\b(him|her|them)\b/.test(t) && run.lastUser)
    ? /\b(?:put|add|move|place)\s+(?:user\s+)?[a-z_][\w-]*\s+(?:in|into|to)\s+(?:the\s+)?([a-z_][a-z0-9_-]{1,31})(?:\s+(?:team|group))?\s*(?:too|as\s+well|please|pls)?\s*[.!]*$/.exec(t)
    : null;
  const groupM = groupM0 ?? (bareGroup && !getService(run, bareGroup[1]!) && !/^(sudoers?|admins?|wheel|the|it|them|group|groups)$/.test(bareGroup[1]!) ? bareGroup : null);
  const pronoun = /\b(her|him|them|his|their|they|he|she|that user|the user)\b/.test(t);
  const historyUser = () => {
    for (let i = run.input.history.length - 1; i >= 0; i--) {
      const h = run.input.history[i]!;
      if (h.role !== 'user') continue;
      const found = known.filter((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`, 'i').test(h.text));
      if (found.length) return found[found.length - 1];
    }
    // No one in this conversation: "him" is the only user there is, else nobody (it asks).
    return known.length === 1 ? known[0] : undefined;
  };
  if (groupM || sudoers || revoke || (grant && (knownRef || (pronoun && (run.lastUser || known.length > 0))))) {
    const named =
      /\b(?:put|add|move|place|make|give|grant|revoke\s+sudo\s+from|remove\s+sudo\s+from|take\s+sudo\s+away\s+from|from|user)\s+(?:user\s+)?['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t)?.[1];
    let name = named && !['the', 'a', 'an', 'her', 'him', 'them', 'user', 'sudo', 'to', 'in'].includes(named) ? named : undefined;
    if (knownRef && (!name || !known.includes(name))) name = knownRef;
    if (!name) {
      // "a deploy user in the groups docker and www-data": the kind said before "user" names it, a preposition never does.
      const userWord = aKindOfUser(t, true)?.[1] ?? /\b(?:user|account)\s+(?:called\s+|named\s+)?((?!(?:in|into|to|for|with|and|of|on|as|from|at)\b)[a-z_][a-z0-9_-]{0,31})/.exec(t)?.[1];
      name = userWord ?? (pronoun ? run.lastUser ?? historyUser() : run.lastUser);
    }
    // "give him sudo" with alice and bob and neither in this conversation: which one is asked.
    const him = !name && known.length > 1 ? /\b(?:him|her|them|his|their|he|she|they|that\s+user|the\s+user)\b/.exec(t) : null;
    if (him) {
      const filled = need(run, { slot: 'user', question: `Which user do you mean: ${orList(known)}?`, choices: known.map((u) => ({ value: u, words: [u] })), fill: (v) => clause.slice(0, him.index) + v + clause.slice(him.index + him[0].length) });
      return filled === undefined ? true : handleUsers(run, filled, verb);
    }
    if (name && !['sudo', 'admin', 'docker', 'the'].includes(name)) {
      run.lastUser = name;
      let users = run.ws.items<{ name: string; ssh_keys?: string[]; sudo?: boolean; groups?: string[] }>('security.yaml', USERS0);
      let i = users.findIndex((u) => u.name === name);
      if (i < 0) {
        run.ws.append('security.yaml', USERS0, { name, shell: '/bin/sh' });
        run.lines.push(`+ user ${name} (security.yaml; needs your explicit approval)`);
        users = run.ws.items('security.yaml', USERS0);
        i = users.length - 1;
      }
      const u = users[i]!;
      const group = groupM?.[1];
      // "groups developers and www-data", "groups adm, docker & sudo": every group of the list.
      const more: string[] = [];
      if (groupM && typeof groupM.index === 'number' && /^groups\b/.test(groupM[0].trim())) {
        const tail = /^(?:\s*(?:,|\band\b|&|\+)\s*(?:(?:and|the)\s+)?['"“‘`]?(?!(?:with|key|ssh|sudo|no|shell|password|as|please|pls|too|also|user|account|a|an)\b)[a-z_][a-z0-9_-]{0,31}['"”’`]?)+/.exec(t.slice(groupM.index + groupM[0].length))?.[0] ?? '';
        for (const m of tail.matchAll(/['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?/g)) if (!['and', 'the'].includes(m[1]!)) more.push(m[1]!);
      }
      let memberOf = [...(u.groups ?? [])];
      for (const g of group ? [group, ...more] : []) {
        if (['sudo', 'sudoers', 'admin'].includes(g) || revoke) continue;
        run.emptyGroups = run.emptyGroups.filter((x) => x !== g);
        if (!memberOf.includes(g)) {
          memberOf = [...memberOf, g];
          run.ws.set('security.yaml', [...USERS0, i, 'groups'], memberOf);
          run.lines.push(`~ user ${name}: member of group ${g}`);
        } else run.notes.push(`${name} is already in the group ${g}.`);
      }
      const withSudo = /\b(?:with|and|plus|\+|gets?|has)\s+(?:sudo|admin(?:\s+rights)?|root\s+access)\b/.test(t) && !/\b(?:no|not|without|non-?)\s*(?:sudo|admin|root)\b/.test(t);
      if ((sudoers || grant || withSudo || (group && ['sudo', 'wheel', 'admin'].includes(group))) && !revoke && !u.sudo) {
        run.ws.set('security.yaml', [...USERS0, i, 'sudo'], true);
        run.lines.push(`~ user ${name}: may use sudo`);
      }
      if (revoke) {
        if (u.sudo) {
          run.ws.set('security.yaml', [...USERS0, i, 'sudo'], false);
          run.lines.push(`~ user ${name}: may no longer use sudo`);
        } else run.notes.push(`${name} cannot use sudo already.`);
      }
      if (key) {
        const keyText = key[2] ? `${key[1]} ${key[2]}` : key[1]!;
        if (!(u.ssh_keys ?? []).includes(keyText)) {
          run.ws.set('security.yaml', [...USERS0, i, 'ssh_keys'], [...(u.ssh_keys ?? []), keyText]);
          run.lines.push(`~ user ${name}: one more SSH key`);
          run.notes = run.notes.filter((x) => !x.startsWith(`${name} has no SSH key yet`));
        }
      }
      return true;
    }
  }
  if (key && pronoun && !/\b(?:user|account)\s+[a-z_]/.test(t) && !run.lastUser && known.length) run.lastUser = historyUser();
  // A word for an account, never part of a name ("add postgres named users-db" names a database).
  const nameSaid = /(?<![\w-])(?:users?|accounts?|logins?)(?![\w-])/.test(t) ? /\b(?:named\s+|called\s+|name\s+(?:is\s+)?|call\s+(?:it|him|her|them)\s+)['"“‘`]?((?!(?:it|him|her|them|the|a|an)\b)[a-z_][a-z0-9_-]{0,31})/.exec(t) : null;
  // "a deploy user for CI with key … ci@github": the kind said before "user" (not the key's comment, not the purpose).
  const userWord = nameSaid ?? (key ? aKindOfUser(t, true) : undefined) ?? /\b(?:user\s+account|user\s+login|unix\s+user|linux\s+user|user|account|login)(?:\s+(?:called|named|for))?\s+['"“‘`]?((?!(?:for|called|named|with|without|and|but|who|that|which|in|on|to|please|sudo|no|having|so|as|too|here|now|the|our|my|their|its|this)\b|${ADMIN_ROLE})[a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t) ??
    asPerson(t) ??
    aKindOfUser(t) ??
    /\b(?:give|grant|make)\s+((?!(?:him|her|them|me|us|it)\b)[a-z_][a-z0-9_-]{0,31})\s+(?:sudo|admin|root access|an admin)\b/.exec(t) ??
    /\b(?:give|grant|let)\s+(?!me\b|us\b|them\b|it\b|the\b|a\b|an\b|everyone\b|anyone\b)([a-z_][a-z0-9_-]{0,31})\s+(?:ssh\s+|shell\s+|login\s+|remote\s+)?(?:access|a\s+login|an\s+account|in)\b/.exec(t) ?? /\b(?!(?:here|there|that|this|it|what|who|where|he|she|let)(?:'s|’s))([a-z_][a-z0-9_-]{0,31})(?:'s|’s)\s+(?!(?:her|his|their|my|our|the|a|an)\b)(?:[a-z0-9-]+\s+){0,3}key\b/.exec(t) ?? /\b(?:key|access)\s+(?:for|to)\s+([a-z_][a-z0-9_-]{0,31})\b/.exec(t);
  let pronounUser: string | undefined;
  if (!key && !userWord && /\b(his|her|their|the)\s+(?:user\s+)?(account|login|user)\b/.test(t)) {
    const said = run.input.message.toLowerCase();
    pronounUser = run.ws
      .items<{ name: string }>('security.yaml', ['spec', 'users'])
      .map((u) => u.name)
      .find((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`).test(said));
    if (pronounUser) run.consumed.push(pronounUser);
  }
  // "actually remove carol", "delete bob": a user that exists, removed by name when no service has it.
  // "remove bob from this server", "take bob off the box": the host, not a group.
  const offHost = /\b(?:from|off|out\s+of)\s+(?:this|the|my|our)\s+(?:server|box|machine|host|system|vps|node)\b/.test(t);
  // "take bob off this machine", "get bob off the server", "kick bob off this box": removed.
  // "offboard kevin", "deprovision kevin": a person leaves, so does the account.
  const offHostRemoval = (offHost && /\b(?:remove|delete|take|kick|drop|get|boot|throw)\b/.test(t)) || /\b(?:off-?board|de-?provision)\b/.test(t);
  if (!key && !userWord && !pronounUser && knownRef && (/\b(accounts?|users?|logins?)\b/.test(t) || ((verb === 'remove' || offHostRemoval) && (offHost || !/\b(?:from|out\s+of)\b/.test(t)) && !getService(run, knownRef) && findServiceMentions(clause).length === 0))) {
    pronounUser = knownRef;
    run.consumed.push(knownRef);
  }
  if (!key && !userWord && !pronounUser) return false;
  if (!userWord && !pronounUser && !/\busers?\b|\baccounts?\b/.test(t)) {
    if (!key) return false;
  }
  let name = userWord?.[1] ?? pronounUser;
  if ((!name || ['a', 'an', 'the', 'with', 'and', 'ssh', 'new', 'called', 'named'].includes(name)) && run.lastUser) name = run.lastUser;
  if (!name || ['a', 'an', 'the', 'with', 'and', 'ssh', 'new', 'called', 'named'].includes(name)) {
    // "i need a login for the new intern, username kofi": another clause names the user.
    if (NAMED_USER.test(run.input.message) && !NAMED_USER.test(clause)) return true;
    run.questions.push('What should the user be called? e.g. "add user alice with ssh key ssh-ed25519 AAAA… alice@laptop"');
    return true;
  }
  if (name === 'root') {
    run.notes.push('root is managed by the system and cannot be changed from security.yaml; add a named user with sudo instead.');
    return true;
  }
  run.lastUser = name;
  const USERS = ['spec', 'users'];
  const users = run.ws.items<{ name: string; ssh_keys?: string[]; sudo?: boolean; groups?: string[] }>('security.yaml', USERS);
  const i = users.findIndex((u) => u.name === name);
  if ((verb === 'remove' || (offHostRemoval && name === pronounUser)) && !key) {
    if (i < 0) run.notes.push(`There is no user ${name}.`);
    else {
      run.ws.removeAt('security.yaml', USERS, i);
      run.lines.push(`- user ${name} (security.yaml; needs your explicit approval)`);
    }
    return true;
  }
  // A user named admin ("add user admin with sudo") is a name, never the role: sudo only when said besides.
  const tr = name === 'admin' ? t.replace(/(?<=\b(?:user|account|login)\s+['"“‘`]?)admin\b/g, ' ') : t;
  const sudo = /\b(sudo|admin|administrator|root access|wheel|superuser)\b/.test(tr) && !/\b(?:no|without|not\s+an?|not|non-?|never)\s*(?:sudo|admin|root)|\b(?:doesn'?t|does\s+not|won'?t|shouldn'?t|should\s+not|must\s+not)\s+(?:need|get|have|be)\s+(?:an?\s+)?(?:sudo|admin|root)/.test(t);
  const keyText = key ? (key[2] ? `${key[1]} ${key[2]}` : key[1]!) : undefined;
  if (i < 0) {
    const user: Record<string, unknown> = { name };
    if (keyText) user.ssh_keys = [keyText];
    if (sudo) user.sudo = true;
    user.shell = '/bin/sh';
    run.ws.append('security.yaml', USERS, user);
    run.lines.push(`+ user ${name}${keyText ? ' with an SSH key' : ''}${sudo ? ', may use sudo' : ''} (security.yaml; needs your explicit approval)`);
    if (!keyText) run.notes.push(`${name} has no SSH key yet and cannot log in over SSH with a key; say "add ${name}'s ssh key ssh-ed25519 AAAA…".`);
  } else {
    if (keyText && !(users[i]!.ssh_keys ?? []).includes(keyText)) {
      run.ws.set('security.yaml', [...USERS, i, 'ssh_keys'], [...(users[i]!.ssh_keys ?? []), keyText]);
      run.lines.push(`~ user ${name}: one more SSH key`);
          run.notes = run.notes.filter((x) => !x.startsWith(`${name} has no SSH key yet`));
    }
    if (sudo && !users[i]!.sudo) {
      run.ws.set('security.yaml', [...USERS, i, 'sudo'], true);
      run.lines.push(`~ user ${name}: may use sudo`);
    }
    if (!keyText && !sudo) run.notes.push(`User ${name} already exists.`);
  }
  return true;
}

/**
 * A user's SSH key taken away, the account kept (round 36, para-28 user-13): "remove oscar's ssh
 * key", "take away oscars authorized key", "drop the ssh key for user oscar", "Oscar's laptop was
 * lost, please delete the SSH key we have on file for him (keep his account)". The user is one who
 * exists, said by name (with or without the 's) or by "him"/"her" when the request names them; a
 * key said in full takes away that key only. Never the account: "remove oscar" removes it.
 */
const KEY_TAKEN = /\b(?:remove|delete|drop|revoke|rescind|strip|clear|wipe|erase|purge|invalidate|deactivate|disable|pull|ditch|take\s+(?:away|out|off)|get\s+rid\s+of|throw\s+away|kill)\b(?:\s+(?:all|any|every|each|both|of|the|his|her|their|its|that|this|those|these|user|account|old|current|existing|lost|stolen|leaked|compromised|only|one|[a-z_][a-z0-9_-]{0,31}(?:'s|’s|s)))*\s+(?:(?:ssh|public|pub|authori[sz]ed|login)\s+)+keys?\b|\b(?:remove|delete|drop|revoke|strip|clear|wipe|take\s+away)\s+(?:all\s+)?(?:the\s+)?(?:ssh\s+)?keys?\s+(?:of|for|from|belonging\s+to)\b/i;
function handleKeyRemoval(run: Run, clause: string): boolean {
  const t = clause.toLowerCase();
  if (!KEY_TAKEN.test(t) || /\b(?:add|adds|new|another|replace|rotate|swap|with\s+this)\b/.test(t)) return false;
  const USERS = ['spec', 'users'];
  const users = run.ws.items<{ name: string; ssh_keys?: string[]; sudo?: boolean }>('security.yaml', USERS);
  const said = (text: string) => users.filter((u) => new RegExp(String.raw`(?<![\w-])${escapeRe(u.name)}(?:'s|’s|s)?(?![\w-])`, 'i').test(text));
  let who = said(clause);
  if (who.length === 0 && /\b(?:him|her|them|his|their)\b/.test(t)) who = said(run.input.message);
  if (who.length !== 1) return false;
  const u = who[0]!;
  const i = users.indexOf(u);
  run.lastUser = u.name;
  const key = KEY_RE.exec(clause);
  const keys = u.ssh_keys ?? [];
  const gone = key ? keys.filter((k) => k.startsWith(key[1]!)) : keys;
  if (gone.length === 0) {
    run.notes.push(key ? `${u.name} has no such SSH key; their keys are unchanged.` : `${u.name} has no SSH key already.`);
    return true;
  }
  const left = keys.filter((k) => !gone.includes(k));
  if (left.length > 0) run.ws.set('security.yaml', [...USERS, i, 'ssh_keys'], left);
  else run.ws.delete('security.yaml', [...USERS, i, 'ssh_keys']);
  run.lines.push(`~ user ${u.name}: ${gone.length === 1 ? 'SSH key' : `${gone.length} SSH keys`} removed${left.length ? ` (${left.length} kept)` : ', the account kept (no SSH login with a key until a new one is added)'}`);
  return true;
}

/**
 * The forward chain's default policy (round 36, held-out 29 fw-27): "set the default forward policy
 * to drop", "forward policy: drop", "drop forwarded traffic by default". network.yaml's
 * spec.firewall.default_forward_policy (accept or drop; the schema, compiler and runtime have it).
 */
const FORWARD_POLICY = /\b(?:default\s+)?forward(?:ing|ed)?\s+(?:chain\s+)?(?:(?:default\s+)?polic(?:y|ies)|default)\b[^.;]{0,30}?\b(drop|deny|block|reject|accept|allow)\b|\b(drop|deny|block|reject|accept|allow)\s+(?:all\s+)?forward(?:ed|ing)?\s+(?:traffic|packets)\s+by\s+default\b/i;
function handleForwardPolicy(run: Run, clause: string): boolean {
  const m = FORWARD_POLICY.exec(clause);
  if (!m) return false;
  const policy = /^(?:accept|allow)$/i.test((m[1] ?? m[2])!) ? 'accept' : 'drop';
  ensureFirewall(run);
  const was = run.ws.get<'accept' | 'drop'>('network.yaml', [...FW, 'default_forward_policy']) ?? 'accept';
  if (was === policy) {
    run.already.push(`the forward policy is ${policy} already`);
    return true;
  }
  run.ws.set('network.yaml', [...FW, 'default_forward_policy'], policy);
  run.lines.push(`~ firewall: default policy ${policy.toUpperCase()} for forwarded traffic (the forward chain; incoming traffic is unchanged)`);
  return true;
}

/** "create a deploy user", "add a new backup account": the word before "user" is its name. */
function aKindOfUser(t: string, forPurpose = false): RegExpExecArray | undefined {
  const m = (forPurpose ? /\b(?:add|create|make|set up|need|want|new)\s+(?:a|an|one)?\s*(?:new\s+)?([a-z_][a-z0-9_-]{1,31})\s+(?:user|account|login)\b(?!\s+(?:called|named)\b)|^\s*(?:a|an|one)\s+(?:new\s+)?([a-z_][a-z0-9_-]{1,31})\s+(?:user|account|login)\b(?!\s+(?:called|named)\b)/ : /\b(?:add|create|make|set up|need|want)\s+(?:a|an|one)\s+(?:new\s+)?([a-z_][a-z0-9_-]{1,31})\s+(?:user|account|login)\b(?!\s+(?:called|named)\b|\s+for\s+(?!(?:the|a|an|our|my|its|their|this|that|all|every)\b))/).exec(t);
  if (!m) return undefined;
  const n = (m[1] ?? m[2])!;
  m[1] = n;
  if (/^(a|an|one|the|new|linux|unix|system|local|admin|sudo|regular|normal|standard|separate|second|another|shell|ssh|database|db|service|root|guest|read-only|readonly|test)$/.test(n)) return undefined;
  if (findServiceMentions(n).length > 0 || namesApp(n)) return undefined;
  return m;
}

/**
 * "add erin as an admin with sudo", "create dave as a user", "add frank with sudo": a person
 * named right after the verb, never a service or product word.
 */
function asPerson(t: string): RegExpExecArray | undefined {
  const m = /\b(?:add|create|make|set up|onboard)\s+([a-z_][a-z0-9_-]{0,31})\s+(?:as\s+(?:an?\s+)?(?:(?:new|sudo|admin|regular|normal|standard|privileged|unprivileged)\s+)?(?:user|admin|administrator|sudoer|superuser|operator|developer|login)\b|with\s+(?:sudo|admin|root access|administrator)\b|with\s+(?:an?\s+|the\s+|this\s+)?(?:ssh\s+|public\s+)?key\b)/.exec(t);
  if (!m) return undefined;
  const n = m[1]!;
  if (['a', 'an', 'the', 'new', 'me', 'us', 'it', 'them', 'him', 'her', 'user', 'service', 'container'].includes(n)) return undefined;
  if (findServiceMentions(n).length > 0 || namesApp(n)) return undefined;
  return m;
}

// ── hostname, timezone ─────────────────────────────────────────────────────

/**
 * The host's name said every way: "hostname", "the machine name", "the computer's name", "box
 * name", "name of this server" (a server's or system's name only when no service is named: "the
 * nginx server name" is nginx's).
 */
function hostWords(clause: string): string {
  const server = findServiceMentions(clause).length === 0 ? '|server|system' : '';
  return clause.replace(new RegExp(String.raw`\b(?:(?:machine|computer|box${server})(?:'s|’s)?\s*name|name\s+of\s+(?:the|this|my|our)\s+(?:machine|computer|box|host${server}))\b`, 'gi'), 'hostname');
}

/**
 * The hostname's old value said on the way is dropped: "from whatever it is now to X", "from
 * old-box to X" → "to X" (the old value was read as the new).
 */
function withoutOldValue(clause: string): string {
  return clause
    .replace(/\bfrom\s+(?:whatever|what)\s+it\s+is(?:\s+(?:now|currently|at\s+the\s+moment|right\s+now|today))?\s+(?=to\b)/i, '')
    .replace(/(\b(?:host\s?name|server|machine|box|computer|host)\b[^.]*?)\s+(?:over\s+)?from\s+['"“‘`]?[a-z0-9][\w.-]*['"”’`]?\s+(?=to\s)/i, '$1 ');
}

/**
 * The hostname's old value said between commas or in a clause of its own: "set the hostname,
 * which is old-box now, to X", "change the hostname, currently box1, to X" (the aside goes); "the
 * machine name is old-box at the moment, change it to X", "the hostname is box1 right now;
 * rename it to X", "the server's name is currently box1, make it X" ("set the hostname to X").
 */
function oldHostnameApart(message: string): string {
  const host = String.raw`(?:host\s?name|(?:machine|server|box|computer|host)(?:'s)?\s+name)`;
  const now = String.raw`(?:now|currently|at\s+the\s+moment|right\s+now|today|at\s+present|for\s+now)`;
  return message
    .replace(new RegExp(String.raw`\b(${host})\s*,\s*(?:(?:which|that)\s+is\s+|(?:it'?s\s+)?)(?:${now}\s+)?['"]?[a-z0-9][\w.-]*['"]?(?:\s+${now})?\s*,\s*(?=to\s)`, 'i'), '$1 ')
    .replace(new RegExp(String.raw`^\s*(?:(?:so|ok|well|currently|right\s+now)[\s,]+)?(?:the\s+|our\s+|my\s+)?${host}\s+is\s+(?:${now}\s+)?['"]?[a-z0-9][\w.-]*['"]?(?:\s+${now})?\s*[,;.]\s*(?:(?:please|pls|so|but|and|can\s+you|could\s+you)\s+)*(?:change|set|rename|make|switch|update)\s+it\s+(?:to\s+)?(?=['"]?[a-z0-9])`, 'i'), 'set the hostname to ');
}

/**
 * "name it gateway and set the timezone …", "set timezone … and name it gateway": with the host
 * spoken of, no service said in the request and none under discussion (a conversation's first
 * turn), "it" is the machine: "set the hostname to gateway".
 */
function nameItHost(message: string, input: EngineInput): string {
  const m = /(^|,|;|\band\b)\s*(?:please\s+)?(?:name|call)\s+it\s+(['"“‘`]?[a-z0-9][a-z0-9.-]*['"”’`]?)(?=\s*(?:please|pls)?\s*[.!,;]*\s*$|\s*,|\s+and\b)/i.exec(message);
  if (!m || input.history.length > 0 || findServiceMentions(message).length > 0) return message;
  if (!/\btime\s?zones?\b|\b\w+\s+time\b|\bhost\s?name\b|\bntp\b|\blocale\b/i.test(message)) return message;
  return `${message.slice(0, m.index)}${m[1]} set the hostname to ${m[2]}${message.slice(m.index + m[0].length)}`;
}

/**
 * A turn about the users the turn before made or changed, said with a pronoun ("actually make that
 * sudo too", "put them both in the docker group") or with nothing ("wait, no sudo"): the pronoun
 * becomes their names ("carol", "ann and ben"). A turn that names a user is read as it is.
 */
function usersPointed(message0: string, input: EngineInput): string {
  const message = groupSaidBare(message0, input);
  if (!/\b(?:sudo|admin\w*|root|groups?|ssh|keys?|sudoers?|wheel)\b/i.test(message)) return message;
  const last = [...input.history].reverse().find((h) => h.role === 'assistant');
  const names = [...new Set([...(last?.text ?? '').matchAll(/^\s*[+~] user ([a-z_][a-z0-9_-]{0,31})\b/gm)].map((m) => m[1]!))];
  if (names.length === 0) return message;
  const known = new Workspace(input.files).items<{ name: string }>('security.yaml', ['spec', 'users']).map((u) => u.name);
  if (known.some((n) => new RegExp(`(?<![\\w-])${escapeRe(n)}(?![\\w-])`, 'i').test(message))) return message;
  const who = names.join(' and ');
  const pronoun = /\b(?:them\s+(?:both|all)|both\s+of\s+them|all\s+of\s+them|them|him|her|that|this|he|she|they|both)\b(?!\s+(?:key|group)\b)/i;
  if (pronoun.test(message)) return groupSaidBare(message.replace(pronoun, who), input);
  // "wait, no sudo", "no sudo after all": sudo taken back from them.
  if (/^(?:(?:wait|no|nah|actually|sorry|hmm+|oh|ok(?:ay)?|on\s+second\s+thought)[,.!\s]+)*(?:no|without|not)\s+(?:sudo|admin)\b(?:\s+(?:after\s+all|then|for\s+now|please|pls))*\s*[.!]*$/i.test(message.trim())) return `take sudo away from ${who}`;
  return message;
}

/**
 * "add lou to wheel", "put ana in developers": a user there, put "to"/"in" a bare word that is
 * no service, is put in that group ("… to the wheel group").
 */
function groupSaidBare(message: string, input: EngineInput): string {
  const m = /\b(?:add|put|move|place)\s+(?:user\s+)?([a-z_][a-z0-9_-]{0,31})\s+(?:to|in|into)\s+(?:the\s+)?([a-z_][a-z0-9_-]{0,31})\s*([.!]*)$/i.exec(message.trim());
  if (!m || /^(?:sudo|sudoers|admins?|group|groups|it|that|this|them|server|box|machine|host|system)$/i.test(m[2]!)) return message;
  const ws = new Workspace(input.files);
  const users = ws.items<{ name: string }>('security.yaml', ['spec', 'users']).map((u) => u.name);
  if (!users.includes(m[1]!.toLowerCase()) || ws.items<Service>('services.yaml', SVC).some((sv) => sv.name === m[2]!.toLowerCase())) return message;
  return `${message.trim().slice(0, m.index)}${m[0].replace(/\s*[.!]*$/, '')} group${m[3]}`;
}

/** A word said where a name goes that only says there should be one ("different", "something else", "a new one"). */
const VAGUE_NAME = /^(?:different|something|anything|new|another|other|else|changed|unique|better|nicer|shorter|longer|proper|real|updated|whatever|sth|smth|diff)$/i;

function handleHostname(run: Run, clause0: string): boolean {
  const clause = withoutOldValue(hostWords(clause0));
  const t = clause.toLowerCase();
  const m =
    // "hostname = media-box": "=" and ":" are no words, so no \b before them (round 30).
    /\bhost\s?name\b[^.]*?(?:\b(?:to\s+be|to|into|as|be|is)\s+|\s*[=:]\s*)['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9])['"”’`]?/i.exec(clause) ??
    /\bhost\s?name\s*:\s*['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9])['"”’`]?/i.exec(clause) ??
    /\b(?:rename|call|name)\s+(?:the|this)?\s*(?:server|machine|host|box|system|computer)\s+(?:to\s+)?['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9])['"”’`]?/i.exec(clause) ??
    // "the box should be called media-box", "this server will be known as nas-2".
    // "I'd like this server to be called media-box" (round 31).
    /\b(?:the|this|my|our)\s+(?:server|machine|host|box|computer|vps)\s+(?:should|shall|must|will|can|is\s+to|to)?\s*(?:be\s+)?(?:called|named|known\s+as)\s+['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9])['"”’`]?/i.exec(clause) ??
    // "change the name of the server into media-box", "set the server's name to nas-2" (round 31).
    /\b(?:change|set|rename|make|switch)\s+(?:the\s+)?(?:name\s+of\s+(?:the|this|my|our)\s+(?:server|machine|host|box|computer|vps|system)|(?:server|machine|host|box|computer|vps|system)(?:'s|’s)\s+name)\s+(?:to|into|as)\s+['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9])['"”’`]?/i.exec(clause) ??
    // "hostname edge-gw-3", "…, hostname build-runner, and …": the name right after the word.
    /\bhost\s?name\s+(?!(?:to|is|be|as|should|of|for|please|pls|set|change|and|the|it|that|this|will|must|needs?|gets?)\b)['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9])['"”’`]?\s*(?:please|pls)?\s*$/i.exec(clause.trim()) ??
    /\bhost\s?name\s+(?!(?:to|is|be|as|should|of|for|please|pls|set|change|and|the|it|that|this|will|must|needs?|gets?)\b)['"“‘`]?([a-z0-9]+(?:[.-][a-z0-9]+)+)['"”’`]?/i.exec(clause);
  if (!m) {
    if (/\bhost\s?name\b/.test(t) && /\b(set|change|rename)\b/.test(t)) {
      const filled = need(run, { slot: 'hostname', question: 'What should the hostname be? e.g. "web01"', fill: (v) => `set the hostname to ${v}` });
      return filled === undefined ? true : handleHostname(run, filled);
    }
    return false;
  }
  const name = m[1]!;
  // Round 35: "the hostname needs to be different", "change the hostname to something else", "…
  // should be something new": a word that says there should be a name, never the name; asked.
  if (VAGUE_NAME.test(name)) {
    const filled = need(run, { slot: 'hostname', question: 'What should the new hostname be? e.g. "web01"', fill: (v) => `set the hostname to ${v}` });
    return filled === undefined ? true : handleHostname(run, filled);
  }
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(name)) {
    run.questions.push(`"${name}" is not a valid hostname: use letters, digits and "-", up to 63 per label.`);
    return true;
  }
  run.ws.set('manifest.yaml', ['spec', 'hostname'], name);
  if (run.ws.get('network.yaml', ['spec', 'hostname']) !== undefined) run.ws.set('network.yaml', ['spec', 'hostname'], name);
  run.lines.push(`~ hostname: ${name}`);
  return true;
}

let zones: string[] | undefined;
function timeZones(): string[] {
  if (!zones) zones = [...(Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}

const ZONE_WORDS: [RegExp, string][] = [
  [/\bpacific\b/, 'America/Los_Angeles'],
  [/\bmountain\b/, 'America/Denver'],
  [/\bcentral\s+(?:time|standard)\b|\bcst\b|\bcdt\b/, 'America/Chicago'],
  [/\beastern\b|\best\b|\bedt\b/, 'America/New_York'],
  [/\bcentral european\b|\bcet\b|\bcest\b/, 'Europe/Berlin'],
  [/\bbritish\b|\bbst\b|\bu\.?k\.?(?=\s|$)|\bunited\s+kingdom\b|\bgreat\s+britain\b/, 'Europe/London'],
  [/\bindia\b|\bist\b/, 'Asia/Kolkata'],
  [/\bjapan\b|\bjst\b/, 'Asia/Tokyo'],
];

/**
 * Places people name that are not the city of a zone ("we're in mumbai", "the team is in munich",
 * "set it to san francisco time"), and countries with one zone: the zone they keep.
 */
const PLACE_ZONES: Record<string, string> = {
  mumbai: 'Asia/Kolkata', bombay: 'Asia/Kolkata', delhi: 'Asia/Kolkata', 'new delhi': 'Asia/Kolkata', bangalore: 'Asia/Kolkata', bengaluru: 'Asia/Kolkata', chennai: 'Asia/Kolkata', hyderabad: 'Asia/Kolkata', pune: 'Asia/Kolkata', kolkata: 'Asia/Kolkata', calcutta: 'Asia/Kolkata',
  beijing: 'Asia/Shanghai', shenzhen: 'Asia/Shanghai', guangzhou: 'Asia/Shanghai', hangzhou: 'Asia/Shanghai', china: 'Asia/Shanghai', osaka: 'Asia/Tokyo', kyoto: 'Asia/Tokyo', yokohama: 'Asia/Tokyo', busan: 'Asia/Seoul', korea: 'Asia/Seoul',
  'san francisco': 'America/Los_Angeles', sf: 'America/Los_Angeles', 'bay area': 'America/Los_Angeles', 'silicon valley': 'America/Los_Angeles', seattle: 'America/Los_Angeles', portland: 'America/Los_Angeles', 'san diego': 'America/Los_Angeles', 'san jose': 'America/Los_Angeles', california: 'America/Los_Angeles', 'las vegas': 'America/Los_Angeles',
  boston: 'America/New_York', washington: 'America/New_York', 'washington dc': 'America/New_York', miami: 'America/New_York', atlanta: 'America/New_York', philadelphia: 'America/New_York', nyc: 'America/New_York', brooklyn: 'America/New_York', pittsburgh: 'America/New_York', ottawa: 'America/Toronto', montreal: 'America/Toronto',
  austin: 'America/Chicago', dallas: 'America/Chicago', houston: 'America/Chicago', texas: 'America/Chicago', minneapolis: 'America/Chicago', 'new orleans': 'America/Chicago', calgary: 'America/Edmonton', 'salt lake city': 'America/Denver',
  munich: 'Europe/Berlin', frankfurt: 'Europe/Berlin', hamburg: 'Europe/Berlin', cologne: 'Europe/Berlin', stuttgart: 'Europe/Berlin', germany: 'Europe/Berlin', barcelona: 'Europe/Madrid', valencia: 'Europe/Madrid', seville: 'Europe/Madrid', spain: 'Europe/Madrid', milan: 'Europe/Rome', florence: 'Europe/Rome', naples: 'Europe/Rome', italy: 'Europe/Rome',
  manchester: 'Europe/London', edinburgh: 'Europe/London', glasgow: 'Europe/London', birmingham: 'Europe/London', bristol: 'Europe/London', uk: 'Europe/London', england: 'Europe/London', scotland: 'Europe/London', lyon: 'Europe/Paris', marseille: 'Europe/Paris', france: 'Europe/Paris', geneva: 'Europe/Zurich', basel: 'Europe/Zurich', switzerland: 'Europe/Zurich',
  rotterdam: 'Europe/Amsterdam', utrecht: 'Europe/Amsterdam', netherlands: 'Europe/Amsterdam', holland: 'Europe/Amsterdam', krakow: 'Europe/Warsaw', poland: 'Europe/Warsaw', 'st petersburg': 'Europe/Moscow', 'saint petersburg': 'Europe/Moscow', porto: 'Europe/Lisbon', portugal: 'Europe/Lisbon', gothenburg: 'Europe/Stockholm', sweden: 'Europe/Stockholm', norway: 'Europe/Oslo', finland: 'Europe/Helsinki', denmark: 'Europe/Copenhagen', austria: 'Europe/Vienna', greece: 'Europe/Athens', ireland: 'Europe/Dublin', belgium: 'Europe/Brussels', czechia: 'Europe/Prague', hungary: 'Europe/Budapest', romania: 'Europe/Bucharest', ukraine: 'Europe/Kyiv', turkey: 'Europe/Istanbul', ankara: 'Europe/Istanbul',
  'cape town': 'Africa/Johannesburg', 'south africa': 'Africa/Johannesburg', 'rio de janeiro': 'America/Sao_Paulo', rio: 'America/Sao_Paulo', brazil: 'America/Sao_Paulo', 'abu dhabi': 'Asia/Dubai', uae: 'Asia/Dubai', 'tel aviv': 'Asia/Jerusalem', israel: 'Asia/Jerusalem', hanoi: 'Asia/Bangkok', 'ho chi minh city': 'Asia/Ho_Chi_Minh', saigon: 'Asia/Ho_Chi_Minh', vietnam: 'Asia/Ho_Chi_Minh', thailand: 'Asia/Bangkok', philippines: 'Asia/Manila', indonesia: 'Asia/Jakarta', malaysia: 'Asia/Kuala_Lumpur', lahore: 'Asia/Karachi', islamabad: 'Asia/Karachi', pakistan: 'Asia/Karachi', bangladesh: 'Asia/Dhaka', nepal: 'Asia/Kathmandu', egypt: 'Africa/Cairo', nigeria: 'Africa/Lagos', kenya: 'Africa/Nairobi', wellington: 'Pacific/Auckland', 'new zealand': 'Pacific/Auckland', argentina: 'America/Argentina/Buenos_Aires', chile: 'America/Santiago', colombia: 'America/Bogota', peru: 'America/Lima', 'mexico city': 'America/Mexico_City', mexico: 'America/Mexico_City', guadalajara: 'America/Mexico_City',
};
let cityZonesCache: { z: string; city: string }[] | undefined;
/** Every zone's city ("tokyo", "new york") and the places above, each with its zone. */
function cityZones(): { z: string; city: string }[] {
  cityZonesCache ??= [...timeZones().map((z) => ({ z, city: z.split('/').pop()!.toLowerCase().replace(/_/g, ' ') })), ...Object.entries(PLACE_ZONES).map(([city, z]) => ({ z, city }))];
  return cityZonesCache;
}

/** A zone name ICU knows under another name ("Asia/Kolkata" where the list says Asia/Calcutta): kept as written when it was written in IANA case. */
function ianaAlias(name: string): string | undefined {
  try {
    const canonical = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    return /^[A-Z]/.test(name) && name.split('/').every((p) => /^[A-Z]/.test(p)) ? name : canonical;
  } catch {
    return undefined;
  }
}

/** A place said with or without its accents ("são paulo", "Zürich", "Montréal") reads the same. */
function withoutAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

function handleTimezone(run: Run, clause: string): boolean {
  const t = withoutAccents(clause.toLowerCase());
  // "set the TZ environment variable on the web service to …", "TZ=Europe/Paris": a service's variable, never the host's zone (round 34).
  if (/\btz\s*=|\btz\s+(?:env(?:ironment)?|var(?:iable)?)\b|\b(?:env(?:ironment)?|var(?:iable)?)\s+tz\b/.test(`${t} ${withoutAccents(run.input.message.toLowerCase())}`)) return false;
  const placeOnly = /\b(lives?|living|located|based|sits?|hosted|runs?|are|is|we'?re|i'?m)\s+in\s+([a-z][a-z ]{2,30}?)(?:\s+(?:now|these\s+days|nowadays))?$/.exec(t.trim().replace(/[.!]$/, ''));
  // "server time should be tokyo time", "put the box on lisbon time": a city (any IANA zone's) or zone word before "time".
  const cityTime = /\btime\b/.test(t) ? cityBefore(t, 'time') : undefined;
  if (cityTime) {
    run.ws.set('manifest.yaml', ['spec', 'timezone'], cityTime);
    run.lines.push(`~ timezone: ${cityTime}`);
    return true;
  }
  // "put the server on UTC", "switch the box to Europe/Lisbon": a zone said for the machine.
  const onZone = /\b(?:put|set|switch|move|keep|run|change)\s+(?:the\s+|this\s+|our\s+|my\s+)?(?:server|box|machine|host|system|vps)\s+(?:on|to|in|over\s+to)\s+(?:utc|gmt|zulu|[a-z_]+\/[a-z0-9_+-]+)\b/.test(t);
  // "Zeitzone bitte Europe/Zurich setzen", "Europe/Lisbon please": a zone's own name (Region/City,
  // one ICU knows) is enough, said for nothing else (no variable, no service) (round 30).
  const zoneNamed = /\b[A-Za-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/.exec(clause);
  // A correction of the turn before ("no, Europe/Lisbon") is correction.ts's to read.
  const zoneAlone = zoneNamed !== null && !(run.input.history.length > 0 && /^\s*(?:(?:no|nope|nah|actually|wait|sorry|oops|hmm+|i\s+meant|make\s+(?:it|that)|rather|or)\b[\s,.!-]*)+[A-Za-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\s*[.!]*\s*$/i.test(run.input.message)) && !/[=:]\s*[A-Za-z]+\/|\b(?:env|environment|variables?|vars?|image|tag)\b/i.test(clause) && findServiceMentions(clause).length === 0 && timeZones().some((z) => z.toLowerCase() === zoneNamed[0].toLowerCase() && z.includes('/'));
  if (!/\btime\s?zone\b|\btz\b|\bzeitzone\b|\bfuseau\s+horaire\b|\bzona\s+horaria\b|\bfuso\s+orario\b|(?<!\bo'?\s?|\bo’)\bclocks?\b/.test(t) && !placeOnly && !onZone && !zoneAlone) return false;
  let zone: string | undefined;
  for (const [re, z] of ZONE_WORDS) if (!zone && re.test(t)) zone = z;
  const direct = /\b([A-Za-z_]+\/[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?)\b/.exec(clause);
  if (direct) zone = timeZones().find((z) => z.toLowerCase() === direct[1]!.toLowerCase()) ?? ianaAlias(direct[1]!);
  if (!zone && /\b(utc|gmt|zulu)\b/.test(t)) zone = 'UTC';
  const cityIn = (text: string) =>
    cityZones()
      .filter(({ city }) => city.length > 2 && new RegExp(String.raw`\b${escapeRe(city)}\b`).test(text))
      .sort((a, b) => b.city.length - a.city.length)[0];
  if (!zone) zone = cityIn(t)?.z;
  if (!zone) {
    // "we're in london, fix the timezone": the place was said in another clause.
    const other = cityIn(withoutAccents(run.input.message.toLowerCase()));
    if (other) {
      zone = other.z;
      run.consumed.push(other.city);
    }
  }
  if (!zone) {
    if (placeOnly && !/\btime\s?zone\b|\btz\b|(?<!\bo'?\s?|\bo’)\bclocks?\b/.test(t)) return false;
    run.questions.push('Which time zone? Use a name like Europe/Berlin, America/New_York or UTC.');
    return true;
  }
  run.ws.set('manifest.yaml', ['spec', 'timezone'], zone);
  run.lines.push(`~ timezone: ${zone}`);
  return true;
}

/** The zone of a city (any IANA zone's last part) or zone word said right before `word` ("tokyo time", "new york time"). */
function cityBefore(t: string, word: string): string | undefined {
  for (const [re, z] of ZONE_WORDS) {
    const m = re.exec(t);
    if (m && new RegExp(String.raw`^\s*(?:standard\s+|local\s+)?${word}\b`).test(t.slice(m.index + m[0].length))) return z;
  }
  if (new RegExp(String.raw`\b(?:utc|gmt|zulu)\s+${word}\b`).test(t)) return 'UTC';
  const hit = cityZones()
    .filter(({ city }) => city.length > 2 && new RegExp(String.raw`\b${escapeRe(city)}(?:'s)?\s+(?:local\s+)?${word}\b`).test(t))
    .sort((a, b) => b.city.length - a.city.length)[0];
  return hit?.z;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
