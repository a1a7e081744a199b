/**
 * `claude cluster init | join | leave | status | apply | agent` (docs/cluster.md): cluster
 * mode on etcd. Opt-in: nothing in the single-node commands changes until a node runs
 * `claude cluster init` or `join`.
 */
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';

const usage = `usage: claude cluster init --etcd URL[,URL…] [--name NAME] [--label KEY=VALUE]… [--ttl SECONDS]
       claude cluster join URL[,URL…] [--name NAME] [--label KEY=VALUE]…
       claude cluster leave
       claude cluster status [--json]
       claude cluster apply [--state-dir DIR]
       claude cluster agent

Cluster mode (docs/cluster.md): the nodes share their desired state in etcd, one node is
elected leader, and it places each service's replicas on the nodes and writes one signed plan
per node; each node's agent applies only the plan signed for its own host id.

  init     record a new cluster (default name: default) in the etcd at URL and make this
           node its first member; --label sets this node's labels (placement constraints
           match them); --ttl the lease TTL (default 5 s: how long a silent node counts as up)
  join     make this node a member of the cluster recorded in the etcd at URL
  leave    remove this node from the cluster (its containers stay; see claude services)
  status   the members: host id, up or down, leader, capacity, labels, replicas, last plan
  apply    check the state files (of --state-dir, default /etc/claude.d) and make them the
           cluster's desired state; the leader plans each node from them
  agent    run this node's cluster agent until SIGTERM (the systemd unit claude-cluster.service)

Exit status: 0 done; 1 refused (bad files, etcd without quorum, not a member); 2 usage.`;

const command: Command = {
  summary: 'cluster mode on etcd: init, join, leave, status, apply, agent',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      etcd: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      json: { type: 'boolean' },
      'state-dir': { type: 'string' },
    });
    const [sub, ...rest] = positionals;
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const store = await import('../../agent/cluster/store.js');
    const reg = await import('../../agent/cluster/registry.js');
    const fail = (e: unknown) => {
      const err = e as Error & { hint?: string };
      println(ctx.stderr, `claude cluster: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`);
      return EXIT.FAILURE;
    };
    try {
      switch (sub) {
        case 'init': {
          if (rest.length) throw new UsageError('init takes no arguments (the etcd goes in --etcd URL)');
          if (!values.etcd) throw new UsageError('init needs --etcd URL[,URL…]: the etcd members that hold the cluster state');
          const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
          if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 2 || ttl > 600)) throw new UsageError(`--ttl must be 2-600 seconds, not '${values.ttl}'`);
          const endpoints = store.parseEndpoints(values.etcd);
          const r = await reg.initCluster({ paths, endpoints, name: values.name ?? 'default', labels: reg.parseLabels(values.label ?? []), now: ctx.now(), ...(ttl ? { leaseTtlSeconds: ttl } : {}) });
          println(ctx.stdout, `created cluster '${r.config.name}' in etcd ${endpoints.join(', ')}; this node (${r.member.hostId}) is its first member`);
          println(ctx.stdout, `start its agent: claude cluster agent; add nodes with: claude cluster join ${endpoints.join(',')}`);
          return EXIT.OK;
        }
        case 'join': {
          if (rest.length !== 1) throw new UsageError('join takes one etcd URL[,URL…]');
          const endpoints = store.parseEndpoints(rest[0]!);
          const r = await reg.joinCluster({ paths, endpoints, ...(values.name ? { name: values.name } : {}), labels: reg.parseLabels(values.label ?? []), now: ctx.now() });
          println(ctx.stdout, `joined cluster '${r.config.name}' as ${r.member.hostId} (${r.member.capacity.cpus} CPUs, ${Math.round(r.member.capacity.memoryBytes / 2 ** 20)} MiB)`);
          println(ctx.stdout, 'start its agent: claude cluster agent');
          return EXIT.OK;
        }
        case 'leave': {
          if (rest.length) throw new UsageError('leave takes no arguments');
          const r = await reg.leaveCluster(paths);
          println(ctx.stdout, `${r.hostId} left cluster '${r.name}'; its containers keep running (claude services lists them)`);
          return EXIT.OK;
        }
        case 'status': {
          if (rest.length) throw new UsageError('status takes no arguments');
          const s = await reg.clusterStatus(paths);
          if (values.json) {
            println(ctx.stdout, JSON.stringify({ ...s, nodes: s.nodes.map(({ publicKeyPem: _k, ...n }) => n) }, null, 2));
            return EXIT.OK;
          }
          println(ctx.stdout, `cluster '${s.name}' (etcd ${s.endpoints.join(', ')}); leader: ${s.leader ?? 'none'}`);
          for (const n of s.nodes) {
            const labels = Object.entries(n.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-';
            const last = n.lastResult ? `${n.lastResult.status} ${n.lastResult.planId.slice(0, 12)}` : 'no plan yet';
            println(ctx.stdout, `${n.hostId === s.self ? '*' : ' '} ${n.hostId}  ${n.alive ? 'up  ' : 'DOWN'}  ${n.leader ? 'leader' : '      '}  ${n.capacity.cpus} CPU ${Math.round(n.capacity.memoryBytes / 2 ** 20)} MiB  labels ${labels}  replicas ${n.replicas.join(' ') || '-'}  last plan: ${last}`);
          }
          for (const st of s.stuck) println(ctx.stdout, `stuck: ${st.replica}: ${st.reason}`);
          return EXIT.OK;
        }
        case 'apply': {
          if (rest.length) throw new UsageError('apply takes no arguments (the files come from --state-dir)');
          const { readStateDirFiles } = await import('../../agent/flow.js');
          const { publishDesiredState } = await import('../../agent/cluster/desired.js');
          const files = readStateDirFiles(resolve(paths.stateDir));
          if (!Object.keys(files).length) {
            println(ctx.stderr, `claude cluster: no state files in ${paths.stateDir}\n  hint: write services.yaml (and the other state files) there, or pass --state-dir DIR`);
            return EXIT.FAILURE;
          }
          const r = await publishDesiredState(paths, files);
          if (!r.ok) {
            println(ctx.stderr, `claude cluster: the state files do not validate; the cluster's state is unchanged:`);
            for (const pr of r.problems) println(ctx.stderr, pr);
            return EXIT.FAILURE;
          }
          println(ctx.stdout, `the cluster's desired state is now ${r.files.join(', ')} (etcd revision ${r.revision}); the leader plans each node from it`);
          return EXIT.OK;
        }
        case 'agent': {
          if (rest.length) throw new UsageError('agent takes no arguments');
          const { ClusterAgent } = await import('../../agent/cluster/agent.js');
          const log = (l: string) => println(ctx.stderr, `${ctx.now().toISOString()} claude-cluster: ${l}`);
          const passMs = ctx.env.CLAUDE_CLUSTER_PASS_MS ? Number(ctx.env.CLAUDE_CLUSTER_PASS_MS) : undefined;
          const agent = new ClusterAgent({ paths, now: ctx.now, log, ...(passMs ? { passMs } : {}) });
          await agent.start();
          await new Promise<void>((done) => {
            process.once('SIGTERM', () => done());
            process.once('SIGINT', () => done());
          });
          log('stopping');
          await agent.stop();
          return EXIT.OK;
        }
        case undefined:
          throw new UsageError('say what to do: init, join, leave, status, apply or agent');
        default:
          throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      return fail(e);
    }
  },
};

export default command;
