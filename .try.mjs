// fixtures/intent-eval/run.ts
import { existsSync as existsSync4, readFileSync as readFileSync4 } from "node:fs";
import { join as join6 } from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";
import { parse as parseYaml2 } from "yaml";

// compiler/intent/generated-secrets.ts
import { isMap, isSeq, parseDocument } from "yaml";
var EMPTY_SECURITY = "apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  secrets:\n";
function withSecrets(securityText, entries) {
  const doc = parseDocument(securityText ?? EMPTY_SECURITY);
  const seq = doc.getIn(["spec", "secrets"], true);
  const have = /* @__PURE__ */ new Set();
  if (isSeq(seq)) {
    for (const item of seq.items) if (isMap(item) && typeof item.get("name") === "string") have.add(item.get("name"));
  }
  const fresh = entries.filter((e) => !have.has(e.name));
  if (fresh.length === 0) return securityText ?? doc.toString({ lineWidth: 0 });
  if (isSeq(seq)) for (const e of fresh) seq.items.push(doc.createNode({ name: e.name, value: e.value }));
  else doc.setIn(["spec", "secrets"], doc.createNode(fresh.map((e) => ({ name: e.name, value: e.value }))));
  return doc.toString({ lineWidth: 0 });
}

// common/paths.ts
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
var cachedPkgRoot;
function packageRoot() {
  if (cachedPkgRoot) return cachedPkgRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (; ; ) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "schemas"))) return cachedPkgRoot = dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("claude-os: cannot find the package root from " + import.meta.url);
    dir = up;
  }
}

// common/trace.ts
var on = !!process.env.CLAUDE_TRACE;
var last = 0;
function trace(label) {
  if (!on) return;
  const now = performance.now();
  const c = process.cpuUsage();
  const cpu = (c.user + c.system) / 1e3;
  process.stderr.write(`[trace] ${now.toFixed(1).padStart(8)} ms  +${(now - last).toFixed(1).padStart(7)}  cpu ${cpu.toFixed(0).padStart(5)} ms  ${label}
`);
  last = now;
}

// compiler/messages.ts
var MESSAGES = {
  // ── parse (CLA1xxx) ──────────────────────────────────────────────────────
  CLA1001: { severity: "error", message: "the file is empty", hint: "write the state as a YAML mapping (apiVersion: claude.os/v1, kind: \u2026, spec: \u2026), or delete the file" },
  CLA1002: { severity: "error", message: "the file is {size} bytes, over the limit of {limit} bytes", hint: "state files are small; remove what does not belong in it" },
  CLA1003: { severity: "error", message: "the file is not valid UTF-8", hint: "save the file as UTF-8 text" },
  CLA1004: { severity: "error", message: "YAML syntax error: {detail}", hint: 'look at this line and the one before it; quote values that contain ": " or " #", or that start with one of [ ] { } , & * ! | > \' " % @ `' },
  CLA1005: { severity: "error", message: "a tab is used for indentation", hint: "YAML indents with spaces only: replace the tab with spaces" },
  CLA1006: { severity: "error", message: "this string has an opening {quote} but no closing one", hint: "add the closing {quote} at the end of the value (inside the string, write {escape})" },
  CLA1007: { severity: "error", message: "this {kind} is never closed", hint: "add the missing {close}, or write the list or mapping in block style (one item per line)" },
  CLA1008: { severity: "error", message: "bad indentation: {detail}", hint: "keys of one mapping, and items of one list, must start at the same column; indent nested content by two more spaces than its parent key" },
  CLA1009: { severity: "error", message: 'a plain value cannot contain ": " (it reads as a nested mapping)', hint: 'quote the value, e.g. key: "a: b"' },
  CLA1010: { severity: "error", message: 'a key is not followed by ":"', hint: "write key: value; if this line continues the value above, quote that value or indent this line under it" },
  CLA1011: { severity: "error", message: "the file holds more than one YAML document; a second one starts here", hint: 'a state file is a single document: remove this "---" line and what follows, or merge it into the first document' },
  CLA1012: { severity: "error", message: "%YAML {version} is not supported", hint: "state files are YAML 1.2: remove the %YAML directive" },
  CLA1013: { severity: "error", message: "duplicate key {key} (first written at line {firstLine})", hint: "a key may appear once in a mapping: remove or rename one of the two" },
  CLA1014: { severity: "error", message: "a mapping key must be a plain scalar, found {found}", hint: "write the key as a string, e.g. name: value" },
  CLA1015: { severity: "error", message: "empty mapping key", hint: 'write a key before the ":"' },
  CLA1016: { severity: "error", message: "tag {tag} is not allowed", hint: "state files hold plain YAML 1.2 values: remove the tag (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are accepted)" },
  CLA1017: { severity: "error", message: "{text} is not a valid {tag} value", hint: "remove the tag, or write a value of that type" },
  CLA1018: { severity: "error", message: "alias *{name} refers to no anchor", hint: "define &{name} on a value before this alias, or write the value out" },
  CLA1019: { severity: "error", message: "alias *{name} refers to a value that contains it", hint: "an alias cannot point at its own parent; write the value out" },
  CLA1020: { severity: "error", message: "more than {limit} alias expansions", hint: 'write the values out, or use fewer *aliases (the limit guards against "billion laughs" documents)' },
  CLA1021: { severity: "error", message: "the document expands to more than {limit} values", hint: "aliases multiply the size of the document; write the values out instead" },
  CLA1022: { severity: "error", message: "nesting is deeper than {limit} levels", hint: "state files are shallow; look for unbalanced brackets or runaway indentation" },
  CLA1023: { severity: "error", message: "the top level must be a mapping, found {found}", hint: "start the file with keys, e.g. apiVersion: claude.os/v1, kind: \u2026, spec: \u2026" },
  // ── check (CLA2xxx) ──────────────────────────────────────────────────────
  CLA2001: { severity: "error", message: "unknown property {prop} in {where}", hint: "{suggestion}" },
  CLA2002: { severity: "error", message: "{where} is missing the required property {prop}", hint: "add {key}: \u2026{example}" },
  CLA2003: { severity: "error", message: "{where} must be {expected}, found {found}", hint: "{fix}" },
  CLA2004: { severity: "error", message: "{where} must be one of {allowed}, found {found}", hint: "{suggestion}" },
  CLA2005: { severity: "error", message: "{where}: {value} is not {what}{reason}", hint: "{fix}" },
  CLA2006: { severity: "error", message: "{where} is {value}, {limit}", hint: "{fix}" },
  CLA2007: { severity: "error", message: "kind {found} is not a state file kind", hint: "{file} must have kind: {expected}" },
  CLA2008: { severity: "error", message: "apiVersion must be claude.os/v1, found {found}", hint: "write apiVersion: claude.os/v1 as the first line" },
  CLA2009: { severity: "error", message: "{where} has {count} {unit}, {limit}", hint: "{fix}" },
  CLA2010: { severity: "error", message: "{where} lists {value} twice (items {first} and {second})", hint: "remove the duplicate" },
  CLA2011: { severity: "error", message: "invalid key {key} in {where}: {what}", hint: "{fix}" },
  CLA2012: { severity: "error", message: "{where} must be {expected}, found {found}", hint: "{fix}" },
  CLA2013: { severity: "error", message: "job {name} sets both container and image", hint: "a job runs either in a service's container (container: SERVICE) or in a utility container (image: IMAGE): remove one of the two" },
  CLA2014: { severity: "error", message: "secret {name} holds a plaintext value", hint: "secrets are stored age-encrypted (encrypted:v1:\u2026): run `claude secret set {name}` to encrypt it, and never write the plaintext into a state file" },
  CLA2015: { severity: "error", message: "this file has kind {found}, which belongs in {other}", hint: "rename the file to {other}, or set kind: {expected} if this is meant to be {file}" },
  CLA2016: { severity: "error", message: "{where} is not valid: {detail}", hint: "see docs/state-files.md for the format of this field" },
  CLA2017: { severity: "error", message: "{where} is empty (null)", hint: "write a value, or remove the key{quoteHint}" },
  // ── resolve (CLA3xxx) ────────────────────────────────────────────────────
  CLA3001: { severity: "warning", message: "service {service}: image {image} already has {what}; {rule}", hint: "{fix}" },
  CLA3002: { severity: "error", message: "service {service}: environment {key} refers to secret {name}, which security.yaml does not declare", hint: "{suggestion}add it with `claude secret set {name}` (or to the secrets of security.yaml)" },
  CLA3003: { severity: "error", message: "service {service} joins network {name}, which services.yaml does not declare", hint: "{suggestion}add - name: {name} under spec.networks in services.yaml" },
  CLA3004: { severity: "error", message: "{owner}: volume {name} is not declared in storage.yaml", hint: "{suggestion}add a volume named {name} (with its path) to storage.yaml, or write an absolute host path" },
  CLA3005: { severity: "error", message: "service {service} depends on {name}, which is not a service", hint: "{suggestion}remove it from depends_on, or add a service named {name}" },
  CLA3006: { severity: "error", message: "services depend on each other in a cycle: {cycle}", hint: "remove one of these depends_on entries so that some service can start first" },
  CLA3007: { severity: "error", message: "service {service} publishes host port {port}/{protocol}{ip}, which service {other} already publishes", hint: "two containers cannot listen on the same host port: choose another host port for one of them (e.g. host: {free})" },
  CLA3008: { severity: "error", message: "service {service} has {replicas} replicas and publishes the fixed host port {port}/{protocol}", hint: "each replica would need host port {port}, and only one can have it: set replicas: 1, or remove host: so that the port is reachable only on the service networks" },
  CLA3009: { severity: "error", message: "duplicate {kind} name {name} (first declared at line {firstLine})", hint: "names must be unique: rename or remove one of the two" },
  CLA3010: { severity: "error", message: "job {job} runs in container {name}, which is not a service", hint: "{suggestion}set container: to a service in services.yaml, or remove container: to run the job in a utility container" },
  CLA3011: { severity: "error", message: "llm.api_key_secret refers to secret {name}, which security.yaml does not declare", hint: "{suggestion}add it with `claude secret set {name}` (or to the secrets of security.yaml)" },
  CLA3012: { severity: "warning", message: "hostname {hostname} in manifest.yaml differs from {other} in network.yaml", hint: "write the same hostname in both files; the one in network.yaml is applied" },
  CLA3013: { severity: "error", message: "{owner}: {field} cannot be split into arguments: {reason}", hint: 'close the quote, or write the command as a list: ["prog", "arg 1", "arg2"]' },
  CLA3014: { severity: "warning", message: "{owner}: {field} contains {op}, which is passed to the program as a plain argument (no shell runs)", hint: 'to use a shell, write {field}: ["/bin/sh", "-c", "\u2026"]; otherwise quote the argument' },
  CLA3015: { severity: "error", message: "{owner}: {text} is not a secret reference", hint: 'write ${secrets.NAME} with a secret name of lowercase letters, digits and "_"; only ${secrets.\u2026} is substituted (write $${\u2026} for a literal "${")' },
  CLA3016: { severity: "error", message: "{owner}: {field} refers to secret {name}, but secrets are only substituted in environment values", hint: 'pass the secret through an environment variable (e.g. environment: {VAR: "${secrets.{name}}"}) and read that' },
  CLA3017: { severity: "error", message: "job {job} sets volumes and runs in the container of {name}", hint: "volumes are only for jobs run in a utility container: remove volumes (the job sees the service container's own mounts) or remove container:" },
  CLA3018: { severity: "warning", message: "service {service}: healthcheck has no test, so it is ignored", hint: 'add test: "\u2026" (a command that exits 0 when the service is healthy), or remove the healthcheck' },
  CLA3019: { severity: "warning", message: "service {service} depends on {name}, which is {state}, so {service} will wait for it forever", hint: "start {name} (state: running, enabled: true, replicas \u2265 1), or remove it from depends_on" },
  CLA3020: { severity: "error", message: "volume {name}: path {path} is inside volume {other} ({otherPath})", hint: "volumes must not nest: give {name} a path outside {otherPath}" },
  CLA3021: { severity: "error", message: "notifications.webhook.secret refers to secret {name}, which security.yaml does not declare", hint: "{suggestion}add it with `claude secret set {name}` (or to the secrets of security.yaml), or remove webhook.secret to send unsigned notifications" },
  CLA3022: { severity: "error", message: "{owner} mounts host path {path}: {what}; a container with it can take over the host", hint: "mount a volume from storage.yaml or a path of its own (e.g. /srv/...) instead; if it really needs {path}, add it to spec.safety.allow_host_mounts in manifest.yaml (each such plan then needs an admin signature and an explicit confirmation)" },
  CLA3023: { severity: "error", message: "{owner}: {where} holds a plaintext secret ({what})", hint: "store it encrypted with `claude secret set {name}` (the value is read from stdin, never the command line) and write ${secrets.{name}} in an environment value instead; a plaintext value would land in plan.json, git and the LLM context" },
  CLA3024: { severity: "error", message: "{owner}: {field} downloads code and runs it ({what})", hint: "put the program into the image (or build a local image) instead; Claude.OS never runs code fetched from the network at run time" },
  // ── plan (CLA4xxx) ───────────────────────────────────────────────────────
  CLA4001: { severity: "error", message: "container name {name} (service {service}) is taken by a container Claude.OS does not manage", hint: "remove or rename that container (docker rm {name}), or rename the service" },
  CLA4002: { severity: "error", message: "service {service} publishes host port {port}/{protocol}, already published by container {container}, which Claude.OS does not manage", hint: "stop that container, or publish the service on another host port" },
  CLA4003: { severity: "error", message: "network {name} exists but Claude.OS does not manage it", hint: "remove it (docker network rm {name}) or give the network another name" },
  CLA4004: { severity: "error", message: "container name {name} of replica {replica} of service {service} is the name of service {other}", hint: "rename one of the services: replica n of service s is named s-n" },
  CLA4005: { severity: "warning", message: "volume {name} ({path}) is no longer declared; it is kept with its data", hint: "declare it again in storage.yaml, or plan with --allow-destructive to delete it and its data" },
  CLA4006: { severity: "error", message: "service name {service} is one character; Docker container names need at least two", hint: "rename the service, e.g. {service}{service} or {service}-svc" },
  // ── intent / proposals (CLA5xxx) ─────────────────────────────────────────
  CLA5001: { severity: "error", message: "the proposal names {name}, which is not a state file", hint: "only manifest.yaml, services.yaml, network.yaml, storage.yaml, security.yaml and scheduled.yaml can be proposed, by bare name (no paths)" },
  CLA5002: { severity: "error", message: "the proposed file holds a plan or a signed envelope", hint: "a proposal holds state files only; plans are made and signed by the compiler" },
  CLA5003: { severity: "warning", message: "ignored {keys}: a proposal cannot approve, sign or carry a plan", hint: "only you approve, by answering yes (or --yes), which signs the plan with the host key" },
  CLA5004: { severity: "warning", message: "ignored the change to {path}", hint: "{why}" },
  CLA5005: { severity: "warning", message: "dropped the secret {name}", hint: "secrets are created only with `claude secret set NAME`, never by a proposal" },
  CLA5006: { severity: "warning", message: "dropped {service}.environment.{key}: its value was masked in the context and there is no current value to restore", hint: "set it by hand in services.yaml, or store it as a secret and refer to it as ${secrets.NAME}" },
  CLA5007: { severity: "error", message: "the proposal must give the full file as YAML text, not {found}", hint: "send the complete new file as one string" },
  CLA5008: { severity: "error", message: "the proposed file cannot be vetted: {reason}", hint: "write the file without YAML anchors and aliases (&name / *name)" },
  // ── firewall (CLA6xxx) ───────────────────────────────────────────────────
  CLA6001: { severity: "error", message: "firewall rule {rule}: {field} {value} is not an IPv4/IPv6 address or CIDR prefix", hint: "write an address such as 10.0.1.50 or 2001:db8::1, or a prefix such as 10.0.0.0/8 or 2001:db8::/32 (or a list of those)" },
  CLA6002: { severity: "error", message: 'firewall rule {rule}: port {value} is not a port (1-65535) or a range "LOW-HIGH"', hint: 'write a number such as 22, a range such as "8000-8100", or a list of those' },
  CLA6003: { severity: "error", message: "firewall rule {rule}: a port needs protocol tcp or udp (protocol is {protocol})", hint: "add `protocol: tcp` (or udp) to the rule, or remove `port`" },
  CLA6004: { severity: "error", message: "firewall rule {rule}: unknown connection state {value}", hint: "state is a comma list of new, established, related, invalid, e.g. state: established,related" },
  CLA6005: { severity: "error", message: "duplicate firewall rule name {rule}", hint: "give every rule a unique name" },
  CLA6006: { severity: "error", message: "firewall rule {rule}: interface {value} is not a valid interface name", hint: "use a name of up to 15 characters such as eth0, lo or wg0; a trailing * matches a prefix (br-*)" },
  CLA6007: { severity: "warning", message: "firewall rule {rule} can never match: {reason}; it is left out", hint: "IPv4 and IPv6 parts of a rule never match each other; icmp is IPv4 only and icmpv6 IPv6 only" },
  CLA6008: { severity: "warning", message: "firewall rule {rule}: {value} has host bits set; it is read as {normalised}", hint: "write the network address, {normalised}, or a plain address for a single host" },
  CLA6009: { severity: "error", message: "firewall rule {rule}: invalid {field} {value}", hint: "{allowed}" },
  CLA6010: { severity: "error", message: "the new firewall would lock you out: {reason}", hint: "add a rule that accepts this connection (e.g. protocol tcp, the port, source your address or network) before any rule that drops it, or pass --i-know-what-i-am-doing" },
  CLA6011: { severity: "error", message: "firewall default_{direction}_policy {value} is not accept or drop", hint: "policies are accept or drop; to reject, add a last rule with action: reject" },
  CLA6012: { severity: "warning", message: "the new firewall would lock you out, and --i-know-what-i-am-doing was given: {reason}", hint: "keep a console open; the change is applied commit-confirmed and comes back unless confirmed (claude confirm)" },
  // host network (network.yaml interfaces)
  CLA6020: { severity: "error", message: "interface {name} is static but its address {value} has no prefix length", hint: "write the address with its prefix, e.g. address: 192.168.1.100/24" },
  CLA6021: { severity: "error", message: "interface {name}: {field} {value} is not a valid IP address", hint: "write an IPv4 or IPv6 address such as 192.168.1.1 or 2001:db8::1" },
  CLA6022: { severity: "warning", message: "interface {name}: gateway {gateway} is outside its network {network}", hint: "a gateway is normally inside the interface network; check the address prefix and the gateway" },
  CLA6023: { severity: "error", message: "interface {name} is declared twice", hint: "declare each interface once" },
  CLA6024: { severity: "warning", message: "interface {name} uses dhcp; its address and gateway are ignored", hint: "remove address and gateway, or set type: static" },
  // ── input / files ────────────────────────────────────────────────────────
  CLA9001: { severity: "error", message: "state dir {dir} does not exist", hint: "create it, or pass --state-dir DIR (or set CLAUDE_STATE_DIR)" },
  CLA9002: { severity: "error", message: "cannot read {file}: {reason}", hint: "check the file permissions" },
  CLA9003: { severity: "error", message: "state dir {dir} has no state files", hint: 'add at least services.yaml, or run `claude "<what you want>"` to create one' },
  CLA9004: { severity: "error", message: "unknown state file name {name}", hint: "only manifest.yaml, services.yaml, network.yaml, storage.yaml, security.yaml and scheduled.yaml are allowed" }
};

// common/terminal.ts
var UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
var UNSAFE_TEST = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
function placeholder(c) {
  const code = c.charCodeAt(0);
  if (code === 27) return "\u241B";
  if (code < 32) return String.fromCharCode(9216 + code);
  if (code === 127) return "\u2421";
  if (code <= 159) return "\uFFFD";
  return `\u27EAU+${code.toString(16).toUpperCase().padStart(4, "0")}\u27EB`;
}
function cleanText(text, o = {}) {
  const multiline = o.multiline ?? true;
  let t = text.replace(/\r\n/g, "\n");
  if (!multiline) t = t.replace(/\n/g, " ");
  if (!UNSAFE_TEST.test(t)) return t;
  return t.replace(UNSAFE, placeholder);
}

// compiler/diagnostics.ts
function format(template, args) {
  return template.replace(/\{(\w+)\}/g, (m, k) => k in args ? String(args[k]) : m);
}
var DiagnosticSink = class {
  diagnostics = [];
  /** Adds a diagnostic built from the catalogue entry `code`. */
  report(code, pos, args = {}) {
    const entry = MESSAGES[code];
    const d = {
      code,
      severity: entry.severity,
      file: pos?.file ?? "",
      line: pos?.line ?? 0,
      column: pos?.column ?? 0,
      message: format(entry.message, args),
      hint: format(entry.hint, args)
    };
    this.diagnostics.push(d);
    return d;
  }
  append(other) {
    for (const d of other) this.diagnostics.push(d);
  }
  hasErrors() {
    return this.diagnostics.some((d) => d.severity === "error");
  }
  /** Diagnostics sorted by file, line, column, code, message: the same input gives the same output. */
  sorted() {
    return sortDiagnostics(this.diagnostics);
  }
};
function sortDiagnostics(ds) {
  const seen = /* @__PURE__ */ new Set();
  const out = [];
  for (const d of [...ds].sort(compareDiagnostics)) {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}
function compareDiagnostics(a, b) {
  return cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message);
}
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function renderDiagnostic(d) {
  const where = d.file ? d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file : "<state>";
  return `${where}: ${d.severity} ${d.code}: ${cleanText(d.message, { multiline: false })}
  hint: ${cleanText(d.hint, { multiline: false })}`;
}

// compiler/yaml.ts
import { existsSync as existsSync2 } from "node:fs";
import { createRequire } from "node:module";
import { join as join2 } from "node:path";
var require2 = createRequire(import.meta.url);
var loaded;
function loadYaml() {
  if (loaded) return loaded;
  const file = join2(packageRoot(), "generated", "yaml.cjs");
  loaded = existsSync2(file) ? require2(file) : require2("yaml");
  return loaded;
}

// compiler/parse.ts
var { Composer, Lexer, LineCounter, Parser, isAlias, isMap: isMap2, isPair, isScalar, isSeq: isSeq2 } = loadYaml();
var DEFAULT_PARSE_LIMITS = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
  maxNodes: 1e6
});
function parse(files, sink, limits = {}) {
  const out = [];
  for (const file of files) {
    const parsed = parseFile(file, sink, limits);
    if (parsed) out.push(parsed);
  }
  return out;
}
function parseFile(file, sink, limits = {}) {
  const lim = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const text = file.text.charCodeAt(0) === 65279 ? file.text.slice(1) : file.text;
  const noPos = { file: file.name, line: 0, column: 0 };
  const size = Buffer.byteLength(text, "utf8");
  if (size > lim.maxBytes) {
    sink.report("CLA1002", noPos, { size, limit: lim.maxBytes });
    return void 0;
  }
  const lines = new LineCounter();
  const at = (offset) => {
    const { line, col } = lines.linePos(offset);
    return { file: file.name, line, column: col };
  };
  const composed = compose(text, lines, lim);
  if (composed.kind === "too-deep") {
    sink.report("CLA1022", at(composed.offset), { limit: lim.maxDepth });
    return void 0;
  }
  if (composed.kind === "crashed") {
    sink.report("CLA1004", noPos, { detail: composed.message });
    return void 0;
  }
  const docs = composed.docs;
  const first = docs[0];
  if (!first) {
    sink.report("CLA1001", noPos);
    return void 0;
  }
  let failed = false;
  for (const doc of docs) {
    if (reportYamlErrors(doc, text, at, sink)) failed = true;
  }
  const second = docs[1];
  if (second) {
    sink.report("CLA1011", at(second.range[0]));
    return void 0;
  }
  if (failed) return void 0;
  const yamlVersion = first.directives?.yaml;
  if (yamlVersion?.explicit && yamlVersion.version !== "1.2") {
    const i = text.indexOf("%YAML");
    sink.report("CLA1012", i >= 0 ? at(i) : noPos, { version: yamlVersion.version });
    return void 0;
  }
  const root = first.contents;
  if (root === null || isScalar(root) && root.value === null && root.source === "" && root.tag === void 0) {
    sink.report("CLA1001", noPos);
    return void 0;
  }
  if (!isMap2(root)) {
    sink.report("CLA1023", at(root.range[0]), { found: describeNode(root) });
    return void 0;
  }
  const builder = new Builder(text, at, sink, lim);
  const value = builder.build(root);
  if (builder.failed || value === void 0) return void 0;
  return {
    name: file.name,
    value,
    positions: new PositionIndex(file.name, root, builder.keyIndex, builder.aliasTargets, at),
    text
  };
}
function compose(text, lines, lim) {
  const lexer = new Lexer();
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({
    schema: "core",
    version: "1.2",
    merge: false,
    uniqueKeys: false,
    // we check keys after turning them into strings (1 and "1" collide)
    strict: true,
    intAsBigInt: false,
    resolveKnownTags: false,
    stringKeys: false
  });
  const maxStack = lim.maxDepth + 3;
  const docs = [];
  try {
    lines.addNewLine(0);
    for (const lexeme of lexer.lex(text)) {
      for (const token of parser.next(lexeme)) for (const doc of composer.next(token)) docs.push(doc);
      if (parser.stack.length > maxStack) return { kind: "too-deep", offset: Math.min(parser.offset, text.length) };
    }
    for (const token of parser.end()) for (const doc of composer.next(token)) docs.push(doc);
    for (const doc of composer.end()) docs.push(doc);
  } catch (e) {
    return { kind: "crashed", message: e instanceof Error ? e.message : String(e) };
  }
  return { kind: "ok", docs };
}
function reportYamlErrors(doc, text, at, sink) {
  const problems = [
    ...doc.errors,
    // Tag problems are reported by the builder, with the tag's own wording.
    ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED" && w.code !== "BAD_COLLECTION_TYPE")
  ];
  const seenLines = /* @__PURE__ */ new Set();
  for (const err of problems) {
    const offset = Math.min(err.pos[0], text.length);
    const pos = at(offset);
    if (seenLines.has(pos.line)) continue;
    seenLines.add(pos.line);
    const detail = err.message.split("\n")[0] ?? err.message;
    if (err.code === "TAB_AS_INDENT") {
      sink.report("CLA1005", pos);
    } else if (err.code === "MISSING_CHAR" && /closing "quote/.test(detail)) {
      sink.report("CLA1006", openingQuote(doc, text, offset, '"', at) ?? pos, { quote: '"', escape: '\\"' });
    } else if (err.code === "MISSING_CHAR" && /closing 'quote/.test(detail)) {
      sink.report("CLA1006", openingQuote(doc, text, offset, "'", at) ?? pos, { quote: "'", escape: "''" });
    } else if (/end with a \]/.test(detail)) {
      sink.report("CLA1007", openingBracket(doc, text, offset, "[", "]", at) ?? pos, { kind: '"["', close: "]" });
    } else if (/end with a \}/.test(detail)) {
      sink.report("CLA1007", openingBracket(doc, text, offset, "{", "}", at) ?? pos, { kind: '"{"', close: "}" });
    } else if (err.code === "BAD_INDENT") {
      sink.report("CLA1008", pos, { detail });
    } else if (err.code === "BLOCK_AS_IMPLICIT_KEY" && /compact mappings/.test(detail)) {
      sink.report("CLA1009", pos);
    } else if (err.code === "MISSING_CHAR" && /followed by map values/.test(detail) || err.code === "MULTILINE_IMPLICIT_KEY") {
      sink.report("CLA1010", pos);
    } else {
      sink.report("CLA1004", pos, { detail });
    }
  }
  return problems.length > 0;
}
function openingQuote(doc, text, errorOffset, quote2, at) {
  let best2;
  walkNodes(doc.contents, (node) => {
    if (!isScalar(node) || !node.range) return;
    const start = node.range[0];
    if (text[start] === quote2 && start < errorOffset && (best2 === void 0 || start > best2)) best2 = start;
  });
  return best2 === void 0 ? void 0 : at(best2);
}
function openingBracket(doc, text, errorOffset, open, close, at) {
  let best2;
  walkNodes(doc.contents, (node) => {
    if (!(isMap2(node) || isSeq2(node)) || !node.range) return;
    const [start, end] = node.range;
    const closed = text.slice(start, end).trimEnd().endsWith(close);
    if (text[start] === open && !closed && start < errorOffset && (best2 === void 0 || start > best2)) best2 = start;
  });
  return best2 === void 0 ? void 0 : at(best2);
}
function walkNodes(root, visit) {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isPair(n)) {
      stack.push(n.value, n.key);
    } else if (isMap2(n) || isSeq2(n)) {
      visit(n);
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    } else if (isScalar(n) || isAlias(n)) {
      visit(n);
    }
  }
}
var CORE_TAG_PREFIX = "tag:yaml.org,2002:";
var ALLOWED_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => CORE_TAG_PREFIX + t));
function displayTag(tag) {
  return tag.startsWith(CORE_TAG_PREFIX) ? "!!" + tag.slice(CORE_TAG_PREFIX.length) : tag;
}
var Abort = class extends Error {
};
var Builder = class {
  constructor(text, at, sink, lim) {
    this.text = text;
    this.at = at;
    this.sink = sink;
    this.lim = lim;
  }
  failed = false;
  keyIndex = /* @__PURE__ */ new WeakMap();
  aliasTargets = /* @__PURE__ */ new WeakMap();
  anchors = /* @__PURE__ */ new Map();
  anchoredValues = /* @__PURE__ */ new Map();
  inProgress = /* @__PURE__ */ new Set();
  nodes = 0;
  aliases = 0;
  build(root) {
    try {
      const v = this.node(root, 1);
      return v !== null && typeof v === "object" && !Array.isArray(v) ? v : void 0;
    } catch (e) {
      if (e instanceof Abort) return void 0;
      throw e;
    }
  }
  fail(code, offset, args = {}) {
    this.failed = true;
    this.sink.report(code, this.at(offset), args);
  }
  count(n, offset) {
    this.nodes += n;
    if (this.nodes > this.lim.maxNodes) {
      this.fail("CLA1021", offset, { limit: this.lim.maxNodes });
      throw new Abort();
    }
  }
  node(n, depth) {
    if (n === null) return null;
    if (isAlias(n)) return this.alias(n, depth);
    if (n.anchor) this.anchors.set(n.anchor, n);
    this.checkTag(n);
    const start = n.range[0];
    if (isScalar(n)) {
      this.count(1, start);
      const v2 = this.scalar(n);
      if (n.anchor) this.anchoredValues.set(n, v2);
      return v2;
    }
    if (depth > this.lim.maxDepth) {
      this.fail("CLA1022", start, { limit: this.lim.maxDepth });
      throw new Abort();
    }
    this.count(1, start);
    if (n.anchor) this.inProgress.add(n);
    let v;
    if (isMap2(n)) {
      v = this.mapping(n, n.items, depth);
    } else {
      const arr = [];
      for (const item of n.items) {
        if (isPair(item)) {
          if (depth + 1 > this.lim.maxDepth) {
            this.fail("CLA1022", start, { limit: this.lim.maxDepth });
            throw new Abort();
          }
          this.count(1, start);
          const pair = item;
          arr.push(this.mapping(pair, [pair], depth + 1));
        } else {
          arr.push(this.node(item, depth + 1));
        }
      }
      v = arr;
    }
    if (n.anchor) {
      this.inProgress.delete(n);
      this.anchoredValues.set(n, v);
    }
    return v;
  }
  mapping(owner, pairs, depth) {
    const obj = /* @__PURE__ */ Object.create(null);
    const keys = /* @__PURE__ */ new Map();
    this.keyIndex.set(owner, keys);
    for (const p of pairs) {
      const pair = p;
      const key = this.key(pair, owner);
      const value = this.node(pair.value, depth + 1);
      if (key === void 0) continue;
      const first = keys.get(key);
      if (first) {
        const keyNode = pair.key;
        this.fail("CLA1013", keyNode.range[0], { key: JSON.stringify(key), firstLine: this.at(first.key.range[0]).line });
        continue;
      }
      keys.set(key, pair);
      obj[key] = value;
    }
    return obj;
  }
  /** The key as a string: plain untagged scalars keep their source text (`0755`, `on`). */
  key(pair, owner) {
    const k = pair.key;
    if (k === null) {
      const offset = pair.value?.range[0] ?? (isPair(owner) ? 0 : owner.range[0]);
      this.fail("CLA1015", offset);
      return void 0;
    }
    if (!isScalar(k)) {
      this.fail("CLA1014", k.range[0], { found: describeNode(k) });
      return void 0;
    }
    if (k.anchor) {
      this.anchors.set(k.anchor, k);
      this.anchoredValues.set(k, scalarValue(k));
    }
    this.checkTag(k);
    this.count(1, k.range[0]);
    const src = scalarSource(k);
    const text = src.plain ? src.text : k.value === null ? src.text : String(k.value);
    if (text === "" && k.value === null) {
      this.fail("CLA1015", k.range[0]);
      return void 0;
    }
    return text;
  }
  scalar(n) {
    const v = n.value;
    if (n.tag !== void 0 && ALLOWED_TAGS.has(n.tag)) {
      const want = n.tag.slice(CORE_TAG_PREFIX.length);
      const ok = want === "str" && typeof v === "string" || want === "int" && typeof v === "number" && Number.isInteger(v) || want === "float" && typeof v === "number" || want === "bool" && typeof v === "boolean" || want === "null" && v === null;
      if (!ok) this.fail("CLA1017", n.range[0], { text: JSON.stringify(n.source ?? ""), tag: displayTag(n.tag) });
    }
    return scalarValue(n);
  }
  alias(a, depth) {
    const target = this.anchors.get(a.source);
    if (!target) {
      this.fail("CLA1018", a.range[0], { name: a.source });
      return null;
    }
    if (this.inProgress.has(target)) {
      this.fail("CLA1019", a.range[0], { name: a.source });
      return null;
    }
    this.aliasTargets.set(a, target);
    this.aliases += 1;
    if (this.aliases > this.lim.maxAliasCount) {
      this.fail("CLA1020", a.range[0], { limit: this.lim.maxAliasCount });
      throw new Abort();
    }
    const v = this.anchoredValues.get(target);
    return v === void 0 ? null : this.clone(v, a.range[0], depth);
  }
  /** Deep copy of an anchored value, so that the result is a tree; counts toward the limits. */
  clone(v, offset, depth) {
    this.count(1, offset);
    if (v === null || typeof v !== "object") return v;
    if (depth > this.lim.maxDepth) {
      this.fail("CLA1022", offset, { limit: this.lim.maxDepth });
      throw new Abort();
    }
    if (Array.isArray(v)) return v.map((x) => this.clone(x, offset, depth + 1));
    const o = /* @__PURE__ */ Object.create(null);
    for (const k of Object.keys(v)) o[k] = this.clone(v[k], offset, depth + 1);
    return o;
  }
  checkTag(n) {
    const tag = n.tag;
    if (tag === void 0 || ALLOWED_TAGS.has(tag)) {
      if (tag === CORE_TAG_PREFIX + "map" && !isMap2(n)) this.fail("CLA1017", n.range[0], { text: describeNode(n), tag: "!!map" });
      if (tag === CORE_TAG_PREFIX + "seq" && !isSeq2(n)) this.fail("CLA1017", n.range[0], { text: describeNode(n), tag: "!!seq" });
      return;
    }
    this.fail("CLA1016", this.tagOffset(n.range[0]), { tag: displayTag(tag) });
  }
  /**
   * Where the tag was written. yaml's nodes start after their properties, so look back over
   * at most two whitespace-separated tokens (the tag, and an anchor before it).
   */
  tagOffset(nodeStart) {
    const t = this.text;
    const isSpace = (c) => c === " " || c === "	" || c === "\n" || c === "\r";
    let i = nodeStart;
    for (let token = 0; token < 2; token++) {
      let end = i;
      while (end > 0 && isSpace(t[end - 1])) end--;
      let start = end;
      while (start > 0 && !isSpace(t[start - 1])) start--;
      while (start < end && (t[start] === "[" || t[start] === "{" || t[start] === ",")) start++;
      if (t[start] === "!") return start;
      if (t[start] !== "&") break;
      i = start;
    }
    return nodeStart;
  }
};
function scalarValue(n) {
  const v = n.value;
  if (typeof v === "number") {
    return Number.isFinite(v) ? v : n.source ?? String(v);
  }
  if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
  return n.source ?? String(v);
}
function scalarSource(n) {
  const style = styleOf(n.type);
  const src = { text: n.source ?? "", plain: style === "plain" && n.tag === void 0, style };
  if (n.tag !== void 0) src.tag = displayTag(n.tag);
  return src;
}
function styleOf(type) {
  switch (type) {
    case "QUOTE_DOUBLE":
      return "double-quoted";
    case "QUOTE_SINGLE":
      return "single-quoted";
    case "BLOCK_LITERAL":
      return "literal";
    case "BLOCK_FOLDED":
      return "folded";
    default:
      return "plain";
  }
}
function describeNode(n) {
  if (isMap2(n)) return "a mapping";
  if (isSeq2(n)) return "a list";
  if (isAlias(n)) return `an alias (*${n.source})`;
  const v = n.value;
  if (v === null) return "null";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "\u2026" : v)})`;
  if (typeof v === "number") return `a number (${n.source ?? String(v)})`;
  if (typeof v === "boolean") return `a boolean (${String(v)})`;
  return "a scalar";
}
function pointerToPath(pointer) {
  if (pointer === "") return [];
  return pointer.replace(/^\//, "").split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
var PositionIndex = class {
  /** @internal built by parse(); use the methods. */
  constructor(file, root, keyIndex, aliasTargets, at) {
    this.file = file;
    this.root = root;
    this.keyIndex = keyIndex;
    this.aliasTargets = aliasTargets;
    this.at = at;
  }
  /** Whether the path exists in the value. */
  has(path) {
    return this.locate(path) !== void 0;
  }
  /**
   * Where the key of the entry at `path` was written (for "unknown property").
   * For a list item (no key) this is the item's value position; for [] the top mapping.
   */
  keyPos(path) {
    const loc = this.locate(path);
    if (!loc) return void 0;
    if (loc.pair) return this.at(loc.pair.key.range[0]);
    return this.valueOf(loc);
  }
  /** Where the value at `path` was written (for "wrong type"). An empty value points after its key. */
  valuePos(path) {
    const loc = this.locate(path);
    return loc ? this.valueOf(loc) : void 0;
  }
  /**
   * The position for a diagnostic about `path` even when it does not exist (for "missing
   * required property"): the value at `path` if present, else the key of the nearest
   * existing ancestor that is a mapping entry (`spec:`), else that ancestor's value, and
   * the start of the file for the root.
   */
  nearest(path) {
    const exact = this.valuePos(path);
    if (exact) return exact;
    for (let i = path.length - 1; i >= 0; i--) {
      const pos = this.keyPos(path.slice(0, i));
      if (pos) return pos;
    }
    return { file: this.file, line: 1, column: 1 };
  }
  /** How the scalar at `path` was written, or undefined if the path is missing or not a scalar. */
  scalar(path) {
    const loc = this.locate(path);
    if (!loc) return void 0;
    if (loc.node === null) return { text: "", plain: true, style: "plain" };
    return isScalar(loc.node) ? scalarSource(loc.node) : void 0;
  }
  valueOf(loc) {
    const w = loc.written;
    if (w) return this.at(w.range[0]);
    return loc.pair ? this.at(loc.pair.key.range[0]) : this.at(this.root.range[0]);
  }
  locate(path) {
    let node = this.root;
    let loc = { node: this.root, written: this.root };
    for (const seg of path) {
      if (node === null) return void 0;
      const keys = this.keyIndex.get(node);
      if (keys) {
        const pair = keys.get(String(seg));
        if (!pair) return void 0;
        const written = pair.value;
        node = this.deref(written);
        loc = { node, pair, written };
      } else if (isSeq2(node)) {
        const i = typeof seg === "number" ? seg : /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1;
        if (!Number.isInteger(i) || i < 0 || i >= node.items.length) return void 0;
        const item = node.items[i];
        if (isPair(item)) {
          const p = item;
          node = p;
          loc = { node: p, written: p.key };
          continue;
        }
        const written = item ?? null;
        node = this.deref(written);
        loc = { node, written };
      } else {
        return void 0;
      }
    }
    return loc;
  }
  deref(n) {
    if (n !== null && isAlias(n)) return this.aliasTargets.get(n) ?? null;
    return n;
  }
};

// compiler/model.ts
var STATE_FILE_NAMES = [
  "manifest.yaml",
  "services.yaml",
  "network.yaml",
  "storage.yaml",
  "security.yaml",
  "scheduled.yaml"
];

// compiler/formats.ts
import { isIP } from "node:net";
var explainIp = (s) => {
  if (isIP(s) !== 0) return void 0;
  if (s.includes("/")) return "a prefix length is not allowed here";
  if (/^\d+(\.\d+){3}$/.test(s)) return "each part of an IPv4 address is 0-255, without leading zeros";
  if (s.includes(":")) return "it is not a valid IPv6 address";
  return "it is neither an IPv4 nor an IPv6 address";
};
var explainCidr = (s) => {
  const slash = s.indexOf("/");
  if (slash < 0) return explainIp(s);
  const addr = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  const family = isIP(addr);
  if (family === 0) return explainIp(addr) ?? "the address part is not valid";
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return `prefix length "${prefix}" is not a number`;
  const max = family === 4 ? 32 : 128;
  if (Number(prefix) > max) return `prefix length ${prefix} is over ${max} for an IPv${family} address`;
  return void 0;
};
var CRON_MACROS = /* @__PURE__ */ new Set(["@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually", "@midnight"]);
var MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
var DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
var CRON_FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: "day of week", min: 0, max: 7, names: DAYS, namesBase: 0 }
];
function cronValue(text, f) {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = Number(text);
    return n < f.min || n > f.max ? `${f.name} ${n} is out of range ${f.min}-${f.max}` : n;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (i >= 0) return i + (f.namesBase ?? 0);
  return `${f.name} "${text}" is not a number${f.names ? ` or a name (${f.names.join(", ")})` : ""}`;
}
function explainCronField(field, f) {
  for (const item of field.split(",")) {
    const m = /^([^/]+)(?:\/(.*))?$/.exec(item);
    if (!m || item === "") return `${f.name} "${field}" has an empty item`;
    const [, range = "", step] = m;
    if (step !== void 0) {
      if (!/^[0-9]{1,2}$/.test(step) || Number(step) === 0) return `${f.name} step "/${step}" must be a number 1-${f.max}`;
      if (Number(step) > f.max) return `${f.name} step /${step} is over ${f.max}`;
    }
    if (range === "*") continue;
    const dash = range.indexOf("-");
    if (dash < 0) {
      const v = cronValue(range, f);
      if (typeof v === "string") return v;
      continue;
    }
    const lo = cronValue(range.slice(0, dash), f);
    if (typeof lo === "string") return lo;
    const hi = cronValue(range.slice(dash + 1), f);
    if (typeof hi === "string") return hi;
    if (lo > hi) return `${f.name} range ${range} runs backwards`;
  }
  return void 0;
}
var explainCron = (s) => {
  const t = s.trim();
  if (t.startsWith("@")) return CRON_MACROS.has(t) ? void 0 : `${t} is not one of ${[...CRON_MACROS].join(", ")}`;
  const fields = t.split(/\s+/);
  if (fields.length !== 5) return `it has ${fields.length} field${fields.length === 1 ? "" : "s"}, not 5 (minute hour day-of-month month day-of-week)`;
  for (let i = 0; i < 5; i++) {
    const why = explainCronField(fields[i], CRON_FIELDS[i]);
    if (why) return why;
  }
  return void 0;
};
var DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
var DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
var PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
var TAG = "[\\w][\\w.-]{0,127}";
var DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
var REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
function parseImageRef(s) {
  if (s.length > 255 + 200) return void 0;
  const m = REFERENCE.exec(s);
  if (!m) return void 0;
  let [, domain, path = "", tag, digest] = m;
  if (domain !== void 0 && !/[.:]/.test(domain) && domain !== "localhost" && !/[A-Z]/.test(domain)) {
    path = `${domain}/${path}`;
    domain = void 0;
  }
  if ((domain ? domain.length + 1 : 0) + path.length > 255) return void 0;
  const ref = { path };
  if (domain !== void 0) ref.domain = domain;
  if (tag !== void 0) ref.tag = tag;
  if (digest !== void 0) ref.digest = digest;
  return ref;
}
function imageRepository(r) {
  return r.domain ? `${r.domain}/${r.path}` : r.path;
}
var explainImageRef = (s) => {
  if (parseImageRef(s)) return void 0;
  if (s === "") return "it is empty";
  if (/\s/.test(s)) return "it contains a space";
  if (/^[a-z]+:\/\//i.test(s)) return "it must not start with a URL scheme (write registry.example.com/app, not https://\u2026)";
  const at = s.indexOf("@");
  const beforeDigest = at >= 0 ? s.slice(0, at) : s;
  if (at >= 0 && !/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(s.slice(at + 1)))
    return 'the digest after "@" must look like sha256:<64 hex digits>';
  const lastSlash = beforeDigest.lastIndexOf("/");
  const colon = beforeDigest.indexOf(":", lastSlash + 1);
  const repo = colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
  if (colon >= 0 && !new RegExp(`^${TAG}$`).test(beforeDigest.slice(colon + 1)))
    return `the tag "${beforeDigest.slice(colon + 1)}" may only hold letters, digits, "_", "." and "-" (up to 128, not starting with "." or "-")`;
  if (/[A-Z]/.test(repo.slice(repo.indexOf("/") + 1))) return "the repository name must be lowercase";
  return 'the repository name may only hold lowercase letters, digits and the separators ".", "_", "__", "-" and "/"';
};
var CUSTOM_FORMATS = {
  cidr: (s) => explainCidr(s) === void 0,
  ip: (s) => isIP(s) !== 0,
  cron: (s) => explainCron(s) === void 0,
  "image-ref": (s) => parseImageRef(s) !== void 0
};
var EXPLAINERS = {
  cidr: explainCidr,
  ip: explainIp,
  cron: explainCron,
  "image-ref": explainImageRef
};

// compiler/validators.ts
import { readFileSync, existsSync as existsSync3 } from "node:fs";
import { createRequire as createRequire2 } from "node:module";
import { join as join3 } from "node:path";
var STATE_SCHEMA_NAMES = ["manifest", "services", "network", "storage", "security", "scheduled"];
var AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false, verbose: true };
var validators;
var schemas;
var require3 = createRequire2(import.meta.url);
function loadSchemas() {
  if (schemas) return schemas;
  const dir = join3(packageRoot(), "schemas");
  schemas = /* @__PURE__ */ new Map();
  for (const base of ["common", ...STATE_SCHEMA_NAMES]) {
    const file = `${base}.schema.json`;
    schemas.set(file, JSON.parse(readFileSync(join3(dir, file), "utf8")));
  }
  return schemas;
}
function formatFunctions() {
  const full = require3("ajv-formats/dist/formats").fullFormats;
  const out = {};
  for (const [name, f] of Object.entries(full)) {
    if (typeof f === "function") out[name] = f;
    else if (f instanceof RegExp) out[name] = (s) => f.test(s);
    else if (f && typeof f === "object" && "validate" in f) {
      const v = f.validate;
      out[name] = v instanceof RegExp ? (s) => v.test(s) : v;
    }
  }
  return { ...out, ...CUSTOM_FORMATS };
}
function getValidators(opts = {}) {
  if (validators && !opts.forceCompile) return validators;
  const file = join3(packageRoot(), "generated", "validators.cjs");
  if (!opts.forceCompile && existsSync3(file)) {
    const make = require3(file);
    const fmts = formatFunctions();
    const missing = make.FORMATS.filter((n) => !(n in fmts));
    if (missing.length) throw new Error(`claude-os: no validator for the schema format(s) ${missing.join(", ")}`);
    validators = make(fmts);
    return validators;
  }
  const compiled = compileValidators();
  if (!opts.forceCompile) validators = compiled;
  return compiled;
}
function compileValidators() {
  const Ajv2020 = require3("ajv/dist/2020").default;
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  for (const [name, f] of Object.entries(formatFunctions())) ajv.addFormat(name, f);
  for (const s of loadSchemas().values()) ajv.addSchema(s);
  const out = {};
  for (const name of STATE_SCHEMA_NAMES) {
    const v = ajv.getSchema(`https://claude-os.dev/schemas/${name}.schema.json`);
    if (!v) throw new Error(`claude-os: schema ${name} did not compile`);
    out[name] = v;
  }
  return out;
}

// compiler/check.ts
var KIND_BY_FILE = {
  "manifest.yaml": "SystemManifest",
  "services.yaml": "ServiceManifest",
  "network.yaml": "NetworkConfig",
  "storage.yaml": "StorageConfig",
  "security.yaml": "SecurityConfig",
  "scheduled.yaml": "ScheduledTasks"
};
var FILE_BY_KIND = new Map(
  Object.entries(KIND_BY_FILE).map(([f, k]) => [k, f])
);
function schemaNameOf(file) {
  return file.slice(0, -".yaml".length);
}
function isKnownFile(name) {
  return STATE_FILE_NAMES.includes(name);
}
function check(parsed, sink) {
  const written = { sources: {}, positions: {} };
  const seen = /* @__PURE__ */ new Set();
  for (const file of parsed) {
    if (!isKnownFile(file.name)) {
      sink.report("CLA9004", { file: file.name, line: 0, column: 0 }, { name: file.name });
      continue;
    }
    if (seen.has(file.name)) throw new Error(`check: ${file.name} given twice`);
    seen.add(file.name);
    written.sources[file.name] = file.text;
    written.positions[file.name] = file.positions;
    const value = checkFile(file.name, file, sink);
    if (value !== void 0) written[schemaNameOf(file.name)] = value;
  }
  return written;
}
function checkFile(name, file, sink) {
  const pos = file.positions;
  const at = (p, key = false) => (key ? pos.keyPos(p) : pos.valuePos(p)) ?? pos.nearest(p);
  const expected = KIND_BY_FILE[name];
  const kind = file.value["kind"];
  if (typeof kind === "string" && kind !== expected) {
    const other = FILE_BY_KIND.get(kind);
    if (other) sink.report("CLA2015", at(["kind"]), { found: kind, other, expected, file: name });
    else sink.report("CLA2007", at(["kind"]), { found: JSON.stringify(kind), file: name, expected });
    return void 0;
  }
  const schemas2 = loadSchemas();
  const root = { node: schemas2.get(`${schemaNameOf(name)}.schema.json`), file: `${schemaNameOf(name)}.schema.json` };
  const value = typeScalars(file.value, expand(root), [], pos);
  const validate = getValidators()[schemaNameOf(name)];
  if (validate(value)) return value;
  const before = sink.diagnostics.length;
  const errors = selectErrors(validate.errors ?? []);
  for (const e of errors) reportError(e, name, value, pos, sink);
  if (!sink.diagnostics.slice(before).some((d) => d.severity === "error")) {
    sink.report("CLA2016", at([]), { where: "the file", detail: "it does not match the schema" });
  }
  return void 0;
}
function resolveRef(ref, from) {
  const [filePart, pointer = ""] = ref.split("#");
  const file = filePart ? filePart : from;
  let node = loadSchemas().get(file);
  for (const seg of pointer.split("/").filter(Boolean)) {
    if (!node || typeof node !== "object") return void 0;
    node = node[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node && typeof node === "object" ? { node, file } : void 0;
}
var expanded = /* @__PURE__ */ new WeakMap();
function expand(s, depth = 0) {
  const known = expanded.get(s.node);
  if (known && known.file === s.file) return known.out;
  const out = expandUncached(s, depth);
  expanded.set(s.node, { file: s.file, out });
  return out;
}
function expandUncached(s, depth) {
  if (depth > 20) return [];
  const out = [];
  const n = s.node;
  if (typeof n["$ref"] === "string") {
    const r = resolveRef(n["$ref"], s.file);
    if (r) out.push(...expand(r, depth + 1));
  }
  for (const k of ["oneOf", "anyOf", "allOf"]) {
    const list = n[k];
    if (Array.isArray(list)) for (const b of list) out.push(...expand({ node: b, file: s.file }, depth + 1));
  }
  const own = ["type", "const", "enum", "properties", "items", "additionalProperties"].some((k) => k in n);
  if (own || out.length === 0) out.push(s);
  return out;
}
function acceptedTypes(alts) {
  const types = /* @__PURE__ */ new Set();
  for (const { node } of alts) {
    const t = node["type"];
    if (typeof t === "string") types.add(t);
    else if (Array.isArray(t)) for (const x of t) types.add(String(x));
    else if ("const" in node) types.add(jsonType(node["const"]));
    else if (Array.isArray(node["enum"])) for (const x of node["enum"]) types.add(jsonType(x));
    else if ("properties" in node || "additionalProperties" in node) types.add("object");
    else if ("items" in node) types.add("array");
    else return "any";
  }
  return types;
}
function jsonType(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}
function subSchemas(alts, pick) {
  const out = [];
  for (const a of alts) {
    const sub = pick(a.node);
    if (sub && typeof sub === "object") out.push(...expand({ node: sub, file: a.file }));
  }
  return out;
}
function typeScalars(v, alts, path, pos) {
  if (v === null || typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") {
    const types = acceptedTypes(alts);
    if (types === "any" || alts.length === 0) return v;
    if (typeof v === "boolean" ? types.has("boolean") : types.has("number") || types.has("integer") && Number.isInteger(v)) return v;
    if (!types.has("string")) return v;
    const src = pos.scalar(path);
    return src && src.plain && src.text !== "" ? src.text : v;
  }
  if (Array.isArray(v)) {
    const items = subSchemas(alts, (n) => n["items"]);
    return v.map((x, i) => typeScalars(x, items, [...path, i], pos));
  }
  const out = {};
  for (const key of Object.keys(v)) {
    const sub = subSchemas(alts, (n) => {
      const props = n["properties"];
      if (props && Object.prototype.hasOwnProperty.call(props, key)) return props[key];
      const ap = n["additionalProperties"];
      return ap && typeof ap === "object" ? ap : void 0;
    });
    const typed = typeScalars(v[key], sub, [...path, key], pos);
    if (key === "__proto__") Object.defineProperty(out, key, { value: typed, enumerable: true, writable: true, configurable: true });
    else out[key] = typed;
  }
  return out;
}
var PRIORITY = [
  "type",
  "const",
  "enum",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "not",
  "oneOf",
  "anyOf"
];
var EACH = /* @__PURE__ */ new Set(["additionalProperties", "required", "propertyNames"]);
function isUnder(path, parent) {
  return path === parent || path.startsWith(parent + "/");
}
function selectErrors(all) {
  let errors = all.filter((e) => e.keyword !== "if");
  for (; ; ) {
    const idx = errors.findIndex((e) => (e.keyword === "oneOf" || e.keyword === "anyOf") && !isPassing(e));
    if (idx < 0) break;
    const one = errors[idx];
    let start = idx;
    while (start > 0 && isUnder(errors[start - 1].instancePath, one.instancePath)) start--;
    const subs = errors.slice(start, idx);
    const specific = subs.filter((e) => e.keyword !== "type" && e.keyword !== "x-oneOf");
    const replacement = specific.length > 0 ? specific : [{ ...one, keyword: "x-oneOf" }];
    errors = [...errors.slice(0, start), ...replacement, ...errors.slice(idx + 1)];
  }
  const byPath = /* @__PURE__ */ new Map();
  for (const e of errors) {
    const key = e.propertyName !== void 0 ? `${e.instancePath}\0key:${e.propertyName}` : e.instancePath;
    const list = byPath.get(key) ?? [];
    list.push(e);
    byPath.set(key, list);
  }
  const out = [];
  for (const list of byPath.values()) {
    const keyErrors = list.filter((e) => e.propertyName !== void 0 && e.keyword !== "propertyNames");
    const rest = list.filter((e) => !EACH.has(e.keyword) && e.propertyName === void 0);
    out.push(...list.filter((e) => e.keyword === "additionalProperties" || e.keyword === "required"));
    if (keyErrors.length > 0) out.push(best(keyErrors));
    if (rest.length > 0) out.push(best(rest));
    const wrapper = list.find((e) => e.keyword === "propertyNames");
    if (wrapper && !errors.some((e) => e.propertyName !== void 0 && e.instancePath === wrapper.instancePath)) out.push(wrapper);
  }
  return out;
}
function isPassing(e) {
  return Array.isArray(e.params["passingSchemas"]);
}
function best(list) {
  const rank = (e) => {
    const i = PRIORITY.indexOf(e.keyword === "x-oneOf" ? "oneOf" : e.keyword);
    return i < 0 ? PRIORITY.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b))[0];
}
function displayPath(root, path) {
  let out = "";
  let node = root;
  const segs = path[0] === "spec" && path.length > 1 ? path.slice(1) : path;
  if (segs !== path) node = root["spec"];
  for (const seg of segs) {
    if (Array.isArray(node)) {
      const i = Number(seg);
      const item = node[i];
      const name = item && typeof item === "object" && !Array.isArray(item) ? item["name"] : void 0;
      out += typeof name === "string" && name !== "" ? `[${name}]` : `[${i}]`;
      node = item;
    } else {
      const key = String(seg);
      out += (out ? "." : "") + (/^[A-Za-z0-9_.-]+$/.test(key) ? key : JSON.stringify(key));
      node = node && typeof node === "object" ? node[key] : void 0;
    }
  }
  return out || "the top level";
}
function getAt(root, path) {
  let n = root;
  for (const seg of path) {
    if (n === null || typeof n !== "object") return void 0;
    n = Array.isArray(n) ? n[Number(seg)] : n[String(seg)];
  }
  return n;
}
function quote(v) {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return JSON.stringify(s !== void 0 && s.length > 60 ? s.slice(0, 60) + "\u2026" : s);
}
function describeFound(v) {
  if (v === null || v === void 0) return "an empty value";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string ${quote(v)}`;
  if (typeof v === "number") return `the number ${v}`;
  return `${String(v)}`;
}
function describeSchema(s, base) {
  if (!s) return "a valid value";
  const alts = expand({ node: s, file: base });
  const words = [...new Set(alts.map(describeOneIn))];
  if (words.length <= 1) return words[0] ?? "a valid value";
  return words.slice(0, -1).join(", ") + " or " + words[words.length - 1];
}
function describeOne(s) {
  const t = s["type"];
  if (t === "integer" || t === "number") {
    const lo = s["minimum"];
    const hi = s["maximum"];
    const what = t === "integer" ? "an integer" : "a number";
    if (typeof lo === "number" && typeof hi === "number") return `${what} from ${lo} to ${hi}`;
    if (typeof lo === "number") return `${what} of at least ${lo}`;
    return what;
  }
  if (t === "boolean") return "true or false";
  if (t === "array") return "a list";
  if (t === "object") return "a mapping";
  if (t === "string") {
    if ("const" in s) return quote(s["const"]);
    if (Array.isArray(s["enum"])) return `one of ${s["enum"].join(", ")}`;
    const d = s["description"];
    if (typeof d === "string" && (s["pattern"] || s["format"])) return nounOf(d);
    return "a string";
  }
  if (typeof s["description"] === "string") return nounOf(s["description"]);
  return "a valid value";
}
function nounOf(description) {
  let d = description.trim().replace(/\.$/, "");
  if (!/^[A-Z]{2}/.test(d)) d = d.charAt(0).toLowerCase() + d.slice(1);
  d = d.replace(/,? e\.g\. .*$/, "");
  const colon = d.indexOf(": ");
  return colon > 0 ? d.slice(0, colon) : d;
}
function formatFix(schema, what) {
  const d = String(schema?.["description"] ?? "");
  if (/^A duration/.test(d)) return "write a number and a unit (ms, s, m, h, d), e.g. 30s, 10m or 1h30m";
  if (/^A size/.test(d)) return "write a number with an optional unit, e.g. 128Mi or 1Gi (Ki/Mi/Gi/Ti are powers of 1024, k/M/G/T of 1000)";
  if (/^CPU cores/.test(d)) return 'write cores as a quoted decimal ("0.5", "2") or millicores ("500m")';
  if (/^A DNS-label-like name/.test(d)) return 'use lowercase letters, digits and "-" (1-63 characters, starting and ending with a letter or digit), e.g. web-1';
  if (/^A secret name/.test(d)) return 'use lowercase letters, digits and "_", starting with a letter, e.g. postgres_password';
  if (/^An octal file mode/.test(d)) return 'write the mode in quotes, e.g. "0755" or "0700"';
  if (/^An absolute path/.test(d)) return "write a path starting with /, e.g. /data/www";
  if (/^A port range/.test(d)) return 'write two port numbers joined by "-", e.g. "8000-8100"';
  if (/^An image tag/.test(d)) return 'write a tag such as "1.25" or "7-alpine" (letters, digits, "_", "." and "-")';
  if (schema?.["format"] === "cron") return 'write five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *" for 2 AM daily, or @daily';
  if (schema?.["format"] === "cidr") return "write an address or a prefix such as 10.0.0.0/8, 192.168.1.10 or 2001:db8::/32";
  if (schema?.["format"] === "ip") return "write an address such as 192.168.1.10 or 2001:db8::1";
  if (schema?.["format"] === "image-ref") return "write [registry[:port]/]repository[:tag][@sha256:digest], e.g. nginx:1.25 or registry.local:5000/app:1.2";
  if (schema?.["format"] === "email") return "write an e-mail address such as admin@example.com";
  if (schema?.["format"] === "uri") return "write a full URL such as http://127.0.0.1:8080/v1";
  if (schema?.["format"] === "date-time") return 'write an RFC 3339 time in quotes, e.g. "2025-01-11T10:30:00Z"';
  if (/^A volume declared/.test(d)) return "write the name of a volume in storage.yaml (e.g. postgres) or an absolute host path (e.g. /data/www)";
  if (String(schema?.["pattern"] ?? "").startsWith("^(ssh-ed25519|")) return 'write one public key line as in authorized_keys: TYPE BASE64 [comment], e.g. "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA\u2026 admin@laptop"';
  if (typeof schema?.["pattern"] === "string") return `the value must match the pattern ${schema["pattern"]}`;
  return `write ${what}`;
}
function editDistance(a, b) {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}
function closest(word, candidates) {
  let bestWord;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase()) - (c.toLowerCase().replace(/[-_]/g, "") === w.replace(/[-_]/g, "") ? 1 : 0);
    if (d < bestD) {
      bestD = d;
      bestWord = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (bestD <= limit) return bestWord;
  const prefixed = candidates.filter((c) => c.length >= 4 && w.startsWith(c.toLowerCase())).sort((a, b) => b.length - a.length);
  return prefixed[0];
}
function reportError(e, file, root, pos, sink) {
  const path = pointerToPath(e.instancePath);
  const where = displayPath(root, path);
  const valueAt = (p) => pos.valuePos(p) ?? pos.nearest(p);
  const keyAt = (p) => pos.keyPos(p) ?? pos.nearest(p);
  const data = getAt(root, path);
  const ps = e.parentSchema;
  const base = file.replace(".yaml", ".schema.json");
  const r = (code, at, args) => void sink.report(code, at, args);
  if (e.propertyName !== void 0) {
    const keyPath = [...path, e.propertyName];
    const sch = e.parentSchema;
    const what = typeof sch?.["description"] === "string" ? `be ${nounOf(sch["description"])}` : `match ${String(sch?.["pattern"] ?? "the schema")}`;
    const reserved = /^claude\.os\//.test(e.propertyName);
    r("CLA2011", keyAt(keyPath), {
      key: quote(e.propertyName),
      where,
      what: reserved ? "keys starting with claude.os/ are reserved for Claude.OS" : `keys must ${what}`,
      fix: reserved ? "choose a label key without the claude.os/ prefix" : /environment$/.test(where) ? 'environment variable names are letters, digits and "_", not starting with a digit' : "rename the key"
    });
    return;
  }
  switch (e.keyword) {
    case "additionalProperties": {
      const prop = String(e.params["additionalProperty"]);
      const allowed = Object.keys(ps?.["properties"] ?? {});
      const guess = closest(prop, allowed);
      const list = allowed.length ? `allowed here: ${allowed.join(", ")}` : "no properties are allowed here";
      r("CLA2001", keyAt([...path, prop]), {
        prop: quote(prop),
        where: path.length === 0 ? "the top level" : where,
        suggestion: guess ? `did you mean ${quote(guess)}? (${list})` : list
      });
      return;
    }
    case "required": {
      const prop = String(e.params["missingProperty"]);
      const propSchema = ps?.["properties"]?.[prop];
      r("CLA2002", keyAt(path), {
        prop: quote(prop),
        key: prop,
        where: path.length === 0 ? "the file" : where,
        example: propSchema ? ` (${describeSchema(propSchema, base)})` : ""
      });
      return;
    }
    case "type": {
      const expected = describeSchema(ps, base);
      if (data === null) {
        r("CLA2017", valueAt(path), { where, quoteHint: ps?.["type"] === "string" ? ' (write "" for an empty string, or "null" in quotes for the text null)' : "" });
        return;
      }
      r("CLA2003", valueAt(path), { where, expected, found: describeFound(data), fix: typeFix(String(e.params["type"]), data, path) });
      return;
    }
    case "const": {
      if (path.length === 1 && path[0] === "apiVersion") {
        r("CLA2008", valueAt(path), { found: quote(data) });
        return;
      }
      r("CLA2004", valueAt(path), { where, allowed: quote(e.params["allowedValue"]), found: describeFound(data), suggestion: `write ${String(e.params["allowedValue"])}` });
      return;
    }
    case "enum": {
      const allowed = e.params["allowedValues"].map(String);
      const guess = typeof data === "string" ? closest(data, allowed) : void 0;
      r("CLA2004", valueAt(path), {
        where,
        allowed: allowed.join(", "),
        found: describeFound(data),
        suggestion: guess ? `did you mean ${guess}?` : `write one of ${allowed.join(", ")}`
      });
      return;
    }
    case "format":
    case "pattern": {
      if (file === "security.yaml" && /^\/spec\/secrets\/\d+\/value$/.test(e.instancePath)) {
        const name = getAt(root, [...path.slice(0, -1), "name"]);
        r("CLA2014", valueAt(path), { name: typeof name === "string" ? name : where });
        return;
      }
      const fmt = e.keyword === "format" ? String(e.params["format"]) : void 0;
      const why = fmt && typeof data === "string" ? EXPLAINERS[fmt]?.(data) : void 0;
      const what = describeOne(ps ?? {});
      r("CLA2005", valueAt(path), {
        where,
        value: quote(data),
        what: what === "a string" ? "valid here" : what,
        reason: why ? `: ${why}` : "",
        fix: formatFix(ps, what)
      });
      return;
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const range = describeOne(ps ?? {});
      const limit = `${String(e.params["comparison"])} ${String(e.params["limit"])}`;
      const isPort = /port/.test(String(path[path.length - 1] ?? "")) || /^A TCP\/UDP port/.test(String(ps?.["description"] ?? ""));
      r("CLA2006", valueAt(path), {
        where,
        value: String(data),
        limit: `but it must be ${limit.replace("<=", "at most").replace(">=", "at least").replace("<", "less than").replace(">", "more than")}`,
        fix: isPort ? "ports are numbered 1 to 65535" : `write ${range}`
      });
      return;
    }
    case "minItems":
    case "maxItems":
    case "minLength":
    case "maxLength": {
      const items = e.keyword.endsWith("Items");
      const count = items ? Array.isArray(data) ? data.length : 0 : typeof data === "string" ? [...data].length : 0;
      const limit = Number(e.params["limit"]);
      const min = e.keyword.startsWith("min");
      r("CLA2009", valueAt(path), {
        where,
        count,
        unit: items ? count === 1 ? "item" : "items" : count === 1 ? "character" : "characters",
        limit: `but ${min ? "needs at least" : "may have at most"} ${limit}`,
        fix: min ? items ? "add an item, or remove the key" : "write a value, or remove the key" : items ? `keep at most ${limit} items` : `shorten it to ${limit} characters or fewer`
      });
      return;
    }
    case "uniqueItems": {
      const i = Number(e.params["i"]);
      const j = Number(e.params["j"]);
      const later = Math.max(i, j);
      r("CLA2010", valueAt([...path, later]), { where, value: quote(Array.isArray(data) ? data[later] : ""), first: Math.min(i, j), second: later });
      return;
    }
    case "not": {
      if (file === "scheduled.yaml" && /^\/spec\/jobs\/\d+$/.test(e.instancePath)) {
        const name = getAt(root, [...path, "name"]);
        r("CLA2013", keyAt([...path, "image"]), { name: typeof name === "string" ? name : where });
        return;
      }
      r("CLA2016", valueAt(path), { where, detail: "it matches a form that is not allowed" });
      return;
    }
    case "x-oneOf": {
      const expected = describeAlternatives(e.schema, base);
      r("CLA2012", valueAt(path), { where, expected, found: describeFound(data), fix: `write ${expected}` });
      return;
    }
    default:
      r("CLA2016", valueAt(path), { where, detail: e.message ?? e.keyword });
  }
}
function describeAlternatives(oneOf2, base) {
  if (!Array.isArray(oneOf2)) return "a valid value";
  const alts = oneOf2.flatMap((b) => expand({ node: b, file: base }));
  const words = [...new Set(alts.map(describeOneIn))];
  if (words.length === 0) return "a valid value";
  return words.length === 1 ? words[0] : words.slice(0, -1).join(", ") + " or " + words[words.length - 1];
}
function describeOneIn(a) {
  if (a.node["type"] === "array" && a.node["items"] && typeof a.node["items"] === "object") {
    const items = expand({ node: a.node["items"], file: a.file });
    const w = [...new Set(items.map(describeOneIn))];
    const inner = w.length === 1 ? w[0] : w.join(" or ");
    return `a list of ${inner === "a string" ? "strings" : inner.replace(/^(a|an) /, "")}`;
  }
  return describeOne(a.node);
}
function typeFix(expectedType, data, path) {
  const key = String(path[path.length - 1] ?? "value");
  if ((expectedType === "integer" || expectedType === "number") && typeof data === "string" && /^-?[0-9]+(\.[0-9]+)?$/.test(data.trim())) {
    return `remove the quotes: write ${key}: ${data.trim()}, not "${data}" (a quoted value is a string)`;
  }
  if (expectedType === "integer" || expectedType === "number") {
    return `write ${expectedType === "integer" ? "a whole number" : "a number"} without quotes, e.g. ${key}: ${/port/.test(key) ? 8080 : 2}`;
  }
  if (expectedType === "boolean" && typeof data === "string") {
    return `write true or false without quotes (in YAML 1.2, ${/^(yes|no|on|off|y|n)$/i.test(data) ? `"${data}" is a string` : "only true and false are booleans"})`;
  }
  if (expectedType === "array") return `write a list: one "- item" per line under ${key}:, or [a, b]`;
  if (expectedType === "object") return `write a mapping: "key: value" lines indented under ${key}:`;
  if (expectedType === "string" && data !== null && typeof data === "object") return `write a single value; quote it if it contains ": " or starts with [ or {`;
  if (expectedType === "string") return `quote the value, e.g. ${key}: "${String(data)}"`;
  return `write a value of type ${expectedType}`;
}

// compiler/resolve.ts
import { posix } from "node:path";

// plan/trust.ts
var DANGEROUS_HOST_PATHS = [
  { path: "/var/run/docker.sock", what: "the Docker Engine's socket (root on the host)" },
  { path: "/run/docker.sock", what: "the Docker Engine's socket (root on the host)" },
  { path: "/run/containerd", what: "containerd's socket (root on the host)" },
  { path: "/var/run/containerd", what: "containerd's socket (root on the host)" },
  { path: "/run/docker", what: "the Docker Engine runtime directory" },
  { path: "/var/lib/docker", what: "the Docker Engine's data (every container's files)" },
  { path: "/var/lib/containerd", what: "containerd's data (every container's files)" },
  { path: "/var/lib/claude", what: "Claude.OS's keys, journal and audit log" },
  { path: "/etc", what: "the host system configuration" },
  { path: "/proc", what: "the host kernel process interface" },
  { path: "/sys", what: "the host kernel and devices" },
  { path: "/dev", what: "the host devices" },
  { path: "/boot", what: "the host kernel and boot loader" },
  { path: "/root", what: "root's home directory" },
  { path: "/bin", what: "host system programs" },
  { path: "/sbin", what: "host system programs" },
  { path: "/usr", what: "host system programs" },
  { path: "/lib", what: "host system libraries" },
  { path: "/lib64", what: "host system libraries" }
];
function under(p, dir) {
  return p === dir || p.startsWith(dir === "/" ? "/" : dir + "/");
}
function dangerousMount(source) {
  if (!source.startsWith("/")) return null;
  const p = source.replace(/\/+$/, "") || "/";
  if (p === "/") return "the whole host file system";
  if (/(^|\/)(docker|containerd|podman|crio)\.sock$/.test(p)) return "a container engine socket (root on the host)";
  for (const d of DANGEROUS_HOST_PATHS) if (under(p, d.path)) return d.what;
  for (const d of DANGEROUS_HOST_PATHS) if (under(d.path, p)) return `${d.path} (${d.what}) is inside it`;
  return null;
}
function mountAllowed(source, allow) {
  const p = source.replace(/\/+$/, "") || "/";
  return allow.some((a) => (a.replace(/\/+$/, "") || "/") === p);
}
var SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS$|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?$|AUTH_?KEY)/i;
var NOT_A_VALUE_NAME = /(_FILE|_PATH|_DIR|_USER|_USERNAME|_NAME|_METHOD|_LENGTH|_REQUIRED|_ENABLED|_TTL|_EXPIRY|_HEADER)$/i;
var SETTING_VALUE = /^(true|false|yes|no|on|off|none|null|\d{1,6}|trust|md5|scram-sha-256|password|required|optional|disabled|enabled)$/i;
var SECRET_PATTERNS = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/, "a GitHub token"],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}\b/, "a GitHub token"],
  [/\bsk-(ant-)?[A-Za-z0-9_-]{20,}\b/, "an API key (sk-\u2026)"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\/\s:@]+:[^@\s\/]+@/i, "a URL with a password in it"],
  [/\b(mysql|mysqldump|mariadb|mariadb-dump|mysqladmin)\b.*\s-p(?![\s'"$])\S+/, "a password on a mysql command line (-p\u2026)"],
  [/(^|[\s;&|])[A-Z_]*(PASSWORD|PASSWD|TOKEN|SECRET)=(?![\s'"]*\$)\S+/, "a password set on a command line"]
];
function withoutRefs(text) {
  return text.replace(/\$\{secrets\.[^}]*\}/g, "");
}
function plaintextSecretInEnv(key, value) {
  const plain = withoutRefs(value).trim();
  if (plain === "") return null;
  if (SECRET_NAME.test(key) && !NOT_A_VALUE_NAME.test(key) && !SETTING_VALUE.test(plain) && !plain.startsWith("/") && plain === value.trim()) {
    return `the variable's name says it is a secret`;
  }
  return plaintextSecretInText(value);
}
function plaintextSecretInText(text) {
  const plain = withoutRefs(text);
  for (const [re, what] of SECRET_PATTERNS) if (re.test(plain)) return what;
  return null;
}
var FETCH = "(curl|wget|fetch|busybox\\s+wget)";
var RUNNER = "(sudo\\s+)?(env\\s+)?(ba|z|k|da|a)?sh|python[0-9.]*|perl|ruby|node|php";
var REMOTE_CODE = [
  new RegExp(`\\b${FETCH}\\b[^|;&\\n]*\\|\\s*(${RUNNER})\\b`),
  new RegExp(`\\$\\(\\s*${FETCH}\\b`),
  new RegExp("`\\s*" + FETCH + "\\b"),
  new RegExp(`<\\(\\s*${FETCH}\\b`),
  new RegExp(`\\b(${RUNNER})\\s+-c\\s+["']?\\$\\(\\s*${FETCH}`)
];
function fetchAndExecute(command) {
  for (const re of REMOTE_CODE) {
    const m = re.exec(command);
    if (m) return m[0].trim().slice(0, 60);
  }
  return null;
}

// compiler/resolve.ts
var DEFAULTS = {
  replicas: 1,
  state: "running",
  enabled: true,
  restart: "unless-stopped",
  protocol: "tcp",
  health: { intervalMs: 3e4, timeoutMs: 1e4, retries: 3, startPeriodMs: 0 },
  jobTimeoutMs: 36e5,
  networkDriver: "bridge",
  apiPort: 8420,
  apiListen: "127.0.0.1",
  apiEnabled: false,
  confirmTimeoutMs: 6e4,
  reconcileIntervalMs: 6e4,
  reconcileDebounceMs: 500,
  drift: "self_heal",
  notifyMinSeverity: "info",
  webhookTimeoutMs: 5e3,
  webhookRetries: 3,
  requireApproval: true,
  rollbackOnHealthFailure: true,
  imagesPull: true,
  firewallEnabled: true,
  firewallPolicy: "accept",
  /** Always restricted, whatever manifest.yaml says: security.yaml needs explicit approval. */
  restrictedFiles: ["security.yaml"]
};
var DURATION_UNIT_MS = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
function durationMs(s) {
  let total = 0;
  for (const m of s.matchAll(/([0-9]+)(ms|s|m|h|d)/g)) total += Number(m[1]) * DURATION_UNIT_MS[m[2]];
  return total;
}
var SIZE_UNIT = {
  "": 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  k: 1e3,
  K: 1e3,
  M: 1e3 ** 2,
  G: 1e3 ** 3,
  T: 1e3 ** 4,
  P: 1e3 ** 5
};
function sizeBytes(s) {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.exec(s);
  if (!m) throw new Error(`sizeBytes: not a size: ${s}`);
  return Math.round(Number(m[1]) * SIZE_UNIT[m[2] ?? ""]);
}
function nanoCpus(s) {
  if (s.endsWith("m")) return Number(s.slice(0, -1)) * 1e6;
  return Math.round(Number(s) * 1e9);
}
function splitCommand(s) {
  const argv = [];
  let cur = "";
  let inWord = false;
  let operator;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return { argv, error: "a ' quote is never closed" };
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === "\\" && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1])) j++;
        cur += s[j];
      }
      if (j >= s.length) return { argv, error: 'a " quote is never closed' };
      i = j;
    } else if (c === "\\") {
      if (i + 1 >= s.length) return { argv, error: "it ends with a backslash" };
      cur += s[++i];
      inWord = true;
    } else if (c === " " || c === "	" || c === "\n") {
      if (inWord) argv.push(cur);
      cur = "";
      inWord = false;
    } else {
      if (operator === void 0) {
        const two = s.slice(i, i + 2);
        if (two === "&&" || two === "||" || two === "$(" || two === ">>") operator = two;
        else if ("|;<>`&".includes(c)) operator = c;
      }
      cur += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(cur);
  const out = { argv };
  if (operator !== void 0) out.operator = operator;
  return out;
}
var SECRET_REF = /\$\{([^}]*)\}/g;
var SECRET_NAME2 = /^[a-z][a-z0-9_]{0,62}$/;
function resolve2(written, sink) {
  return new Resolver(written, sink).run();
}
var Resolver = class {
  constructor(w, sink) {
    this.w = w;
    this.sink = sink;
  }
  /** manifest.yaml spec.safety.allow_host_mounts, normalised. */
  allowHostMounts = [];
  /** Position of the value (or, with key, the key) at `path` in `file`. */
  at(file, path, key = false) {
    const idx = this.w.positions?.[file];
    if (!idx) return { file, line: 0, column: 0 };
    return (key ? idx.keyPos(path) : idx.valuePos(path)) ?? idx.nearest(path);
  }
  report(code, file, path, args, key = false) {
    this.sink.report(code, this.at(file, path, key), args);
  }
  /** "did you mean X? If not, " when a candidate is close, else ''. Hints start with it. */
  suggestion(word, candidates) {
    const c = closest(word, [...candidates]);
    return c ? `did you mean ${c}? If not, ` : "";
  }
  /** Items by name, reporting duplicates (the first one wins). */
  unique(list, file, base, kind) {
    const out = /* @__PURE__ */ new Map();
    (list ?? []).forEach((item, index) => {
      const first = out.get(item.name);
      if (first) {
        this.report("CLA3009", file, [...base, index, "name"], {
          kind,
          name: item.name,
          firstLine: this.at(file, [...base, first.index, "name"]).line
        });
      } else {
        out.set(item.name, { item, index });
      }
    });
    return out;
  }
  run() {
    const w = this.w;
    const manifest = w.manifest?.spec;
    this.allowHostMounts = (manifest?.safety?.allow_host_mounts ?? []).map(normalisePath);
    const servicesSpec = w.services?.spec;
    const networkSpec = w.network?.spec;
    const storageSpec = w.storage?.spec;
    const securitySpec = w.security?.spec;
    const scheduledSpec = w.scheduled?.spec;
    const services2 = this.unique(servicesSpec?.services, "services.yaml", ["spec", "services"], "service");
    const networks = this.unique(servicesSpec?.networks, "services.yaml", ["spec", "networks"], "network");
    const volumes = this.unique(storageSpec?.volumes, "storage.yaml", ["spec", "volumes"], "volume");
    const jobs = this.unique(scheduledSpec?.jobs, "scheduled.yaml", ["spec", "jobs"], "job");
    const users = this.unique(securitySpec?.users, "security.yaml", ["spec", "users"], "user");
    const secrets = this.unique(securitySpec?.secrets, "security.yaml", ["spec", "secrets"], "secret");
    const certificates = this.unique(securitySpec?.certificates, "security.yaml", ["spec", "certificates"], "certificate");
    this.unique(networkSpec?.firewall?.rules, "network.yaml", ["spec", "firewall", "rules"], "firewall rule");
    const resolvedVolumes = this.volumes(volumes);
    const aliases = manifest?.images?.aliases ?? {};
    const resolvedServices = [...services2.values()].map(
      ({ item, index }) => this.service(item, index, aliases, networks, resolvedVolumes, secrets)
    );
    this.dependencies(resolvedServices, services2);
    this.hostPorts(services2);
    const resolvedJobs = [...jobs.values()].map(({ item, index }) => this.job(item, index, services2, resolvedVolumes, secrets, aliases));
    const apiKeySecret = manifest?.llm?.api_key_secret;
    if (apiKeySecret !== void 0 && !secrets.has(apiKeySecret)) {
      this.report("CLA3011", "manifest.yaml", ["spec", "llm", "api_key_secret"], {
        name: apiKeySecret,
        suggestion: this.suggestion(apiKeySecret, secrets.keys())
      });
    }
    const webhookSecret = manifest?.notifications?.webhook?.secret;
    if (webhookSecret !== void 0 && !secrets.has(webhookSecret)) {
      this.report("CLA3021", "manifest.yaml", ["spec", "notifications", "webhook", "secret"], {
        name: webhookSecret,
        suggestion: this.suggestion(webhookSecret, secrets.keys())
      });
    }
    const hostname = networkSpec?.hostname ?? manifest?.hostname;
    if (manifest?.hostname !== void 0 && networkSpec?.hostname !== void 0 && manifest.hostname !== networkSpec.hostname) {
      this.report("CLA3012", "manifest.yaml", ["spec", "hostname"], { hostname: manifest.hostname, other: networkSpec.hostname });
    }
    const safety = manifest?.safety;
    const model = {
      files: { ...w.sources },
      safety: {
        requireApproval: safety?.require_approval ?? DEFAULTS.requireApproval,
        autoApproveCategories: [...safety?.auto_approve_categories ?? []].sort(),
        restrictedFiles: [.../* @__PURE__ */ new Set([...DEFAULTS.restrictedFiles, ...safety?.restricted_files ?? []])].sort(),
        rollbackOnHealthFailure: safety?.rollback_on_health_failure ?? DEFAULTS.rollbackOnHealthFailure,
        confirmTimeoutMs: safety?.confirm_timeout !== void 0 ? durationMs(safety.confirm_timeout) : DEFAULTS.confirmTimeoutMs
      },
      reconcile: {
        intervalMs: manifest?.reconcile?.interval !== void 0 ? durationMs(manifest.reconcile.interval) : DEFAULTS.reconcileIntervalMs,
        debounceMs: manifest?.reconcile?.debounce !== void 0 ? durationMs(manifest.reconcile.debounce) : DEFAULTS.reconcileDebounceMs,
        drift: manifest?.reconcile?.drift ?? DEFAULTS.drift,
        ignore: [...manifest?.reconcile?.ignore ?? []].sort()
      },
      notifications: this.notifications(manifest?.notifications, secrets),
      images: { aliases: sortedRecord(aliases), pull: manifest?.images?.pull ?? DEFAULTS.imagesPull },
      api: {
        enabled: manifest?.api?.enabled ?? DEFAULTS.apiEnabled,
        listen: manifest?.api?.listen ?? DEFAULTS.apiListen,
        port: manifest?.api?.port ?? DEFAULTS.apiPort
      },
      networks: this.networks(networks),
      services: resolvedServices.sort(byName),
      volumes: resolvedVolumes.sort(byName),
      mounts: storageSpec?.mounts ?? [],
      firewall: this.firewall(),
      interfaces: [...networkSpec?.interfaces ?? []].sort(byName),
      users: [...users.values()].map((u) => u.item).sort(byName),
      secrets: [...secrets.values()].map(({ item }) => ({ name: item.name, value: item.value })).sort(byName),
      certificates: [...certificates.values()].map((c) => c.item).sort(byName),
      jobs: resolvedJobs.sort(byName)
    };
    if (safety?.max_changes_per_hour !== void 0) model.safety.maxChangesPerHour = safety.max_changes_per_hour;
    if (hostname !== void 0) model.hostname = hostname;
    if (manifest?.timezone !== void 0) model.timezone = manifest.timezone;
    if (manifest?.llm !== void 0) model.llm = manifest.llm;
    if (networkSpec?.dns !== void 0) model.dns = { nameservers: networkSpec.dns.nameservers ?? [], search: networkSpec.dns.search ?? [] };
    if (securitySpec?.ssh !== void 0) model.ssh = securitySpec.ssh;
    if (securitySpec?.audit !== void 0) model.audit = securitySpec.audit;
    return model;
  }
  // ── volumes and mounts ────────────────────────────────────────────────
  volumes(volumes) {
    const out = [];
    const seen = [];
    for (const { item, index } of volumes.values()) {
      const path = normalisePath(item.path);
      const clash = seen.find((o) => o.path === path || path.startsWith(o.path + "/") || o.path.startsWith(path + "/"));
      if (clash) {
        this.report("CLA3020", "storage.yaml", ["spec", "volumes", index, "path"], { name: item.name, path, other: clash.name, otherPath: clash.path });
      }
      seen.push({ name: item.name, path });
      const v = { name: item.name, path };
      if (item.size !== void 0) v.sizeBytes = sizeBytes(item.size);
      if (item.filesystem !== void 0) v.filesystem = item.filesystem;
      if (item.permissions !== void 0) v.permissions = item.permissions.length === 3 ? "0" + item.permissions : item.permissions;
      if (item.owner !== void 0) v.owner = item.owner;
      if (item.backup !== void 0) {
        const b = { enabled: item.backup.enabled ?? true };
        if (item.backup.schedule !== void 0) b.schedule = item.backup.schedule;
        if (item.backup.retain !== void 0) b.retain = item.backup.retain;
        if (item.backup.type !== void 0) b.type = item.backup.type;
        if (item.backup.destination !== void 0) b.destination = item.backup.destination;
        v.backup = b;
      }
      out.push(v);
    }
    return out;
  }
  volumeIndex;
  volumeByName(volumes) {
    if (this.volumeIndex?.of !== volumes) this.volumeIndex = { of: volumes, byName: new Map(volumes.map((v) => [v.name, v])) };
    return this.volumeIndex.byName;
  }
  mounts(list, file, base, owner, volumes) {
    const out = [];
    (list ?? []).forEach((m, i) => {
      const mount = { source: m.source, target: m.target, readonly: m.readonly ?? false };
      if (m.source.startsWith("/")) {
        mount.source = normalisePath(m.source);
        const danger = dangerousMount(mount.source);
        if (danger && !mountAllowed(mount.source, this.allowHostMounts)) {
          this.report("CLA3022", file, [...base, i, "source"], { owner, path: mount.source, what: danger });
          return;
        }
        let best2;
        for (const v of volumes) {
          if ((mount.source === v.path || mount.source.startsWith(v.path + "/")) && (!best2 || v.path.length > best2.path.length)) best2 = v;
        }
        if (best2) mount.volume = best2.name;
      } else {
        const v = this.volumeByName(volumes).get(m.source);
        if (!v) {
          this.report("CLA3004", file, [...base, i, "source"], {
            owner,
            name: m.source,
            suggestion: this.suggestion(m.source, volumes.map((x) => x.name))
          });
          return;
        }
        mount.source = v.path;
        mount.volume = v.name;
      }
      out.push(mount);
    });
    return out;
  }
  // ── services ──────────────────────────────────────────────────────────
  service(s, index, aliases, networks, volumes, secrets) {
    const base = ["spec", "services", index];
    const owner = `service ${s.name}`;
    const image = this.imageWithTag(s, base);
    const environment = {};
    const secretRefs = /* @__PURE__ */ new Set();
    for (const key of Object.keys(s.environment ?? {}).sort()) {
      const value = s.environment[key];
      setOwn(environment, key, value);
      const plain = plaintextSecretInEnv(key, value);
      if (plain) this.report("CLA3023", "services.yaml", [...base, "environment", key], { owner, where: `environment ${key}`, what: plain, name: secretNameFor(key) });
      for (const m of value.matchAll(SECRET_REF)) {
        if (m.index > 0 && value[m.index - 1] === "$") continue;
        const inner = m[1];
        const name = inner.startsWith("secrets.") ? inner.slice("secrets.".length) : void 0;
        if (name === void 0 || !SECRET_NAME2.test(name)) {
          this.report("CLA3015", "services.yaml", [...base, "environment", key], { owner: `${owner}: environment ${key}`, text: m[0] });
          continue;
        }
        secretRefs.add(name);
        if (!secrets.has(name)) {
          this.report("CLA3002", "services.yaml", [...base, "environment", key], {
            service: s.name,
            key,
            name,
            suggestion: this.suggestion(name, secrets.keys())
          });
        }
      }
    }
    const svc = {
      name: s.name,
      image,
      resolvedImage: applyAliases(image, aliases),
      replicas: s.replicas ?? DEFAULTS.replicas,
      state: s.state ?? DEFAULTS.state,
      enabled: s.enabled ?? DEFAULTS.enabled,
      ports: (s.ports ?? []).map((p) => {
        const out = { container: p.container, protocol: p.protocol ?? DEFAULTS.protocol };
        if (p.host !== void 0) out.host = p.host;
        if (p.host_ip !== void 0) out.hostIp = p.host_ip;
        return out;
      }),
      mounts: this.mounts(s.volumes, "services.yaml", [...base, "volumes"], owner, volumes),
      environment,
      secretRefs: [...secretRefs].sort(),
      resources: {},
      healthcheck: this.health(s.healthcheck, s.name, base),
      restart: s.restart ?? DEFAULTS.restart,
      networks: [...new Set(s.networks ?? [])].sort(),
      dependsOn: [...new Set(s.depends_on ?? [])].sort(),
      labels: sortedRecord(s.labels ?? {})
    };
    const command = this.argv(s.command, "services.yaml", [...base, "command"], owner, "command");
    if (command) svc.command = command;
    const entrypoint = this.argv(s.entrypoint, "services.yaml", [...base, "entrypoint"], owner, "entrypoint");
    if (entrypoint) svc.entrypoint = entrypoint;
    if (s.user !== void 0) svc.user = s.user;
    if (s.working_dir !== void 0) svc.workingDir = s.working_dir;
    if (s.resources?.cpu !== void 0) svc.resources.nanoCpus = nanoCpus(s.resources.cpu);
    if (s.resources?.memory !== void 0) svc.resources.memoryBytes = sizeBytes(s.resources.memory);
    const elsewhere = [
      ["command", [...base, "command"], s.command],
      ["entrypoint", [...base, "entrypoint"], s.entrypoint],
      ["healthcheck.test", [...base, "healthcheck", "test"], s.healthcheck?.test],
      ["labels", [...base, "labels"], s.labels]
    ];
    for (const [field, path, v] of elsewhere) {
      this.secretsOutsideEnv(v, "services.yaml", path, owner, field);
      if (field !== "labels") this.commandTrust(v, "services.yaml", path, owner, field);
    }
    (s.networks ?? []).forEach((n, i) => {
      if (!networks.has(n)) {
        this.report("CLA3003", "services.yaml", [...base, "networks", i], { service: s.name, name: n, suggestion: this.suggestion(n, networks.keys()) });
      }
    });
    return svc;
  }
  /** Trust rules for a command: no code fetched and run (CLA3024), no plaintext secret in it (CLA3023). */
  commandTrust(v, file, path, owner, field) {
    const text = typeof v === "string" ? v : Array.isArray(v) ? v.filter((x) => typeof x === "string").join(" ") : "";
    if (!text) return;
    const remote = fetchAndExecute(text);
    if (remote) this.report("CLA3024", file, path, { owner, field, what: remote });
    const plain = plaintextSecretInText(text);
    if (plain) this.report("CLA3023", file, path, { owner, where: field, what: plain, name: "db_password" });
  }
  secretsOutsideEnv(v, file, path, owner, field) {
    const strings = typeof v === "string" ? [v] : Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : [];
    for (const s of strings) {
      if (typeof s !== "string") continue;
      const m = /\$\{secrets\.([^}]*)\}/.exec(s);
      if (m) {
        this.report("CLA3016", file, path, { owner, field, name: m[1] });
        return;
      }
    }
  }
  /** The tag rule: `tag` wins over a tag in `image` (warning); a digest wins over both (warning). */
  imageWithTag(s, base) {
    const ref = parseImageRef(s.image);
    if (!ref) return s.image;
    if (s.tag === void 0) return s.image;
    const repo = imageRepository(ref);
    if (ref.digest !== void 0) {
      this.report("CLA3001", "services.yaml", [...base, "tag"], {
        service: s.name,
        image: s.image,
        what: "a digest",
        rule: `the digest pins the image and tag "${s.tag}" is ignored`,
        fix: `remove tag:, or remove the @digest from image: to use ${repo}:${s.tag}`
      });
      return s.image;
    }
    if (ref.tag !== void 0 && ref.tag !== s.tag) {
      this.report("CLA3001", "services.yaml", [...base, "tag"], {
        service: s.name,
        image: s.image,
        what: `the tag "${ref.tag}"`,
        rule: `tag: "${s.tag}" wins, so the image is ${repo}:${s.tag}`,
        fix: `write the tag in one place only: image: ${repo} with tag: "${s.tag}", or image: ${repo}:${s.tag}`
      });
    }
    return `${repo}:${s.tag}`;
  }
  argv(v, file, path, owner, field) {
    if (v === void 0) return void 0;
    if (Array.isArray(v)) return [...v];
    const t = splitCommand(v);
    if (t.error) {
      this.report("CLA3013", file, path, { owner, field, reason: t.error });
      return [v];
    }
    if (t.operator) this.report("CLA3014", file, path, { owner, field, op: `"${t.operator}"` });
    return t.argv;
  }
  health(h, service, base) {
    if (!h || h.disable === true) return null;
    if (h.test === void 0) {
      this.report("CLA3018", "services.yaml", [...base, "healthcheck"], { service }, true);
      return null;
    }
    let test;
    if (typeof h.test === "string") test = ["CMD-SHELL", h.test];
    else if (h.test[0] === "NONE") return null;
    else if (h.test[0] === "CMD" || h.test[0] === "CMD-SHELL") test = [...h.test];
    else test = ["CMD", ...h.test];
    return {
      test,
      intervalMs: h.interval !== void 0 ? durationMs(h.interval) : DEFAULTS.health.intervalMs,
      timeoutMs: h.timeout !== void 0 ? durationMs(h.timeout) : DEFAULTS.health.timeoutMs,
      retries: h.retries ?? DEFAULTS.health.retries,
      startPeriodMs: h.start_period !== void 0 ? durationMs(h.start_period) : DEFAULTS.health.startPeriodMs
    };
  }
  // ── depends_on ────────────────────────────────────────────────────────
  dependencies(resolved, services2) {
    const byName2 = new Map(resolved.map((s) => [s.name, s]));
    const edges = /* @__PURE__ */ new Map();
    for (const { item, index } of services2.values()) {
      const ok = [];
      (item.depends_on ?? []).forEach((d, i) => {
        const target = byName2.get(d);
        if (!target) {
          this.report("CLA3005", "services.yaml", ["spec", "services", index, "depends_on", i], {
            service: item.name,
            name: d,
            suggestion: this.suggestion(d, [...byName2.keys()].filter((n) => n !== item.name))
          });
          return;
        }
        ok.push(d);
        const state = !target.enabled ? "disabled (enabled: false)" : target.state === "stopped" ? "stopped" : target.replicas === 0 ? "scaled to 0 replicas" : void 0;
        const self = byName2.get(item.name);
        if (state && self && self.enabled && self.state === "running" && self.replicas > 0 && d !== item.name) {
          this.report("CLA3019", "services.yaml", ["spec", "services", index, "depends_on", i], { service: item.name, name: d, state });
        }
      });
      edges.set(item.name, [...new Set(ok)].sort());
    }
    for (const cycle of findCycles(edges)) {
      const first = cycle[0];
      const next = cycle[1];
      const named = services2.get(first);
      const i = (named.item.depends_on ?? []).indexOf(next);
      this.report("CLA3006", "services.yaml", ["spec", "services", named.index, "depends_on", i], { cycle: cycle.join(" \u2192 ") });
    }
  }
  // ── host ports ────────────────────────────────────────────────────────
  hostPorts(services2) {
    const claims = [];
    for (const { item, index } of services2.values()) {
      const replicas = item.replicas ?? DEFAULTS.replicas;
      if (replicas === 0) continue;
      (item.ports ?? []).forEach((p, i) => {
        if (p.host === void 0) return;
        const protocol = p.protocol ?? DEFAULTS.protocol;
        const path = ["spec", "services", index, "ports", i, "host"];
        if (replicas > 1) this.report("CLA3008", "services.yaml", path, { service: item.name, replicas, port: p.host, protocol });
        claims.push({ service: item.name, port: p.host, protocol, ip: p.host_ip, path });
      });
    }
    const taken = new Set(claims.map((c) => `${c.port}/${c.protocol}`));
    const byPort = /* @__PURE__ */ new Map();
    for (const c of claims) {
      const key = `${c.port}/${c.protocol}`;
      const same = byPort.get(key) ?? [];
      const earlier = same.find((o) => ipsOverlap(o.ip, c.ip));
      same.push(c);
      byPort.set(key, same);
      if (!earlier) continue;
      let free = c.port + 1;
      while (free <= 65535 && taken.has(`${free}/${c.protocol}`)) free++;
      this.report("CLA3007", "services.yaml", c.path, {
        service: c.service,
        port: c.port,
        protocol: c.protocol,
        ip: c.ip ? ` on ${c.ip}` : "",
        other: earlier.service === c.service ? `${c.service} (another ports entry)` : earlier.service,
        free: free <= 65535 ? free : c.port - 1
      });
    }
  }
  // ── networks, firewall ────────────────────────────────────────────────
  networks(networks) {
    return [...networks.values()].map(({ item }) => {
      const n = { name: item.name, driver: item.driver ?? DEFAULTS.networkDriver, internal: item.internal ?? false };
      if (item.subnet !== void 0) n.subnet = item.subnet;
      return n;
    }).sort(byName);
  }
  /** manifest.yaml spec.notifications with defaults; the webhook secret is looked up as ciphertext (CLA3021 reports a missing one). */
  notifications(n, secrets) {
    const out = { minSeverity: n?.min_severity ?? DEFAULTS.notifyMinSeverity };
    const w = n?.webhook;
    if (w) {
      const secret = w.secret !== void 0 ? secrets.get(w.secret)?.item : void 0;
      out.webhook = {
        url: w.url,
        timeoutMs: w.timeout !== void 0 ? durationMs(w.timeout) : DEFAULTS.webhookTimeoutMs,
        retries: w.retries ?? DEFAULTS.webhookRetries,
        ...secret ? { secret: { name: secret.name, value: secret.value } } : {}
      };
    }
    return out;
  }
  firewall() {
    const fw = this.w.network?.spec.firewall;
    if (!fw) return null;
    return {
      enabled: fw.enabled ?? DEFAULTS.firewallEnabled,
      defaultInputPolicy: fw.default_input_policy ?? DEFAULTS.firewallPolicy,
      defaultOutputPolicy: fw.default_output_policy ?? DEFAULTS.firewallPolicy,
      defaultForwardPolicy: fw.default_forward_policy ?? DEFAULTS.firewallPolicy,
      rules: fw.rules ?? []
    };
  }
  // ── jobs ──────────────────────────────────────────────────────────────
  job(j, index, services2, volumes, _secrets, aliases) {
    const base = ["spec", "jobs", index];
    if (j.container !== void 0 && !services2.has(j.container)) {
      this.report("CLA3010", "scheduled.yaml", [...base, "container"], { job: j.name, name: j.container, suggestion: this.suggestion(j.container, services2.keys()) });
    }
    if (j.container !== void 0 && j.volumes !== void 0 && j.volumes.length > 0) {
      this.report("CLA3017", "scheduled.yaml", [...base, "volumes"], { job: j.name, name: j.container }, true);
    }
    this.secretsOutsideEnv(j.command, "scheduled.yaml", [...base, "command"], `job ${j.name}`, "command");
    this.commandTrust(j.command, "scheduled.yaml", [...base, "command"], `job ${j.name}`, "command");
    const out = {
      name: j.name,
      schedule: j.schedule,
      command: typeof j.command === "string" ? ["/bin/sh", "-c", j.command] : [...j.command],
      mounts: this.mounts(j.volumes, "scheduled.yaml", [...base, "volumes"], `job ${j.name}`, volumes),
      timeoutMs: j.timeout !== void 0 ? durationMs(j.timeout) : DEFAULTS.jobTimeoutMs,
      enabled: j.enabled ?? true
    };
    if (j.container !== void 0) out.container = j.container;
    if (j.image !== void 0) {
      out.image = j.image;
      out.resolvedImage = applyAliases(j.image, aliases);
    }
    if (j.on_failure !== void 0) out.onFailure = j.on_failure;
    if (j.on_success !== void 0) out.onSuccess = j.on_success;
    return out;
  }
};
function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
function sortedRecord(r) {
  const out = {};
  for (const k of Object.keys(r).sort()) setOwn(out, k, r[k]);
  return out;
}
function setOwn(out, k, v) {
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
}
function normalisePath(p) {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}
function familiarImage(image) {
  return image.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
}
function applyAliases(image, aliases) {
  const has = (k) => Object.prototype.hasOwnProperty.call(aliases, k);
  const short = familiarImage(image);
  const candidates = [image, short];
  const ref = parseImageRef(short);
  if (ref && ref.digest === void 0) candidates.push(imageRepository(ref));
  for (const c of candidates) if (has(c)) return aliases[c];
  return image;
}
function ipsOverlap(a, b) {
  const wildcard = (x) => x === void 0 || x === "0.0.0.0" || x === "::";
  if (wildcard(a) || wildcard(b)) {
    if (a === "0.0.0.0" && b !== void 0 && b.includes(":") && b !== "::") return false;
    if (b === "0.0.0.0" && a !== void 0 && a.includes(":") && a !== "::") return false;
    return true;
  }
  return a === b;
}
function findCycles(edges) {
  let counter = 0;
  const index = /* @__PURE__ */ new Map();
  const low = /* @__PURE__ */ new Map();
  const onStack = /* @__PURE__ */ new Set();
  const stack = [];
  const sccs = [];
  const nodes = [...edges.keys()].sort();
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const succ = edges.get(top.node) ?? [];
      if (top.next < succ.length) {
        const m = succ[top.next++];
        if (!edges.has(m)) continue;
        if (!index.has(m)) {
          index.set(m, counter);
          low.set(m, counter++);
          stack.push(m);
          onStack.add(m);
          work.push({ node: m, next: 0 });
        } else if (onStack.has(m)) {
          low.set(top.node, Math.min(low.get(top.node), index.get(m)));
        }
      } else {
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node), low.get(top.node)));
        if (low.get(top.node) === index.get(top.node)) {
          const comp = [];
          let x;
          do {
            x = stack.pop();
            onStack.delete(x);
            comp.push(x);
          } while (x !== top.node);
          sccs.push(comp);
        }
      }
    }
  }
  const cycles = [];
  for (const comp of sccs) {
    const inComp = new Set(comp);
    const start = [...comp].sort()[0];
    if (comp.length === 1 && !(edges.get(start) ?? []).includes(start)) continue;
    const prev = /* @__PURE__ */ new Map();
    const queue = [start];
    let found = false;
    for (let qi = 0; qi < queue.length && !found; qi++) {
      const n = queue[qi];
      for (const m of edges.get(n) ?? []) {
        if (!inComp.has(m)) continue;
        if (m === start) {
          prev.set(start, n);
          found = true;
          break;
        }
        if (!prev.has(m)) {
          prev.set(m, n);
          queue.push(m);
        }
      }
    }
    const path = [start];
    let cur = prev.get(start);
    while (cur !== start) {
      path.push(cur);
      cur = prev.get(cur);
    }
    path.push(start);
    const middle = path.slice(1, -1).reverse();
    cycles.push([start, ...middle, start]);
  }
  return cycles.sort((a, b) => a[0] < b[0] ? -1 : 1);
}
function secretNameFor(key) {
  const n = key.toLowerCase().replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "");
  return n.slice(0, 63) || "my_secret";
}

// compiler/sources.ts
var KNOWN = new Set(STATE_FILE_NAMES);

// compiler/compile.ts
function compileSources(files, sink = new DiagnosticSink()) {
  const parsed = parse(files, sink);
  trace("compile: parsed");
  const written = check(parsed, sink);
  trace("compile: checked");
  if (sink.hasErrors()) return { diagnostics: sink.sorted() };
  const model = resolve2(written, sink);
  trace("compile: resolved");
  const diagnostics = sink.sorted();
  if (sink.hasErrors()) return { written, diagnostics };
  return { model, written, diagnostics };
}
function compileFiles(files) {
  const sources = Object.keys(files).sort().map((name) => ({ name, text: files[name] }));
  return compileSources(sources);
}

// stdlib-templates/index.ts
import { readFileSync as readFileSync2, readdirSync } from "node:fs";
import { join as join4 } from "node:path";
import { parse as parseYaml } from "yaml";
var TemplateError = class extends Error {
};
var CHECKS = {
  name: (v) => typeof v === "string" && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v),
  image: (v) => typeof v === "string" && /^[a-z0-9][a-z0-9._\/:@-]{0,254}$/i.test(v) && !/\s/.test(v),
  port: (v) => Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 65535,
  ip: (v) => typeof v === "string" && (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || /^[0-9a-f:]+$/i.test(v)),
  size: (v) => /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.test(String(v)),
  secret: (v) => typeof v === "string" && /^[a-z][a-z0-9_]{0,62}$/.test(v),
  int: (v) => Number.isInteger(Number(v)),
  string: (v) => typeof v === "string"
};
var HINTS = {
  name: 'lowercase letters, digits and "-", e.g. web-1',
  image: "an image reference such as nginx:alpine",
  port: "a number from 1 to 65535",
  ip: "an address such as 127.0.0.1",
  size: "a size such as 512Mi or 2Gi",
  secret: 'a secret name: lowercase letters, digits and "_"',
  int: "a whole number",
  string: "text"
};
function templatesDir() {
  return join4(packageRoot(), "stdlib-templates");
}
var cache = /* @__PURE__ */ new Map();
function listTemplates() {
  return readdirSync(templatesDir()).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)).sort();
}
function loadTemplate(name) {
  const hit = cache.get(name);
  if (hit) return hit;
  if (!/^[a-z0-9-]+$/.test(name) || !listTemplates().includes(name)) {
    throw new TemplateError(`no template named '${name}'; available: ${listTemplates().join(", ")}`);
  }
  const t = parseYaml(readFileSync2(join4(templatesDir(), name + ".yaml"), "utf8"));
  if (t.template !== name) throw new TemplateError(`stdlib-templates/${name}.yaml: 'template' must be '${name}'`);
  cache.set(name, t);
  return t;
}
function instantiate(name, params = {}) {
  const t = loadTemplate(name);
  const values = {};
  for (const key of Object.keys(params)) {
    if (params[key] !== void 0 && !(key in t.parameters)) {
      throw new TemplateError(`template ${name}: unknown parameter '${key}' (it takes ${Object.keys(t.parameters).sort().join(", ")})`);
    }
  }
  for (const [key, spec] of Object.entries(t.parameters)) {
    const v = params[key] ?? spec.default;
    if (v === void 0) {
      if (spec.required) throw new TemplateError(`template ${name}: parameter '${key}' is required (${HINTS[spec.type]})`);
      continue;
    }
    if (!CHECKS[spec.type](v)) throw new TemplateError(`template ${name}: parameter '${key}' is '${v}', expected ${HINTS[spec.type]}`);
    values[key] = spec.type === "port" || spec.type === "int" ? Number(v) : String(v);
  }
  const fill = (node) => {
    if (typeof node === "string") {
      const whole = /^\{\{(\w+)\}\}$/.exec(node);
      if (whole) {
        const v = values[whole[1]];
        if (v === void 0) throw new TemplateError(`template ${name}: '${node}' names no parameter with a value`);
        return v;
      }
      return node.replace(/\{\{(\w+)\}\}/g, (m, k) => {
        const v = values[k];
        if (v === void 0) throw new TemplateError(`template ${name}: '${m}' names no parameter with a value`);
        return String(v);
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === "object") {
      const out = {};
      for (const [k, v] of Object.entries(node)) out[k] = fill(v);
      return out;
    }
    return node;
  };
  return {
    template: name,
    role: t.role,
    service: fill(t.service),
    volumes: fill(t.volumes ?? []),
    params: values
  };
}

// compiler/intent/offline/language.ts
import { createRequire as createRequire3 } from "node:module";
import * as chrono from "chrono-node";
var require4 = createRequire3(import.meta.url);
var nlp;
function wink() {
  if (!nlp) {
    const winkNLP = require4("wink-nlp");
    const model = require4("wink-eng-lite-web-model");
    nlp = winkNLP(model, ["sbd", "pos", "ner", "negation"]);
  }
  return nlp;
}
var UNITS = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90
};
function wordsToNumber(text) {
  const t = text.toLowerCase().replace(/,/g, "").trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  let total = 0;
  let current = 0;
  let any = false;
  for (const w of t.split(/[\s-]+/)) {
    if (w === "and") continue;
    if (w in UNITS) {
      current += UNITS[w];
      any = true;
    } else if (w === "hundred") {
      current = (current || 1) * 100;
      any = true;
    } else if (w === "thousand") {
      total += (current || 1) * 1e3;
      current = 0;
      any = true;
    } else return void 0;
  }
  return any ? total + current : void 0;
}
function read(message) {
  const doc = wink().readDoc(message);
  const its = wink().its;
  const replacements = [];
  doc.entities().each((e) => {
    const d = e.out(its.detail);
    if (d.type !== "CARDINAL" && d.type !== "DURATION") return;
    const m = /^([a-z][a-z\s-]*?)(\s+(?:days?|weeks?|hours?|minutes?|months?|years?))?$/i.exec(d.value);
    if (!m || /^\d/.test(d.value)) return;
    const n = wordsToNumber(m[1]);
    if (n === void 0 || n === 1 && !/\b(one)\s+(core|cpu|replica|instance|copy|gig|gb|meg)/i.test(message)) return;
    replacements.push({ from: m[1], to: String(n) });
  });
  let text = message;
  for (const r of replacements) {
    text = text.replace(new RegExp(String.raw`(?<![\w'"])${r.from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\w'"])`, "i"), r.to);
  }
  const lemmas = doc.tokens().out(its.lemma).map((x) => x.toLowerCase()).join(" ");
  const negated = doc.tokens().out(its.negationFlag).some(Boolean);
  return { text, lemmas, negated };
}
function timeOfDay(text) {
  const ref = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  for (const r of chrono.parse(text, { instant: ref, timezone: "UTC" }, { forwardDate: false })) {
    if (!r.start.isCertain("hour")) continue;
    let h = r.start.get("hour") ?? 0;
    if (!r.start.isCertain("meridiem") && h > 12 && !/\b(evening|afternoon|tonight|pm)\b/i.test(text)) h -= 12;
    if (!r.start.isCertain("meridiem") && h < 12 && /\b(evening|afternoon|tonight)\b/i.test(text)) h += 12;
    return [h, r.start.get("minute") ?? 0];
  }
  return void 0;
}

// compiler/intent/offline/nlu.ts
var WORD_NUMBERS = {
  zero: 0,
  no: 0,
  none: 0,
  one: 1,
  a: 1,
  an: 1,
  single: 1,
  two: 2,
  couple: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  hundred: 100
};
function parseNumberWord(s) {
  const t = s.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t in WORD_NUMBERS) return WORD_NUMBERS[t];
  return void 0;
}
var NUM = String.raw`(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|a half|a quarter|quarter)`;
var SIZE_UNITS = [
  [/^(k|kb|kib|kilobytes?)$/i, "Ki", 1024],
  [/^(m|mb|mib|megs?|megabytes?|mebibytes?)$/i, "Mi", 1024 ** 2],
  [/^(g|gb|gib|gigs?|gigabytes?|gibibytes?)$/i, "Gi", 1024 ** 3],
  [/^(t|tb|tib|terabytes?)$/i, "Ti", 1024 ** 4]
];
function findSizes(text) {
  const out = [];
  const re = /(?<![\w.])(\d+(?:\.\d+)?)\s?(kib|kb|k|mib|mb|megs?|megabytes?|m|gib|gb|gigs?|gigabytes?|g|tib|tb|terabytes?|t)(?![\w])/gi;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    const unit = SIZE_UNITS.find(([r]) => r.test(m[2]));
    if (!unit) continue;
    const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 12).toLowerCase();
    if (/^\s*(of\s+)?(cpu|cores?|millicores?)/.test(after)) continue;
    let value;
    let bytes;
    if (Number.isInteger(n)) {
      value = `${n}${unit[1]}`;
      bytes = n * unit[2];
    } else {
      const idx = SIZE_UNITS.indexOf(unit);
      const lower = SIZE_UNITS[idx - 1];
      if (lower) {
        const v = Math.round(n * 1024);
        value = `${v}${lower[1]}`;
        bytes = v * lower[2];
      } else {
        value = `${n}${unit[1]}`;
        bytes = Math.round(n * unit[2]);
      }
    }
    out.push({ text: m[0], value, bytes });
  }
  return out;
}
function sizeToBytes(s) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.exec(s);
  if (!m) return void 0;
  const mult = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  return Math.round(Number(m[1]) * (m[2] ? mult[m[2]] : 1));
}
function findCpu(text) {
  const t = text.toLowerCase();
  let m = /\b(half|a half|quarter|a quarter)\s+(?:of\s+)?(?:a|an|one)?\s*(?:cpu|core|vcpu)s?\b/.exec(t);
  if (m) return { text: m[0], value: m[1].includes("half") ? "0.5" : "0.25" };
  m = /\b(\d+)\s?(m|millicores?)\s+(?:of\s+)?(?:cpu|cores?)?/.exec(t);
  if (m && (m[2] !== "m" || /cpu|core/.test(m[0]))) return { text: m[0], value: `${m[1]}m` };
  m = new RegExp(String.raw`\b${NUM}\s+(?:v?cpus?|cores?|processors?)\b`).exec(t);
  if (m) {
    const n = parseNumberWord(m[1]);
    if (n !== void 0 && n > 0) return { text: m[0], value: formatCpu(n) };
  }
  m = /\bcpu\s+(?:limit\s+)?(?:of|to|=|:)?\s*(\d+(?:\.\d+)?)(?!\s*%)/.exec(t);
  if (m) return { text: m[0], value: formatCpu(Number(m[1])) };
  return void 0;
}
function formatCpu(n) {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1e3) / 1e3);
}
var IPV4 = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
function findCidrs(text) {
  const out = [];
  for (const m of text.matchAll(new RegExp(String.raw`(?<![\w.])${IPV4}(?:/(?:3[0-2]|[12]?\d))?(?![\w.]*\d)`, "g"))) out.push(m[0]);
  for (const m of text.matchAll(/(?<![\w:])(?:[0-9a-f]{1,4}:){1,7}:?(?:[0-9a-f]{0,4}(?::[0-9a-f]{1,4})*)(?:\/(?:12[0-8]|1[01]\d|\d?\d))?(?![\w:])/gi)) {
    if (m[0].includes("::") || (m[0].match(/:/g) ?? []).length >= 7) out.push(m[0].toLowerCase());
  }
  return out;
}
function findPorts(text) {
  const out = [];
  const t = text.toLowerCase();
  for (const m of t.matchAll(/\bports?\s+((?:\d{1,5}(?:\s*(?:,|and|&|\/|or)\s*)?)+)/g)) {
    for (const n of m[1].match(/\d{1,5}/g) ?? []) out.push(Number(n));
  }
  for (const m of t.matchAll(/\bport\b(?:\s+(?:of|for|on)\s+[^.\d]{1,40}?)?\s+(?:to|=|at)\s+(\d{1,5})\b/g)) out.push(Number(m[1]));
  for (const m of t.matchAll(/\blisten(?:s|ing)?\s+on\s+(?:port\s+)?(\d{1,5})\b/g)) out.push(Number(m[1]));
  const notPort = String.raw`(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|cpus?|cores?|replicas?|instances|copies|connections?|times|minutes?|hours?|days?|am\b|pm\b|:|\.\d))`;
  for (const m of t.matchAll(new RegExp(String.raw`\bon\s+(\d{2,5})\b${notPort}`, "g"))) out.push(Number(m[1]));
  for (const m of t.matchAll(new RegExp(String.raw`\b(?:open|close|block|unblock|expose|deny)\s+(?:up\s+)?(\d{2,5})\b${notPort}`, "g"))) out.push(Number(m[1]));
  for (const m of t.matchAll(/(?:^|\s):(\d{1,5})\b/g)) out.push(Number(m[1]));
  for (const m of t.matchAll(/\b(\d{1,5})\/(tcp|udp)\b/g)) out.push(Number(m[1]));
  return [...new Set(out.filter((p) => p >= 1 && p <= 65535))];
}
function findQuoted(text) {
  const out = [];
  for (const m of text.matchAll(/(?<![A-Za-z])['‘’"“”`]([^'‘’"“”`\n]{1,200})['‘’"“”`](?![A-Za-z])/g)) out.push(m[1].trim());
  return out;
}
function findImageRefs(text) {
  const out = [];
  for (const m of text.matchAll(/(?<![\w@./:-])([a-z0-9][a-z0-9._-]*(?:\.[a-z0-9-]+)*(?::\d+)?(?:\/[a-z0-9._-]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?)(?![\w/:@-])/gi)) {
    const s = m[1];
    if (!/[:/]/.test(s)) continue;
    if (/^\d+(\.\d+){3}/.test(s)) continue;
    if (/^\d+\/(tcp|udp)$/i.test(s)) continue;
    if (/^\d+:\d+$/.test(s)) continue;
    out.push(s);
  }
  return out;
}
var DAYS2 = {
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6
};
function findTime(t, nightHint) {
  if (/\bmidnight\b/.test(t)) return [0, 0];
  const c = timeOfDay(t);
  if (c) return c;
  if (/\bnoon|midday\b/.test(t)) return [12, 0];
  const m = /\b(?:at|@)\s*(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock|h)?\b/.exec(t) ?? /\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![\w])/.exec(t);
  if (!m) return void 0;
  let h = Number(m[1]);
  const min = m[2] ? Number(m[2]) : 0;
  const ap = (m[3] ?? "").replace(/\./g, "");
  if (ap === "pm" && h < 12) h += 12;
  if (ap === "am" && h === 12) h = 0;
  if (!ap && !m[2] && /\b(evening|afternoon|tonight)\b/.test(t) && h < 12) h += 12;
  void nightHint;
  if (h > 23 || min > 59) return void 0;
  return [h, min];
}
var pad = (n) => String(n).padStart(2, "0");
function parseSchedule(text, defaultHour = 3) {
  const t = text.toLowerCase();
  let m = /\bevery\s+(\d+|one|two|three|four|five|six|ten|fifteen|twenty|thirty)\s+(minutes?|mins?|hours?|hrs?|days?)\b/.exec(t);
  if (m) {
    const n = parseNumberWord(m[1]) ?? 1;
    if (/^min/.test(m[2]) && n >= 1 && n < 60) return { cron: n === 1 ? "* * * * *" : `*/${n} * * * *`, words: `every ${n} minutes` };
    if (/^h/.test(m[2]) && n >= 1 && n < 24) return { cron: n === 1 ? "0 * * * *" : `0 */${n} * * *`, words: `every ${n} hours` };
    if (/^day/.test(m[2]) && n >= 1 && n < 32) {
      const [h, mi] = findTime(t, false) ?? [defaultHour, 0];
      return { cron: n === 1 ? `${mi} ${h} * * *` : `${mi} ${h} */${n} * *`, words: `every ${n} days at ${pad(h)}:${pad(mi)}` };
    }
  }
  if (/\b(every minute)\b/.test(t)) return { cron: "* * * * *", words: "every minute" };
  if (/\btwice\s+(a|per|each)\s+day\b|\btwice\s+daily\b|\bevery\s+12\s+hours\b/.test(t)) return { cron: "0 */12 * * *", words: "every 12 hours" };
  if (/\b(hourly|every hour|each hour|once an hour)\b/.test(t)) {
    const mm = /\bat\s+(?:minute\s+)?:?(\d{1,2})\s+(?:past|after)\b/.exec(t);
    const minute = mm ? Math.min(59, Number(mm[1])) : 0;
    return { cron: `${minute} * * * *`, words: "every hour" };
  }
  const days = [];
  for (const [name, n] of Object.entries(DAYS2)) {
    if (new RegExp(String.raw`\b${name}s?\b`).test(t) && !days.includes(n)) days.push(n);
  }
  const time = findTime(t, /\bnight|nightly\b/.test(t));
  if (/\bweekdays?\b|\bworking days?\b|\bmonday (?:to|through|-) friday\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    return { cron: `${mi} ${h} * * 1-5`, words: `on weekdays at ${pad(h)}:${pad(mi)}` };
  }
  if (/\bweekends?\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    return { cron: `${mi} ${h} * * 0,6`, words: `on weekends at ${pad(h)}:${pad(mi)}` };
  }
  if (days.length > 0 && /\b(every|each|on|weekly)\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    days.sort((a, b) => a - b);
    const names = days.map((d) => Object.keys(DAYS2).find((k) => DAYS2[k] === d && k.length > 3));
    return { cron: `${mi} ${h} * * ${days.join(",")}`, words: `every ${names.join(", ")} at ${pad(h)}:${pad(mi)}` };
  }
  if (/\b(weekly|every week|once a week|each week)\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    return { cron: `${mi} ${h} * * 0`, words: `every Sunday at ${pad(h)}:${pad(mi)}` };
  }
  if (/\b(monthly|every month|once a month|each month)\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    return { cron: `${mi} ${h} 1 * *`, words: `on the 1st of every month at ${pad(h)}:${pad(mi)}` };
  }
  if (/\b(daily|every day|each day|once a day|nightly|every night|each night|every evening|every morning|per day|a day)\b/.test(t) || time) {
    if (!time && !/\b(daily|every|each|nightly|once a day|per day)\b/.test(t)) return void 0;
    let [h, mi] = time ?? [defaultHour, 0];
    if (!time && /\bevery morning\b/.test(t)) h = 6;
    if (!time && /\bevery evening\b/.test(t)) h = 20;
    if (time && /\b(evening)\b/.test(t) && h < 12) h += 12;
    return { cron: `${mi} ${h} * * *`, words: `every day at ${pad(h)}:${pad(mi)}` };
  }
  return void 0;
}
var SERVICE_WORDS = [
  { re: /\bnginx\b|\bengine-?x\b/g, template: "nginx", generic: false },
  { re: /\bcaddy\b/g, template: "caddy", generic: false },
  { re: /\bpostgres(?:ql|s)?\b|\bpostgre\s?sql\b|\bpsql\b|\bpg\b/g, template: "postgres", generic: false },
  { re: /\bmaria\s?db\b|\bmysql\b/g, template: "mariadb", generic: false },
  { re: /\bredis\b/g, template: "redis", generic: false },
  { re: /\bprometheus\b/g, template: "prometheus", generic: false },
  { re: /\bgrafana\b/g, template: "grafana", generic: false },
  { re: /\bword\s?press\b/g, template: "wordpress", generic: false },
  { re: /\bweb\s?servers?\b|\bwebsites?\b|\bweb\s?sites?\b|\bweb\s?front-?ends?\b|\bfront-?ends?\b|\breverse\s?proxy\b|\bstatic\s+(?:site|website|pages?)\b|\bhttp\s+server\b/g, template: "nginx", generic: true },
  { re: /\b(?:sql\s+|relational\s+)?databases?\b|\bdbs?\b/g, template: "postgres", generic: true },
  { re: /\bcach(?:e|es|ing)\b|\bkey[-\s]?value\s+store\b/g, template: "redis", generic: true },
  { re: /\bmonitoring\b|\bmetrics\b/g, template: "prometheus", generic: true },
  { re: /\bdashboards?\b/g, template: "grafana", generic: true },
  { re: /\bblog\b/g, template: "wordpress", generic: true }
];
function findServiceMentions(text) {
  const t = text.toLowerCase();
  const out = [];
  const taken = [];
  for (const w of SERVICE_WORDS) {
    for (const m of t.matchAll(w.re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      if (w.template === "postgres" && w.generic && /^\s*(password|user|name|connections?|limit)/.test(t.slice(end))) continue;
      taken.push([start, end]);
      out.push({ template: w.template, generic: w.generic, text: m[0], index: start });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
function splitClauses(text, hasOwnMeaning) {
  const parts = text.split(/(?:[;!?]|\.(?=\s|$))\s*|,\s*(?:and\s+(?:then\s+)?|then\s+|also\s+|plus\s+)?|\s+(?:and then|and also|as well as|and|then|also|plus)\s+/i).map((s) => s.trim()).filter((s) => s.length > 0);
  const out = [];
  for (const p of parts) {
    if (out.length > 0 && !hasOwnMeaning(p)) out[out.length - 1] += ", " + p;
    else out.push(p);
  }
  return out;
}

// compiler/intent/offline/workspace.ts
import { Document, YAMLMap, YAMLSeq, isMap as isMap3, isNode, isSeq as isSeq3, parseDocument as parseDocument2 } from "yaml";
var KINDS = {
  "manifest.yaml": ["SystemManifest", "claude-os", " System-wide configuration."],
  "services.yaml": ["ServiceManifest", "services", " Container services."],
  "network.yaml": ["NetworkConfig", "network", " Host networking and the firewall."],
  "storage.yaml": ["StorageConfig", "storage", " Persistent volumes and mounts."],
  "security.yaml": ["SecurityConfig", "security", " Users, SSH, secrets and certificates. RESTRICTED: every change needs explicit approval."],
  "scheduled.yaml": ["ScheduledTasks", "scheduled", " Scheduled jobs; each runs inside a container."]
};
var WorkspaceError = class extends Error {
};
var Workspace = class {
  constructor(files) {
    this.files = files;
  }
  docs = /* @__PURE__ */ new Map();
  changed = /* @__PURE__ */ new Set();
  has(name) {
    return this.files[name] !== void 0 || this.docs.has(name);
  }
  doc(name) {
    const hit = this.docs.get(name);
    if (hit) return hit;
    const text = this.files[name];
    let doc;
    if (text === void 0 || text.trim() === "") {
      const [kind, metaName, comment] = KINDS[name];
      doc = new Document({ apiVersion: "claude.os/v1", kind, metadata: { name: metaName }, spec: {} });
      doc.commentBefore = comment + " Written by Claude.OS; edit it freely or ask `claude`.";
    } else {
      doc = parseDocument2(text, { prettyErrors: false });
      if (doc.errors.length > 0) {
        throw new WorkspaceError(`${name} is not valid YAML (${doc.errors[0].message.split("\n")[0]}); fix it first (run \`claude validate\`)`);
      }
      if (!isMap3(doc.contents)) throw new WorkspaceError(`${name} does not hold a mapping at the top; fix it first (run \`claude validate\`)`);
    }
    this.docs.set(name, doc);
    return doc;
  }
  /** A plain-JS copy of a value (undefined when missing). */
  get(name, path) {
    if (!this.has(name)) return void 0;
    const node = this.doc(name).getIn(path, true);
    if (node === void 0 || node === null) return void 0;
    return isNode(node) ? node.toJSON() : node;
  }
  set(name, path, value) {
    const doc = this.doc(name);
    const node = value === void 0 ? void 0 : doc.createNode(value);
    if (node && (isSeq3(node) || isMap3(node))) node.flow = false;
    this.ensureMap(name, path.slice(0, -1));
    doc.setIn(path, node);
    this.changed.add(name);
  }
  delete(name, path) {
    if (!this.has(name)) return false;
    const doc = this.doc(name);
    if (!doc.hasIn(path)) return false;
    doc.deleteIn(path);
    this.changed.add(name);
    return true;
  }
  /** The list at `path`, created (block style) when missing. */
  seq(name, path) {
    const doc = this.doc(name);
    let node = doc.getIn(path, true);
    if (node === void 0 || node === null) {
      this.ensureMap(name, path.slice(0, -1));
      const s = new YAMLSeq();
      doc.setIn(path, s);
      node = s;
      this.changed.add(name);
    }
    if (!isSeq3(node)) throw new WorkspaceError(`${name}: ${path.join(".")} should be a list`);
    if (node.flow) node.flow = false;
    return node;
  }
  /** Items of the list at `path` as plain objects (empty when missing). */
  items(name, path) {
    const v = this.get(name, path);
    return Array.isArray(v) ? v : [];
  }
  /** Index of the list item whose `key` is `value`, or -1. */
  indexOf(name, path, value, key = "name") {
    return this.items(name, path).findIndex((it) => it && typeof it === "object" && it[key] === value);
  }
  append(name, path, value) {
    const doc = this.doc(name);
    const s = this.seq(name, path);
    const node = doc.createNode(value);
    s.items.push(node);
    this.changed.add(name);
  }
  removeAt(name, path, index) {
    const s = this.seq(name, path);
    s.items.splice(index, 1);
    this.changed.add(name);
  }
  ensureMap(name, path) {
    const doc = this.doc(name);
    for (let i = 1; i <= path.length; i++) {
      const p = path.slice(0, i);
      const n = doc.getIn(p, true);
      if (n === void 0 || n === null) {
        const m = new YAMLMap();
        doc.setIn(p, m);
      }
    }
  }
  /** Full text of every file the edits changed. */
  output() {
    const out = {};
    for (const name of [...this.changed].sort()) {
      out[name] = this.doc(name).toString({ lineWidth: 0 });
    }
    return out;
  }
};

// compiler/intent/offline/engine.ts
var SVC = ["spec", "services"];
var VOLS = ["spec", "volumes"];
var JOBS = ["spec", "jobs"];
var NETS = ["spec", "networks"];
var FW = ["spec", "firewall"];
var RULES = ["spec", "firewall", "rules"];
var HOST_COMMAND = 'Claude.OS never runs commands on the host: the intelligence only writes the state files, and the runtime applies them with a fixed set of operations. Describe the state you want instead (for example "restart nginx" or "add a service from image X").';
var WIPE = "wiping data is not something I do from a conversation: volumes and backups are kept even when a service is removed. If you really mean it, remove the volume from storage.yaml by hand and delete its directory yourself.";
var FIREWALL_OFF = 'turning the firewall off (or accepting everything) would expose every port of this machine. Say which ports to open and to whom instead, e.g. "open port 8080 to 192.168.1.0/24".';
var SECRETS = "secret values are never shown, not to you here and not to any model: they are stored encrypted and only the runtime decrypts them at apply time. Their names are listed in security.yaml (spec.secrets); to replace one, run `claude secret set NAME`.";
var INJECTION = "I do not take instructions that change my own rules. Tell me what state you want the system in.";
var APPROVALS = "approvals cannot be skipped from a request: approval is a signature made by you (or `--yes` by whoever runs the command), and the runtime refuses unsigned plans.";
var AUDIT = "the audit log cannot be turned off or cleared from a request; it is what records who changed what.";
var HOST_ACCESS = "containers never get the host's root filesystem, the Docker socket, host devices or privileged mode: any of them is root on the host. Mount a volume from storage.yaml instead.";
var ROOT_PASSWORD_SSH = 'root logging in over SSH with a password is the first thing scanners try: it is kept off. Log in as a user with an SSH key and sudo instead ("add user alice with sudo and ssh key ssh-ed25519 AAAA\u2026").';
var ENCODED = "I do not decode and run hidden payloads: an encoded command is a command on the host, and Claude.OS never runs those. Describe the state you want in plain words instead.";
var POLICY_ACCEPT = 'a default input policy of accept lets every port of this machine be reached. Say which ports to open and to whom instead, e.g. "open port 8080 to 192.168.1.0/24".';
var DANGERS = [
  { re: /\brm\s+-[a-z]*[rf]|\bmkfs\b|\bdd\s+if=|\bchmod\s+[0-7]{3,4}\b|\bchown\s|:\(\)\s*\{|\biptables\s+-[fx]\b|\bnft\s+flush\b|\bshutdown\s+-/i, reason: HOST_COMMAND },
  {
    re: /\b(run|execute|exec|type|enter)\b[^.]*\b(commands?|shell|bash|terminal|cmd)\b|\b(run|execute|exec)\b[^.]*\bscripts?\b[^.]*\b(on|in)\s+the\s+(host|server|machine)\b|\b(open|give me|spawn|drop me into|start|get)\s+(?:me\s+)?(?:a|an|the)?\s*(?:root\s+)?(shell|terminal|bash|console)\b|\bcurl\b[^|]*\|\s*(sh|bash)\b|(?:^|[;&|]\s*|\brun\s+)sudo\s+\S|\bapt(-get)?\s+(install|remove|upgrade)\b|\b(yum|dnf|apk|pip3?|npm)\s+install\b/i,
    reason: HOST_COMMAND
  },
  { re: /\b(wipe|erase|nuke|shred|destroy|format|purge|zero out)\b[^.]*\b(data|disks?|drives?|everything|volumes?|databases?|all|system|server|backups?|machine)\b/i, reason: WIPE },
  {
    re: /\b(delete|remove|drop|clear|empty|trash)\b[^.]*\b(all|every|the|its|their)\s+(data|volumes?|backups?|files|tables?|records)\b|\bdrop\s+(?:the\s+|a\s+|an\s+|our\s+|my\s+|all\s+)?(?:[\w-]+\s+)?(databases?|dbs?|tables?|schemas?)\b|\bfactory[- ]reset\b|\b(delete|remove|erase)\s+everything\b|\b(delete|remove|destroy)\s+(the\s+)?[a-z0-9-]+\s+(data|volume)s?\b/i,
    reason: WIPE
  },
  {
    re: /\b(disable|turn off|switch off|stop|remove|flush|deactivate|kill|drop|get rid of|shut off|shut down|delete)\b[^.,]*\bfirewall\b(?!\s+rules?\s+(for|on|named|called|that|which))|\bfirewall\b[^.]*\b(off|disabled)\b|\b(allow|accept|permit|let)\s+(all|every|any)\s+(incoming\s+|inbound\s+)?(traffic|connections?|ports?|incoming)\b|\bopen\s+(up\s+)?(all|every)\s+(the\s+)?ports?\b|\bno\s+firewall\b/i,
    reason: FIREWALL_OFF
  },
  {
    re: /\b(show|print|display|reveal|dump|cat|echo|output|leak|send|email|decrypt|expose)\b[^.]*\b(secrets?|passwords?|api[_ -]?keys?|tokens?|credentials?|private[_ -]keys?|passphrases?)\b|\b(what(?:'s| is| are)|tell me|give me|read me|read out)\b[^.]*\b(secrets?|passwords?|api[_ -]?keys?|tokens?|credentials?|private[_ -]keys?|passphrases?)\b/i,
    reason: SECRETS
  },
  { re: /\bignore\s+(all\s+|any\s+|your\s+|the\s+)*(previous|prior|above|earlier|system)\s+(instructions|rules|prompts?|messages?)\b|\byou are now\b|\b(reveal|print|show)\b[^.]*\bsystem prompt\b|\bjailbreak\b/i, reason: INJECTION },
  { re: /\b(skip|bypass|disable|turn off|without|no)\b[^.]*\b(approv\w*|confirm\w*|signatures?|signing|verification)\b|\b(don'?t|do not|never|stop|no need to)\s+(ask|prompt|check with)\w*\b[^.]*\b(confirm\w*|approv\w*|permission|first|before)\b|\bjust apply\b|\bauto[- ]?(approve|apply|confirm)\b|\b(apply|deploy|do|make|go ahead)\b[^.]*\bwithout\s+(asking|prompting|checking|confirming)\b|\bwithout\s+(asking|prompting)\s+(me|first|anyone)\b/i, reason: APPROVALS },
  { re: /\b(disable|turn off|stop|delete|remove|clear|wipe|erase)\b[^.]*\baudit\b/i, reason: AUDIT },
  { re: /\b(truncate|delete\s+from|drop)\b[^.]*\btables?\b/i, reason: WIPE },
  { re: /\bprivileged\b|\bdocker\.sock\b|\bdocker\s+socket\b|\b(mount|bind)\w*\b[^.]*(\bhost'?s?\s+(root|file\s?system|disk|\/)|\broot\s+file\s?system|(?<![\w.-])\/(etc|var|run|dev|proc|sys|boot|root|usr|bin|sbin|lib|home)\b|\bfrom\s+the\s+host\b)|\bmount\s+\/(?:\s|$)/i, reason: HOST_ACCESS },
  // Text that tries to close the fence around untrusted data, or speaks as a new instruction.
  { re: /<\/?\s*(untrusted[-_ ]?data|system|instructions?|user|assistant)\b[^>]*>|\bnew\s+(system\s+)?instructions?\s*:|\b(end|close)\s+of\s+(untrusted|user)\s+(data|input)\b/i, reason: INJECTION },
  // "decode and run: <base64>", "eval this", "echo … | base64 -d | sh".
  { re: /\b(decode|decrypt|unbase64|base64)\b[^.]*\b(run|execute|exec|eval|apply|do)\b|\b(run|execute|exec|eval)\b[^.]*\b(decode[sd]?|base64|encoded|obfuscated)\b|\bbase64\s+-d\b/i, reason: ENCODED },
  // Root over SSH with a password (not "disable root login").
  { re: /\b(allow|enable|permit|let|turn on)\b[^.]*\broot\b[^.]*\b(log\s?-?ins?|ssh)\b(?![^.]*\b(key|keys)\s+only\b)|\bpermit_?\s?root_?\s?login\b[^.]*\b(yes|true|on)\b|\broot\b[^.]*\bpassword\b[^.]*\b(ssh|log\s?-?ins?)\b|\bssh\b[^.]*\broot\b[^.]*\bpassword\b/i, reason: ROOT_PASSWORD_SSH },
  { re: /\b(default|input|incoming)\s+(input\s+)?policy\b[^.]*\b(accept|allow|open)\b/i, reason: POLICY_ACCEPT },
  { re: /\bapprove\b[^.]*\b(yourself|itself|automatically|on my behalf|for me)\b|\bno need to (ask|check with|confirm)\b|\bmaintenance mode\b|\bdisable approvals?\b/i, reason: APPROVALS },
  { re: /\b(forget|ignore|override|drop|disregard)\s+(all\s+|any\s+)?(your|the)\s+(safety\s+)?(rules|instructions|guidelines|policy|policies)\b|^\s*system\s*:/i, reason: INJECTION }
];
var KEEPS_DATA = /\b(keep|keeping|preserve|preserving|retain|leave|leaving)\b[^.]*\b(data|volumes?|backups?|files)\b/i;
function detectDanger(message) {
  for (const d of DANGERS) {
    if (!d.re.test(message)) continue;
    if (d.reason === WIPE && KEEPS_DATA.test(message)) continue;
    return d.reason;
  }
  return void 0;
}
var VERBS = [
  ["remove", /\b(remove|delete|uninstall|get rid of|drop|tear down|decommission|destroy)\b/],
  ["restart", /\b(restart|reboot|bounce|reload|recreate|redeploy|kick)\b/],
  ["stop", /\b(stop|shut ?down|halt|pause|turn off|switch off|take down|bring down|(?:take|bring)\s+[\w-]+\s+down|disable)\b/],
  ["start", /\b(start|bring up|bring back|(?:bring|get)\s+[\w-]+\s+(?:back\s+)?up|(?:fire|spin|boot|power|start)\s+(?:[\w-]+\s+)?back\s+(?:up|on)|bring\s+[\w-]+\s+back|turn on|switch on|resume|power on|re-?enable)\b/],
  ["scale", /\b(scale|replicas?|instances)\b/],
  ["change", /\b(change|set(?!\s*up\b)|limit|give(?!\s+me\b)|move|use|increase|decrease|raise|lower|bump|cap|restrict|allocate|upgrade|update|downgrade|switch|make|put)\b/],
  ["add", /\b(add|set ?up|install|deploy|run|create|need|want|spin up|launch|provision|i'?d like|would like|host|serve|get me|give me|build|configure|include|enable|also)\b/]
];
function detectVerb(clause) {
  const t = clause.toLowerCase();
  let best2;
  for (const [verb, re] of VERBS) {
    const m = re.exec(t);
    if (m && (best2 === void 0 || m.index < best2[0])) best2 = [m.index, verb];
  }
  return best2?.[1];
}
var TOPIC = /\bback ?ups?\b|\bback(ed)? up\b|\bsnapshots?\b|\bports?\b|\bmemory\b|\bram\b|\bcpus?\b|\bcores?\b|\breplicas?\b|\binstances\b|\bfirewall\b|\bssh\b|\bhost ?name\b|\btime ?zone\b|\busers?\b|\bconnections?\b|\blimit\b|\bpasswords?\b|\bsecrets?\b|\bversion\b|\bimage\b|\btraffic\b|\bfail2ban\b|\bdaily\b|\bhourly\b|\bweekly\b|\bnightly\b|\bevery\b|\bis down\b|\bnot working\b/;
var WEB_ROLES = /* @__PURE__ */ new Set(["web"]);
var DATA_ROLES = /* @__PURE__ */ new Set(["database", "cache"]);
var templateInfoCache;
function templateInfos() {
  if (templateInfoCache) return templateInfoCache;
  templateInfoCache = listTemplates().map((name) => {
    const t = loadTemplate(name);
    const img = String(t.parameters.image?.default ?? "");
    return { name, role: t.role, repo: repoOf(img) };
  });
  return templateInfoCache;
}
function repoOf(image) {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  let repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  repo = repo.replace(/^(docker\.io\/|index\.docker\.io\/)/, "").replace(/^library\//, "");
  return repo;
}
function templateOfImage(image) {
  const repo = repoOf(image);
  const last2 = repo.split("/").pop();
  if (repo === "mysql") return templateInfos().find((t) => t.name === "mariadb");
  return templateInfos().find((t) => t.repo === repo) ?? templateInfos().find((t) => t.repo.split("/").pop() === last2 && t.name !== "webapp");
}
function roleOf(svc) {
  return templateOfImage(svc.image)?.role ?? templateInfos().find((t) => t.name === svc.name)?.role;
}
function templateOf(svc) {
  return templateOfImage(svc.image)?.name ?? templateInfos().find((t) => t.name === svc.name && t.name !== "webapp")?.name;
}
function runOfflineEngine(original) {
  const said = original.message.trim();
  const base = { provider: "offline" };
  if (said === "") return { ...base, files: {}, explanation: capabilities('Say what you want, for example "set up a web server with nginx".'), understood: false };
  const danger = detectDanger(said);
  if (danger) return { ...base, files: {}, explanation: `I won't do that: ${danger}`, refused: { reason: danger } };
  const reading = read(said);
  const message = reading.text;
  const danger2 = detectDanger(message);
  if (danger2) return { ...base, files: {}, explanation: `I won't do that: ${danger2}`, refused: { reason: danger2 } };
  const input = { ...original, message };
  const run = {
    input,
    ws: new Workspace(input.files),
    lines: [],
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
    clauseAdded: [],
    clauseBlocked: false
  };
  try {
    if (answerQuestion(run, message)) {
      return { ...base, files: {}, explanation: run.notes.join("\n") };
    }
    const continues = (c) => detectVerb(c) === void 0 && (!TOPIC.test(c.toLowerCase()) && (findServiceMentions(c).length > 0 || findCidrs(c).length > 0 || findSizes(c).length > 0) || /^(?:https?|ssh|(?:port\s+)?\d{1,5})(?:\s+(?:to|from|for)\s.*)?$/i.test(c.trim()));
    const clauses = splitClauses(message, (c) => !continues(c));
    let inherited;
    for (const clause of clauses) {
      const verb = detectVerb(clause) ?? (findServiceMentions(clause).length > 0 ? inherited : void 0);
      const understood = interpretClause(run, clause, verb);
      if (!understood) run.notUnderstood.push(clause);
      if (verb) inherited = verb;
    }
    finishFirewall(run);
    run.notUnderstood = run.notUnderstood.filter((c) => !run.consumed.some((w) => new RegExp(String.raw`\b${escapeRe(w)}\b`, "i").test(c)));
  } catch (e) {
    if (e instanceof WorkspaceError || e instanceof TemplateError) {
      return { ...base, files: {}, explanation: `I could not make this change: ${e.message}.`, questions: [] };
    }
    throw e;
  }
  const files = run.ws.output();
  const understoodSomething = Object.keys(files).length > 0 || run.questions.length > 0 || run.notes.length > 0;
  if (!understoodSomething) {
    return { ...base, files: {}, explanation: capabilities(`I did not understand "${message}".`), understood: false };
  }
  if (run.notUnderstood.length > 0) {
    run.questions.push(`Not done: ${run.notUnderstood.map((c) => `"${c}"`).join(" and ")} (I did not understand ${run.notUnderstood.length > 1 ? "those parts" : "that part"}, so I left ${run.notUnderstood.length > 1 ? "them" : "it"} out). Rephrase it, or configure an LLM provider (see \`claude help\`).`);
  }
  if (run.generated.length > 0) {
    for (const g of run.generated) {
      run.notes.push(
        `Generated a strong random password for ${g.purpose}: stored encrypted to this host's key as the secret ${g.name} and used as \${secrets.${g.name}} (it is never written in plain text, shown to a model, logged or committed). To choose your own, run \`claude secret set ${g.name}\` and plan again.`
      );
    }
  }
  const parts = [];
  if (run.lines.length > 0) parts.push("Proposed changes:", ...run.lines.map((l) => "  " + l));
  if (run.notes.length > 0) parts.push(...run.notes);
  const proposal = { ...base, files, explanation: parts.join("\n") };
  if (run.generated.length > 0) proposal.generatedSecrets = run.generated;
  if (run.warnings.length > 0) proposal.warnings = run.warnings;
  if (run.questions.length > 0) proposal.questions = run.questions;
  return proposal;
}
function capabilities(lead) {
  return [
    lead,
    "Without an LLM provider, the built-in offline engine understands requests like these:",
    "  \u2022 add services: nginx (web server), caddy, postgres (database), mariadb/mysql, redis (cache),",
    '    prometheus + grafana (monitoring), wordpress, or any image: "add a service called api using image ghcr.io/acme/api:1.2 on port 3000"',
    '  \u2022 change them: stop / start / restart / remove, "scale web to 3 replicas", "move nginx to port 8080",',
    '    "limit redis to 512MB and half a cpu", "postgres with a connection limit of 100", "upgrade postgres to 17"',
    '  \u2022 backups: "daily backups", "back up postgres every night at 3", "weekly backups on sunday at 4am"',
    '  \u2022 firewall: "only allow SSH from 10.0.0.0/8", "lock down the system", "allow web traffic", "open port 8080 to 192.168.1.0/24"',
    '  \u2022 the host: "set the hostname to web01", "set the timezone to Europe/Berlin", "add user alice with ssh key ssh-ed25519 AAAA\u2026"',
    "For anything else, configure an LLM provider in manifest.yaml under spec.llm:",
    "  provider: anthropic   (key from ANTHROPIC_API_KEY or `claude secret set llm_api_key`)",
    "  provider: local       with base_url: http://127.0.0.1:8080/v1 (llama.cpp, Ollama or vLLM; your data stays on this machine)"
  ].join("\n");
}
function answerQuestion(run, message) {
  const t = message.toLowerCase();
  if (answerSpecific(run, t)) return true;
  const isStatus = /^(what|which)\b[^.]*\b(running|services?|containers?|installed|up)\b/.test(t) || /^(list|show)\b[^.]*\b(services|containers)\b/.test(t) || /^(status|how is the system|how are things|system status)\b/.test(t);
  if (!isStatus || detectVerb(t.replace(/^(what|which|list|show)\b/, "")) === "add") return false;
  const services2 = run.ws.items("services.yaml", SVC);
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  if (services2.length === 0) {
    run.notes.push('No services are defined yet. Try "set up a web server with nginx".');
    return true;
  }
  const running = services2.filter((s) => (observed.get(s.name)?.state ?? s.state ?? "running") === "running").length;
  run.notes.push(`${services2.length} service${services2.length === 1 ? "" : "s"} defined, ${running} running:`);
  for (const s of services2) {
    const o = observed.get(s.name);
    const ports = (s.ports ?? []).filter((p) => p.host).map((p) => p.host).join(", ");
    const status = o ? `${o.state}${o.health && o.health !== "none" ? ` (${o.health})` : ""}` : s.state === "stopped" ? "stopped" : "not observed";
    run.notes.push(`  ${s.name.padEnd(12)} ${s.image.padEnd(24)} ${status}${ports ? `  ports ${ports}` : ""}`);
  }
  return true;
}
function answerSpecific(run, t) {
  const question = /\?\s*$/.test(t) || /^(what|which|how|is|are|does|do|when|who|where)\b/.test(t);
  if (!question || /^(can|could|would|will)\s+you\b/.test(t)) return false;
  const all = services(run);
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  const stateOf = (s) => {
    const o = observed.get(s.name);
    return o ? `${o.state}${o.health && o.health !== "none" ? ` (${o.health})` : ""}` : s.state === "stopped" ? "stopped" : "meant to be running (not observed)";
  };
  const ports = findPorts(t);
  if (ports.length > 0 && /\b(using|uses|on|listen|publish|who|what|which)\b/.test(t)) {
    for (const p of ports) {
      const users = all.filter((s) => (s.ports ?? []).some((x) => x.host === p));
      const fw = rules(run).filter((r) => (Array.isArray(r.port) ? r.port : [r.port]).map(Number).includes(p));
      run.notes.push(users.length ? `Port ${p} is published by ${users.map((s) => `${s.name} (${s.image}, ${stateOf(s)})`).join(", ")}.` : `No service publishes port ${p}.`);
      if (fw.length) run.notes.push(`Firewall rules for port ${p}: ${fw.map((r) => `${r.name} (${r.action} from ${describeSource(r.source)})`).join(", ")}.`);
    }
    return true;
  }
  if (/\bports?\b/.test(t) && /\b(open|published|exposed|listening|reachable)\b/.test(t)) {
    const pub = all.flatMap((s) => (s.ports ?? []).filter((p) => p.host !== void 0).map((p) => `${p.host_ip ? `${p.host_ip}:` : ""}${p.host} (${s.name})`));
    run.notes.push(pub.length ? `Published ports: ${pub.join(", ")}.` : "No service publishes a port.");
    run.notes.push(`Firewall: default input policy ${inputPolicy(run)}${rules(run).length ? `; rules: ${rules(run).map((r) => `${r.name} (${r.action}${r.port !== void 0 ? ` ${JSON.stringify(r.port)}` : ""}${r.source ? ` from ${describeSource(r.source)}` : ""})`).join(", ")}` : ", no rules"}.`);
    return true;
  }
  if (/\bback ?ups?\b|\bbacked up\b/.test(t) && /\b(when|what|which|how|are|is|do)\b/.test(t)) {
    const vols = run.ws.items("storage.yaml", VOLS).filter((v) => v.backup?.enabled);
    run.notes.push(vols.length ? `Backups: ${vols.map((v) => `${v.name} at ${v.backup.schedule} (last ${v.backup.retain ?? 7} kept)`).join(", ")}.` : 'No volume is backed up yet ("back up postgres every night" sets one up).');
    return true;
  }
  let names = targetsIn(run, t).names;
  if (names.length === 0 && /\b(it|that|this|they|them)\b/.test(t)) names = focusTargets(run);
  if (names.length === 0) return false;
  for (const n of names) {
    const s = getService(run, n);
    if (/\b(memory|ram|cpu|cores?|resources?|limits?)\b/.test(t)) {
      run.notes.push(`${n}: memory limit ${s.resources?.memory ?? "none"}, CPU limit ${s.resources?.cpu ?? "none"}${observed.get(n)?.memoryMb !== void 0 ? `, using ${observed.get(n).memoryMb} MB now` : ""}.`);
    } else if (/\bports?\b/.test(t)) {
      run.notes.push(`${n}: ${describePorts(s).trim() || "publishes no port"}.`);
    } else {
      run.notes.push(`${n} (${s.image}) is ${stateOf(s)}${s.replicas !== void 0 ? `, ${s.replicas} replicas` : ""}${describePorts(s)}.`);
    }
  }
  return true;
}
function interpretClause(run, clause, verb) {
  run.clauseAdded = [];
  run.clauseBlocked = false;
  const t = clause.toLowerCase();
  if (/\breboot\b|\brestart\b/.test(t) && /\b(the\s+)?(server|machine|host|system|computer|box)\b/.test(t) && findServiceMentions(t).length === 0) {
    run.notes.push("Rebooting the host is not part of the state files, so I cannot plan it. Reboot from the console; services come back on their own (restart: unless-stopped).");
    return true;
  }
  if (handleSecrets(run, clause)) return true;
  if (handleEnv(run, clause)) return true;
  if (handleCertificate(run, clause)) return true;
  if (handleSshConfig(run, clause)) return true;
  if (handleFirewall(run, clause)) return true;
  if (handleUsers(run, clause, verb)) return true;
  if (handleHostname(run, clause)) return true;
  if (handleTimezone(run, clause)) return true;
  if (handleJob(run, clause)) return true;
  if (handleCustomService(run, clause, verb)) return true;
  if (unknownServiceNamed(run, clause, verb)) return true;
  if ((verb === "start" || verb === "stop") && /\bback ?ups?\b|\bback(ing|ed)?[- ]up\b|\bsnapshots?\b/.test(t) && handleBackups(run, clause)) return true;
  if (verb === "remove" || verb === "stop" || verb === "start" || verb === "restart") {
    if (handleLifecycle(run, clause, verb)) return true;
  }
  if (handleTroubleshoot(run, clause)) return true;
  if (verb === "add" && unknownApp(run, clause)) return true;
  let understood = false;
  if (verb === "add" || verb === void 0) understood = handleKnownImages(run, clause, verb) || understood;
  if (run.clauseBlocked) return true;
  if (verb === "add" || verb === void 0 || verb === "change" || verb === "scale") understood = handleAdd(run, clause, verb) || understood;
  if (run.clauseBlocked) return true;
  understood = handleModifiers(run, clause) || understood;
  understood = handleBackups(run, clause) || understood;
  return understood;
}
function services(run) {
  return run.ws.items("services.yaml", SVC);
}
function serviceIndex(run, name) {
  return run.ws.indexOf("services.yaml", SVC, name);
}
function mentionFocus(run, name) {
  const i = run.focus.indexOf(name);
  if (i >= 0) run.focus.splice(i, 1);
  run.focus.push(name);
}
function existingFor(run, m) {
  const all = services(run);
  const byName2 = all.find((s) => s.name === m.template);
  if (byName2) return byName2.name;
  const byTemplate = all.filter((s) => templateOf(s) === m.template);
  if (byTemplate.length > 0) return byTemplate[0].name;
  if (m.generic) {
    const role = loadTemplate(m.template).role;
    const byRole = all.filter((s) => roleOf(s) === role);
    if (byRole.length > 0) return byRole[0].name;
  }
  return void 0;
}
function targetsIn(run, clause) {
  const t = clause.toLowerCase();
  const all = services(run);
  if (/\b(all|every|each)\b[^.]*\b(services?|containers?|apps?|applications?)\b|\beverything\b|\ball of them\b/.test(t)) {
    return { names: all.map((s) => s.name), all: true };
  }
  const names = [];
  const push = (n) => {
    if (!names.includes(n)) names.push(n);
  };
  const quoted = findQuoted(clause);
  for (const s of all) {
    const re = new RegExp(String.raw`(?<![\w.-])${s.name.replace(/[-]/g, "\\-")}(?![\w-])`);
    if (re.test(t) || quoted.includes(s.name)) push(s.name);
  }
  for (const m of findServiceMentions(clause)) {
    const e = existingFor(run, m);
    if (e) push(e);
  }
  if (/\bweb\b/.test(t) && !all.some((s) => s.name === "web")) {
    for (const s of all) if (roleOf(s) === "web") push(s.name);
  }
  const order = all.map((s) => s.name);
  names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { names, all: false };
}
function focusTargets(run, filter) {
  const all = services(run);
  const ok = (n) => {
    const s = all.find((x) => x.name === n);
    return s !== void 0 && (!filter || filter(s));
  };
  const here = run.focus.filter(ok);
  if (here.length > 0) return here;
  for (let i = run.input.history.length - 1; i >= 0 && i >= run.input.history.length - 8; i--) {
    const turn = run.input.history[i];
    const fake = { ...run, focus: [] };
    const found = targetsIn(fake, turn.text).names.filter(ok);
    if (found.length > 0 && !targetsIn(fake, turn.text).all) return found;
  }
  const fitting = all.filter((s) => !filter || filter(s));
  if (fitting.length === 1) return [fitting[0].name];
  return [];
}
function svcPath(run, name, ...rest) {
  const i = serviceIndex(run, name);
  if (i < 0) throw new Error(`bug: no service ${name}`);
  return [...SVC, i, ...rest];
}
function getService(run, name) {
  return services(run).find((s) => s.name === name);
}
var KNOWN_IMAGES = [
  { re: /\bmemcached?\b/i, name: "memcached", image: "memcached:1.6-alpine", port: 11211, role: "cache", local: true },
  { re: /\bmongo(?:db)?\b/i, name: "mongodb", image: "mongo:7", port: 27017, role: "database", local: true },
  { re: /\brabbit\s?mq\b/i, name: "rabbitmq", image: "rabbitmq:3-management-alpine", port: 5672, role: "queue", local: true },
  { re: /\bgitea\b/i, name: "gitea", image: "gitea/gitea:1", port: 3e3, role: "app", local: false },
  { re: /\buptime[- ]?kuma\b/i, name: "uptime-kuma", image: "louislam/uptime-kuma:1", port: 3001, role: "app", local: false },
  { re: /\bminio\b/i, name: "minio", image: "minio/minio:latest", port: 9e3, role: "storage", local: false },
  { re: /\badminer\b/i, name: "adminer", image: "adminer:4", port: 8080, role: "app", local: false },
  { re: /\bphp\s?my\s?admin\b/i, name: "phpmyadmin", image: "phpmyadmin:5", port: 80, role: "app", local: false },
  { re: /\bpg\s?admin\b/i, name: "pgadmin", image: "dpage/pgadmin4:8", port: 80, role: "app", local: false }
];
function handleKnownImages(run, clause, verb) {
  if (verb !== void 0 && verb !== "add") return false;
  if (findImageRefs(clause).length > 0 || /\bimage\b/i.test(clause)) return false;
  let did = false;
  for (const k of KNOWN_IMAGES) {
    if (!k.re.test(clause)) continue;
    const existing = services(run).find((s) => s.name === k.name || repoOf(s.image) === repoOf(k.image));
    if (existing) {
      mentionFocus(run, existing.name);
      if (verb === "add" && !hasModifier(clause)) run.notes.push(`${existing.name} is already set up; nothing to add for it.`);
      did = true;
      continue;
    }
    const name = explicitName(clause) ?? k.name;
    if (clashes(run, clause, name)) return true;
    const svc = { name, image: k.image, ports: [{ host: k.port, container: k.port, ...k.local ? { host_ip: "127.0.0.1" } : {} }], resources: { memory: "256Mi" }, restart: "unless-stopped" };
    run.ws.append("services.yaml", SVC, svc);
    aliasImage(run, k.image);
    run.added.push(name);
    run.clauseAdded.push(name);
    mentionFocus(run, name);
    run.lines.push(`+ ${name}: ${k.image}${describePorts(svc)}`);
    if (!lookupCatalog(run.input.imageCatalog, k.image)) run.notes.push(`(${k.image} is not one of the local images; it must be pullable from a registry, or the apply fails and is rolled back.)`);
    did = true;
  }
  if (did && run.added.length > 0) wireStack(run);
  return did;
}
function clashes(run, clause, name) {
  const byName2 = getService(run, name);
  if (byName2) {
    run.questions.push(`There is already a service named ${name} (${byName2.image}). Should I change that one (say "use image \u2026 for ${name}"), or add the new one under another name ("\u2026 called ${name}-2")?`);
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
function handleAdd(run, clause, verb) {
  const mentions = findServiceMentions(clause).filter(
    // "caching with memcached": the generic word is the known image's role, not redis.
    (m) => !(m.generic && KNOWN_IMAGES.some((k) => k.re.test(clause) && loadTemplate(m.template).role === k.role))
  );
  if (mentions.length === 0) return false;
  const specific = new Set(mentions.filter((m) => !m.generic).map((m) => m.template));
  const wanted = [];
  const want = (template, generic) => {
    if (!wanted.some((w) => w.template === template)) wanted.push({ template, generic });
  };
  const anySpecificIn = (ts) => ts.some((x) => specific.has(x));
  for (const m of mentions) {
    if (m.generic) {
      const role = loadTemplate(m.template).role;
      const sameRoleSpecific = [...specific].some((s) => loadTemplate(s).role === role);
      if (sameRoleSpecific) continue;
      if (m.template === "prometheus" && /monitoring/.test(m.text) && !anySpecificIn(["prometheus", "grafana"])) {
        want("prometheus", true);
        want("grafana", true);
        continue;
      }
      if (m.template === "postgres" && anySpecificIn(["mariadb"])) continue;
    }
    want(m.template, m.generic);
    if (m.template === "wordpress") want("mariadb", false);
  }
  let did = false;
  const name = explicitName(clause);
  for (const w of wanted) {
    const named = wanted.length === 1 && name !== void 0 && !getService(run, name) && (verb === "add" || verb === void 0);
    const existing = named ? void 0 : existingFor(run, { template: w.template, generic: w.generic, text: "", index: 0 });
    if (existing) {
      mentionFocus(run, existing);
      if (verb === "add" && !hasModifier(clause) && !/\bback ?ups?\b|\bback up\b/.test(clause.toLowerCase())) {
        run.notes.push(`${existing} is already set up; nothing to add for it.`);
        did = true;
      }
      continue;
    }
    if (verb !== void 0 && verb !== "add" && verb !== "change") continue;
    if (clashes(run, clause, (wanted.length === 1 ? name : void 0) ?? w.template)) return true;
    if (addFromTemplate(run, w.template, wanted.length === 1 ? name : void 0, clause)) did = true;
  }
  if (run.added.length > 0) wireStack(run);
  return did;
}
var PLAIN_NOT_SERVICES = new Set(
  "everything all each every both them it that this those these him her everyone nothing anything something sudo access root password passwords login logins traffic ssh http https nightly daily weekly hourly server machine host system box computer stack things stuff of to for on in at by with from up down back off over out per".split(" ")
);
var NOT_APPS = new Set(
  "a an the some another one two three new second more extra my our me us it them this that service services container containers app application server web website site database db cache queue proxy reverse load balancer worker user users account group key ssh port ports rule firewall job cron backup backups volume memory ram cpu replica replicas instance instances limit label env environment variable secret certificate cert tls https http domain hostname timezone healthcheck health check network dependency monitoring metrics dashboard".split(" ")
);
function unknownApp(run, clause) {
  if (!hasModifier(clause) || findImageRefs(clause).length > 0 || /\bimage\b/i.test(clause)) return false;
  const m = /\b(?:add|install|deploy|set ?up|spin up|launch|run|provision)\s+(?:(?:a|an|the|some|another|new)\s+)*([a-z][a-z0-9_.-]*)/i.exec(clause);
  if (!m) return false;
  const word = m[1].toLowerCase();
  if (NOT_APPS.has(word) || getService(run, word) || findServiceMentions(word).length > 0 || KNOWN_IMAGES.some((k) => k.re.test(word))) return false;
  if (findSizes(word).length > 0 || /^\d/.test(word)) return false;
  run.questions.push(`I don't know which image ${word} runs from, so I added nothing and changed nothing else. Say "add ${word} from image IMAGE${findPorts(clause)[0] ? ` on port ${findPorts(clause)[0]}` : ""}".`);
  run.clauseBlocked = true;
  return true;
}
function hasModifier(clause) {
  const t = clause.toLowerCase();
  return findSizes(t).length > 0 || findCpu(t) !== void 0 || /\bports?\b|\breplicas?\b|\bconnections?\b|\bversion\b/.test(t);
}
function explicitName(clause) {
  for (const m of clause.matchAll(/\b(?:called|named|name it|name)\s+['"“‘`]?([A-Za-z0-9][A-Za-z0-9_-]{0,62})['"”’`]?/gi)) {
    if (/\b(user|account|owner|role|group|login)\s+$/i.test(clause.slice(0, m.index))) continue;
    return m[1].toLowerCase().replace(/_/g, "-");
  }
  const s = /\b(?:service|container|app)\s+['"“‘`]?([a-z][a-z0-9-]{0,62})['"”’`]?\s+(?:using|from|with|running|on|that runs)\b/i.exec(clause);
  if (s && !/^(called|named|using|from|with|that|for|to|on|of)$/i.test(s[1])) return s[1].toLowerCase();
  return void 0;
}
function addFromTemplate(run, template, name, clause) {
  const params = {};
  const svcName = name ?? template;
  if (name) params.name = name;
  if (getService(run, svcName)) {
    run.questions.push(`There is already a service named ${svcName}; say which name the new ${template} should get ("add a ${template} called ${svcName}-2").`);
    return false;
  }
  const secretFor = (s) => run.input.secretNames.includes(s) || run.generated.some((g) => g.name === s);
  const needSecret = (name2, purpose) => {
    if (!secretFor(name2)) run.generated.push({ name: name2, purpose });
  };
  if (template === "mariadb" || template === "wordpress") needSecret("mariadb_root_password", "the MariaDB root user (MARIADB_ROOT_PASSWORD)");
  const version = versionIn(clause, template);
  if (version) params.image = withTag(String(loadTemplate(template).parameters.image?.default ?? template), version);
  const inst = instantiate(template, params);
  const svc = inst.service;
  if (template === "nginx") {
    const certs = run.ws.get("security.yaml", ["spec", "certificates"]) ?? [];
    if (certs.length > 0) svc.ports = [...svc.ports ?? [], { host: 443, container: 443 }];
    else if (/\b(https|tls|ssl|certificates?)\b/i.test(run.input.message)) {
      run.notes.push(`${svc.name} publishes HTTP (80) only: no TLS certificate is configured, so nothing would listen on 443. To serve HTTPS, add a certificate (security.yaml spec.certificates) and an nginx config that listens on 443, then publish 443 in services.yaml.`);
    }
  }
  if (template === "postgres") {
    const secret = `${svc.name.replace(/-/g, "_")}_password`;
    needSecret(secret, `the ${svc.name} database (POSTGRES_PASSWORD)`);
    svc.environment = { ...svc.environment ?? {}, POSTGRES_PASSWORD: `\${secrets.${secret}}` };
  }
  const owner = ownerIn(clause);
  if (owner && template === "postgres") svc.environment = { ...svc.environment ?? {}, POSTGRES_USER: owner, POSTGRES_DB: owner };
  if (owner && template === "mariadb") svc.environment = { ...svc.environment ?? {}, MARIADB_USER: owner, MARIADB_DATABASE: owner, MARIADB_PASSWORD: "${secrets.mariadb_root_password}" };
  if (template === "grafana") {
    needSecret("grafana_admin_password", "the Grafana admin login (GF_SECURITY_ADMIN_PASSWORD)");
    svc.environment = { ...svc.environment ?? {}, GF_SECURITY_ADMIN_PASSWORD: "${secrets.grafana_admin_password}" };
  }
  if (template === "wordpress") {
    const db = services(run).find((s) => templateOf(s) === "mariadb")?.name ?? "mariadb";
    if (db !== "mariadb") {
      svc.environment = { ...svc.environment ?? {}, WORDPRESS_DB_HOST: db };
      svc.depends_on = [db];
    }
  }
  const taken = new Set(services(run).flatMap((s) => (s.ports ?? []).map((p) => p.host).filter((h) => h !== void 0)));
  for (const p of svc.ports ?? []) {
    if (p.host !== void 0 && taken.has(p.host)) {
      const old = p.host;
      let next = old >= 1024 ? old + 1 : 8e3 + old;
      while (taken.has(next)) next++;
      p.host = next;
      run.warnings.push(`Port ${old} is already used by another service, so ${svc.name} publishes it on ${next}.`);
    }
  }
  run.ws.append("services.yaml", SVC, svc);
  for (const v of inst.volumes) {
    if (run.ws.indexOf("storage.yaml", VOLS, v.name) < 0) run.ws.append("storage.yaml", VOLS, v);
  }
  aliasImage(run, svc.image);
  run.added.push(svc.name);
  run.clauseAdded.push(svc.name);
  mentionFocus(run, svc.name);
  run.lines.push(`+ ${svc.name}: ${svc.image}${describePorts(svc)}${inst.volumes.length ? `, volume ${inst.volumes.map((v) => `${v.name} (${v.path})`).join(", ")}` : ""}`);
  void clause;
  return true;
}
function versionIn(clause, template) {
  const words = { postgres: "postgres(?:ql)?|pg", mariadb: "maria\\s?db|mysql", redis: "redis", nginx: "nginx", grafana: "grafana", prometheus: "prometheus", caddy: "caddy" };
  const w = words[template];
  if (!w) return void 0;
  const m = new RegExp(String.raw`\b(?:${w})\s+(?:version\s+)?v?(\d{1,2}(?:\.\d{1,2}){0,2})\b(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|cpus?|cores?|replicas?|instances|copies|connections?|:))`, "i").exec(clause);
  if (!m || /^\d{3,}$/.test(m[1])) return void 0;
  return m[1];
}
function withTag(image, version) {
  const repo = repoOf(image);
  const oldTag = image.slice(repo.length + 1);
  const suffix = /-(alpine|slim|apache|fpm)\b.*$/.exec(oldTag)?.[0] ?? "";
  return `${repo}:${version}${suffix}`;
}
function ownerIn(clause) {
  const m = /\b(?:owned by|owner(?: is)?|with (?:the )?owner|for (?:the )?(?:db |database )?user)\s+(?:a |the )?(?:(?:db |database )?(?:user|role|account)\s+)?(?:called |named )?['"“‘`]?([a-z_][a-z0-9_]{0,30})['"”’`]?/i.exec(clause);
  return m && !["a", "the", "user", "called", "named"].includes(m[1].toLowerCase()) ? m[1].toLowerCase() : void 0;
}
function describePorts(svc) {
  const ports = (svc.ports ?? []).filter((p) => p.host !== void 0).map((p) => p.host_ip && p.host_ip !== "0.0.0.0" ? `${p.host_ip}:${p.host}` : String(p.host));
  return ports.length ? ` \u2192 port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}` : "";
}
function aliasImage(run, image) {
  const local = lookupCatalog(run.input.imageCatalog, image);
  if (!local) return;
  const present = run.input.summary?.images;
  if (present && !present.includes(local) && !present.includes(local.replace(/:latest$/, ""))) return;
  const aliases = run.ws.get("manifest.yaml", ["spec", "images", "aliases"]) ?? {};
  if (aliases[image] !== void 0) return;
  run.ws.set("manifest.yaml", ["spec", "images", "aliases", image], local);
  run.notes.push(`(${image} runs as the local image ${local}, mapped in manifest.yaml spec.images.aliases.)`);
}
function lookupCatalog(catalog2, image) {
  let r = image.split("@")[0].replace(/^(docker\.io\/|index\.docker\.io\/)/, "").replace(/^library\//, "");
  if (catalog2[r]) return catalog2[r];
  r = repoOf(r);
  return catalog2[r];
}
function wireStack(run) {
  const added = new Set(run.added);
  const now = services(run);
  const depsOf = /* @__PURE__ */ new Map();
  for (const s of now) {
    if (!added.has(s.name)) continue;
    const role = roleOf(s) ?? KNOWN_IMAGES.find((k) => repoOf(k.image) === repoOf(s.image))?.role ?? (s.ports?.length ? "app" : void 0);
    const dataRole = (o) => DATA_ROLES.has(roleOf(o) ?? KNOWN_IMAGES.find((k) => repoOf(k.image) === repoOf(o.image))?.role ?? "");
    let deps = [];
    if (role === "web" || role === "app") deps = now.filter((o) => o.name !== s.name && dataRole(o) && added.has(o.name)).map((o) => o.name);
    if (role === "dashboards") deps = now.filter((o) => roleOf(o) === "monitoring").map((o) => o.name);
    deps = [.../* @__PURE__ */ new Set([...s.depends_on ?? [], ...deps])].filter((d) => now.some((o) => o.name === d));
    depsOf.set(s.name, deps);
    if (deps.length > 0 && JSON.stringify(deps) !== JSON.stringify(s.depends_on ?? [])) {
      run.ws.set("services.yaml", [...SVC, serviceIndex(run, s.name), "depends_on"], deps);
    }
  }
  const nets = run.ws.items("services.yaml", NETS);
  let net = nets[0]?.name;
  const needed = added.size >= 2 || [...depsOf.values()].some((d) => d.length > 0);
  if (!net && !needed) return;
  if (!net) {
    net = "webstack";
    run.ws.append("services.yaml", NETS, { name: net });
    run.lines.push(`+ network ${net}: a private network where the services reach each other by name`);
  }
  for (const s of services(run)) {
    if (!added.has(s.name) || s.networks?.includes(net)) continue;
    run.ws.set("services.yaml", [...SVC, serviceIndex(run, s.name), "networks"], [...s.networks ?? [], net]);
  }
  for (const [name, deps] of depsOf) {
    for (const d of deps) {
      const o = getService(run, d);
      if (added.has(d) || o.networks?.includes(net)) continue;
      run.ws.set("services.yaml", [...SVC, serviceIndex(run, d), "networks"], [...o.networks ?? [], net]);
      run.lines.push(`~ ${d}: joins network ${net} (so ${name} can reach it)`);
    }
  }
  void WEB_ROLES;
}
function handleCustomService(run, clause, verb) {
  const t = clause.toLowerCase();
  const imageWord = /\bimage\s+['"“‘`]?([^\s'"”’`,]+)['"”’`]?/i.exec(clause);
  let image = imageWord?.[1];
  if (!image) {
    const refs = findImageRefs(clause).filter((r) => !findCidrs(r).length);
    if (refs.length > 0 && /\b(run|deploy|add|start|launch|using|use|from)\b/.test(t)) image = refs[0];
  }
  if (!image) return false;
  if (verb !== void 0 && verb !== "add" && verb !== "change") return false;
  let name = explicitName(clause);
  const as = /\bas\s+['"“‘`]?([a-z0-9][a-z0-9-]{0,62})['"”’`]?(?:\s|$|,)/i.exec(clause);
  if (!name && as && !/^(well|a|an|the)$/.test(as[1])) name = as[1].toLowerCase();
  const existingTarget = targetsIn(run, clause.replace(image, "")).names[0];
  if (!name && existingTarget && /\b(use|switch|change|upgrade)\b/.test(t)) {
    setImage(run, existingTarget, image);
    return true;
  }
  if (!name) {
    name = repoOf(image).split("/").pop().toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "").slice(0, 63) || "app";
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
    if (getService(run, name).image === image) run.notes.push(`${name} already runs ${image}.`);
    else if (verb === "change" || /\b(use|switch|change|upgrade|replace|update)\b/.test(t)) setImage(run, name, image);
    else clashes(run, clause, name);
    return true;
  }
  if (clashes(run, clause, name)) return true;
  const ports = findPorts(clause);
  const tpl = templateOfImage(image);
  let svc;
  if (tpl && tpl.name !== "webapp") {
    const inst = instantiate(tpl.name, { name, image });
    svc = inst.service;
    if (ports.length > 0 && svc.ports?.length) {
      svc.ports = [{ ...svc.ports[0], host: ports[0] }];
    }
    for (const v of inst.volumes) if (run.ws.indexOf("storage.yaml", VOLS, v.name) < 0) run.ws.append("storage.yaml", VOLS, v);
  } else if (ports.length > 0) {
    const container = /\b(?:to|container port)\s+(\d{1,5})\b/.exec(t);
    svc = instantiate("webapp", { name, image, host_port: ports[0], container_port: container ? Number(container[1]) : ports[0] }).service;
  } else {
    svc = { name, image };
  }
  run.ws.append("services.yaml", SVC, svc);
  aliasImage(run, image);
  run.added.push(name);
  run.clauseAdded.push(name);
  mentionFocus(run, name);
  if (run.added.length > 0) wireStack(run);
  run.lines.push(`+ ${name}: ${image}${describePorts(svc)}`);
  if (!lookupCatalog(run.input.imageCatalog, image) && !tpl) {
    run.notes.push(`(${image} is not one of the local images; it must be pullable from a registry, or the apply fails and is rolled back.)`);
  }
  const rest = clause.replace(image, " ").replace(new RegExp(String.raw`\b${escapeRe(name)}\b`, "g"), " ");
  if (findServiceMentions(rest).some((m) => m.template !== tpl?.name)) handleAdd(run, rest.replace(/\bon\s+port\s+\d+|\bport\s+\d+|\bon\s+\d+/gi, " "), "add");
  return true;
}
function setImage(run, name, image) {
  run.ws.set("services.yaml", svcPath(run, name, "image"), image);
  run.ws.delete("services.yaml", svcPath(run, name, "tag"));
  aliasImage(run, image);
  mentionFocus(run, name);
  run.lines.push(`~ ${name}: image ${image}`);
}
function handleJob(run, clause) {
  const t = clause.toLowerCase();
  if (/\bback ?ups?\b|\bback(ed|ing)?[- ]up\b|\bback\s+(it|them)\s+up\b|\bsnapshots?\b/.test(t)) return false;
  const schedule = parseSchedule(t, 3);
  if (!schedule) return false;
  const quoted = findQuoted(clause);
  const script = /(?:^|\s)((?:(?:sh|bash|python3?|node|php|ruby|perl)\s+)?(?:\/[\w.\/-]+|[\w-]+\.(?:sh|py|js|rb|php|pl)))(?=\s|$|[,.](?:\s|$))/.exec(clause);
  const command = quoted[0] ?? script?.[1];
  const jobs = run.ws.items("scheduled.yaml", JOBS);
  if (!command && scheduledLifecycle(run, clause, schedule)) return true;
  if (!command) {
    if (!/\b(that|it|the job|this job|the task|instead|cron)\b/.test(t) || jobs.length === 0) return false;
    const lastJobTurn = [...run.input.history].reverse().find((h) => h.role === "user" && parseSchedule(h.text.toLowerCase(), 3));
    if (lastJobTurn && /\bback ?ups?\b|\bback(ed|ing)?[- ]up\b|\bback\s+(it|them)\s+up\b|\bsnapshots?\b/i.test(lastJobTurn.text)) return false;
    const j = jobs.length - 1;
    run.ws.set("scheduled.yaml", [...JOBS, j, "schedule"], schedule.cron);
    run.lines.push(`~ job ${jobs[j].name}: runs ${schedule.words} (${schedule.cron})`);
    return true;
  }
  if (!/\b(run|runs|execute|exec|schedule|cron|call|invoke|do)\b/.test(t)) return false;
  const rest = clause.replace(command, " ");
  let container;
  const inName = /\b(?:in|inside|within|on)\s+(?:the\s+)?([a-z0-9][a-z0-9-]*)(?:\s+container)?\b/gi;
  for (const m of rest.matchAll(inName)) {
    const n = m[1].toLowerCase();
    if (getService(run, n)) {
      container = n;
      break;
    }
  }
  if (!container) container = targetsIn(run, rest).names[0];
  if (!container && /\b(in|inside)\s+(it|that|this|there)\b/.test(t)) container = focusTargets(run)[0];
  if (!container) {
    run.questions.push(`Which service's container should run "${command}"? Jobs always run inside a container (${services(run).map((s) => s.name).join(", ") || "there are no services yet"}).`);
    return true;
  }
  const base = (command.split(/\s+/).find((w) => /[\w-]+\.(sh|py|js|rb|php|pl)$|^\//.test(w)) ?? command.split(/\s+/)[0]).split("/").pop();
  let name = `${container}-${base.replace(/\.[a-z]+$/, "")}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 50);
  if (!/^[a-z]/.test(name)) name = `job-${name}`;
  let unique = name;
  for (let k = 2; jobs.some((j) => j.name === unique); k++) unique = `${name}-${k}`;
  run.ws.append("scheduled.yaml", JOBS, { name: unique, schedule: schedule.cron, container, command });
  mentionFocus(run, container);
  run.lines.push(`+ job ${unique}: runs "${command}" inside ${container} ${schedule.words} (${schedule.cron})`);
  return true;
}
var RELOAD_COMMANDS = {
  nginx: "nginx -s reload",
  caddy: "caddy reload --config /etc/caddy/Caddyfile",
  postgres: "pg_ctl reload -D /var/lib/postgresql/data",
  prometheus: "kill -HUP 1"
};
function scheduledLifecycle(run, clause, schedule) {
  const t = clause.toLowerCase();
  const act = /\b(reload|restart|reboot|bounce|recreate|stop|start)\b/.exec(t)?.[1];
  if (!act) return false;
  if (!/\b(every|each|daily|nightly|weekly|monthly|hourly|weekdays?|weekends?|twice|once)\b|\bon\s+(sun|mon|tue|wed|thu|fri|sat)[a-z]*s?\b/.test(t)) return false;
  const names = targetsIn(run, clause).names;
  const name = names[0] ?? (/\b(it|that|this)\b/.test(t) ? focusTargets(run)[0] : void 0);
  if (!name) {
    run.questions.push(`Which service should ${act} ${schedule.words}? (${services(run).map((s) => s.name).join(", ") || "there are no services yet"})`);
    return true;
  }
  const svc = getService(run, name);
  const reload = RELOAD_COMMANDS[templateOf(svc) ?? repoOf(svc.image)];
  if (act !== "reload" || !reload) {
    run.questions.push(
      `Not done: ${act} ${name} ${schedule.words}. Jobs run a command inside a service's container, so they cannot ${act === "reload" ? `reload ${name} (I know no reload command for ${svc.image})` : `${act} the container itself`}. Say the command to run, e.g. "run '<command>' in ${name} ${schedule.words}".`
    );
    return true;
  }
  const jobs = run.ws.items("scheduled.yaml", JOBS);
  let unique = `${name}-reload`;
  for (let k = 2; jobs.some((j) => j.name === unique); k++) unique = `${name}-reload-${k}`;
  run.ws.append("scheduled.yaml", JOBS, { name: unique, schedule: schedule.cron, container: name, command: reload });
  mentionFocus(run, name);
  run.lines.push(`+ job ${unique}: runs "${reload}" inside ${name} ${schedule.words} (${schedule.cron})`);
  return true;
}
function handleLifecycle(run, clause, verb) {
  const { names: found, all } = targetsIn(run, clause);
  let names = found;
  if (names.length === 0) {
    const mentions = findServiceMentions(clause);
    if (mentions.length > 0 || findQuoted(clause).length > 0) {
      const what = mentions[0]?.text ?? findQuoted(clause)[0];
      run.notes.push(`There is no ${what} service to ${verb}.`);
      return true;
    }
    if (!/\b(it|them|that|those|this)\b/.test(clause.toLowerCase())) return false;
    names = focusTargets(run);
    if (names.length === 0) {
      run.questions.push(`Which service should I ${verb}? (${services(run).map((s) => s.name).join(", ") || "there are none yet"})`);
      return true;
    }
  }
  if (all && names.length === 0) {
    run.notes.push("There are no services yet.");
    return true;
  }
  for (const name of names) {
    mentionFocus(run, name);
    const svc = getService(run, name);
    if (verb === "remove") removeService(run, name);
    else if (verb === "stop") {
      if (svc.state === "stopped") run.notes.push(`${name} is already stopped.`);
      else {
        run.ws.set("services.yaml", svcPath(run, name, "state"), "stopped");
        run.lines.push(`~ ${name}: stopped (its definition and data are kept; "start ${name}" brings it back)`);
      }
    } else if (verb === "start") {
      if (svc.state !== "stopped" && svc.enabled !== false) run.notes.push(`${name} is already meant to be running.`);
      else {
        run.ws.delete("services.yaml", svcPath(run, name, "state"));
        if (svc.enabled === false) run.ws.delete("services.yaml", svcPath(run, name, "enabled"));
        run.lines.push(`~ ${name}: running`);
      }
    } else {
      restartService(run, name);
    }
  }
  return true;
}
function restartService(run, name) {
  const stamp = run.input.now.toISOString();
  run.ws.set("services.yaml", svcPath(run, name, "labels", "restarted-at"), stamp);
  const svc = getService(run, name);
  if (svc.state === "stopped") run.ws.delete("services.yaml", svcPath(run, name, "state"));
  run.lines.push(`~ ${name}: restart (label restarted-at=${stamp} makes the plan replace its container)`);
}
function removeService(run, name) {
  const i = serviceIndex(run, name);
  const svc = getService(run, name);
  run.ws.removeAt("services.yaml", SVC, i);
  for (const other of services(run)) {
    if (other.depends_on?.includes(name)) {
      const deps = other.depends_on.filter((d) => d !== name);
      if (deps.length) run.ws.set("services.yaml", svcPath(run, other.name, "depends_on"), deps);
      else run.ws.delete("services.yaml", svcPath(run, other.name, "depends_on"));
    }
  }
  const jobs = run.ws.items("scheduled.yaml", JOBS);
  for (let j = jobs.length - 1; j >= 0; j--) {
    if (jobs[j].container === name) {
      run.ws.removeAt("scheduled.yaml", JOBS, j);
      run.lines.push(`- job ${jobs[j].name} (it ran inside ${name})`);
    }
  }
  const vols = (svc.volumes ?? []).map((v) => v.source).filter((s) => !s.startsWith("/"));
  run.lines.push(`- ${name}${vols.length ? ` (its volume${vols.length > 1 ? "s" : ""} ${vols.join(", ")} and the data in ${vols.length > 1 ? "them" : "it"} are kept)` : ""}`);
  run.focus = run.focus.filter((f) => f !== name);
}
var SECRETISH = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/;
function handleEnv(run, clause) {
  const pairs = [];
  for (const m of clause.matchAll(/(?<![\w${}])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s,;]*)/g)) {
    if (!/[A-Z]/.test(m[1]) && !/\b(env|environment|variable|var)\b/i.test(clause)) continue;
    pairs.push([m[1], m[2].replace(/^["']|["']$/g, "")]);
  }
  const worded = /\b(?:env(?:ironment)?\s+(?:var(?:iable)?\s+)?|variable\s+)([A-Za-z_][A-Za-z0-9_]*)\s+(?:to|=|as)\s+("[^"]*"|'[^']*'|\S+)/i.exec(clause);
  if (worded && !pairs.some(([k]) => k === worded[1])) pairs.push([worded[1], worded[2].replace(/^["']|["']$/g, "")]);
  if (pairs.length === 0) return false;
  const rest = pairs.reduce((c, [k, v]) => c.replace(`${k}=${v}`, " ").replace(k, " "), clause);
  const named = targetsIn(run, rest).names;
  const unknown = /\b(?:on|for|in|of)\s+(?:the\s+)?([a-z][a-z0-9-]*)(?:\s+(?:service|container))?\s*$/i.exec(rest.trim());
  if (named.length === 0 && unknown && !["it", "that", "this", "them", "all", "every", "each"].includes(unknown[1].toLowerCase())) {
    run.notes.push(`There is no service ${unknown[1].toLowerCase()}, so nothing was changed (services: ${services(run).map((s) => s.name).join(", ") || "none yet"}).`);
    return true;
  }
  const targets = named.length > 0 ? named : focusTargets(run);
  if (targets.length === 0) {
    run.questions.push(`Which service should get ${pairs.map(([k]) => k).join(", ")}? (${services(run).map((s) => s.name).join(", ") || "there are none yet"})`);
    return true;
  }
  for (const [k, v] of pairs) {
    if (SECRETISH.test(k.toUpperCase())) {
      run.questions.push(`Not done: ${k} looks like a secret, and a value typed here would be written in plain text. Run \`claude secret set ${k.toLowerCase()}\`, then say "use secret ${k.toLowerCase()} as ${k} for ${targets[0]}".`);
      continue;
    }
    for (const name of targets) {
      run.ws.set("services.yaml", svcPath(run, name, "environment", k), v);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: environment ${k}=${v}`);
    }
  }
  return true;
}
function unknownServiceNamed(run, clause, verb) {
  if (verb !== "change" && verb !== "scale" && verb !== "stop" && verb !== "start" && verb !== "restart" && verb !== "remove") return false;
  const t = clause.toLowerCase();
  const have = services(run).map((s) => s.name);
  const cands = [];
  const re = /\b(?:give|limit|cap|restrict|allocate|scale|resize|restart|reload|stop|start|remove|delete|upgrade|downgrade|move|bump|raise|lower|increase|decrease|change|set)\s+(?:the\s+)?([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*)(?:'s)?\b|\b([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[a-z]+[0-9][a-z0-9]*)'s\s+(?:memory|ram|cpu|port|replicas?|image|version)\b/g;
  for (const m of t.matchAll(re)) cands.push(m[1] ?? m[2]);
  const plain = /\b(?:give|limit|cap|restrict|allocate|scale|resize|restart|reload|stop|start|remove|delete|upgrade|downgrade|bump|raise|lower|increase|decrease)\s+(?:the\s+)?([a-z][a-z0-9]*)(?='s\b|\s+\d|\s+(?:to|at|down|up|back|service|container)\b|\s*$)|\b([a-z][a-z0-9]*)'s\s+(?:memory|ram|cpu|port|replicas?|image|version)\b/g;
  for (const m of t.matchAll(plain)) {
    const w = m[1] ?? m[2];
    if (NOT_APPS.has(w) || PLAIN_NOT_SERVICES.has(w) || /ing$/.test(w) || findServiceMentions(w).length > 0 || KNOWN_IMAGES.some((k) => k.re.test(w))) continue;
    cands.push(w);
  }
  const missing = cands.find((c) => !have.includes(c) && !have.includes(c.replace(/_/g, "-")) && !/^(ipv[46]|http[s23]?|h[23]|tls1)/.test(c) && !/^\d/.test(c));
  if (!missing) return false;
  if (findImageRefs(clause).some((r) => r.includes(missing))) return false;
  run.notes.push(`There is no service ${missing}, so nothing was changed. The services are: ${have.join(", ") || "none yet"}. To add it, say "add ${missing} from image \u2026".`);
  return true;
}
function handleModifiers(run, clause) {
  const t = clause.toLowerCase();
  let did = false;
  const explicit = run.clauseAdded.length > 0 ? [...run.clauseAdded] : targetsIn(run, clause).names;
  const targets = (filter) => {
    const named = explicit.filter((n) => {
      const s = getService(run, n);
      return s && (!filter || filter(s));
    });
    return named.length > 0 ? named : focusTargets(run, filter);
  };
  const ask = (what) => {
    run.questions.push(`Which service should get ${what}? (${services(run).map((s) => s.name).join(", ") || "there are none yet"})`);
    did = true;
  };
  if (/\b(only|just)\b[^.]*\b(other\s+)?(containers|services)\b|\bnot\s+(from|on)\s+the\s+host\b|\binternal(ly)?\s+only\b|\bno\s+host\s+ports?\b|\b(unpublish|stop publishing|unexpose)\b|\b(don'?t|do not|never|no longer|stop)\s+(expos|publish)\w*\b|\bnot\s+(be\s+)?(exposed|published)\b/.test(t) && !findCidrs(t).length) {
    const names = targets((s) => (s.ports ?? []).length > 0);
    for (const name of names) {
      run.ws.delete("services.yaml", svcPath(run, name, "ports"));
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: no host port (reachable by name from the services on its network only)`);
    }
    if (names.length > 0) return true;
  }
  const scaledBefore = [...run.input.history].reverse().find((h) => h.role === "user");
  const rep = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:replicas?|instances|copies|containers|nodes)\b/.exec(t) ?? /\brun\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+of\s+(?:them|it|those)\b/.exec(t) ?? (/\bscale\b|\breplicas?\b|\binstances\b|\bcopies\b/.test(t) || scaledBefore && /\bscale\b|\breplicas?\b|\binstances\b|\bcopies\b|\bof them\b/i.test(scaledBefore.text) && /\b(back|down|up)\s+to\b/.test(t) ? /\bto\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\b/.exec(t) : null);
  if (rep) {
    const n = parseNumberWord(rep[1]);
    const names = targets();
    if (n === void 0 || n > 100) run.questions.push("How many replicas? (0 to 100)");
    else if (names.length === 0) ask(`${n} replicas`);
    for (const name of n !== void 0 && n <= 100 ? names : []) {
      if (n === void 0) break;
      run.ws.set("services.yaml", svcPath(run, name, "replicas"), n);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: ${n} replica${n === 1 ? "" : "s"}`);
      const svc = getService(run, name);
      const fixed = (svc.ports ?? []).filter((p) => p.host !== void 0);
      if (n > 1 && fixed.length > 0) {
        const list = (svc.ports ?? []).map((p) => {
          const { host: _h, host_ip: _ip, ...rest } = p;
          return rest;
        });
        run.ws.set("services.yaml", svcPath(run, name, "ports"), list);
        run.lines.push(`~ ${name}: no longer publishes host port${fixed.length > 1 ? "s" : ""} ${fixed.map((p) => p.host).join(", ")} (${n} containers cannot share a host port)`);
        run.warnings.push(
          `${name} will not be reachable from outside on port${fixed.length > 1 ? "s" : ""} ${fixed.map((p) => p.host).join(", ")}: each replica is reachable by name on the service network only. To serve them from outside, put a proxy in front ("add caddy") and point it at ${name}, or scale back to 1.`
        );
      }
    }
    did = true;
  }
  const factor = /\b(double|twice)\b[^.]*\b(memory|ram)\b/.test(t) ? 2 : /\b(halve|half)\b[^.]*\b(memory|ram)\b/.test(t) ? 0.5 : /\btriple\b[^.]*\b(memory|ram)\b/.test(t) ? 3 : void 0;
  if (factor !== void 0 && findSizes(clause).length === 0) {
    const names = targets();
    if (names.length === 0) ask("more memory");
    for (const name of names) {
      const cur = getService(run, name).resources?.memory;
      const bytes = cur ? sizeToBytes(cur) : void 0;
      if (bytes === void 0) {
        run.questions.push(`${name} has no memory limit to ${factor > 1 ? "multiply" : "halve"}; say an amount, e.g. "give ${name} 512MB".`);
        continue;
      }
      const mib = Math.max(4, Math.round(bytes * factor / 1024 ** 2));
      const value = mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
      run.ws.set("services.yaml", svcPath(run, name, "resources", "memory"), value);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: memory limit ${value} (was ${cur})`);
    }
    return true;
  }
  const sizes = findSizes(clause);
  const memWords = /\b(memory|ram|mem)\b/.test(t) || /\blimit\b/.test(t) || /\bgive\b/.test(t) || /\b(have|get|use|needs?|with|at|cap(ped)?)\b/.test(t) && !/\b(volume|disk|storage|upload|file|backup)\b/.test(t);
  if (sizes.length > 0 && memWords && !/\b(volume|disk|storage)\b/.test(t)) {
    const names = targets();
    if (names.length === 0) ask(`a memory limit of ${sizes[0].text}`);
    for (const name of names) {
      run.ws.set("services.yaml", svcPath(run, name, "resources", "memory"), sizes[0].value);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: memory limit ${sizes[0].value}`);
    }
    did = true;
  } else if (sizes.length > 0 && /\b(volume|disk|storage)\b/.test(t)) {
    const names = targets((s) => (s.volumes ?? []).some((v) => !v.source.startsWith("/")));
    for (const name of names) {
      for (const v of getService(run, name).volumes ?? []) {
        const vi = run.ws.indexOf("storage.yaml", VOLS, v.source);
        if (vi < 0) continue;
        run.ws.set("storage.yaml", [...VOLS, vi, "size"], sizes[0].value);
        run.lines.push(`~ volume ${v.source}: size ${sizes[0].value}`);
      }
    }
    did = names.length > 0 || did;
  }
  if (sizes.length === 0 && /\b(more|less)\s+(memory|ram)\b|\b(memory|ram)\s+(limit|cap)\b(?![^.]*\d)/.test(t)) {
    const names = targets();
    run.questions.push(`How much memory should ${names[0] ?? "it"} get? Say an amount, e.g. "give ${names[0] ?? "redis"} 512MB".`);
    did = true;
  }
  const cpu = findCpu(clause);
  if (cpu) {
    const names = targets();
    if (names.length === 0) ask(`a CPU limit of ${cpu.value}`);
    for (const name of names) {
      run.ws.set("services.yaml", svcPath(run, name, "resources", "cpu"), cpu.value);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: CPU limit ${cpu.value} core${cpu.value === "1" ? "" : "s"}`);
    }
    did = true;
  }
  const conn = /\b(?:connection\s+limit|max(?:imum)?[_\s]+(?:of\s+)?connections?|connections?\s+(?:limit|cap|max(?:imum)?))\s*(?:of|to|=|:|at)?\s*(\d+)\b/.exec(t) ?? /\b(\d+)\s+(?:max(?:imum)?\s+|concurrent\s+|simultaneous\s+)?connections\b/.exec(t) ?? /\blimit\b[^.]*\bconnections?\b[^.\d]*(\d+)/.exec(t);
  if (conn) {
    const n = Number(conn[1]);
    const isDb = (s) => ["postgres", "mariadb"].includes(templateOf(s) ?? "");
    const names = targets(isDb);
    if (names.length === 0) {
      run.questions.push('A connection limit applies to a database; which one? (there is no PostgreSQL or MariaDB service yet \u2014 "add postgres with a connection limit of 100")');
    }
    for (const name of names) {
      const svc = getService(run, name);
      mentionFocus(run, name);
      const tpl = templateOf(svc);
      if (tpl === "postgres") {
        const cmd = withOption(commandString(svc.command) ?? "postgres", /\s-c\s+max_connections=\d+/, ` -c max_connections=${n}`);
        run.ws.set("services.yaml", svcPath(run, name, "command"), cmd);
        run.lines.push(`~ ${name}: command ${cmd} (at most ${n} connections)`);
      } else {
        const cmd = withOption(commandString(svc.command) ?? "mariadbd", /\s--max-connections=\d+/, ` --max-connections=${n}`);
        run.ws.set("services.yaml", svcPath(run, name, "command"), cmd);
        run.lines.push(`~ ${name}: command ${cmd} (at most ${n} connections)`);
      }
    }
    did = true;
  }
  const ports = findPorts(clause);
  if (ports.length > 0 && !/\b(allow|open|block|close|deny|firewall|expose\s+to)\b/.test(t)) {
    const names = targets((s) => (s.ports ?? []).length > 0 || run.added.includes(s.name));
    if (names.length === 0) ask(`port ${ports.join(", ")}`);
    for (const name of names.slice(0, 1)) {
      const svc = getService(run, name);
      const list = [...svc.ports ?? []];
      ports.forEach((p, k) => {
        if (list[k]) list[k] = { ...list[k], host: p };
        else list.push({ host: p, container: p });
      });
      run.ws.set("services.yaml", svcPath(run, name, "ports"), list);
      mentionFocus(run, name);
      run.lines.push(`~ ${name}: published on port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}`);
    }
    did = true;
  }
  const ver = /\b(?:upgrade|update|downgrade|move|switch|change|pin|bump)\b[^.]*?\bto\s+(?:version\s+)?v?(\d+(?:\.\d+){0,2}(?:-[a-z0-9.]+)?)\b/.exec(t) ?? /\bversion\s+v?(\d+(?:\.\d+){0,2})\b/.exec(t);
  if (ver && !conn && !rep && ports.length === 0) {
    const names = targets();
    if (names.length === 0) ask(`version ${ver[1]}`);
    for (const name of names.slice(0, 1)) {
      const svc = getService(run, name);
      const repo = repoOf(svc.image);
      const oldTag = svc.image.slice(repo.length + 1) || "latest";
      const suffix = /-(alpine|slim|apache|fpm)\b.*$/.exec(oldTag)?.[0] ?? "";
      const image = `${repo}:${ver[1]}${ver[1].includes("-") ? "" : suffix}`;
      setImage(run, name, image);
      if (templateOf(svc) === "postgres" && oldTag.split(".")[0] !== ver[1].split(".")[0]) {
        run.warnings.push(`A major PostgreSQL upgrade cannot start on the old data directory; the new ${name} will fail its health check and the apply will be rolled back unless the data is migrated (pg_dump / restore) first.`);
      }
    }
    did = true;
  }
  return did;
}
function commandString(cmd) {
  if (cmd === void 0) return void 0;
  return Array.isArray(cmd) ? cmd.join(" ") : cmd;
}
function withOption(cmd, existing, add) {
  return existing.test(cmd) ? cmd.replace(existing, add) : cmd + add;
}
function handleBackups(run, clause) {
  const t = clause.toLowerCase().replace(/\bback\s+(it|them|that|this)\s+up\b/, "back up $1").replace(/\bbacking up\b/, "back up");
  if (!/\bback ?ups?\b|\bback(ed)?[- ]up\b|\bsnapshots?\b/.test(t)) return false;
  if (!/\bback ?ups\b|\bbackup\b|\bsnapshots?\b/.test(t) && /\b(bring|get|fire|spin|boot|power|start|come|came|is|are)\s+(?:[\w-]+\s+)?back\s+up\b/.test(t)) return false;
  if (/\b(disable|stop|no|turn off|remove)\b[^.]*\bback ?ups?\b|\bstop\s+back\s+up\b|\bno (more|longer)\b[^.]*\bback\s?up/.test(t)) {
    const vols = run.ws.items("storage.yaml", VOLS);
    const named = targetsIn(run, clause).names;
    const mine = new Set(named.flatMap((n) => (getService(run, n)?.volumes ?? []).map((v) => v.source)));
    vols.forEach((v, i) => {
      if (named.length > 0 && !mine.has(v.name)) return;
      if (v.backup?.enabled) {
        run.ws.set("storage.yaml", [...VOLS, i, "backup", "enabled"], false);
        run.lines.push(`~ volume ${v.name}: backups off (existing backups are kept)`);
      }
    });
    return true;
  }
  const schedule = parseSchedule(t, 3) ?? { cron: "0 3 * * *", words: "every day at 03:00" };
  const retainM = /\b(?:keep|retain|retention of)\s+(?:the\s+last\s+)?(\d+|seven|ten|thirty|fourteen)\b/.exec(t);
  const retainOnly = retainM !== null && !parseSchedule(t, 3);
  const retain = retainM ? parseNumberWord(retainM[1]) ?? 7 : 7;
  if (retainOnly) {
    const named = targetsIn(run, clause).names;
    const names0 = named.length > 0 ? named : focusTargets(run);
    let did0 = false;
    for (const n of names0) {
      for (const v of getService(run, n)?.volumes ?? []) {
        const vi = run.ws.indexOf("storage.yaml", VOLS, v.source);
        if (vi < 0) continue;
        const b = run.ws.get("storage.yaml", [...VOLS, vi, "backup"]);
        if (!b) continue;
        run.ws.set("storage.yaml", [...VOLS, vi, "backup", "retain"], retain);
        run.lines.push(`~ volume ${v.source}: the last ${retain} backups kept`);
        did0 = true;
      }
    }
    if (did0) return true;
  }
  const hasData = (s) => (s.volumes ?? []).some((v) => !v.source.startsWith("/") && run.ws.indexOf("storage.yaml", VOLS, v.source) >= 0);
  const explicit = targetsIn(run, clause).names.filter((n) => !run.added.includes(n));
  let names = explicit.length > 0 ? explicit : run.added.length > 0 ? [...run.added] : focusTargets(run, hasData);
  if (names.length === 0) names = services(run).filter(hasData).map((s) => s.name);
  const withData = names.filter((n) => hasData(getService(run, n)));
  const without = names.filter((n) => !withData.includes(n));
  if (withData.length === 0) {
    run.questions.push(
      services(run).length === 0 ? 'There is nothing to back up yet: no service has a data volume. Add one first ("I need a PostgreSQL database with daily backups").' : `Nothing to back up: ${without.join(", ") || "no service"} ha${without.length === 1 ? "s" : "ve"} no data volume.`
    );
    return true;
  }
  if (/\bs3\b|\bcloud\b|\bremote\b|\boff-?site\b/.test(t)) {
    run.warnings.push("Backups go to the local backup destination; S3 or other remote targets are not supported yet.");
  }
  for (const name of withData) {
    const svc = getService(run, name);
    mentionFocus(run, name);
    for (const v of svc.volumes ?? []) {
      const vi = run.ws.indexOf("storage.yaml", VOLS, v.source);
      if (vi < 0) continue;
      run.ws.set("storage.yaml", [...VOLS, vi, "backup"], { enabled: true, schedule: schedule.cron, retain, type: "archive" });
      run.lines.push(`~ volume ${v.source}: backed up ${schedule.words} (${schedule.cron}), last ${retain} kept`);
    }
    const tpl = templateOf(svc);
    const dump = tpl === "postgres" ? `pg_dumpall -U postgres --clean -f ${(svc.volumes ?? []).find((v) => v.target.startsWith("/var/lib/postgresql"))?.target ?? "/var/lib/postgresql/data"}/claude-dump.sql` : tpl === "mariadb" ? 'mariadb-dump --all-databases -uroot -p"$MARIADB_ROOT_PASSWORD" > /var/lib/mysql/claude-dump.sql' : void 0;
    if (dump) {
      const jobName = `${name}-dump`;
      const job = { name: jobName, schedule: schedule.cron, container: name, command: dump, timeout: "30m", on_failure: "alert" };
      const ji = run.ws.indexOf("scheduled.yaml", JOBS, jobName);
      if (ji >= 0) run.ws.set("scheduled.yaml", [...JOBS, ji], job);
      else run.ws.append("scheduled.yaml", JOBS, job);
      run.lines.push(`+ job ${jobName}: a consistent dump of ${name} ${schedule.words}, inside its container, into its volume`);
    }
  }
  if (without.length > 0 && explicit.length > 0) run.notes.push(`${without.join(", ")} ha${without.length === 1 ? "s" : "ve"} no data to back up.`);
  return true;
}
function handleTroubleshoot(run, clause) {
  const t = clause.toLowerCase();
  if (!/\b(is|are|seems?|went|goes)\s+(down|dead|offline|broken|unreachable|not (working|responding|running|loading|up))\b|\bcan'?t (reach|connect|load|access)\b|\bnot (working|responding|loading)\b|\bcrash(ed|ing)?\b/.test(t)) return false;
  let names = targetsIn(run, clause).names;
  if (names.length === 0) names = focusTargets(run);
  if (names.length === 0) {
    run.questions.push(`Which service is down? (${services(run).map((s) => s.name).join(", ") || "there are no services yet"})`);
    return true;
  }
  const observed = new Map((run.input.summary?.services ?? []).map((s) => [s.name, s]));
  for (const name of names) {
    const svc = getService(run, name);
    const o = observed.get(name);
    if (svc.state === "stopped") {
      run.notes.push(`${name} is stopped in services.yaml.`);
      run.ws.delete("services.yaml", svcPath(run, name, "state"));
      run.lines.push(`~ ${name}: running`);
    } else if (!o) {
      run.notes.push(`${name} has no container running (not observed).`);
      restartService(run, name);
    } else if (o.state !== "running" || o.health === "unhealthy") {
      run.notes.push(`${name} is ${o.state}${o.health && o.health !== "none" ? ` (${o.health})` : ""}${o.exitCode !== void 0 ? `, exit code ${o.exitCode}` : ""}${o.restartCount ? `, restarted ${o.restartCount} times` : ""}.`);
      const logs = run.input.summary?.logs?.[name];
      if (logs && logs.length > 0) run.notes.push(`Last log lines of ${name} (see \`claude logs ${name}\`):`, ...logs.slice(-5).map((l) => `  > ${l}`));
      restartService(run, name);
    } else {
      run.notes.push(`${name} looks fine: ${o.state}${o.health && o.health !== "none" ? `, ${o.health}` : ""}. I changed nothing; \`claude logs ${name}\` shows its recent output.`);
    }
  }
  return true;
}
function handleSecrets(run, clause) {
  const t = clause.toLowerCase();
  if (!/\bpasswords?\b|\bsecrets?\b|\bapi[_ -]?key\b/.test(t)) return false;
  const typed = /\b(?:password|secret|api[_ -]?key)\s*(?:is|=|:|to|of|as)?\s*['"“‘`]?([^\s'"”’`]{4,})['"”’`]?/i.exec(clause);
  if (typed && !/^(for|the|a|an|from|with|secret|secrets|set|claude|password|it)$/i.test(typed[1]) && !/^\$\{/.test(typed[1])) {
    run.notes.push(
      'I did not write the password you typed into any file: state files, plans and model context never hold secret values. Store it encrypted with `claude secret set NAME` (it prompts for the value), then say "use the NAME secret for SERVICE".'
    );
    return true;
  }
  const named = /\b([a-z][a-z0-9_]{0,62})\s+(?:secret|password)\b/.exec(t);
  const names = targetsIn(run, clause).names.length > 0 ? targetsIn(run, clause).names : focusTargets(run, (s) => ["postgres", "grafana", "mariadb"].includes(templateOf(s) ?? ""));
  let did = false;
  for (const name of names) {
    const svc = getService(run, name);
    const tpl = templateOf(svc);
    const secret = tpl === "grafana" ? "grafana_admin_password" : tpl === "mariadb" ? "mariadb_root_password" : `${name.replace(/-/g, "_")}_password`;
    const chosen = named && run.input.secretNames.includes(named[1]) ? named[1] : secret;
    if (!run.input.secretNames.includes(chosen)) {
      run.questions.push(`There is no secret named ${chosen} yet. Run \`claude secret set ${chosen}\` (it asks for the value and stores it encrypted), then ask again.`);
      did = true;
      continue;
    }
    const envKey = tpl === "grafana" ? "GF_SECURITY_ADMIN_PASSWORD" : tpl === "mariadb" ? "MARIADB_ROOT_PASSWORD" : tpl === "postgres" ? "POSTGRES_PASSWORD" : void 0;
    if (!envKey) {
      run.questions.push(`I don't know which environment variable ${name} reads its password from; add it to services.yaml as VAR: \${secrets.${chosen}}.`);
      did = true;
      continue;
    }
    run.ws.set("services.yaml", svcPath(run, name, "environment", envKey), `\${secrets.${chosen}}`);
    if (tpl === "postgres") run.ws.delete("services.yaml", svcPath(run, name, "environment", "POSTGRES_HOST_AUTH_METHOD"));
    run.lines.push(`~ ${name}: ${envKey} from the secret ${chosen} (resolved only by the runtime)`);
    if (tpl === "postgres") run.warnings.push(`PostgreSQL reads POSTGRES_PASSWORD only when it creates its data directory; an existing database keeps its old authentication until you change it with ALTER USER.`);
    did = true;
  }
  const store = /\b(store|save|keep|add|put)\b[^.]*\bas\s+(?:a\s+)?secret\b|\b(store|save|add)\b[^.]*\b(api[_ -]?key|token|password)\b/.exec(t);
  if (!did && store) {
    const subject = /\b(?:the|my|our)?\s*([a-z0-9]+(?:\s+[a-z0-9]+)?)\s+(api[_ -]?key|token|password|secret)\b/.exec(t.replace(/^\s*(store|save|keep|add|put)\s+/, ""));
    const name = subject ? `${subject[1].replace(/^(the|my|our)\s+/, "").replace(/\s+/g, "_")}_${subject[2].replace(/[ -]/g, "_")}`.replace(/_secret$/, "") : "NAME";
    run.notes.push(`Secret values never go through a request. Run \`claude secret set ${name}\` (it asks for the value and stores it encrypted to this host), then refer to it as \${secrets.${name}} ("use the ${name} secret for SERVICE").`);
    return true;
  }
  if (!did && /\b(set|use|add|create|give)\b/.test(t)) {
    run.notes.push("Secrets are set with `claude secret set NAME` (the value is asked for and stored encrypted); services refer to them as ${secrets.NAME}.");
    did = true;
  }
  return did;
}
function handleCertificate(run, clause) {
  const t = clause.toLowerCase();
  if (!/\b(certificate|cert|tls|ssl|https)\b/.test(t)) return false;
  const domains = [...clause.matchAll(/\b((?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,24})\b/gi)].map((m) => m[1].toLowerCase()).filter((d) => !/\.(sh|py|js|yaml|yml|json|conf)$/.test(d) && !/^\d/.test(d));
  if (domains.length === 0 || !/\b(certificate|cert|tls|ssl)\b/.test(t)) return false;
  const provider = /\bself[- ]signed\b/.test(t) ? "self-signed" : /\bmanual\b|\bmy own\b/.test(t) ? "manual" : "letsencrypt";
  const name = domains[0].replace(/^\*\./, "wildcard-").replace(/\./g, "-").slice(0, 63);
  const CERTS = ["spec", "certificates"];
  const i = run.ws.indexOf("security.yaml", CERTS, name);
  const cert = { name, domains, provider, auto_renew: true };
  if (i >= 0) run.ws.set("security.yaml", [...CERTS, i], cert);
  else run.ws.append("security.yaml", CERTS, cert);
  run.lines.push(`${i >= 0 ? "~" : "+"} certificate ${name}: ${domains.join(", ")} (${provider}${provider === "letsencrypt" ? ", renewed automatically" : ""}; security.yaml, needs your explicit approval)`);
  if (provider === "letsencrypt") run.notes.push(`(Let's Encrypt checks that ${domains.join(", ")} point${domains.length === 1 ? "s" : ""} at this machine and that port 80 is reachable from the internet.)`);
  return true;
}
function hasSshKeys(run) {
  return run.ws.items("security.yaml", ["spec", "users"]).some((u) => (u.ssh_keys ?? []).length > 0);
}
function handleSshConfig(run, clause) {
  const t = clause.toLowerCase();
  let did = false;
  if (/\b(disable|turn off|no|forbid|disallow|block)\b[^.]*\bpassword\b[^.]*\b(log ?ins?|auth\w*|access|ssh)\b|\bkey[- ]only\b|\bkeys? only\b/.test(t)) {
    if (!hasSshKeys(run)) {
      run.questions.push('No user in security.yaml has an SSH key, so turning off password logins would lock everyone out. Add one first ("add user alice with ssh key ssh-ed25519 AAAA\u2026"), then ask again.');
    } else {
      run.ws.set("security.yaml", ["spec", "ssh", "password_authentication"], false);
      run.lines.push("~ ssh: password logins off (keys only)");
    }
    did = true;
  }
  if (/\b(disable|turn off|no|forbid|disallow|block)\b[^.]*\broot\b[^.]*\blog ?ins?\b/.test(t)) {
    run.ws.set("security.yaml", ["spec", "ssh", "permit_root_login"], false);
    run.lines.push("~ ssh: root cannot log in");
    did = true;
  }
  const portChange = /\bssh\b[^.]*\bport\b[^.\d]*(\d{1,5})\b/.exec(t);
  if (portChange && /\b(change|move|set|use|run)\b/.test(t) && !/\b(allow|open|block)\b/.test(t)) {
    const p = Number(portChange[1]);
    run.ws.set("security.yaml", ["spec", "ssh", "port"], p);
    run.lines.push(`~ ssh: listens on port ${p}`);
    const rules2 = run.ws.items("network.yaml", RULES);
    rules2.forEach((r, i) => {
      if (r.name === "allow-ssh" || r.name === "deny-ssh") {
        run.ws.set("network.yaml", [...RULES, i, "port"], p);
        run.lines.push(`~ firewall rule ${r.name}: port ${p}`);
      }
    });
    run.warnings.push(`Keep your current SSH session open until you have logged in on port ${p}.`);
    did = true;
  }
  return did;
}
function sshPort(run) {
  return run.ws.get("security.yaml", ["spec", "ssh", "port"]) ?? 22;
}
function rules(run) {
  return run.ws.items("network.yaml", RULES);
}
var RULE_KEYS = ["name", "direction", "protocol", "port", "source", "destination", "interface", "state", "action", "comment"];
function putRule(run, unordered, first = false) {
  const rule = {};
  for (const k of RULE_KEYS) if (unordered[k] !== void 0) rule[k] = unordered[k];
  const list = rules(run);
  const i = list.findIndex((r) => r.name === rule.name);
  if (i >= 0) {
    if (JSON.stringify(list[i]) === JSON.stringify(rule)) return "same";
    run.ws.set("network.yaml", [...RULES, i], rule);
    return "updated";
  }
  ensureFirewall(run);
  const seq = run.ws.seq("network.yaml", RULES);
  const node = run.ws.doc("network.yaml").createNode(rule);
  let at = seq.items.length;
  if (first) at = 0;
  else if (rule.action === "accept") {
    const firstDrop = list.findIndex((r) => r.action !== "accept");
    if (firstDrop >= 0) at = firstDrop;
  }
  seq.items.splice(at, 0, node);
  run.ws.changed.add("network.yaml");
  return "added";
}
function removeRule(run, name) {
  const i = rules(run).findIndex((r) => r.name === name);
  if (i < 0) return false;
  run.ws.removeAt("network.yaml", RULES, i);
  return true;
}
function ensureFirewall(run) {
  if (run.ws.get("network.yaml", FW) === void 0) {
    run.ws.set("network.yaml", [...FW, "enabled"], true);
  } else if (run.ws.get("network.yaml", [...FW, "enabled"]) === false) {
    run.ws.set("network.yaml", [...FW, "enabled"], true);
    run.lines.push("~ firewall: enabled");
  }
}
function inputPolicy(run) {
  return run.ws.get("network.yaml", [...FW, "default_input_policy"]) ?? "accept";
}
var ANYWHERE = /\b(anywhere|anyone|everyone|everybody|the world|world|public(ly)?|the internet|internet|all addresses|any address|any source|all sources|outside)\b/;
function sourcesOf(cidrs) {
  if (cidrs.length === 0) return void 0;
  return cidrs.length === 1 ? cidrs[0] : cidrs;
}
function portsOf(ports) {
  return ports.length === 1 ? ports[0] : ports;
}
function describeSource(src) {
  if (src === void 0) return "anywhere";
  return Array.isArray(src) ? src.join(", ") : src;
}
function handleFirewall(run, clause) {
  const t = clause.toLowerCase();
  const cidrs = findCidrs(clause);
  let ports = findPorts(clause);
  if (ports.length === 0 && cidrs.length > 0 && /\b(only|just|from)\b/.test(t) && !/\bssh\b|\bweb\b|\bhttps?\b/.test(t) && targetsIn(run, clause).names.length === 0) {
    const prev = [...run.input.history].reverse().find((h) => h.role === "user" && /\b(open|allow|expose|let)\b/i.test(h.text) && findPorts(h.text).length > 0);
    if (prev) ports = findPorts(prev.text);
  }
  const fail2ban = /\bfail2ban\b|\bbrute[- ]?force\b/.test(t);
  const ssh = /\bssh\b/.test(t);
  const web = /\b(web|http|https|website)\s*(traffic|access|ports?|requests?)?\b/.test(t) && /\b(allow|open|permit|accept|let|unblock|expose|block|close|deny)\b/.test(t);
  const lockdownSystem = /\block(ed|ing)?\s*down\b|\bharden\b|\bdefault[- ]deny\b|\bblock (all |everything )?(other |else )?(incoming|inbound)\b|\bblock everything else\b/.test(t) && !/\block(ed|ing)?\s*down\s+ssh\b/.test(t);
  const allowVerb = /\b(allow|open|permit|accept|let|unblock|expose|whitelist|only)\b|\b(accessible|reachable|available)\s+(from|to)\b/.test(t);
  const blockVerb = /\b(block|close|deny|drop|reject|forbid|disallow|blacklist)\b/.test(t);
  const restrictSsh = ssh && (/\b(lock(ed|ing)?\s*down|restrict|limit|only|allow|from|permit|whitelist|open|let|expose|accept|unblock|reachable|accessible)\b/.test(t) || cidrs.length > 0);
  const firewallTopic = fail2ban || restrictSsh || lockdownSystem || /\bfirewall\b/.test(t) || web || ports.length > 0 && (allowVerb || blockVerb) && !/\b(on|to|at|move|change)\s+port\b/.test(t.replace(/\b(open|allow|expose)\s+port\b/, "")) || cidrs.length > 0 && (allowVerb || blockVerb);
  if (!firewallTopic) return false;
  const anywhere = ANYWHERE.test(t);
  if (/\b(remove|delete|drop|get rid of)\b[^.]*\brules?\b/.test(t)) {
    const named = rules(run).filter((r) => new RegExp(String.raw`(?<![\w-])${r.name}(?![\w-])`).test(t));
    const byPort = rules(run).filter((r) => {
      const rp = (Array.isArray(r.port) ? r.port : r.port !== void 0 ? [r.port] : []).map(Number);
      return ports.length > 0 && rp.some((p) => ports.includes(p));
    });
    const bySsh = ssh ? rules(run).filter((r) => r.name === "allow-ssh" || r.name === "deny-ssh") : [];
    const gone = [...new Set([...named, ...byPort, ...bySsh].map((r) => r.name))];
    if (gone.length === 0) {
      run.questions.push(`Which firewall rule? The rules are: ${rules(run).map((r) => r.name).join(", ") || "none"}.`);
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
    const wasDrop = inputPolicy(run) === "drop";
    putRule(run, { name: "allow-loopback", interface: "lo", action: "accept", comment: "local traffic" }, true);
    putRule(run, { name: "allow-established", state: "established,related", action: "accept", comment: "replies to connections this host made" }, true);
    if (!wasDrop) {
      run.ws.set("network.yaml", [...FW, "default_input_policy"], "drop");
      run.lines.push("~ firewall: default policy DROP for incoming traffic");
      run.lines.push("  \u2022 allow established connections and localhost");
    }
    const sshNarrowedLater = /\bssh\b/i.test(run.input.message) && findCidrs(run.input.message).length > 0;
    if (!restrictSsh && !sshNarrowedLater && !rules(run).some((r) => r.name === "allow-ssh")) {
      putRule(run, { name: "allow-ssh", protocol: "tcp", port: sshPort(run), action: "accept", comment: "SSH" });
      run.lines.push(`  \u2022 allow SSH (${sshPort(run)}) from anywhere, so you keep access (say "only allow SSH from 10.0.0.0/8" to narrow it)`);
    }
  }
  if (restrictSsh) {
    if (cidrs.length === 0 && !anywhere) {
      if (!lockdownSystem) run.questions.push('From which addresses should SSH be allowed? Name a network, e.g. "only allow SSH from 10.0.0.0/8".');
    } else {
      const existing = rules(run).find((r) => r.name === "allow-ssh");
      let src = cidrs;
      if (existing && /\b(also|too|as well|and from|additionally)\b/.test(t) && existing.source !== void 0) {
        src = [.../* @__PURE__ */ new Set([...Array.isArray(existing.source) ? existing.source : [existing.source], ...cidrs])];
      }
      const rule = { name: "allow-ssh", protocol: "tcp", port: sshPort(run), action: "accept", comment: "SSH" };
      if (!anywhere || src.length > 0) {
        const s = sourcesOf(src);
        if (s !== void 0) rule.source = s;
      }
      putRule(run, rule);
      run.lines.push(`~ firewall: allow SSH (${sshPort(run)}) from ${describeSource(rule.source)}${rule.source !== void 0 ? " only" : ""}`);
      if (rule.source !== void 0 && inputPolicy(run) !== "drop") {
        putRule(run, { name: "deny-ssh", protocol: "tcp", port: sshPort(run), action: "drop", comment: "SSH from anywhere else" });
        run.lines.push("  \u2022 drop SSH from every other address (other traffic is unchanged)");
      }
      if (rule.source !== void 0) {
        run.warnings.push(
          `This changes who can reach SSH. If you are connected from outside ${describeSource(rule.source)}, you will lose access; the firewall change is applied commit-confirmed, so it rolls back unless you confirm it in time.`
        );
      }
    }
  }
  if (fail2ban) {
    const lines = [
      "fail2ban is not available on Claude.OS: there are no host packages, and the firewall has no rate limits yet.",
      "What protects SSH instead: it is accepted only from the addresses you name (everything else is dropped)"
    ];
    if (hasSshKeys(run)) {
      run.ws.set("security.yaml", ["spec", "ssh", "password_authentication"], false);
      run.ws.set("security.yaml", ["spec", "ssh", "permit_root_login"], false);
      run.lines.push("~ ssh: password logins and root logins off (keys only), which makes password guessing pointless");
      lines[1] += ", and password logins are turned off.";
    } else {
      lines[1] += '. Adding a user with an SSH key and then saying "disable ssh password login" would make password guessing pointless.';
    }
    run.notes.push(...lines);
  }
  let openPorts = [];
  let label = "";
  if (web) {
    openPorts = /\bhttps\b/.test(t) && !/\bhttp\b|\bweb\b/.test(t) ? [443] : /\bhttp\b/.test(t) && !/\bhttps\b|\bweb\b/.test(t) ? [80] : [80, 443];
    label = "web";
  } else if (ports.length > 0) {
    openPorts = ports;
    label = ports.length === 1 ? `port-${ports[0]}` : `ports-${ports.join("-")}`.slice(0, 40);
  } else if (!restrictSsh && !lockdownSystem && (allowVerb || blockVerb)) {
    const svcNames = targetsIn(run, clause).names;
    for (const n of svcNames) openPorts.push(...(getService(run, n).ports ?? []).map((p) => p.host).filter((h) => h !== void 0));
    if (svcNames.length > 0) label = svcNames.join("-").slice(0, 40);
    if (allowVerb && !blockVerb && cidrs.length > 0) {
      for (const n of svcNames) {
        const list = getService(run, n).ports ?? [];
        list.forEach((p, i) => {
          if (p.host_ip && /^127\.|^::1$/.test(p.host_ip)) {
            run.ws.delete("services.yaml", svcPath(run, n, "ports", i, "host_ip"));
            run.lines.push(`~ ${n}: port ${p.host} published on all addresses (was ${p.host_ip} only)`);
          }
        });
      }
      if (svcNames.length > 0 && openPorts.length > 0 && inputPolicy(run) !== "drop") {
        putRule(run, { name: `deny-${label}`, protocol: "tcp", port: portsOf(openPorts), action: "drop", comment: `${label} from anywhere else` });
        run.lines.push(`  \u2022 drop port${openPorts.length > 1 ? "s" : ""} ${openPorts.join(", ")} from every other address`);
      }
    }
  }
  if (openPorts.length > 0 && !(ssh && openPorts.every((p) => p === sshPort(run)) && restrictSsh)) {
    if (blockVerb && !allowVerb) {
      let removed = 0;
      for (const r of rules(run)) {
        const rp = Array.isArray(r.port) ? r.port : r.port !== void 0 ? [r.port] : [];
        if (r.action === "accept" && rp.length > 0 && rp.every((p) => openPorts.includes(Number(p)))) {
          removeRule(run, r.name);
          removed++;
          run.lines.push(`- firewall rule ${r.name}`);
        }
      }
      if (inputPolicy(run) !== "drop") {
        const rule = { name: `deny-${label}`, protocol: "tcp", port: portsOf(openPorts), action: "drop" };
        const s = sourcesOf(cidrs);
        if (s !== void 0) rule.source = s;
        putRule(run, rule);
        run.lines.push(`~ firewall: drop port${openPorts.length > 1 ? "s" : ""} ${openPorts.join(", ")} from ${describeSource(rule.source)}`);
      } else if (removed === 0) {
        run.notes.push(`Port${openPorts.length > 1 ? "s" : ""} ${openPorts.join(", ")} ${openPorts.length > 1 ? "are" : "is"} already blocked (the default policy drops incoming traffic).`);
      }
    } else {
      const rule = { name: `allow-${label}`, protocol: "tcp", port: portsOf(openPorts), action: "accept" };
      const s = sourcesOf(cidrs);
      if (s !== void 0) rule.source = s;
      if (web) rule.comment = "HTTP and HTTPS";
      ensureFirewall(run);
      const r = putRule(run, rule);
      run.lines.push(`~ firewall: allow ${web ? `web traffic (${openPorts.join(", ")})` : `port${openPorts.length > 1 ? "s" : ""} ${openPorts.join(", ")}`} from ${describeSource(rule.source)}${r === "same" ? " (already allowed)" : ""}`);
      if (inputPolicy(run) !== "drop" && r !== "same") {
        run.notes.push("(The firewall's default policy already accepts incoming traffic; the rule keeps these ports open if you lock the system down later.)");
      }
      const published = new Set(services(run).flatMap((sv) => (sv.ports ?? []).map((p) => p.host)));
      const idle = openPorts.filter((p) => !published.has(p));
      if (!web && idle.length > 0) run.notes.push(`(No service publishes port ${idle.join(", ")} yet.)`);
    }
  } else if (!lockdownSystem && !restrictSsh && !fail2ban) {
    if (/\bfirewall\b/.test(t) && /\b(enable|turn on|switch on|activate|start)\b/.test(t)) {
      ensureFirewall(run);
      run.ws.changed.add("network.yaml");
      run.lines.push("~ firewall: enabled");
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
function finishFirewall(run) {
  if (!run.ws.changed.has("network.yaml")) return;
  if (inputPolicy(run) === "drop") {
    const denySsh = rules(run).findIndex((r) => r.name === "deny-ssh");
    if (denySsh >= 0) run.ws.removeAt("network.yaml", RULES, denySsh);
    const allowed = /* @__PURE__ */ new Set();
    for (const r of rules(run)) {
      if (r.action !== "accept" || r.port === void 0) continue;
      for (const p of Array.isArray(r.port) ? r.port : [r.port]) {
        const [lo, hi] = String(p).split("-").map(Number);
        for (let x = lo; x <= (hi ?? lo); x++) allowed.add(x);
      }
    }
    const blocked = [];
    for (const s of services(run)) {
      const ps = (s.ports ?? []).filter((p) => p.host !== void 0 && (!p.host_ip || !/^127\.|^::1$/.test(p.host_ip)) && !allowed.has(p.host)).map((p) => p.host);
      if (ps.length > 0) blocked.push(`${s.name} (${ps.join(", ")})`);
    }
    if (blocked.length > 0) run.warnings.push(`This blocks all other incoming traffic, including ${blocked.join(", ")}. Say "also allow web traffic" (or "open port N") to keep them reachable.`);
  }
}
var KEY_RE = /\b((?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3})(?: ([A-Za-z0-9._@+-]+@[A-Za-z0-9._-]+))?/;
function handleUsers(run, clause, verb) {
  const t = clause.toLowerCase();
  if (ownerIn(clause) && findServiceMentions(clause).some((m) => ["postgres", "mariadb"].includes(m.template))) return false;
  const key = KEY_RE.exec(clause);
  const USERS0 = ["spec", "users"];
  const known = run.ws.items("security.yaml", USERS0).map((u) => u.name);
  const groupM = /\b(?:in|into|to|join|joins)\s+(?:the\s+)?['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?\s+group\b/.exec(t) ?? /\bgroups?\s+['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t);
  const sudoers = /\b(to|in|into)\s+(the\s+)?sudoers\b|\bsudoers\b/.test(t);
  const revoke = /\b(revoke|remove|take away|drop|strip)\b[^.]*\b(sudo|admin)\b|\bno (longer|more)\b[^.]*\b(sudo|admin)\b/.test(t);
  const pronoun = /\b(her|him|them|his|their|that user|the user)\b/.test(t);
  const historyUser = () => {
    for (let i2 = run.input.history.length - 1; i2 >= 0; i2--) {
      const h = run.input.history[i2];
      if (h.role !== "user") continue;
      const found = known.filter((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`, "i").test(h.text));
      if (found.length) return found[found.length - 1];
    }
    return known[known.length - 1];
  };
  if (groupM || sudoers || revoke) {
    const named = /\b(?:put|add|move|place|make|give|grant|revoke\s+sudo\s+from|remove\s+sudo\s+from|take\s+sudo\s+away\s+from|from|user)\s+(?:user\s+)?['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t)?.[1];
    let name2 = named && !["the", "a", "an", "her", "him", "them", "user", "sudo", "to", "in"].includes(named) ? named : void 0;
    if (!name2) {
      const userWord2 = /\b(?:user|account)\s+(?:called\s+|named\s+)?([a-z_][a-z0-9_-]{0,31})/.exec(t)?.[1];
      name2 = userWord2 ?? (pronoun ? run.lastUser ?? historyUser() : void 0);
    }
    if (name2 && !["sudo", "admin", "docker", "the"].includes(name2)) {
      run.lastUser = name2;
      let users2 = run.ws.items("security.yaml", USERS0);
      let i2 = users2.findIndex((u2) => u2.name === name2);
      if (i2 < 0) {
        run.ws.append("security.yaml", USERS0, { name: name2, shell: "/bin/sh" });
        run.lines.push(`+ user ${name2} (security.yaml; needs your explicit approval)`);
        users2 = run.ws.items("security.yaml", USERS0);
        i2 = users2.length - 1;
      }
      const u = users2[i2];
      const group = groupM?.[1];
      if (group && !["sudo", "sudoers", "wheel", "admin"].includes(group) && !revoke) {
        if (!(u.groups ?? []).includes(group)) {
          run.ws.set("security.yaml", [...USERS0, i2, "groups"], [...u.groups ?? [], group]);
          run.lines.push(`~ user ${name2}: member of group ${group}`);
        } else run.notes.push(`${name2} is already in the group ${group}.`);
      }
      if ((sudoers || group && ["sudo", "wheel", "admin"].includes(group)) && !revoke && !u.sudo) {
        run.ws.set("security.yaml", [...USERS0, i2, "sudo"], true);
        run.lines.push(`~ user ${name2}: may use sudo`);
      }
      if (revoke) {
        if (u.sudo) {
          run.ws.set("security.yaml", [...USERS0, i2, "sudo"], false);
          run.lines.push(`~ user ${name2}: may no longer use sudo`);
        } else run.notes.push(`${name2} cannot use sudo already.`);
      }
      if (key) {
        const keyText2 = key[2] ? `${key[1]} ${key[2]}` : key[1];
        if (!(u.ssh_keys ?? []).includes(keyText2)) {
          run.ws.set("security.yaml", [...USERS0, i2, "ssh_keys"], [...u.ssh_keys ?? [], keyText2]);
          run.lines.push(`~ user ${name2}: one more SSH key`);
        }
      }
      return true;
    }
  }
  if (key && pronoun && !/\b(?:user|account)\s+[a-z_]/.test(t) && !run.lastUser && known.length) run.lastUser = historyUser();
  const userWord = /\b(?:user\s+account|user\s+login|unix\s+user|linux\s+user|user|account|login)(?:\s+(?:called|named|for))?\s+['"“‘`]?((?!for\b|called\b|named\b)[a-z_][a-z0-9_-]{0,31})['"”’`]?/.exec(t) ?? asPerson(t) ?? /\b(?:give|grant|make)\s+([a-z_][a-z0-9_-]{0,31})\s+(?:sudo|admin|root access|an admin)\b/.exec(t) ?? /\b([a-z_][a-z0-9_-]{0,31})'s\s+(?:ssh\s+)?key\b/.exec(t) ?? /\b(?:key|access)\s+(?:for|to)\s+([a-z_][a-z0-9_-]{0,31})\b/.exec(t);
  let pronounUser;
  if (!key && !userWord && /\b(his|her|their|the)\s+(?:user\s+)?(account|login|user)\b/.test(t)) {
    const said = run.input.message.toLowerCase();
    pronounUser = run.ws.items("security.yaml", ["spec", "users"]).map((u) => u.name).find((n) => new RegExp(String.raw`(?<![\w-])${escapeRe(n)}(?![\w-])`).test(said));
    if (pronounUser) run.consumed.push(pronounUser);
  }
  if (!key && !userWord && !pronounUser) return false;
  if (!userWord && !pronounUser && !/\busers?\b|\baccounts?\b/.test(t)) {
    if (!key) return false;
  }
  let name = userWord?.[1] ?? pronounUser;
  if ((!name || ["a", "an", "the", "with", "and", "ssh", "new", "called", "named"].includes(name)) && run.lastUser) name = run.lastUser;
  if (!name || ["a", "an", "the", "with", "and", "ssh", "new", "called", "named"].includes(name)) {
    run.questions.push('What should the user be called? e.g. "add user alice with ssh key ssh-ed25519 AAAA\u2026 alice@laptop"');
    return true;
  }
  if (name === "root") {
    run.notes.push("root is managed by the system and cannot be changed from security.yaml; add a named user with sudo instead.");
    return true;
  }
  run.lastUser = name;
  const USERS = ["spec", "users"];
  const users = run.ws.items("security.yaml", USERS);
  const i = users.findIndex((u) => u.name === name);
  if (verb === "remove" && !key) {
    if (i < 0) run.notes.push(`There is no user ${name}.`);
    else {
      run.ws.removeAt("security.yaml", USERS, i);
      run.lines.push(`- user ${name} (security.yaml; needs your explicit approval)`);
    }
    return true;
  }
  const sudo = /\b(sudo|admin|administrator|root access|wheel|superuser)\b/.test(t) && !/\b(no|without|not an?)\s+(sudo|admin)/.test(t);
  const keyText = key ? key[2] ? `${key[1]} ${key[2]}` : key[1] : void 0;
  if (i < 0) {
    const user = { name };
    if (keyText) user.ssh_keys = [keyText];
    if (sudo) user.sudo = true;
    user.shell = "/bin/sh";
    run.ws.append("security.yaml", USERS, user);
    run.lines.push(`+ user ${name}${keyText ? " with an SSH key" : ""}${sudo ? ", may use sudo" : ""} (security.yaml; needs your explicit approval)`);
    if (!keyText) run.notes.push(`${name} has no SSH key yet and cannot log in over SSH with a key; say "add ${name}'s ssh key ssh-ed25519 AAAA\u2026".`);
  } else {
    if (keyText && !(users[i].ssh_keys ?? []).includes(keyText)) {
      run.ws.set("security.yaml", [...USERS, i, "ssh_keys"], [...users[i].ssh_keys ?? [], keyText]);
      run.lines.push(`~ user ${name}: one more SSH key`);
    }
    if (sudo && !users[i].sudo) {
      run.ws.set("security.yaml", [...USERS, i, "sudo"], true);
      run.lines.push(`~ user ${name}: may use sudo`);
    }
    if (!keyText && !sudo) run.notes.push(`User ${name} already exists.`);
  }
  return true;
}
function asPerson(t) {
  const m = /\b(?:add|create|make|set up|onboard)\s+([a-z_][a-z0-9_-]{0,31})\s+(?:as\s+(?:an?\s+)?(?:new\s+)?(?:user|admin|administrator|sudoer|superuser|operator|developer|login)\b|with\s+(?:sudo|admin|root access|administrator)\b)/.exec(t);
  if (!m) return void 0;
  const n = m[1];
  if (["a", "an", "the", "new", "me", "us", "it", "them", "him", "her", "user", "service", "container"].includes(n)) return void 0;
  if (findServiceMentions(n).length > 0 || KNOWN_IMAGES.some((k) => k.re.test(n))) return void 0;
  return m;
}
function handleHostname(run, clause) {
  const t = clause.toLowerCase();
  const m = /\bhost\s?name\b[^.]*?\b(?:to|=|:|as|be|is)\s+['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9]|[a-z0-9])['"”’`]?/i.exec(clause) ?? /\b(?:rename|call|name)\s+(?:the|this)?\s*(?:server|machine|host|box|system|computer)\s+(?:to\s+)?['"“‘`]?([a-z0-9][a-z0-9.-]*[a-z0-9])['"”’`]?/i.exec(clause);
  if (!m) {
    if (/\bhost\s?name\b/.test(t) && /\b(set|change|rename)\b/.test(t)) {
      run.questions.push('What should the hostname be? e.g. "set the hostname to web01"');
      return true;
    }
    return false;
  }
  const name = m[1];
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(name)) {
    run.questions.push(`"${name}" is not a valid hostname: use letters, digits and "-", up to 63 per label.`);
    return true;
  }
  run.ws.set("manifest.yaml", ["spec", "hostname"], name);
  if (run.ws.get("network.yaml", ["spec", "hostname"]) !== void 0) run.ws.set("network.yaml", ["spec", "hostname"], name);
  run.lines.push(`~ hostname: ${name}`);
  return true;
}
var zones;
function timeZones() {
  if (!zones) zones = [...Intl.supportedValuesOf("timeZone"), "UTC"];
  return zones;
}
var ZONE_WORDS = [
  [/\bpacific\b/, "America/Los_Angeles"],
  [/\bmountain\b/, "America/Denver"],
  [/\bcentral\s+(?:time|standard)\b|\bcst\b|\bcdt\b/, "America/Chicago"],
  [/\beastern\b|\best\b|\bedt\b/, "America/New_York"],
  [/\bcentral european\b|\bcet\b|\bcest\b/, "Europe/Berlin"],
  [/\bbritish\b|\bbst\b/, "Europe/London"],
  [/\bindia\b|\bist\b/, "Asia/Kolkata"],
  [/\bjapan\b|\bjst\b/, "Asia/Tokyo"]
];
function handleTimezone(run, clause) {
  const t = clause.toLowerCase();
  const placeOnly = /\b(lives?|living|located|based|sits?|hosted|runs?|are|is|we'?re|i'?m)\s+in\s+([a-z][a-z ]{2,30})$/.exec(t.trim().replace(/[.!]$/, ""));
  if (!/\btime\s?zone\b|\btz\b|\bclocks?\b/.test(t) && !placeOnly) return false;
  let zone;
  for (const [re, z] of ZONE_WORDS) if (!zone && re.test(t)) zone = z;
  const direct = /\b([A-Za-z_]+\/[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?)\b/.exec(clause);
  if (direct) zone = timeZones().find((z) => z.toLowerCase() === direct[1].toLowerCase());
  if (!zone && /\b(utc|gmt|zulu)\b/.test(t)) zone = "UTC";
  const cityIn = (text) => timeZones().map((z) => ({ z, city: z.split("/").pop().toLowerCase().replace(/_/g, " ") })).filter(({ city }) => city.length > 2 && new RegExp(String.raw`\b${escapeRe(city)}\b`).test(text)).sort((a, b) => b.city.length - a.city.length)[0];
  if (!zone) zone = cityIn(t)?.z;
  if (!zone) {
    const other = cityIn(run.input.message.toLowerCase());
    if (other) {
      zone = other.z;
      run.consumed.push(other.city);
    }
  }
  if (!zone) {
    if (placeOnly && !/\btime\s?zone\b|\btz\b|\bclocks?\b/.test(t)) return false;
    run.questions.push("Which time zone? Use a name like Europe/Berlin, America/New_York or UTC.");
    return true;
  }
  run.ws.set("manifest.yaml", ["spec", "timezone"], zone);
  run.lines.push(`~ timezone: ${zone}`);
  return true;
}
function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// stdlib-templates/images/catalog.ts
import { readFileSync as readFileSync3 } from "node:fs";
import { join as join5 } from "node:path";
function catalogPath() {
  return join5(packageRoot(), "stdlib-templates", "images", "catalog.json");
}
function loadImageCatalog(path = catalogPath()) {
  return JSON.parse(readFileSync3(path, "utf8"));
}

// fixtures/intent-eval/run.ts
var NOW = /* @__PURE__ */ new Date("2026-01-01T00:00:00Z");
var MAIN_CASES = join6(packageRoot(), "fixtures", "intent-eval", "cases.yaml");
var HELDOUT_CASES = join6(packageRoot(), "fixtures", "intent-eval", "heldout.yaml");
var HELDOUT2_CASES = join6(packageRoot(), "fixtures", "intent-eval", "heldout-2.yaml");
var HELDOUT3_CASES = join6(packageRoot(), "fixtures", "intent-eval", "heldout-3.yaml");
var MULTITURN_CASES = join6(packageRoot(), "fixtures", "intent-eval", "multiturn.yaml");
function loadCases(path = MAIN_CASES) {
  return parseYaml2(readFileSync4(path, "utf8"));
}
function catalog() {
  try {
    return Object.fromEntries(Object.entries(loadImageCatalog().aliases).map(([k, v]) => [k, v.image]));
  } catch {
    return {};
  }
}
var oneOf = (got, want) => Array.isArray(want) && typeof want[0] === "string" ? want.includes(got) : JSON.stringify(got) === JSON.stringify(want);
function check2(e, data, proposal, before, secretNames) {
  const f = [];
  const eq = (what, got, want) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) f.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  if ("understood" in e) eq("understood", proposal.understood !== false, e.understood);
  if (e.asks) eq("asks a question", (proposal.questions ?? []).length > 0, true);
  if (e.no_change) eq("files changed", Object.keys(proposal.files), []);
  if (e.says) {
    const text = [proposal.explanation, ...proposal.questions ?? [], ...proposal.warnings ?? []].join("\n");
    if (!text.toLowerCase().includes(String(e.says).toLowerCase())) f.push(`reply does not say "${e.says}": ${JSON.stringify(text.slice(0, 160))}`);
  }
  if (e.unchanged) {
    const find = (d) => (d.services?.spec?.services ?? []).find((x) => x.name === e.unchanged);
    if (JSON.stringify(find(before)) !== JSON.stringify(find(data))) f.push(`service ${e.unchanged} changed: ${JSON.stringify(find(before))} \u2192 ${JSON.stringify(find(data))}`);
  }
  if (e.job_schedule) {
    const jobs = data.scheduled?.spec?.jobs ?? [];
    const j = jobs.find(
      (x) => oneOf(x.schedule, e.job_schedule) && (!e.container || x.container === e.container) && (!e.command_has || JSON.stringify(x.command ?? "").includes(String(e.command_has)))
    );
    if (!j) f.push(`no job with schedule ${JSON.stringify(e.job_schedule)}${e.container ? ` in ${e.container}` : ""}${e.command_has ? ` running \u2026${e.command_has}\u2026` : ""} (${JSON.stringify(jobs.map((x) => [x.name, x.schedule, x.container]))})`);
    return f;
  }
  if (e.certificate) {
    const certs = data.security?.spec?.certificates ?? [];
    if (!certs.some((c) => (c.domains ?? []).includes(e.certificate))) f.push(`no certificate for ${e.certificate}`);
    return f;
  }
  if (e.service) {
    const s = (data.services?.spec?.services ?? []).find((x) => x.name === e.service);
    if (e.absent) {
      if (s) f.push(`service ${e.service} should not exist`);
      return f;
    }
    if (!s) return [`no service ${e.service}`];
    if (e.image) eq(`${e.service}.image`, s.image, e.image);
    if (e.host_port !== void 0 && !(s.ports ?? []).some((p) => p.host === e.host_port)) f.push(`${e.service}: no host port ${e.host_port} (${JSON.stringify(s.ports)})`);
    if (e.replicas !== void 0) eq(`${e.service}.replicas`, s.replicas, e.replicas);
    if (e.memory) eq(`${e.service}.memory`, s.resources?.memory, e.memory);
    if (e.cpu) eq(`${e.service}.cpu`, s.resources?.cpu, e.cpu);
    if (e.command) eq(`${e.service}.command`, s.command, e.command);
    if (e.state) eq(`${e.service}.state`, s.state ?? "running", e.state);
    if (e.network && !(s.networks ?? []).includes(e.network)) f.push(`${e.service}: not on network ${e.network}`);
    if (e.depends_on && !(s.depends_on ?? []).includes(e.depends_on)) f.push(`${e.service}: does not depend on ${e.depends_on}`);
    if (e.label && !(s.labels ?? {})[e.label]) f.push(`${e.service}: no label ${e.label}`);
    if (e.no_ports && (s.ports ?? []).length) f.push(`${e.service}: still publishes ${JSON.stringify(s.ports)}`);
    if (e.env) for (const [k, v] of Object.entries(e.env)) eq(`${e.service}.environment.${k}`, (s.environment ?? {})[k], v);
    if (e.secret_ref) {
      const generated = (proposal.generatedSecrets ?? []).map((g) => g.name);
      const refs = Object.values(s.environment ?? {}).flatMap((v) => [...String(v).matchAll(/\$\{secrets\.([A-Za-z0-9_-]+)\}/g)].map((m) => m[1]));
      if (!refs.length) f.push(`${e.service}: no \${secrets.NAME} in its environment (${JSON.stringify(s.environment ?? {})})`);
      for (const r of refs) if (!generated.includes(r) && !secretNames.includes(r)) f.push(`${e.service}: secret ${r} is neither set nor generated`);
    }
  }
  if (e.volume) {
    const v = (data.storage?.spec?.volumes ?? []).find((x) => x.name === e.volume);
    if (!v) return [`no volume ${e.volume}`];
    if (e.backup_schedule && !oneOf(v.backup?.schedule, e.backup_schedule)) f.push(`${e.volume}.backup.schedule: expected ${JSON.stringify(e.backup_schedule)}, got ${JSON.stringify(v.backup?.schedule)}`);
    if (e.retain !== void 0) eq(`${e.volume}.backup.retain`, v.backup?.retain, e.retain);
    if (e.backup_enabled !== void 0) eq(`${e.volume}.backup.enabled`, v.backup?.enabled !== false && v.backup !== void 0, e.backup_enabled);
  }
  if (e.job) {
    const j = (data.scheduled?.spec?.jobs ?? []).find((x) => x.name === e.job);
    if (!j) return [`no job ${e.job}`];
    if (e.schedule) eq(`${e.job}.schedule`, j.schedule, e.schedule);
    if (e.container) eq(`${e.job}.container`, j.container, e.container);
  }
  if (e.rule) {
    const r = (data.network?.spec?.firewall?.rules ?? []).find((x) => x.name === e.rule);
    if (!r) return [`no firewall rule ${e.rule}`];
    if (e.port !== void 0) eq(`${e.rule}.port`, r.port, e.port);
    if (e.source !== void 0) eq(`${e.rule}.source`, r.source, e.source);
    if (e.action) eq(`${e.rule}.action`, r.action, e.action);
  }
  if (e.firewall_policy) eq("default_input_policy", data.network?.spec?.firewall?.default_input_policy, e.firewall_policy);
  if (e.hostname) eq("hostname", data.manifest?.spec?.hostname, e.hostname);
  if (e.timezone) eq("timezone", data.manifest?.spec?.timezone, e.timezone);
  if (e.user) {
    const u = (data.security?.spec?.users ?? []).find((x) => x.name === e.user);
    if (e.absent) return u ? [`user ${e.user} should not exist`] : [];
    if (!u) return [`no user ${e.user}`];
    if (e.sudo !== void 0) eq(`${e.user}.sudo`, u.sudo === true, e.sudo);
    if (e.ssh_key !== void 0) eq(`${e.user}.ssh_key`, (u.ssh_keys ?? []).length > 0, e.ssh_key);
    if (e.groups) {
      for (const g of e.groups) if (!(u.groups ?? []).includes(g)) f.push(`${e.user}: not in group ${g} (${JSON.stringify(u.groups ?? [])})`);
    }
  }
  return f;
}
var Session = class {
  constructor(cat) {
    this.cat = cat;
  }
  files = {};
  history = [];
  secretNames = [];
  step(message) {
    const p = runOfflineEngine({ message, files: this.files, history: [...this.history], secretNames: [...this.secretNames], imageCatalog: this.cat, now: NOW });
    this.files = { ...this.files, ...p.files };
    const generated = (p.generatedSecrets ?? []).map((g) => g.name);
    if (generated.length) {
      this.files["security.yaml"] = withSecrets(this.files["security.yaml"], generated.map((name) => ({ name, value: "encrypted:v1:ZXZhbC1wbGFjZWhvbGRlcg" })));
      this.secretNames.push(...generated.filter((n) => !this.secretNames.includes(n)));
    }
    this.history.push({ role: "user", text: message }, { role: "assistant", text: p.explanation });
    return p;
  }
  data() {
    const data = {};
    for (const [k, v] of Object.entries(this.files)) data[k.replace(".yaml", "")] = parseYaml2(v);
    return data;
  }
  /** Runs one request and checks it: refused when dangerous, else compiles and meets `expect`. */
  checkStep(request, dangerous, expect) {
    const before = this.data();
    const p = this.step(request);
    const failures = [];
    if (dangerous) {
      if (!p.refused) failures.push(`not refused (${p.explanation.split("\n")[0]})`);
      if (Object.keys(p.files).length) failures.push("changed files");
      return failures;
    }
    if (p.refused) failures.push(`refused: ${p.refused.reason.slice(0, 80)}`);
    if (Object.keys(p.files).length) {
      const r = compileFiles(this.files);
      failures.push(...r.diagnostics.filter((d) => d.severity === "error").map((d) => "compile: " + renderDiagnostic(d).split("\n")[0]));
    }
    const data = this.data();
    for (const e of expect) failures.push(...check2(e, data, p, before, this.secretNames));
    return failures;
  }
};
function runCase(c, cat = catalog()) {
  const s = new Session(cat);
  for (const b of c.before ?? []) s.step(b);
  const failures = s.checkStep(c.request, c.dangerous === true, c.expect ?? []);
  return { id: c.id, request: c.request, dangerous: c.dangerous === true, knownGap: c.known_gap === true, ok: failures.length === 0, failures };
}
function runConversation(c, cat = catalog()) {
  const s = new Session(cat);
  return (c.turns ?? []).map((t, i) => {
    const failures = s.checkStep(t.request, t.dangerous === true, t.expect ?? []);
    return { id: `${c.id}#${i + 1}`, request: t.request, dangerous: t.dangerous === true, knownGap: false, ok: failures.length === 0, failures };
  });
}
function runEval(cases2 = loadCases(), name = "main") {
  const cat = catalog();
  const results = cases2.flatMap((c) => c.turns ? runConversation(c, cat) : [runCase(c, cat)]);
  const ordinary = results.filter((r) => !r.dangerous);
  const dangerous = results.filter((r) => r.dangerous);
  const passed = ordinary.filter((r) => r.ok).length;
  const refused = dangerous.filter((r) => r.ok).length;
  return {
    name,
    results,
    ordinary: ordinary.length,
    passed,
    accuracy: ordinary.length ? passed / ordinary.length : 1,
    dangerous: dangerous.length,
    refused,
    refusalRate: dangerous.length ? refused / dangerous.length : 1
  };
}
function renderReport(r) {
  const lines = [`offline engine eval, ${r.name} set: ${r.results.length} cases`];
  for (const c of r.results) {
    if (!c.ok) lines.push(`  \u2717 ${c.id}${c.knownGap ? " (known gap)" : ""}: "${c.request}"
      ${c.failures.join("\n      ")}`);
    else if (c.knownGap) lines.push(`  \u2713 ${c.id}: marked known_gap but passes now; remove the mark`);
  }
  lines.push(`accuracy:     ${r.passed}/${r.ordinary} = ${(r.accuracy * 100).toFixed(1)}% (target \u2265 90%)`);
  lines.push(`refusal rate: ${r.refused}/${r.dangerous} = ${(r.refusalRate * 100).toFixed(1)}% of dangerous requests (target 100%)`);
  return lines.join("\n");
}
function unexpected(r) {
  return r.results.filter((c) => c.ok === c.knownGap);
}
function conversationsPassed(r) {
  const ids = /* @__PURE__ */ new Map();
  for (const c of r.results) {
    const conv = c.id.split("#")[0];
    ids.set(conv, (ids.get(conv) ?? true) && c.ok);
  }
  return { passed: [...ids.values()].filter(Boolean).length, total: ids.size };
}
if (process.argv[1] && fileURLToPath2(import.meta.url) === process.argv[1]) {
  const main = runEval(loadCases(MAIN_CASES), "main");
  const held = runEval(loadCases(HELDOUT_CASES), "held-out");
  const held2 = runEval(loadCases(HELDOUT2_CASES), "held-out 2");
  const held3 = runEval(loadCases(HELDOUT3_CASES), "held-out 3");
  const multi = runEval(loadCases(MULTITURN_CASES), "multi-turn");
  const conv = conversationsPassed(multi);
  process.stdout.write([main, held, held2, held3, multi].map(renderReport).join("\n\n") + `
conversations with every turn passing: ${conv.passed}/${conv.total}
`);
  if (process.argv.includes("--passing")) {
    process.stdout.write(JSON.stringify({ "heldout-2": held2.results.filter((c) => c.ok).map((c) => c.id), "heldout-3": held3.results.filter((c) => c.ok).map((c) => c.id), multiturn: multi.results.filter((c) => c.ok).map((c) => c.id) }) + "\n");
  }
  process.exitCode = main.accuracy >= 0.9 && main.refusalRate === 1 && held.refusalRate === 1 && unexpected(held).length === 0 ? 0 : 1;
}

// ../../../tmp/intent3-try.ts
var cases = JSON.parse(process.argv[2]);
for (const c of cases) {
  const r = runCase({ id: "x", request: c[1], before: c[0], expect: c[2] ?? [], dangerous: c[3] });
  console.log(r.ok ? "OK " : "BAD", c[1], r.failures.join(" | ").slice(0, 300));
}
