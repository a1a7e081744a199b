/**
 * After a renewal: the running containers that bind-mount a certificate's hand-off directory
 * are sent SIGHUP through the Docker Engine, which makes nginx (and most servers) re-read
 * their configuration and certificates without dropping connections. Only containers that
 * Claude.OS manages (label claude.os/managed=true) are signalled. Returns their names.
 */
import Docker from 'dockerode';
import { LABEL_MANAGED, LABEL_SERVICE } from '../../plan/types.js';

export async function reloadMounting(dir: string, docker: Docker = new Docker()): Promise<string[]> {
  const list = await docker.listContainers({ filters: { label: [`${LABEL_MANAGED}=true`], status: ['running'] } });
  const out: string[] = [];
  for (const c of list) {
    if (!(c.Mounts ?? []).some((m) => m.Type === 'bind' && (m.Source === dir || m.Source.startsWith(dir + '/')))) continue;
    await docker.getContainer(c.Id).kill({ signal: 'HUP' });
    out.push(c.Labels?.[LABEL_SERVICE] ?? c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12));
  }
  return out.sort();
}
