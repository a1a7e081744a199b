/**
 * Round 36 (HARM3): where things go, said once for every reader of refusals.
 *
 * - `isPrivateIPv4`: an address of this network (RFC 1918: 10/8, 172.16/12, 192.168/16) or, unless
 *   told otherwise, this machine (127/8). protected.ts (a file sent out), engine.ts (firewall
 *   sources said private), guard.ts (a name pointed at an outside address) read it.
 * - `ownBackupPlace`: a clause that sends backups or dumps to a place of one's own (an object
 *   store URL such as s3://, an address of this network, the NAS) and nothing of the host's own
 *   (secrets, keys, /etc, the state) nor a place anyone reads (a paste site, an e-mail, a webhook,
 *   a "public" or "personal" place, an address outside). harm.ts and harm-classes.ts read it
 *   before refusing a clause as exfiltration: "back up postgres every night to s3://acme/pg",
 *   "rsync the backups to 192.168.1.20" are off-site backups, planned.
 *
 * Every pattern is a bounded gap between words or a plain alternation: linear in the request. Pure.
 */

const V4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/;

/** An address of this network (10/8, 172.16/12, 192.168/16), or with `loopback` (the default) also 127/8. */
export function isPrivateIPv4(address: string, { loopback = true }: { loopback?: boolean } = {}): boolean {
  const m = V4.exec(address.trim());
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (loopback && a === 127);
}

/** The shortest prefix length a network of this address can have and stay private (10/8, 172.16/12, 192.168/16). */
export function privatePrefix(address: string): number {
  return address.startsWith('10.') ? 8 : address.startsWith('172.') ? 12 : 16;
}

const IPV4_G = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d])/g;
/** An object store or a backup tool's own remote: s3://, gs://, b2://, an rclone or restic remote. */
const OBJECT_STORE = /\b(?:s3|gs|b2|r2|az|azure|swift|minio|wasabi|spaces)[:/]\/\/[\w.-]+|\b(?:s3|gcs|b2|r2|minio|wasabi)\s+bucket\b|\brclone\s+remote\b|\brestic\s+repo\w*\b/i;
/** This network's own backup place said in words: "our nas", "the backup server", a .lan or .local name. */
const LAN_WORDS = /\b(?:our|the|my)\s+(?:own\s+)?(?:nas|backup\s+(?:server|host|box|nas|machine))\b|\b[\w-]+\.(?:lan|local|internal|home\.arpa)\b/i;
/** What is the host's own and never leaves it from a request, not even to the LAN. */
const HOST_OWN = /(?<![\w.-])\/(?:etc|root|home|var\/lib\/claude)\b|\b(?:secrets?|(?:ssh|private|host|signing|age)\s+keys?|keys?\s+(?:folder|dir\w*)|state\s+(?:dir\w*|repo\w*|files?)|security\.ya?ml|shadow|passwd|\.ssh|env(?:ironment)?(?:\s+var\w*)?|credentials?|creds|tokens?|passwords?|claude\.d)\b/i;
/** Data a backup carries: backups, dumps, a database, a volume. */
const BACKUP_DATA = /\b(?:back\s?-?ups?|backed\s+up|back\s+up|dumps?|pg_dump\w*|mysqldump|snapshots?|archives?|databases?|db|volumes?|data)\b/i;
/** A place anyone reads, or someone's own outside this network. */
const READ_BY_OTHERS = /\b(?:public\w*|personal|some(?:one|body)|else'?s|elses|their|his|her|strangers?|partner\w*|vendor\w*|customer\w*|client\w*|private\s+(?:gmail|e-?mail|server|box)|home|friend\w*|paste\s?bin\w*|pastebin|gist|hastebin|transfer\.sh|0x0\.st|file\.io|webhooks?|discord|telegram|slack|dropbox|google\s+drive|onedrive|mega|gmail|e-?mail\w*|mail\w*|inbox|anyone|everyone|world|internet|outside|external|attacker|evil|competitor)\b|[\w.+-]+@[\w-]+\.[\w.-]+|\bhttps?:\/\/|\bftp:\/\//i;

/**
 * A clause that sends backups to a place of one's own: an object store URL, an address of this
 * network (every address said is private), or "our nas"; nothing of the host's own goes, and no
 * place others read is named.
 */
export function ownBackupPlace(clause: string): boolean {
  if (!BACKUP_DATA.test(clause) || HOST_OWN.test(clause) || READ_BY_OTHERS.test(clause)) return false;
  const addresses = [...clause.matchAll(IPV4_G)].map((m) => m[1]!);
  if (addresses.some((a) => !isPrivateIPv4(a, { loopback: false }))) return false;
  return addresses.length > 0 || OBJECT_STORE.test(clause) || LAN_WORDS.test(clause);
}

/** What people reach over the network: a site, a page, an app, a service. */
const REACHED_THING = String.raw`(?:web\s?sites?|sites?|web\s+(?:pages?|sites?|apps?)|pages?|apps?|applications?|services?|servers?|dashboards?|shops?|stores?|blogs?|apis?|ui|portals?|grafana|nginx)`;
const UNREACHED = new RegExp(String.raw`\b(?:sees?|seen|finds?|found|reach(?:es)?|load|open|access|visit|get\s+(?:to|into|onto))\s+(?:my|our|the|this|their)\s+(?:[\w-]+\s+)?${REACHED_THING}\b`, 'i');

/**
 * Round 35, one predicate since round 36: "nobody can see my web site on port 80, open it" is a
 * site nobody reaches, not a change kept from anyone. `text` starts at or before the seeing verb;
 * harm.ts reads the clause, objects.ts the words from the verb on.
 */
export function siteNobodyReaches(text: string): boolean {
  return UNREACHED.test(text);
}
