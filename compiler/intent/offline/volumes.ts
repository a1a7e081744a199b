/**
 * The volume frame: what a request says about a volume, read from its words alone (no state).
 * engine.ts decides what the frame means against the state files: with a service named, a path
 * is where the volume appears inside that service's container (never a host path, so never
 * refused as one); with none, it is the volume's directory on the host.
 *
 *   "call the volume worker-data, at /data"          → names [worker-data], paths [/data]
 *   "new volume 'backups-staging' under /data/staging" → names [backups-staging], paths [/data/staging]
 *   "create volumes a-data, b-data and c-data"       → names [a-data, b-data, c-data]
 *   "mount /dev/vdb at /srv/big, it's xfs"           → device /dev/vdb, paths [/srv/big], filesystem xfs
 *
 * Pure: no I/O, no state. It must not decide which service a clause is about.
 */
import { findSizes } from './nlu.js';

export interface VolumeFrame {
  /** Volume names said ("volume uploads", "call it uploads", "volumes a and b"), in order. */
  names: string[];
  /** Absolute paths said (not devices), in order, with where each starts in the clause. */
  paths: { path: string; index: number; host: boolean }[];
  /** A block device or UUID=/LABEL= said after "mount": a host mount, not a volume. */
  device?: string;
  readonly: boolean;
  /** Schema form ("10Gi"), when a size is said. */
  size?: string;
  /** uid or uid:gid ("owned by uid 472"). */
  owner?: string;
  filesystem?: 'ext4' | 'xfs' | 'btrfs' | 'tmpfs';
  /** Words that say storage is wanted ("volume", "persistent storage", "persist", "somewhere to keep"). */
  storage: boolean;
  /** A verb that makes, places or attaches ("create", "need", "mount", "attach", "persist", "put … at"). */
  placing: boolean;
  /** Where the names and paths lie in the clause, to blank them before services are looked up. */
  spans: [number, number][];
}

const Q_OPEN = `['"“‘\`]?`;
const Q_CLOSE = `['"”’\`]?`;
const NAME = String.raw`${Q_OPEN}([a-z0-9][a-z0-9_-]{0,62})${Q_CLOSE}`;
const MORE_NAMES = String.raw`((?:\s*(?:,|\band\b|&|\+)\s*(?:and\s+)?${Q_OPEN}[a-z0-9][a-z0-9_-]{0,62}${Q_CLOSE})*)`;

/** Words that are never a volume's name ("a new volume", "the data volume", "a 50 gig volume"). */
const NOT_NAMES = new Set(
  ('a an the one new another persistent named called name data storage docker at for with of on in to into under and or that which it its this there here mounted mount size path read only ro rw big small large local shared extra second third my our your his her their some empty gig gigs gb g mb tb gib mib tib meg megs is be as so please pls too also create make add need want give attach persist store keep put set provision remove delete drop back backed backing up separate own ' +
    // Schedule words after "volume" ("the postgres volume every 12 hours", "volume twice a day") name no volume (round 31).
    'every each daily nightly hourly weekly monthly twice once thrice times per ' +
    // A verb after "volume" ("the postgres volume gets backed up", "the volume should be…") names no volume (round 34).
    'gets get got getting should must needs has have will would was were are can could shall does do').split(' '),
);

/** An absolute path: not a CIDR's mask ("10.0.0.0/8"), a URL, "tcp/udp" or "24/7". */
const ABS_PATH = /(?<![\w.:~/-])\/(?:[A-Za-z0-9_.@+-]+\/?)*/g;

const STORAGE_WORDS = /\bvolumes?\b|\bmount\w*\s+\/dev\/|\bpersist(?:ent|ence|ed|s)?\b|\bstorage\b|\bsomewhere\s+(?:to|i\s+can)\s+(?:keep|store|put|save)\b|\b(?:a|the|new)\s+(?:dir|directory|folder)\b/i;
/**
 * "storage" said as what a service is FOR ("a second redis called sessions for session storage",
 * "minio for object storage", "a postgres for user data storage") names its purpose, not a volume
 * to add: read as storage talk, it moved the existing redis onto a new volume "sessions".
 * "for more/extra/persistent storage" still asks for a volume.
 */
const PURPOSE_STORAGE = /\bfor\s+(?:the\s+|its\s+|our\s+|my\s+|their\s+|all\s+(?:the\s+)?)?(?!(?:more|extra|additional|some|persistent|permanent|durable|long[- ]term|local|shared|its|their|the|data)\b)[a-z][\w-]*(?:\s+(?!storage\b)[a-z][\w-]*)?\s+storage\b/gi;
const STORAGE = { test: (t: string): boolean => STORAGE_WORDS.test(t.replace(PURPOSE_STORAGE, ' ')) };
const PLACING =
  /\b(?:make|create|add|set\s*up|need|needs|want|wants|give|provision|new|i'?d\s+like|mount|mounted|attach|attached|persist|store|keep|put|place|plug|map|bind|move|switch)\b/i;

/** Reads the volume frame of one clause. */
export function readVolumeFrame(clause: string): VolumeFrame {
  const spans: [number, number][] = [];
  const said: { name: string; at: number }[] = [];
  const take = (raw: string, at: number) => {
    const n = raw.toLowerCase().replace(/_/g, '-').replace(/-+$/, '');
    if (!/[a-z]/.test(n) || NOT_NAMES.has(n) || said.some((x) => x.name === n)) return;
    said.push({ name: n, at });
    spans.push([at, at + raw.length]);
  };
  const naming: RegExp[] = [
    // "call the volume worker-data", "name it uploads", "call this one exports"
    new RegExp(String.raw`\b(?:call|name)\s+(?:it|this|that|them|the\s+(?:new\s+)?(?:volume|dir|directory|folder|storage|one)|this\s+one)\s+(?:as\s+)?${NAME}`, 'gid'),
    // "volume name dashboards", "volume name: x"
    new RegExp(String.raw`\bvolume\s+name\b\s*(?:is\s+|:\s*|=\s*)?${NAME}`, 'gid'),
    // "volume uploads", "a volume named nc-data", "volumes: a-data and b-data", "new volume 'cache'"
    new RegExp(String.raw`\bvolumes?\s*(?:(?:called|named)\s+|:\s*)?${NAME}${MORE_NAMES}`, 'gid'),
    // "the media volume", "an uploads volume"
    new RegExp(String.raw`${NAME}\s+volume\b`, 'gid'),
  ];
  for (const re of naming) {
    for (const m of clause.matchAll(re)) {
      const ix = (m as RegExpMatchArray & { indices: [number, number][] }).indices;
      take(m[1]!, ix[1]![0]);
      // Several names only after the plural or a colon ("volumes a and b", "volume: a, b").
      if (m[2] && /^volumes|:/i.test(m[0])) for (const more of m[2].matchAll(new RegExp(NAME, 'gid'))) take(more[1]!, ix[2]![0] + (more as RegExpMatchArray & { indices: [number, number][] }).indices[1]![0]);
    }
  }
  // "a directory called x", "storage named x": only where storage is said.
  if (STORAGE.test(clause)) for (const m of clause.matchAll(new RegExp(String.raw`\b(?:called|named)\s+${NAME}`, 'gi'))) take(m[1]!, (m.index ?? 0) + m[0].length - m[1]!.length);
  // Where storage is said: "name grafana-data", "name=media", and each item of a list said
  // with its path ("photos (/srv/photos) and docs (/srv/docs)", "logs at /var/log/app, cache at /srv/cache").
  if (STORAGE.test(clause)) {
    for (const m of clause.matchAll(new RegExp(String.raw`\bname\b\s*(?:is\s+|:\s*|=\s*)?${NAME}`, 'gid'))) take(m[1]!, (m as RegExpMatchArray & { indices: [number, number][] }).indices[1]![0]);
    for (const m of clause.matchAll(new RegExp(String.raw`(?:^|,|\band\b|&|:|\bvolumes?\b)\s*${NAME}\s*(?:\(\s*|\s(?:at|in|under|on)\s+|[:=]\s*|->\s*)(?=\/)`, 'gid'))) take(m[1]!, (m as RegExpMatchArray & { indices: [number, number][] }).indices[1]![0]);
  }
  const names = said.sort((a, b) => a.at - b.at).map((x) => x.name);

  const device = /\bmount\w*\s+((?:\/dev\/[\w/.-]+)|(?:UUID|LABEL)=[\w.-]+)/i.exec(clause)?.[1];
  const paths: { path: string; index: number; host: boolean }[] = [];
  for (const m of clause.matchAll(ABS_PATH)) {
    const path = m[0].replace(/[.]+$/, '').replace(/(.)\/+$/, '$1');
    if (path === device || path.startsWith('/dev/')) continue;
    // Said as the host's ("path /srv/x", "host dir /srv/x", "/srv/x on the host").
    const host = /\b(?:path|host(?:'s)?\s+(?:dir(?:ectory)?|folder|path)|on\s+the\s+host(?:\s+at)?)\s*[:=]?\s*$/i.test(clause.slice(0, m.index)) || /^\s+on\s+the\s+host\b/i.test(clause.slice((m.index ?? 0) + m[0].length));
    paths.push({ path, index: m.index ?? 0, host });
    spans.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  }
  const owner = /\b(?:owned\s+by|owner(?:\s+is)?|chown(?:ed)?\s+to)\s+(?:uid\s+|user\s+)?(\d{1,10})(?:\s*[:/]\s*(\d{1,10})|\s+(?:and\s+)?gid\s+(\d{1,10}))?/i.exec(clause);
  const fs = /\b(ext4|xfs|btrfs|tmpfs)\b/i.exec(clause)?.[1]?.toLowerCase() as VolumeFrame['filesystem'];
  const size = findSizes(clause)[0]?.value;
  return {
    names,
    paths,
    device,
    readonly: /\bread[- ]?only\b|\breadonly\b|\b(?:as\s+)?ro\b(?!\s*[:=])/i.test(clause),
    size,
    owner: owner ? `${owner[1]}${owner[2] ?? owner[3] ? `:${owner[2] ?? owner[3]}` : ''}` : undefined,
    filesystem: fs,
    storage: STORAGE.test(clause),
    placing: PLACING.test(clause),
    spans,
  };
}

/**
 * A clause that only adds a detail to the volume said before it ("…, call the volume x",
 * "…, /srv/artifacts", "…, put it at /srv/uploads", "…, path /srv/x", "…, owned by uid 472",
 * "…, xfs", "…, read only", "…, b-data"): read with that clause. Only asked when the request
 * says storage.
 */
export function volumeDetail(c: string): boolean {
  const t = c.trim().replace(/[.!]+$/, '');
  return (
    /^(?:and\s+)?(?:(?:please\s+)?(?:call|name)\s+(?:it|this|that|the\s+(?:new\s+)?(?:volume|dir|directory|folder|storage|one))|volume\s+name\s*:?)\s+\S+$/i.test(t) ||
    /^(?:and\s+)?(?:(?:put|keep|store|place|mount|have)\s+(?:it|them)\s+)?(?:(?:at|in|under|on|to|into)\s+|path\s*:?\s*)?\/[\w./@+-]*$/i.test(t) ||
    /^(?:and\s+)?(?:owned\s+by|owner)\b/i.test(t) ||
    /^(?:and\s+)?(?:it'?s\s+|its\s+)?(?:ext4|xfs|btrfs|tmpfs)$/i.test(t) ||
    /^(?:and\s+)?(?:read[- ]?only|readonly|ro)$/i.test(t) ||
    /^(?:and\s+)?['"“‘`]?[a-z0-9][a-z0-9_-]{0,62}['"”’`]?$/i.test(t) ||
    // "…, docs (/srv/docs)", "…, cache at /srv/cache", "…, name=media path=/srv/media": one more item, with its path.
    /^(?:and\s+)?['"“‘`]?[a-z0-9][a-z0-9_-]{0,62}['"”’`]?\s*(?:\(\s*|\s(?:at|in|under|on)\s+|[:=]\s*|->\s*)\/[\w./@+-]*\)?$/i.test(t) ||
    /^(?:and\s+)?name\s*(?:is\s+|:\s*|=\s*)?['"“‘`]?[a-z0-9][a-z0-9_-]{0,62}['"”’`]?(?:\s*(?:,\s*)?path\s*[:=]?\s*\/[\w./@+-]*)?$/i.test(t)
  );
}

/** Storage words: the request is about volumes, so its detail clauses join (volumeDetail). */
export function saysStorage(text: string): boolean {
  return STORAGE.test(text);
}
