/**
 * The offline engine's view of the six state files while it edits them: one `yaml`
 * Document per file, so comments, key order and formatting the user wrote survive an
 * edit. Files that do not exist yet are created from a skeleton. Only the files an edit
 * touched are returned, as full text.
 */
import { Document, YAMLMap, YAMLSeq, isMap, isNode, isSeq, parseDocument } from 'yaml';
import type { StateFileName } from '../../model.js';
import type { StateFiles } from '../provider.js';

const KINDS: Record<StateFileName, [kind: string, name: string, comment: string]> = {
  'manifest.yaml': ['SystemManifest', 'claude-os', ' System-wide configuration.'],
  'services.yaml': ['ServiceManifest', 'services', ' Container services.'],
  'network.yaml': ['NetworkConfig', 'network', ' Host networking and the firewall.'],
  'storage.yaml': ['StorageConfig', 'storage', ' Persistent volumes and mounts.'],
  'security.yaml': ['SecurityConfig', 'security', ' Users, SSH, secrets and certificates. RESTRICTED: every change needs explicit approval.'],
  'scheduled.yaml': ['ScheduledTasks', 'scheduled', ' Scheduled jobs; each runs inside a container.'],
};

export class WorkspaceError extends Error {}

export type Path = (string | number)[];

export class Workspace {
  private readonly docs = new Map<StateFileName, Document>();
  readonly changed = new Set<StateFileName>();

  constructor(private readonly files: StateFiles) {}

  has(name: StateFileName): boolean {
    return this.files[name] !== undefined || this.docs.has(name);
  }

  doc(name: StateFileName): Document {
    const hit = this.docs.get(name);
    if (hit) return hit;
    const text = this.files[name];
    let doc: Document;
    if (text === undefined || text.trim() === '') {
      const [kind, metaName, comment] = KINDS[name];
      doc = new Document({ apiVersion: 'claude.os/v1', kind, metadata: { name: metaName }, spec: {} });
      doc.commentBefore = comment + ' Written by Claude.OS; edit it freely or ask `claude`.';
    } else {
      doc = parseDocument(text, { prettyErrors: false });
      if (doc.errors.length > 0) {
        throw new WorkspaceError(`${name} is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it first (run \`claude validate\`)`);
      }
      if (!isMap(doc.contents)) throw new WorkspaceError(`${name} does not hold a mapping at the top; fix it first (run \`claude validate\`)`);
    }
    this.docs.set(name, doc);
    return doc;
  }

  /** A plain-JS copy of a value (undefined when missing). */
  get<T = unknown>(name: StateFileName, path: Path): T | undefined {
    if (!this.has(name)) return undefined;
    const node = this.doc(name).getIn(path, true);
    if (node === undefined || node === null) return undefined;
    return (isNode(node) ? node.toJSON() : node) as T;
  }

  set(name: StateFileName, path: Path, value: unknown): void {
    const doc = this.doc(name);
    const node = value === undefined ? undefined : doc.createNode(value);
    if (node && (isSeq(node) || isMap(node))) (node as YAMLSeq).flow = false;
    this.ensureMap(name, path.slice(0, -1));
    doc.setIn(path, node);
    this.changed.add(name);
  }

  delete(name: StateFileName, path: Path): boolean {
    if (!this.has(name)) return false;
    const doc = this.doc(name);
    if (!doc.hasIn(path)) return false;
    doc.deleteIn(path);
    this.changed.add(name);
    return true;
  }

  /** The list at `path`, created (block style) when missing. */
  seq(name: StateFileName, path: Path): YAMLSeq {
    const doc = this.doc(name);
    let node = doc.getIn(path, true);
    if (node === undefined || node === null) {
      this.ensureMap(name, path.slice(0, -1));
      const s = new YAMLSeq();
      doc.setIn(path, s);
      node = s;
      this.changed.add(name);
    }
    if (!isSeq(node)) throw new WorkspaceError(`${name}: ${path.join('.')} should be a list`);
    if (node.flow) node.flow = false;
    return node;
  }

  /** Items of the list at `path` as plain objects (empty when missing). */
  items<T = Record<string, unknown>>(name: StateFileName, path: Path): T[] {
    const v = this.get<unknown>(name, path);
    return Array.isArray(v) ? (v as T[]) : [];
  }

  /** Index of the list item whose `key` is `value`, or -1. */
  indexOf(name: StateFileName, path: Path, value: string, key = 'name'): number {
    return this.items(name, path).findIndex((it) => it && typeof it === 'object' && (it as Record<string, unknown>)[key] === value);
  }

  append(name: StateFileName, path: Path, value: unknown): void {
    const doc = this.doc(name);
    const s = this.seq(name, path);
    const node = doc.createNode(value);
    s.items.push(node);
    this.changed.add(name);
  }

  removeAt(name: StateFileName, path: Path, index: number): void {
    const s = this.seq(name, path);
    s.items.splice(index, 1);
    this.changed.add(name);
  }

  private ensureMap(name: StateFileName, path: Path): void {
    const doc = this.doc(name);
    for (let i = 1; i <= path.length; i++) {
      const p = path.slice(0, i);
      const n = doc.getIn(p, true);
      if (n === undefined || n === null) {
        const m = new YAMLMap();
        doc.setIn(p, m);
      }
    }
  }

  /** Full text of every file the edits changed. */
  output(): StateFiles {
    const out: StateFiles = {};
    for (const name of [...this.changed].sort()) {
      out[name] = this.doc(name).toString({ lineWidth: 0 });
    }
    return out;
  }
}
