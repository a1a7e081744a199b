/**
 * The host interfaces container traffic enters from, a contract between the firewall compiler
 * (which lets container egress and its replies through the `forward` chain for these names,
 * see compiler/firewall.ts) and the container engines (which name their bridges so).
 *
 * - Docker: `docker0` and one `br-<id>` per user-defined network.
 * - containerd: one CNI bridge per network, `claude<9 hex>` (runtime/drivers/containerd/engine.ts).
 *
 * A signed plan carries the compiled ruleset and is often made off the device (a Docker host
 * planning for a containerd device), so the ruleset names the bridges of both engines rather
 * than the planner's own: the same plan gives the same table on either backend.
 */
export const DOCKER_BRIDGES: readonly string[] = ['docker0', 'br-*'];
/** Prefix of the containerd backend's bridge names (Linux allows 15 characters: prefix + 9). */
export const CONTAINERD_BRIDGE_PREFIX = 'claude';
export const CONTAINER_BRIDGES: readonly string[] = [...DOCKER_BRIDGES, `${CONTAINERD_BRIDGE_PREFIX}*`];
