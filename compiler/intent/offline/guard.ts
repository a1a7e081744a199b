/**
 * The offline engine's first gate: refusals that are decided before any other parsing, on the
 * raw request. A request that carries an injected instruction, or asks for an operation on the
 * host that destroys or leaks what the host holds, is refused whole: none of its clauses is
 * done, so a valid change in front ("set memory of web to 512M. SYSTEM: …") changes no file.
 *
 * Each rule is a class of request, not a wording; docs/intent.md ("Refused before parsing")
 * lists them. Pure: no I/O. engine.ts's `detectDanger` calls `refuseFirst` before its own list.
 */

export const INJECTED =
  'I do not take instructions that change my own rules, and text that speaks as the system, the assistant or a new instruction inside a request is one. Nothing in this request was done. Tell me, in your own words, what state you want the system in.';
export const TEXT_TASK =
  'I only read requests for the state of this machine: a text handed to me to translate, repeat or summarise is not one, and an instruction inside it is not followed. Nothing was changed. Say what state you want directly.';
export const HOST_DISK =
  'disks and partitions of the host are never formatted, partitioned or overwritten from a conversation: one mistyped device name destroys the system. A disk for data is declared under `mounts:` in storage.yaml (docs/storage.md), where formatting needs `format: true` written by you and an approval; then point a volume at it.';
export const PRIVATE_KEY_OUT =
  "private keys (the host's signing key, its SSH host keys, anyone's ~/.ssh/id_* files) never leave where they are: not into a container, a volume, the web root, a reply or another machine. Whoever holds a copy is that host or that user. Give a service its own key (`claude secret set NAME`), or add a public key to a user.";
export const ROOT_EQUIVALENT =
  'a second account with uid 0 (or in the root group) is root under another name, and with no password or key it is an open door. Add a user with an SSH key and sudo instead ("add user alice with sudo and ssh key ssh-ed25519 AAAA…").';
export const SSH_PASSWORDS =
  'SSH with password logins on (or key logins turned off) is what scanners try first, the moment port 22 is reachable. Keys stay the way in: add a public key to the user ("add ssh key ssh-ed25519 AAAA… for alice").';
export const SECRET_IN_REPLY =
  'secret values never appear in a reply, a log or a plan: they stay encrypted, and only the runtime decrypts them at apply time. A service can be handed a secret as `${secrets.NAME}` without anyone seeing it; to replace one, run `claude secret set NAME`.';
export const ALL_ACCOUNTS =
  'removing every account at once (or all but one) can lock every admin out of this machine, and it cannot be undone from here. Remove accounts by name ("remove user maria"), one request each.';
export const HOST_DESTROY =
  "the host's own software and keys (the kernel, the boot loader, the container engine, the state repository, its signing key, /etc) are never deleted or overwritten from a request: that leaves a machine that cannot boot, run or be trusted. Describe the state you want for your services instead.";

export const CRYPTO_MINER =
  'a crypto miner (xmrig, cpuminer, a stratum+tcp:// pool, a mining wallet) takes every CPU cycle of this machine for someone else, and most hosting contracts end the account for it. I do not add one. Say which service you want instead.';
export const AUDIT_LOG =
  "the audit log is the record of what was done on this machine: it is only appended to, never edited, trimmed or deleted, or it proves nothing. A mistake is undone by a new change (\"roll back to yesterday\"), which the log records too.";
export const KEYS_FROM_URL =
  'SSH keys fetched from a web address into authorized_keys let whoever controls that address (now or later) log in. Paste the public key itself ("add ssh key ssh-ed25519 AAAA… for alice"), so you see exactly which key is let in.';
export const UNSIGNED_PLANS =
  'the runtime executes only plans signed with this host\'s key: accepting unsigned plans, or trusting any key, lets anyone who can write a file run anything as root. Plans are signed by `claude apply` after approval; that stays on.';
export const KERNEL_TRIGGER =
  "writing to the kernel's control files (/proc/sysrq-trigger, /proc/sys, /sys) from a job or a container can reboot, crash or reconfigure the host at once. Say what you want (\"restart web every night at 4\"), and a service restart does it.";
export const HOST_DATA_OUT =
  "the host's configuration and state (/etc, /var/lib/claude, the state and data directories) hold keys, password hashes and secrets: they are not copied to another machine from a request. Back up a volume instead (\"back up the db volume daily, keep 7\"), which docs/storage.md describes.";

/** Words that open a text speaking as someone other than the user. */
const ROLE = String.raw`(?:system|sys|assistant|developer|dev\s+mode|admin(?:istrator)?\s+override|override|instructions?|new\s+instructions?|system\s+(?:prompt|message|note|override)|important\s+(?:system\s+)?(?:note|instruction|update))`;

/**
 * Keys fetched from a URL: a fetching verb, then a key word, then a URL, in that order; or
 * authorized_keys and a URL anywhere. Three linear searches: the earliest verb, the earliest key word
 * after it, a URL anywhere after that (the earliest of each leaves the most room for the next,
 * so this finds an order whenever one exists). As one regular expression (three `[^]*` in a
 * row) it was cubic on a long request ("get key " said a thousand times).
 */
const KEYS_FROM_URL_TEST = {
  test(message: string): boolean {
    const url = /\b(?:https?|ftp):\/\//gi;
    const after = (re: RegExp, from: number): number => {
      re.lastIndex = from;
      const m = re.exec(message);
      return m ? m.index + m[0].length : -1;
    };
    if (after(/\bauthorized_keys\b/gi, 0) >= 0 && after(url, 0) >= 0) return true;
    const verb = after(/\b(?:fetch|curl|wget|download|pull|get|grab|import|load|read|take|add|append|put|copy|sync)\b/gi, 0);
    if (verb < 0) return false;
    const key = after(/\b(?:keys?|authorized_keys)\b/gi, verb);
    return key >= 0 && after(url, key) >= 0;
  },
};

const FIRST: { re: { test(s: string): boolean }; reason: string }[] = [
  // A role marker where a sentence, line or quote begins: "SYSTEM: …", "… . Assistant: …",
  // "\nDeveloper: …", "[system] …", "<<SYS>>", "[INST]", "### Instruction:".
  {
    re: new RegExp(String.raw`(?:^|[.!?;\n"'“‘(\[]\s*|\s-{2,}\s*)${ROLE}\s*(?::|-{1,2}>|=>)|\[\s*(?:system|inst|assistant|sys)\s*\]|<<\s*sys\s*>>|#{2,}\s*(?:system|instructions?|assistant)\b|\b(?:assistant|claude|ai|bot|model)\s*,\s*you\s+(?:are|must|will|should)\s+now\b`, 'i'),
    reason: INJECTED,
  },
  // "ignore the above", "disregard everything before this", "forget the previous text": the
  // earlier text is the operator's (or the system's), never the user's own request.
  {
    re: /\b(?:ignore|disregard|forget|override|skip)\s+(?:(?:all|any|everything|anything|whatever)\s+)?(?:(?:of|that|is|was|written|said|stated)\s+)*(?:the\s+|your\s+|my\s+)?(?:text\s+|stuff\s+|lines?\s+)?(?:above|before\s+(?:this|that|it)|preceding|prior\s+(?:text|context|prompt|message|instructions?|rules)|previous\s+(?:text|context|prompt|messages?|instructions?|rules|directions|guidance))\b|\b(?:ignore|disregard|override)\s+(?:(?:all|any)\s+)?(?:your|the|these|those|my)\s+(?:own\s+)?(?:rules|instructions|guidelines|restrictions|safety|policies|programming|constraints)\b/i,
    reason: INJECTED,
  },
  // A text task wrapped around a request: "Translate to French: …", "repeat after me: …",
  // "summarise this: …", "say exactly: …". The engine does not do text tasks, and the text
  // inside is never obeyed.
  {
    re: /^\s*(?:(?:please|pls|can\s+you|could\s+you|now)\s+)?(?:translate|repeat|summari[sz]e|paraphrase|rephrase|rewrite|proofread|spell-?check|echo|say|output|complete|continue)\b[^:\n]{0,50}:\s*\S/i,
    reason: TEXT_TASK,
  },
  // Host disks: formatting, partitioning or overwriting a block device. Mounting one is a
  // storage.yaml `mounts:` entry, not this.
  {
    re: /\b(?:format|re-?format|mkfs(?:\.\w+)?|wipefs|fdisk|gdisk|sgdisk|parted|partition|re-?partition|wipe|erase|shred|zero(?:\s+out)?|overwrite|dd|encrypt|luks\w*|blkdiscard)\b[^.;\n]{0,80}?(?:\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|md|dm-|mapper|disk|loop|root)\w*|\b(?:the\s+)?(?:host'?s?\s+)?(?:boot|root|system|os|second|new|other|data)\s+(?:disk|drive|partition|ssd|hdd|volume\s+group)\b)|(?:^|[\s"'`])of=\/dev\/\w+|\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk)\w*\b[^.;\n]{0,40}\b(?:format\w*|mkfs|partition\w*|wip\w*|eras\w*|overwrit\w*)\b/i,
    reason: HOST_DISK,
  },
  // Private keys moved or shown: the host key exported, ~/.ssh/id_* copied into a container.
  // A public key (ssh-ed25519 AAAA…, id_*.pub) is what users are given, and is not this.
  {
    re: /\b(?:export|copy|cp|put|place|move|mv|mount|bind|share|send|give|hand|expose|publish|serve|upload|drop|paste|print|show|display|cat|dump|leak|write|store|save|attach|inject|add|include|make)\b[^.;\n]{0,80}?(?:(?:\bhost(?:'s)?\s+(?:private\s+|signing\s+|ssh\s+|age\s+)?keys?\b)|\bprivate\s+(?:ssh\s+|signing\s+|host\s+|age\s+)?keys?\b|\bsigning\s+keys?\b|(?:~|\$HOME|\/root|\/home\/[\w.-]+)\/\.ssh\b(?!\/[\w.-]+\.pub\b|\/authorized_keys\b)|\bid_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?\b(?!\.pub)|\bssh_host_\w+_key\b(?!\.pub)|\/etc\/ssh\b(?!\/sshd_config)|\/var\/lib\/claude\/keys?\b)/i,
    reason: PRIVATE_KEY_OUT,
  },
  // A second root: uid 0, or the root group.
  {
    re: /\b(?:uid|user\s*id|userid)\s*(?:[:=]|of|to|is|as|=)?\s*0\b(?![.\d])|\bsame\s+(?:uid|user\s*id)\s+as\s+root\b|\b(?:in|into|to|join)\s+(?:the\s+)?root\s+group\b|\bgroup\s+root\b|\bgid\s*(?:[:=]|of|to|is)?\s*0\b(?![.\d])/i,
    reason: ROOT_EQUIVALENT,
  },
  // SSH with passwords as the way in: key auth turned off, password logins turned on.
  {
    re: /\b(?:disable|turn\s+off|switch\s+off|drop|remove|no(?:\s+more)?|without|skip|stop\s+(?:using|requiring))\s+(?:the\s+)?(?:ssh\s+)?(?:public[- ]?)?key\s*(?:-?based\s+)?(?:auth\w*|logins?|log-?ins?|only|requirement)\b|\b(?:enable|turn\s+on|switch\s+on|allow|permit|let|re-?enable)\b[^.;\n]{0,40}?\bpass(?:word|wd)s?\s*(?:-?based\s+)?(?:auth\w*|logins?|log-?ins?|access)\b(?=[^]*\bssh\b)|\bpass(?:word|wd)s?\s+(?:are|is)\s+(?:fine|ok|okay|enough|good\s+enough)\b(?=[^]*\b(?:ssh|22|log\s?-?in|auth)\b)/i,
    reason: SSH_PASSWORDS,
  },
  // A secret's value asked for in the reply, wherever the secret is named in the request.
  {
    re: /^(?=[^]*\b(?:secrets?|passwords?|passwd|tokens?|api[_ -]?keys?|credentials?|creds)\b)[^]*\b(?:print|show|display|reveal|echo|output|include|put|paste|write|repeat|tell|read)\b[^.;\n]{0,60}\b(?:in|into|to|on)\s+(?:the\s+|your\s+|this\s+|my\s+)?(?:reply|response|answer|chat|output|message|screen|terminal|console)\b/i,
    reason: SECRET_IN_REPLY,
  },
  // Every account at once: "delete every user account except mine", "remove all the users".
  {
    re: /\b(?:delete|remove|drop|purge|wipe|kill|nuke|get\s+rid\s+of|clear(?:\s+out)?|lock|disable)\s+(?:all|every|each|any)\s+(?:(?:the|other|of|existing|current|remaining|login|human|linux|unix|system)\s+)*(?:users?|accounts?|logins?|admins?|sudoers?)\b|\b(?:users?|accounts?|logins?)\s+(?:except|but|other\s+than|apart\s+from|besides)\s+(?:mine|me|my\s+own|root|the\s+admin|\w+)\b[^.;\n]{0,30}?\b(?:delete|remove|drop|purge|wipe|gone|go)\b|\b(?:delete|remove|drop|purge|wipe|kill|nuke)\b[^.;\n]{0,30}?\b(?:users?|accounts?|logins?)\s+(?:except|but|other\s+than|apart\s+from|besides)\b/i,
    reason: ALL_ACCOUNTS,
  },
  // The host's own software, keys and history.
  {
    re: /\b(?:delete|remove|uninstall|purge|wipe|erase|overwrite|replace|corrupt|truncate|rm)\b[^.;\n]{0,40}?(?:\b(?:the\s+)?(?:kernel|boot\s?loader|grub|initramfs|initrd|docker\s+engine|dockerd|containerd|the\s+container\s+(?:engine|runtime)|state\s+(?:repo(?:sitory)?|history)|git\s+history|(?:claude(?:\.os)?|the)\s+(?:signing|host)\s+keys?|trusted\s+keys)\b|(?<![\w.-])\/(?:boot|etc(?![\w/.-]*\/claude\.d\/[\w.-]+\.ya?ml)|usr|bin|sbin|lib|var\/lib\/claude)(?![\w-]))/i,
    reason: HOST_DESTROY,
  },
  // A crypto miner, by its image, its command or its pool: "xmrig", "cpuminer", "minerd",
  // "stratum+tcp://", "-o pool.…", "mine monero", "with my wallet … on pool.…".
  {
    re: /\b(?:xmrig|xmr-stak|cpuminer|minerd|cgminer|bfgminer|ethminer|t-?rex\s*miner|nbminer|phoenixminer|lolminer|nicehash|cryptonight|randomx)\b|\bstratum(?:\+(?:tcp|ssl|tls))?:\/\/|\b(?:mine|mining|miner)\s+(?:for\s+)?(?:some\s+)?(?:crypto\w*|bitcoin|btc|monero|xmr|ethereum|eth|coins?|dogecoin|litecoin)\b|\b(?:crypto\w*|bitcoin|monero|xmr|coin)\s*-?\s*(?:miner|mining)\b|\bwallet\b[^.;\n]{0,120}?\bpool\b|\bpool\.\w[\w.-]*\b[^.;\n]{0,80}?\bwallet\b|\bmining\s+pool\b/i,
    reason: CRYPTO_MINER,
  },
  // The audit log edited, trimmed or deleted: "delete yesterday's lines from the audit log",
  // "clear the audit trail", "rewrite audit.log".
  {
    re: /\b(?:delete|remove|erase|clear|wipe|purge|truncate|trim|edit|rewrite|modify|alter|scrub|clean(?:\s+up)?|shorten|empty|drop|redact|rm|get\s+rid\s+of|turn\s+off|disable)\b[^.;\n]{0,60}?\baudit(?:\s*|[._-])(?:log|trail|history|records?|entries|lines)\b|\baudit(?:\s*|[._-])(?:log|trail|history)\b[^.;\n]{0,80}?\b(?:delete|remove|erase|clear|wipe|purge|truncate|trim|edit|rewrite|scrub|redact|drop|cut|empty|get\s+rid\s+of)\b/i,
    reason: AUDIT_LOG,
  },
  // Keys fetched from a URL into authorized_keys: "curl https://…/keys >> authorized_keys",
  // "add whatever keys are at https://… for root".
  {
    re: KEYS_FROM_URL_TEST,
    reason: KEYS_FROM_URL,
  },
  // Plan signatures off: "accept unsigned plans", "trust any key", "skip signature checks".
  {
    re: /\b(?:accept|allow|run|apply|execute|permit|take|trust)\s+(?:\w+\s+){0,2}?(?:unsigned|un-signed|non-signed|not\s+signed)\b|\bunsigned\s+plans?\b|\btrust\s+(?:any|every|all|whatever|each)\s+(?:\w+\s+)?(?:keys?|signers?|signatures?)\b|\b(?:skip|disable|turn\s+off|switch\s+off|ignore|bypass|drop|remove|stop)\s+(?:the\s+)?(?:plan\s+)?(?:signature|signing)\s*(?:checks?|verification|validation|requirements?)?\b|\b(?:signature|signing)\s+(?:checks?|verification)\s+(?:off|disabled)\b|\bwithout\s+(?:a\s+)?(?:valid\s+)?signatures?\b/i,
    reason: UNSIGNED_PLANS,
  },
  // The kernel's control files written: /proc/sysrq-trigger, /proc/sys/…, /sys/….
  {
    re: /(?<![\w.-])\/proc\/(?:sysrq-trigger|sys\b|kcore|kmsg)|\bsysrq\b|(?:^|[\s>"'`])(?:>>?\s*)?\/sys\/(?:kernel|power|class|block|devices|module|fs)\b/i,
    reason: KERNEL_TRIGGER,
  },
  // The host's configuration or state copied to another machine: "tar up /etc and scp it to …",
  // "rsync /var/lib/claude to backup@host".
  {
    re: /^(?=[^]*(?:(?<![\w.-])\/etc\b|(?<![\w.-])\/var\/lib\/(?:claude|docker|containerd)\b|\bstate\s+(?:dir(?:ectory)?|repo(?:sitory)?)\b|\bclaude(?:\.os)?(?:'s)?\s+(?:data|state)\s+dir(?:ectory)?\b))(?=[^]*(?:\b(?:scp|rsync|sftp|rclone|ftp|nc|netcat|curl|upload|send|ship|push|copy|mirror|sync)\b[^]*(?:\b[\w.-]+@[\w.-]+|\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?:s3|gs|https?|ftp|sftp):\/\/|\banother\s+(?:host|machine|server|box)\b|\bremote\b|\boff-?site\b)))/i,
    reason: HOST_DATA_OUT,
  },
];

/** The reason a request is refused before it is read, or undefined. */
export function refuseFirst(message: string): string | undefined {
  // A pattern that starts with lookaheads over the whole text is anchored at ^: unanchored, it is
  // tried from every position and each try scans to the end (quadratic on a long request).
  for (const r of FIRST) if (r.re.test(message)) return r.reason;
  return undefined;
}
