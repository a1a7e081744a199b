/**
 * `claude cluster init | join | leave | status | apply | agent` (docs/cluster.md): cluster
 * mode on etcd. Opt-in: nothing in the single-node commands changes until a node runs
 * `claude cluster init` or `join`.
 */
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';

const usage = `usage: claude cluster init --etcd URL[,URL…] [--name NAME] [--label KEY=VALUE]… [--ttl SECONDS] [--certs-only]
       claude cluster csr
       claude cluster issue FILE|- [--days N]
       claude cluster join URL[,URL…] --cert FILE [--name NAME] [--label KEY=VALUE]…
       claude cluster rotate-cert [--cert FILE]
       claude cluster leave
       claude cluster status [--json]
       claude cluster apply [--state-dir DIR]
       claude cluster agent

Cluster mode (docs/cluster.md): the nodes share their desired state in etcd, one node is
elected leader, and it places each service's replicas on the nodes and writes one signed plan
per node; each node's agent applies only the plan signed for its own host id.

  init     make the cluster's CA, the etcd members' certificates (one set per URL) and this
           node's client certificate (in <data dir>/cluster/pki), then record a new cluster
           (default name: default) in the etcd at URL and make this node its first member;
           --certs-only stops after the certificates and prints the etcd flags; --label sets
           this node's labels (placement constraints match them); --ttl the lease TTL
           (default 5 s: how long a silent node counts as up)
  csr      make this node's key (kept here, 0600) and print a request for its certificate
  issue    on the node that holds the CA: sign a node's request (a file, or - for stdin) and
           print its certificate and the CA's (what join --cert and rotate-cert --cert take)
  join     install this node's certificate (--cert: the output of issue) and make this node
           a member of the cluster recorded in the etcd at URL
  rotate-cert  a new key and certificate for this node: in one step on the node holding
           the CA; elsewhere run csr, issue it on the CA node, then rotate-cert --cert FILE;
           restart the agent afterwards
  leave    remove this node from the cluster (its containers stay; see claude services)
  status   the members: host id, up or down, leader, capacity, labels, replicas, last plan
  apply    check the state files (of --state-dir, default /etc/claude.d) and make them the
           cluster's desired state; the leader plans each node from them
  agent    run this node's cluster agent until SIGTERM (the systemd unit claude-cluster.service)

Exit status: 0 done; 1 refused (bad files, etcd without quorum, not a member); 2 usage.`;

const command: Command = {
  summary: 'cluster mode on etcd: init, csr, issue, join, rotate-cert, leave, status, apply, agent',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      etcd: { type: 'string' },
      name: { type: 'string' },
      label: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      json: { type: 'boolean' },
      'state-dir': { type: 'string' },
      'certs-only': { type: 'boolean' },
      cert: { type: 'string' },
      days: { type: 'string' },
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
          const r = await reg.initCluster({ paths, endpoints, name: values.name ?? 'default', labels: reg.parseLabels(values.label ?? []), now: ctx.now(), certsOnly: !!values['certs-only'], ...(ttl ? { leaseTtlSeconds: ttl } : {}) });
          const { etcdTlsFlags } = await import('../../agent/cluster/pki.js');
          const dir = store.clusterDir(paths.dataDir);
          if (r.pki.created.length) println(ctx.stdout, `made ${r.pki.created.length} certificate and key files in ${dir}/pki (keys 0600; the CA key, pki/ca-key.pem, stays on this node)`);
          if (!r.member) {
            for (const m of r.pki.members) println(ctx.stdout, `etcd member ${m.name} (${m.endpoint}): copy ${dir}/pki/ca.pem and ${m.dir}/ to its host and add\n  ${etcdTlsFlags(dir, m).join(' ')}\n  with https:// in its --listen-client-urls, --advertise-client-urls and peer URLs`);
            println(ctx.stdout, `then run: claude cluster init --etcd ${endpoints.join(',')}${values.name ? ` --name ${values.name}` : ''}`);
            return EXIT.OK;
          }
          println(ctx.stdout, `created cluster '${r.config.name}' in etcd ${endpoints.join(', ')}; this node (${r.member.hostId}) is its first member`);
          println(ctx.stdout, `start its agent: claude cluster agent; add a node: there \`claude cluster csr > req.pem\`, here \`claude cluster issue req.pem > cert.pem\`, there \`claude cluster join ${endpoints.join(',')} --cert cert.pem\``);
          return EXIT.OK;
        }
        case 'csr': {
          if (rest.length) throw new UsageError('csr takes no arguments');
          const { makeRequest } = await import('../../agent/cluster/pki.js');
          const { loadOrCreateHostId } = await import('../../plan/keys.js');
          const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
          const r = await makeRequest(store.clusterDir(paths.dataDir), hostId);
          ctx.stdout.write(r.csrPem);
          println(ctx.stderr, `certificate request for ${hostId} written to ${r.file} (its key stays here, 0600); on the node holding the cluster CA: claude cluster issue FILE > cert.pem`);
          return EXIT.OK;
        }
        case 'issue': {
          if (rest.length !== 1) throw new UsageError('issue takes one request file (or - to read it from stdin)');
          const days = values.days === undefined ? undefined : Number(values.days);
          const { issueNodeCertificate } = await import('../../agent/cluster/pki.js');
          let text: string;
          if (rest[0] === '-') {
            const chunks: Buffer[] = [];
            for await (const c of ctx.stdin) chunks.push(Buffer.from(c as Buffer));
            text = Buffer.concat(chunks).toString('utf8');
          } else {
            const { readFileSync } = await import('node:fs');
            text = readFileSync(resolve(ctx.cwd, rest[0]!), 'utf8');
          }
          const r = await issueNodeCertificate(store.clusterDir(paths.dataDir), text, ctx.now(), days);
          ctx.stdout.write(r.bundle);
          println(ctx.stderr, `issued a certificate for ${r.hostId} (serial ${r.serial}, valid until ${r.notAfter.toISOString()}); on that node: claude cluster join URL --cert FILE (or rotate-cert --cert FILE)`);
          return EXIT.OK;
        }
        case 'rotate-cert': {
          if (rest.length) throw new UsageError('rotate-cert takes no arguments (the certificate goes in --cert FILE)');
          const pki = await import('../../agent/cluster/pki.js');
          const { loadOrCreateHostId } = await import('../../plan/keys.js');
          store.requireClusterConfig(paths.dataDir);
          const dir = store.clusterDir(paths.dataDir);
          const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
          let r: { serial: string; notAfter: Date };
          if (values.cert) {
            const { readFileSync } = await import('node:fs');
            r = await pki.installNodeCertificate(dir, hostId, readFileSync(resolve(ctx.cwd, values.cert), 'utf8'), ctx.now());
          } else if (pki.holdsCa(dir)) r = await pki.rotateWithLocalCa(dir, hostId, ctx.now());
          else {
            const q = await pki.makeRequest(dir, hostId);
            println(ctx.stderr, `claude cluster: this node does not hold the cluster CA; made a new key and request (${q.file})\n  hint: on the node holding the CA: claude cluster issue ${hostId}.csr > ${hostId}.pem (the request is below); copy it back and run: claude cluster rotate-cert --cert ${hostId}.pem`);
            ctx.stdout.write(q.csrPem);
            return EXIT.FAILURE;
          }
          println(ctx.stdout, `this node's etcd certificate is new (serial ${r.serial}, valid until ${r.notAfter.toISOString()}); restart its agent to use it (the old one stays valid until it expires)`);
          return EXIT.OK;
        }
        case 'join': {
          if (rest.length !== 1) throw new UsageError('join takes one etcd URL[,URL…]');
          const endpoints = store.parseEndpoints(rest[0]!);
          let certBundle: string | undefined;
          if (values.cert) {
            const { readFileSync } = await import('node:fs');
            certBundle = readFileSync(resolve(ctx.cwd, values.cert), 'utf8');
          }
          const r = await reg.joinCluster({ paths, endpoints, ...(values.name ? { name: values.name } : {}), labels: reg.parseLabels(values.label ?? []), now: ctx.now(), ...(certBundle !== undefined ? { certBundle } : {}) });
          println(ctx.stdout, `joined cluster '${r.config.name}' as ${r.member.hostId} (${r.member.capacity.cpus} CPUs, ${Math.round(r.member.capacity.memoryBytes / 2 ** 20)} MiB)`);
          println(ctx.stdout, 'start its agent: claude cluster agent');
          return EXIT.OK;
        }
        case 'leave': {
          if (rest.length) throw new UsageError('leave takes no arguments');
          const r = await reg.leaveCluster(paths);
          println(ctx.stdout, `${r.hostId} left cluster '${r.name}'; its containers keep running (claude services lists them)`);
          if (r.keptCa) println(ctx.stdout, `the cluster CA key stays in ${r.keptCa}: the other nodes' certificates are issued with it`);
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
            println(ctx.stdout, `${n.hostId === s.self ? '*' : ' '} ${n.hostId}  ${n.alive ? 'up  ' : 'DOWN'}  ${n.leader ? 'leader' : '      '}  ${n.capacity.cpus} CPU ${Math.round(n.capacity.memoryBytes / 2 ** 20)} MiB  labels ${labels}  replicas ${n.replicas.join(' ') || '-'}${n.jobs.length ? `  jobs ${n.jobs.join(' ')}` : ''}  last plan: ${last}${n.backoff ? ` (failed ${n.backoff.failures}× in a row; retried at ${n.backoff.retryAt})` : ''}`);
          }
          for (const st of s.stuck) println(ctx.stdout, `stuck: ${st.replica}: ${st.reason}`);
          if (s.certificate) println(ctx.stdout, `this node's etcd certificate: serial ${s.certificate.serial}, valid until ${s.certificate.notAfter}`);
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
          throw new UsageError('say what to do: init, csr, issue, join, rotate-cert, leave, status, apply or agent');
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
