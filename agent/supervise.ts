/**
 * What `claude supervise` needs from the runtime (the CLI reaches the host engine through
 * agent/ only): the containerd engine of this host, and the boot-time firewall restore.
 */
import type { Paths } from '../common/paths.js';
import { engineKind, nftFirewall, openContainerdEngine } from '../runtime/host-engine.js';
import type { ContainerdEngine } from '../runtime/drivers/containerd/engine.js';

export { engineKind };

export function openSupervisedEngine(paths: Pick<Paths, 'root' | 'dataDir'>, hostId: string): Promise<ContainerdEngine> {
  return openContainerdEngine({ root: paths.root, dataDir: paths.dataDir, hostId });
}

/** Loads the firewall applied last when a reboot lost it (runtime/boot-restore.ts); what it did, or null. */
export async function restoreFirewallAtBoot(dataDir: string): Promise<string | null> {
  const { restoreFirewall } = await import('../runtime/boot-restore.js');
  const { NftDriver } = await import('../runtime/drivers/nft.js');
  return restoreFirewall(dataDir, { present: async () => (await new NftDriver({}).observe()).present, load: (r) => nftFirewall(dataDir).restore(r) });
}
