/**
 * The cluster's desired state in etcd (`state/<file>`, docs/cluster.md): `claude cluster
 * apply` compiles the files first (errors at file:line:col, nothing written), then replaces
 * the cluster's files in one etcd transaction. etcd keeps every earlier revision of each key
 * (until it is compacted), so the history is `etcdctl get --rev=N`.
 */
import type { Paths } from '../../common/paths.js';
import { compileFiles } from '../../compiler/compile.js';
import { renderDiagnostic } from '../../compiler/diagnostics.js';
import { STATE_FILE_NAMES } from '../../runtime/state/repo.js';
import { KEY, openEtcd, prefixOf, requireClusterConfig, storeCall } from './store.js';

export type PublishResult = { ok: true; revision: string; files: string[] } | { ok: false; problems: string[] };

export async function publishDesiredState(paths: Paths, files: Readonly<Record<string, string>>): Promise<PublishResult> {
  const config = requireClusterConfig(paths.dataDir);
  const compiled = compileFiles(files);
  if (!compiled.model) return { ok: false, problems: compiled.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic) };
  const p = prefixOf(config.name);
  const client = await openEtcd(paths.dataDir, config);
  try {
    const res = await storeCall(config.endpoints, () =>
      client
        .if(KEY.meta(p), 'Create', '>', 0)
        .then(...STATE_FILE_NAMES.map((n) => (files[n] !== undefined ? client.put(KEY.state(p, n)).value(files[n]!) : client.delete().key(KEY.state(p, n)))))
        .commit(),
    );
    if (!res.succeeded) return { ok: false, problems: [`cluster '${config.name}' is not recorded in etcd any more; create it again with claude cluster init`] };
    return { ok: true, revision: String(res.header.revision), files: Object.keys(files).sort() };
  } finally {
    client.close();
  }
}
