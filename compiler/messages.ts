/**
 * The catalogue of every compiler diagnostic, with a stable code (like TypeScript's
 * diagnosticMessages.json). Codes are never reused or renumbered; add new ones at the end
 * of their block. `{name}` placeholders are filled by `DiagnosticSink.report`.
 *
 * Blocks:  CLA1xxx parse · CLA2xxx schema check · CLA3xxx resolve · CLA4xxx plan
 *          CLA5xxx intent/proposals · CLA6xxx firewall · CLA9xxx input/files
 */
import type { Severity } from './diagnostics.js';

export interface MessageEntry {
  severity: Severity;
  message: string;
  hint: string;
}

export const MESSAGES = {
  // ── parse (CLA1xxx) ──────────────────────────────────────────────────────
  CLA1001: { severity: 'error', message: 'the file is empty', hint: 'write the state as a YAML mapping (apiVersion: claude.os/v1, kind: …, spec: …), or delete the file' },
  CLA1002: { severity: 'error', message: 'the file is {size} bytes, over the limit of {limit} bytes', hint: 'state files are small; remove what does not belong in it' },
  CLA1003: { severity: 'error', message: 'the file is not valid UTF-8', hint: 'save the file as UTF-8 text' },
  CLA1004: { severity: 'error', message: 'YAML syntax error: {detail}', hint: 'look at this line and the one before it; quote values that contain ": " or " #", or that start with one of [ ] { } , & * ! | > \' " % @ `' },
  CLA1005: { severity: 'error', message: 'a tab is used for indentation', hint: 'YAML indents with spaces only: replace the tab with spaces' },
  CLA1006: { severity: 'error', message: 'this {quote}-quoted string is never closed', hint: 'add the closing {quote} at the end of the value (inside the string, write {escape})' },
  CLA1007: { severity: 'error', message: 'this {kind} is never closed: {detail}', hint: 'add the missing {close}, or write the list or mapping in block style (one item per line)' },
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
  // ── input / files ────────────────────────────────────────────────────────
  CLA9001: { severity: 'error', message: 'state dir {dir} does not exist', hint: 'create it, or pass --state-dir DIR (or set CLAUDE_STATE_DIR)' },
  CLA9002: { severity: 'error', message: 'cannot read {file}: {reason}', hint: 'check the file permissions' },
  CLA9003: { severity: 'error', message: 'state dir {dir} has no state files', hint: 'add at least services.yaml, or run `claude "<what you want>"` to create one' },
  CLA9004: { severity: 'error', message: 'unknown state file name {name}', hint: 'only manifest.yaml, services.yaml, network.yaml, storage.yaml, security.yaml and scheduled.yaml are allowed' },
} as const satisfies Record<string, MessageEntry>;

export type DiagnosticCode = keyof typeof MESSAGES;
