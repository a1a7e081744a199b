/**
 * The catalogue of every compiler diagnostic, with a stable code (like TypeScript's
 * diagnosticMessages.json). Codes are never reused or renumbered; add new ones at the end
 * of their block. `{name}` placeholders are filled by `DiagnosticSink.report`.
 *
 * Blocks:  CLA1xxx parse · CLA2xxx schema check · CLA3xxx resolve · CLA4xxx plan
 *          CLA5xxx intent/proposals · CLA6xxx firewall · CLA9xxx input/files
 */
import type { Severity } from './diagnostics.js';
import { STATE_FILE_SIZE_HINT } from '../common/state-read.js';

export interface MessageEntry {
  severity: Severity;
  message: string;
  hint: string;
}

export const MESSAGES = {
  // ── parse (CLA1xxx) ──────────────────────────────────────────────────────
  CLA1001: { severity: 'error', message: 'the file is empty', hint: 'write the state as a YAML mapping (apiVersion: claude.os/v1, kind: …, spec: …), or delete the file' },
  CLA1002: { severity: 'error', message: 'the file is {size} bytes, over the limit of {limit} bytes', hint: STATE_FILE_SIZE_HINT },
  CLA1003: { severity: 'error', message: 'the file is not valid UTF-8', hint: 'save the file as UTF-8 text' },
  CLA1004: { severity: 'error', message: 'YAML syntax error: {detail}', hint: 'look at this line and the one before it; quote values that contain ": " or " #", or that start with one of [ ] { } , & * ! | > \' " % @ `' },
  CLA1005: { severity: 'error', message: 'a tab is used for indentation', hint: 'YAML indents with spaces only: replace the tab with spaces' },
  CLA1006: { severity: 'error', message: 'this string has an opening {quote} but no closing one', hint: 'add the closing {quote} at the end of the value (inside the string, write {escape})' },
  CLA1007: { severity: 'error', message: 'this {kind} is never closed', hint: 'add the missing {close}, or write the list or mapping in block style (one item per line)' },
  CLA1008: { severity: 'error', message: 'bad indentation: {detail}', hint: 'keys of one mapping, and items of one list, must start at the same column; indent nested content by two more spaces than its parent key' },
  CLA1009: { severity: 'error', message: 'a plain value cannot contain ": " (it reads as a nested mapping)', hint: 'quote the value, e.g. key: "a: b"' },
  CLA1010: { severity: 'error', message: 'a key is not followed by ":"', hint: 'write key: value; if this line continues the value above, quote that value or indent this line under it' },
  CLA1011: { severity: 'error', message: 'the file holds more than one YAML document; a second one starts here', hint: 'a state file is a single document: remove this "---" line and what follows, or merge it into the first document' },
  CLA1012: { severity: 'error', message: '%YAML {version} is not supported', hint: 'state files are YAML 1.2: remove the %YAML directive' },
  CLA1013: { severity: 'error', message: 'duplicate key {key} (first written at line {firstLine})', hint: 'a key may appear once in a mapping: remove or rename one of the two' },
  CLA1014: { severity: 'error', message: 'a mapping key must be a plain scalar, found {found}', hint: 'write the key as a string, e.g. name: value' },
  CLA1015: { severity: 'error', message: 'empty mapping key', hint: 'write a key before the ":"' },
  CLA1016: { severity: 'error', message: 'tag {tag} is not allowed', hint: 'state files hold plain YAML 1.2 values: remove the tag (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are accepted)' },
  CLA1017: { severity: 'error', message: '{text} is not a valid {tag} value', hint: 'remove the tag, or write a value of that type' },
  CLA1018: { severity: 'error', message: 'alias *{name} refers to no anchor', hint: 'define &{name} on a value before this alias, or write the value out' },
  CLA1019: { severity: 'error', message: 'alias *{name} refers to a value that contains it', hint: 'an alias cannot point at its own parent; write the value out' },
  CLA1020: { severity: 'error', message: 'more than {limit} alias expansions', hint: 'write the values out, or use fewer *aliases (the limit guards against "billion laughs" documents)' },
  CLA1021: { severity: 'error', message: 'the document expands to more than {limit} values', hint: 'aliases multiply the size of the document; write the values out instead' },
  CLA1022: { severity: 'error', message: 'nesting is deeper than {limit} levels', hint: 'state files are shallow; look for unbalanced brackets or runaway indentation' },
  CLA1023: { severity: 'error', message: 'the top level must be a mapping, found {found}', hint: 'start the file with keys, e.g. apiVersion: claude.os/v1, kind: …, spec: …' },
  CLA1024: { severity: 'error', message: 'the aliases add more than {limit} bytes to the file (each *alias counts as its value written out)', hint: 'write fewer or smaller aliased values: expanding its aliases may add at most {limit} bytes to a state file (the limit guards against "billion laughs" documents)' },
  // ── check (CLA2xxx) ──────────────────────────────────────────────────────
  CLA2001: { severity: 'error', message: 'unknown property {prop} in {where}', hint: '{suggestion}' },
  CLA2002: { severity: 'error', message: '{where} is missing the required property {prop}', hint: 'add {key}: …{example}' },
  CLA2003: { severity: 'error', message: '{where} must be {expected}, found {found}', hint: '{fix}' },
  CLA2004: { severity: 'error', message: '{where} must be one of {allowed}, found {found}', hint: '{suggestion}' },
  CLA2005: { severity: 'error', message: '{where}: {value} is not {what}{reason}', hint: '{fix}' },
  CLA2006: { severity: 'error', message: '{where} is {value}, {limit}', hint: '{fix}' },
  CLA2007: { severity: 'error', message: 'kind {found} is not a state file kind', hint: '{file} must have kind: {expected}' },
  CLA2008: { severity: 'error', message: 'apiVersion must be claude.os/v1, found {found}', hint: 'write apiVersion: claude.os/v1 as the first line' },
  CLA2009: { severity: 'error', message: '{where} has {count} {unit}, {limit}', hint: '{fix}' },
  CLA2010: { severity: 'error', message: '{where} lists {value} twice (items {first} and {second})', hint: 'remove the duplicate' },
  CLA2011: { severity: 'error', message: 'invalid key {key} in {where}: {what}', hint: '{fix}' },
  CLA2012: { severity: 'error', message: '{where} must be {expected}, found {found}', hint: '{fix}' },
  CLA2013: { severity: 'error', message: 'job {name} sets both container and image', hint: 'a job runs either in a service\'s container (container: SERVICE) or in a utility container (image: IMAGE): remove one of the two' },
  CLA2014: { severity: 'error', message: 'secret {name} holds a plaintext value', hint: 'secrets are stored age-encrypted (encrypted:v1:…): run `claude secret set {name}` to encrypt it, and never write the plaintext into a state file' },
  CLA2015: { severity: 'error', message: 'this file has kind {found}, which belongs in {other}', hint: 'rename the file to {other}, or set kind: {expected} if this is meant to be {file}' },
  CLA2016: { severity: 'error', message: '{where} is not valid: {detail}', hint: 'see docs/state-files.md for the format of this field' },
  CLA2017: { severity: 'error', message: '{where} is empty (null)', hint: 'write a value, or remove the key{quoteHint}' },
  // ── resolve (CLA3xxx) ────────────────────────────────────────────────────
  CLA3001: { severity: 'warning', message: 'service {service}: image {image} already has {what}; {rule}', hint: '{fix}' },
  CLA3002: { severity: 'error', message: 'service {service}: environment {key} refers to secret {name}, which security.yaml does not declare', hint: '{suggestion}add it with `claude secret set {name}` (or to the secrets of security.yaml)' },
  CLA3003: { severity: 'error', message: 'service {service} joins network {name}, which services.yaml does not declare', hint: '{suggestion}add - name: {name} under spec.networks in services.yaml' },
  CLA3004: { severity: 'error', message: '{owner}: volume {name} is not declared in storage.yaml', hint: '{suggestion}add a volume named {name} (with its path) to storage.yaml, or write an absolute host path' },
  CLA3005: { severity: 'error', message: 'service {service} depends on {name}, which is not a service', hint: '{suggestion}remove it from depends_on, or add a service named {name}' },
  CLA3006: { severity: 'error', message: 'services depend on each other in a cycle: {cycle}', hint: 'remove one of these depends_on entries so that some service can start first' },
  CLA3007: { severity: 'error', message: 'service {service} publishes host port {port}/{protocol}{ip}, which service {other} already publishes', hint: 'two containers cannot listen on the same host port: choose another host port for one of them (e.g. host: {free})' },
  CLA3008: { severity: 'error', message: 'service {service} has {replicas} replicas and publishes the fixed host port {port}/{protocol}', hint: 'each replica would need host port {port}, and only one can have it: set replicas: 1, or remove host: so that the port is reachable only on the service networks' },
  CLA3009: { severity: 'error', message: 'duplicate {kind} name {name} (first declared at line {firstLine})', hint: 'names must be unique: rename or remove one of the two' },
  CLA3010: { severity: 'error', message: 'job {job} runs in container {name}, which is not a service', hint: '{suggestion}set container: to a service in services.yaml, or remove container: to run the job in a utility container' },
  CLA3011: { severity: 'error', message: 'llm.api_key_secret refers to secret {name}, which security.yaml does not declare', hint: '{suggestion}add it with `claude secret set {name}` (or to the secrets of security.yaml)' },
  CLA3012: { severity: 'warning', message: 'hostname {hostname} in manifest.yaml differs from {other} in network.yaml', hint: 'write the same hostname in both files; the one in network.yaml is applied' },
  CLA3013: { severity: 'error', message: '{owner}: {field} cannot be split into arguments: {reason}', hint: 'close the quote, or write the command as a list: ["prog", "arg 1", "arg2"]' },
  CLA3014: { severity: 'warning', message: '{owner}: {field} contains {op}, which is passed to the program as a plain argument (no shell runs)', hint: 'to use a shell, write {field}: ["/bin/sh", "-c", "…"]; otherwise quote the argument' },
  CLA3015: { severity: 'error', message: '{owner}: {text} is not a secret reference', hint: 'write ${secrets.NAME} with a secret name of lowercase letters, digits and "_"; only ${secrets.…} is substituted (write $${…} for a literal "${")' },
  CLA3016: { severity: 'error', message: '{owner}: {field} refers to secret {name}, but secrets are only substituted in environment values', hint: 'pass the secret through an environment variable (e.g. environment: {VAR: "${secrets.{name}}"}) and read that' },
  CLA3017: { severity: 'error', message: 'job {job} sets volumes and runs in the container of {name}', hint: 'volumes are only for jobs run in a utility container: remove volumes (the job sees the service container\'s own mounts) or remove container:' },
  CLA3018: { severity: 'warning', message: 'service {service}: healthcheck has no test, so it is ignored', hint: 'add test: "…" (a command that exits 0 when the service is healthy), or remove the healthcheck' },
  CLA3019: { severity: 'warning', message: 'service {service} depends on {name}, which is {state}, so {service} will wait for it forever', hint: 'start {name} (state: running, enabled: true, replicas ≥ 1), or remove it from depends_on' },
  CLA3020: { severity: 'error', message: 'volume {name}: path {path} is inside volume {other} ({otherPath})', hint: 'volumes must not nest: give {name} a path outside {otherPath}' },
  CLA3021: { severity: 'error', message: 'notifications.webhook.secret refers to secret {name}, which security.yaml does not declare', hint: '{suggestion}add it with `claude secret set {name}` (or to the secrets of security.yaml), or remove webhook.secret to send unsigned notifications' },
  CLA3022: { severity: 'error', message: '{owner} mounts host path {path}: {what}; a container with it can take over the host', hint: 'mount a volume from storage.yaml or a path of its own (e.g. /srv/...) instead; if it really needs {path}, add it to spec.safety.allow_host_mounts in manifest.yaml (each such plan then needs an admin signature and an explicit confirmation)' },
  CLA3023: { severity: 'error', message: '{owner}: {where} holds a plaintext secret ({what})', hint: 'store it encrypted with `claude secret set {name}` (the value is read from stdin, never the command line) and write ${secrets.{name}} in an environment value instead; a plaintext value would land in plan.json, git and the LLM context' },
  CLA3024: { severity: 'error', message: '{owner}: {field} downloads code and runs it ({what})', hint: 'put the program into the image (or build a local image) instead; Claude.OS never runs code fetched from the network at run time' },
  CLA3040: { severity: 'error', message: '{owner}: backup destination {destination} is inside volume {name} ({path}), the volume it backs up', hint: 'a backup kept inside its own volume is lost with it (and restored over itself): choose a destination outside {path}, or leave destination out to use the data dir (<data dir>/backups)' },
  CLA3041: { severity: 'error', message: 'volume {name}: backup type dump needs a PostgreSQL or Redis service that mounts it; {found}', hint: 'use type: archive (or snapshot) for other data, or mount {name} in the database service' },
  CLA3042: { severity: 'error', message: 'job {job} has the name of the scheduled backup of volume {name}', hint: 'the backup of a volume runs as the job backup-<volume>: rename job {job}' },
  CLA3043: { severity: 'error', message: 'service {service} gives replicas: {replicas} and placement.replicas: {placed}', hint: 'give the number of replicas once: keep replicas, or placement.replicas, not both' },
  CLA3050: { severity: 'error', message: 'mount {source} → {target} has no type', hint: 'add type: ext4 (or xfs, btrfs, vfat): the filesystem the device holds (`lsblk -f` shows it); Claude.OS checks it before mounting and never guesses' },
  CLA3051: { severity: 'error', message: 'mount {source} → {target}: type {type} is not supported yet', hint: 'storage.yaml mounts are block devices with ext4, xfs, btrfs or vfat (docs/storage.md); for a RAM disk or a network share, mount it outside Claude.OS' },
  CLA3052: { severity: 'error', message: 'mount {what} {value} is declared twice (also mount {other})', hint: 'each device is mounted once, at one target: remove one of the two mounts' },
  CLA3053: { severity: 'error', message: 'mount {source} → {target}: {target} is {why}', hint: 'mount data disks at a path of their own, such as /data, /srv/data or /mnt/disk1' },
  CLA3054: { severity: 'error', message: 'mount {source} → {target}: format: true needs a /dev/… source', hint: 'formatting gives the device a new UUID and no label, so it would no longer match {source}: name it by its /dev path (lsblk -f) while format: true is set' },
  CLA3055: { severity: 'error', message: 'mount {source} → {target}: option {option} is not allowed', hint: '{why}; use ordinary mount options (defaults, noatime, nodev, nosuid, noexec, ro, …)' },
  CLA3056: { severity: 'warning', message: 'volume {name} declares filesystem {filesystem}, but its path {path} is on mount {target} ({type})', hint: 'set filesystem: {type} on the volume (or remove it); the volume lives on the mounted device' },
  CLA3057: { severity: 'error', message: 'reconcile.backoff.{field} is {value}; the wait before a failed apply is tried again must be at least 1s', hint: 'write a duration of 1s or more, e.g. {field}: 1m (the default is first: 1m, max: 1h)' },
  CLA3058: { severity: 'error', message: 'reconcile.backoff.max ({max}) is shorter than reconcile.backoff.first ({first})', hint: 'the wait doubles from first up to max: make max at least {first}, or first at most {max}' },
  CLA3059: { severity: 'error', message: 'service {service}: memory {memory} is under 6Mi, the least a container can be given', hint: 'write memory: 6Mi or more, or remove the limit (Docker refuses less when it creates the container, and the apply is rolled back)' },
  // ── plan (CLA4xxx) ───────────────────────────────────────────────────────
  CLA4001: { severity: 'error', message: 'container name {name} (service {service}) is taken by a container Claude.OS does not manage', hint: 'remove or rename that container (docker rm {name}), or rename the service' },
  CLA4002: { severity: 'error', message: 'service {service} publishes host port {port}/{protocol}, already published by container {container}, which Claude.OS does not manage', hint: 'stop that container, or publish the service on another host port' },
  CLA4003: { severity: 'error', message: 'network {name} exists but Claude.OS does not manage it', hint: 'remove it (docker network rm {name}) or give the network another name' },
  CLA4004: { severity: 'error', message: 'container name {name} of replica {replica} of service {service} is the name of service {other}', hint: 'rename one of the services: replica n of service s is named s-n' },
  CLA4005: { severity: 'warning', message: 'volume {name} ({path}) is no longer declared; it is kept with its data', hint: 'declare it again in storage.yaml, or plan with --allow-destructive to delete it and its data' },
  CLA4006: { severity: 'error', message: 'service name {service} is one character; Docker container names need at least two', hint: 'rename the service, e.g. {service}{service} or {service}-svc' },
  CLA4007: { severity: 'error', message: 'mount {target} ({source}) is no longer declared, but {what} {name} ({path}) lives on it', hint: 'declare the mount again in storage.yaml, or move {name} off {target} first: unmounting it would leave {name} on the empty directory below' },
  CLA4008: { severity: 'error', message: 'service {service}: cpu {cpu} is more than this host has ({cores} cores)', hint: 'write cpu: {cores} or less, or remove the limit (Docker refuses more CPUs than the host has when it creates the container, and the apply is rolled back)' },
  // ── intent / proposals (CLA5xxx) ─────────────────────────────────────────
  CLA5001: { severity: 'error', message: 'the proposal names {name}, which is not a state file', hint: 'only manifest.yaml, services.yaml, network.yaml, storage.yaml, security.yaml and scheduled.yaml can be proposed, by bare name (no paths)' },
  CLA5002: { severity: 'error', message: 'the proposed file holds a plan or a signed envelope', hint: 'a proposal holds state files only; plans are made and signed by the compiler' },
  CLA5003: { severity: 'warning', message: 'ignored {keys}: a proposal cannot approve, sign or carry a plan', hint: 'only you approve, by answering yes (or --yes), which signs the plan with the host key' },
  CLA5004: { severity: 'warning', message: 'ignored the change to {path}', hint: '{why}' },
  CLA5005: { severity: 'warning', message: 'dropped the secret {name}', hint: 'secrets are created only with `claude secret set NAME`, never by a proposal' },
  CLA5006: { severity: 'warning', message: 'dropped {service}.environment.{key}: its value was masked in the context and there is no current value to restore', hint: 'set it by hand in services.yaml, or store it as a secret and refer to it as ${secrets.NAME}' },
  CLA5007: { severity: 'error', message: 'the proposal must give the full file as YAML text, not {found}', hint: 'send the complete new file as one string' },
  CLA5008: { severity: 'error', message: 'the proposed file cannot be vetted: {reason}', hint: 'write the file without YAML anchors and aliases (&name / *name)' },
  // ── firewall (CLA6xxx) ───────────────────────────────────────────────────
  CLA6001: { severity: 'error', message: 'firewall rule {rule}: {field} {value} is not an IPv4/IPv6 address or CIDR prefix', hint: 'write an address such as 10.0.1.50 or 2001:db8::1, or a prefix such as 10.0.0.0/8 or 2001:db8::/32 (or a list of those)' },
  CLA6002: { severity: 'error', message: 'firewall rule {rule}: port {value} is not a port (1-65535) or a range "LOW-HIGH"', hint: 'write a number such as 22, a range such as "8000-8100", or a list of those' },
  CLA6003: { severity: 'error', message: 'firewall rule {rule}: a port needs protocol tcp or udp (protocol is {protocol})', hint: 'add `protocol: tcp` (or udp) to the rule, or remove `port`' },
  CLA6004: { severity: 'error', message: 'firewall rule {rule}: unknown connection state {value}', hint: 'state is a comma list of new, established, related, invalid, e.g. state: established,related' },
  CLA6005: { severity: 'error', message: 'duplicate firewall rule name {rule}', hint: 'give every rule a unique name' },
  CLA6006: { severity: 'error', message: 'firewall rule {rule}: interface {value} is not a valid interface name', hint: 'use a name of up to 15 characters such as eth0, lo or wg0; a trailing * matches a prefix (br-*)' },
  CLA6007: { severity: 'warning', message: 'firewall rule {rule} can never match: {reason}; it is left out', hint: 'IPv4 and IPv6 parts of a rule never match each other; icmp is IPv4 only and icmpv6 IPv6 only' },
  CLA6008: { severity: 'warning', message: 'firewall rule {rule}: {value} has host bits set; it is read as {normalised}', hint: 'write the network address, {normalised}, or a plain address for a single host' },
  CLA6009: { severity: 'error', message: 'firewall rule {rule}: invalid {field} {value}', hint: '{allowed}' },
  CLA6010: { severity: 'error', message: 'the new firewall would lock you out: {reason}', hint: 'add a rule that accepts this connection (e.g. protocol tcp, the port, source your address or network) before any rule that drops it, or pass --i-know-what-i-am-doing' },
  CLA6011: { severity: 'error', message: 'firewall default_{direction}_policy {value} is not accept or drop', hint: 'policies are accept or drop; to reject, add a last rule with action: reject' },
  CLA6012: { severity: 'warning', message: 'the new firewall would lock you out, and --i-know-what-i-am-doing was given: {reason}', hint: 'keep a console open; the change is applied commit-confirmed and comes back unless confirmed (claude confirm)' },
  // host network (network.yaml interfaces)
  CLA6013: { severity: 'warning', message: 'the firewall input policy is drop and no rule accepts established,related connections: the replies to this host\'s own connections (DNS, updates, image pulls, backups sent elsewhere) will be dropped', hint: 'add a first rule: - name: allow-established, state: established,related, action: accept' },
  CLA6014: { severity: 'warning', message: 'the firewall input policy is drop and no rule accepts the loopback interface: connections from this host to itself (127.0.0.1, the ports published on it) will be dropped', hint: 'add a rule: - name: allow-loopback, interface: lo, action: accept' },
  CLA6020: { severity: 'error', message: 'interface {name} is static but its address {value} has no prefix length', hint: 'write the address with its prefix, e.g. address: 192.168.1.100/24' },
  CLA6021: { severity: 'error', message: 'interface {name}: {field} {value} is not a valid IP address', hint: 'write an IPv4 or IPv6 address such as 192.168.1.1 or 2001:db8::1' },
  CLA6022: { severity: 'warning', message: 'interface {name}: gateway {gateway} is outside its network {network}', hint: 'a gateway is normally inside the interface network; check the address prefix and the gateway' },
  CLA6023: { severity: 'error', message: 'interface {name} is declared twice', hint: 'declare each interface once' },
  CLA6024: { severity: 'warning', message: 'interface {name} uses dhcp; its address and gateway are ignored', hint: 'remove address and gateway, or set type: static' },
  // ── input / files ────────────────────────────────────────────────────────
  CLA9001: { severity: 'error', message: 'state dir {dir} does not exist', hint: 'create it, or pass --state-dir DIR (or set CLAUDE_STATE_DIR)' },
  CLA9002: { severity: 'error', message: 'cannot read {file}: {reason}', hint: 'check the file permissions; a state file must be a regular file (not a directory, pipe or device)' },
  CLA9003: { severity: 'error', message: 'state dir {dir} has no state files', hint: 'add at least services.yaml, or run `claude "<what you want>"` to create one' },
  CLA9004: { severity: 'error', message: 'unknown state file name {name}', hint: 'only manifest.yaml, services.yaml, network.yaml, storage.yaml, security.yaml and scheduled.yaml are allowed' },
  CLA9005: { severity: 'error', message: '{file} is {reason}; links in the state dir are never followed, so it was not read', hint: 'replace the link with the state file itself (rm the link, then write a regular YAML file under that name)' },
  CLA9006: { severity: 'error', message: '{more} more problems in {file} are not listed (only the first {limit} are)', hint: 'fix the problems listed first (they often cause the rest, e.g. one *alias copied into many places), then validate again' },
} as const satisfies Record<string, MessageEntry>;

export type DiagnosticCode = keyof typeof MESSAGES;
