/**
 * `claude services [--json] [--all]`: the managed services as the spec's table (service,
 * image, status, memory, ports).
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { observeEnv } from '../../agent/observe-env.js';
import { serviceRows, servicesTable } from '../../agent/render/observe.js';
import { collect } from '../../runtime/observe/collect.js';
import { engineDownMessage } from '../../runtime/observe/engine-client.js';

const usage = `usage: claude services [--json]

Lists the services Claude.OS manages: service, image, status (health when it has a
health check, else the container state), memory and published ports.

  --json   print {"services": [{service, container, image, status, state, health, memoryMb, ports}]},
           each port {port, host_address?, protocol} (host_address: bound to that address only)

In cluster mode (docs/cluster.md) it lists every replica of the cluster as SERVICE/REPLICA,
with the node it runs on (the other nodes' as their agents last published them).`;

const command: Command = {
  summary: 'list the managed services (image, status, memory, ports)',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { json: { type: 'boolean' } }, false);
    const env = await observeEnv(ctx);
    const facts = await collect({ docker: env.docker, dataDir: env.dataDir, root: env.root, now: ctx.now, hostId: env.hostId, eventsWindowMs: 0, troubleLogLines: 0 });
    const dockerError = facts.errors.find((e) => e.startsWith('docker:'));
    if (dockerError) {
      // (collect says "cannot reach …" with the fix when the engine is not there; any other error of the engine's is wrapped the same way)
      const said = dockerError.slice('docker:'.length).trim();
      println(ctx.stderr, `claude services: ${said.startsWith('cannot reach ') ? said : engineDownMessage(said, ctx.env)}`);
      return EXIT.FAILURE;
    }
    let rows = serviceRows(facts);
    // Cluster mode: every replica of the cluster, with its node (docs/cluster.md).
    const { readClusterConfig } = await import('../../agent/cluster/store.js');
    if (readClusterConfig(env.dataDir)) {
      const { clusterServiceRows } = await import('../../agent/cluster/services.js');
      const labels = new Map(facts.containers.map((c) => [c.name, c.labels]));
      try {
        rows = (await clusterServiceRows(env, env.hostId, rows.map((r) => ({ ...r, labels: labels.get(r.container) ?? {} })))) ?? rows;
      } catch (e) {
        const err = e as Error & { hint?: string };
        println(ctx.stderr, `claude services: the other nodes' replicas are not shown: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
      }
    }
    if (values.json) {
      // One shape per port, {port, host_address?, protocol} (the table's ports mix 8080 and
      // "127.0.0.1:5433"). Another node's replicas have no ports here (agent/cluster/services.ts).
      const { publishedPorts } = await import('../../common/host-port.js');
      const published = new Map(facts.containers.map((c) => [c.name, publishedPorts(c.ports)]));
      println(ctx.stdout, JSON.stringify({ services: rows.map((r) => ({ ...r, ports: r.ports.length ? (published.get(r.container) ?? []) : [] })) }, null, 2));
    }
    else if (rows.length === 0) println(ctx.stdout, 'No services. Ask for one: claude "set up a web server with nginx"');
    else println(ctx.stdout, servicesTable(rows));
    return EXIT.OK;
  },
};

export default command;
