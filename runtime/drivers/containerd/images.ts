/**
 * Images for the containerd driver: importing a local tarball (no registry is needed) and
 * reading an image's config. What `ctr images import` does on the client side, through
 * containerd's content, images, snapshots and diff services:
 *
 * 1. the tarball is unpacked to a temp dir: a docker-archive (`docker save`: manifest.json)
 *    or an OCI image layout (index.json + blobs/sha256);
 * 2. each layer, the config and the manifest go into the content store, with the labels
 *    containerd's garbage collector follows (`containerd.io/gc.ref.content.*` on the
 *    manifest, `containerd.io/gc.ref.snapshot.<snapshotter>` on the config);
 * 3. the image record names the manifest;
 * 4. the layers are unpacked into committed snapshots named by their chain ids (OCI image
 *    spec: ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))).
 *
 * Layers in a docker-archive are uncompressed tars, so their digest is their diff id. OCI
 * layouts may hold gzip layers: the diff service uncompresses them and returns the diff id.
 *
 * All of it happens under a containerd lease. Until step 3 nothing refers to the new content
 * and snapshots, and containerd's garbage collector (it runs after any removal, of a container,
 * a snapshot or a lease, in any namespace) deletes what nothing refers to: without the lease a
 * removal elsewhere during an import deleted layers and half-unpacked snapshots under it
 * ("mount callback failed … lchown …: no such file or directory"). Blobs and snapshots that
 * already exist are added to the lease before they are looked up, so a collection between the
 * look-up and the image record cannot take them either. The lease goes once the image record
 * holds everything (it carries containerd's `gc.expire` label, so a crashed import frees its
 * lease after an hour).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { ALREADY_EXISTS, grpcCode, NOT_FOUND, type ContainerdApi, type Descriptor } from './api.js';

export const MT_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MT_DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const MT_DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';
const MT_OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const MT_DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** The parts of an image config the driver uses (OCI image spec `config`). */
export interface ImageConfig {
  config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string; User?: string; ExposedPorts?: Record<string, object> };
  rootfs: { type: string; diff_ids: string[] };
}

const sha256 = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : sha256(`${out[out.length - 1]} ${d}`));
  return out;
}

async function hasContent(api: ContainerdApi, digest: string): Promise<boolean> {
  try {
    await api.content.Info({ digest });
    return true;
  } catch (e) {
    if (grpcCode(e) === NOT_FOUND) return false;
    throw e;
  }
}

async function putContent(api: ContainerdApi, lease: string, data: Buffer, labels: Record<string, string> = {}): Promise<string> {
  const digest = sha256(data);
  // Leased first, then looked up: a blob found here cannot be collected before the image holds it.
  await api.leases.AddResource({ id: lease, resource: { id: digest, type: 'content' } });
  if (await hasContent(api, digest)) return digest;
  try {
    await api.content.write(`claude-import-${digest}-${randomBytes(4).toString('hex')}`, data, digest, labels, lease);
  } catch (e) {
    if (grpcCode(e) !== ALREADY_EXISTS) throw e;
  }
  return digest;
}

interface ArchiveImage {
  names: string[];
  config: Buffer;
  layers: { data: Buffer; mediaType: string }[];
}

/** The images in an unpacked docker-archive or OCI layout. */
function readArchive(dir: string): ArchiveImage[] {
  if (existsSync(join(dir, 'manifest.json')) && !existsSync(join(dir, 'index.json'))) {
    const entries = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { Config: string; RepoTags?: string[] | null; Layers: string[] }[];
    return entries.map((e) => ({
      names: e.RepoTags ?? [],
      config: readFileSync(join(dir, e.Config)),
      layers: e.Layers.map((l) => ({ data: readFileSync(join(dir, l)), mediaType: MT_DOCKER_LAYER })),
    }));
  }
  if (existsSync(join(dir, 'index.json'))) {
    const blob = (digest: string) => readFileSync(join(dir, 'blobs', ...digest.split(':')));
    const out: ArchiveImage[] = [];
    const walk = (desc: Descriptor & { annotations?: Record<string, string>; platform?: { os?: string; architecture?: string } }, name: string | undefined) => {
      const body = JSON.parse(blob(desc.digest).toString('utf8')) as { mediaType?: string; manifests?: (Descriptor & { platform?: { os?: string; architecture?: string } })[]; config?: Descriptor; layers?: Descriptor[] };
      const mt = body.mediaType ?? desc.mediaType;
      if (mt === MT_OCI_INDEX || mt === MT_DOCKER_LIST || body.manifests) {
        const pick = body.manifests!.find((m) => !m.platform || (m.platform.os === 'linux' && m.platform.architecture === 'amd64')) ?? body.manifests![0];
        if (pick) walk(pick, name);
        return;
      }
      out.push({ names: name ? [name] : [], config: blob(body.config!.digest), layers: body.layers!.map((l) => ({ data: blob(l.digest), mediaType: l.mediaType })) });
    };
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: (Descriptor & { annotations?: Record<string, string> })[] };
    for (const m of index.manifests) walk(m, m.annotations?.['io.containerd.image.name'] ?? m.annotations?.['org.opencontainers.image.ref.name']);
    return out;
  }
  throw new Error(`${dir}: neither a docker-archive (manifest.json) nor an OCI image layout (index.json)`);
}

/** The names (RepoTags / ref names) inside a tarball, without importing it. */
export async function tarballNames(file: string): Promise<string[]> {
  const names: string[] = [];
  let manifest = '';
  let index = '';
  await tar.t({
    file,
    onReadEntry: (e) => {
      if (e.path === 'manifest.json' || e.path === 'index.json') {
        const chunks: Buffer[] = [];
        e.on('data', (c: Buffer) => chunks.push(c));
        e.on('end', () => (e.path === 'manifest.json' ? (manifest = Buffer.concat(chunks).toString()) : (index = Buffer.concat(chunks).toString())));
      } else e.resume();
    },
  });
  if (index) {
    for (const m of (JSON.parse(index) as { manifests: { annotations?: Record<string, string> }[] }).manifests) {
      const n = m.annotations?.['io.containerd.image.name'] ?? m.annotations?.['org.opencontainers.image.ref.name'];
      if (n) names.push(n);
    }
  } else if (manifest) {
    for (const e of JSON.parse(manifest) as { RepoTags?: string[] | null }[]) names.push(...(e.RepoTags ?? []));
  }
  return names;
}

/**
 * Imports every image in the tarball and unpacks it for `snapshotter`. Returns the image
 * names with the manifest digest each now points at (the content hash the runtime records).
 */
export async function importTarball(api: ContainerdApi, file: string, snapshotter: string): Promise<{ name: string; digest: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'claude-ctd-import-'));
  const lease = `claude-import-${randomBytes(6).toString('hex')}`;
  await api.leases.Create({ id: lease, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
  try {
    await tar.x({ file, cwd: dir });
    const out: { name: string; digest: string }[] = [];
    for (const img of readArchive(dir)) {
      const config = JSON.parse(img.config.toString('utf8')) as ImageConfig;
      const diffIds = config.rootfs.diff_ids;
      const chain = chainIds(diffIds);
      const layerDescs: Descriptor[] = [];
      for (const [i, l] of img.layers.entries()) {
        const digest = await putContent(api, lease, l.data, { 'containerd.io/uncompressed': diffIds[i]! });
        layerDescs.push({ mediaType: l.mediaType, digest, size: l.data.length });
      }
      const configDigest = await putContent(api, lease, img.config, chain.length ? { [`containerd.io/gc.ref.snapshot.${snapshotter}`]: chain[chain.length - 1]! } : {});
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MT_DOCKER_MANIFEST,
          config: { mediaType: MT_DOCKER_CONFIG, size: img.config.length, digest: configDigest },
          layers: layerDescs.map((d) => ({ mediaType: d.mediaType, size: d.size, digest: d.digest })),
        }),
      );
      const refs: Record<string, string> = { 'containerd.io/gc.ref.content.config': configDigest };
      layerDescs.forEach((d, i) => (refs[`containerd.io/gc.ref.content.l.${i}`] = d.digest));
      const manifestDigest = await putContent(api, lease, manifest, refs);
      await unpack(api, lease, snapshotter, layerDescs, chain);
      const target: Descriptor = { mediaType: MT_DOCKER_MANIFEST, digest: manifestDigest, size: manifest.length };
      for (const name of img.names) {
        try {
          await api.images.Create({ image: { name, labels: {}, target } }, { lease });
        } catch (e) {
          if (grpcCode(e) !== ALREADY_EXISTS) throw e;
          await api.images.Update({ image: { name, labels: {}, target }, updateMask: { paths: ['target'] } });
        }
        out.push({ name, digest: manifestDigest });
      }
    }
    return out;
  } finally {
    // The image records now hold the manifest, which holds the rest: the lease can go.
    await api.leases.Delete({ id: lease }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function snapshotExists(api: ContainerdApi, snapshotter: string, key: string): Promise<boolean> {
  try {
    await api.snapshots.Stat({ snapshotter, key });
    return true;
  } catch (e) {
    if (grpcCode(e) === NOT_FOUND) return false;
    throw e;
  }
}

async function unpack(api: ContainerdApi, lease: string, snapshotter: string, layers: Descriptor[], chain: string[]): Promise<void> {
  for (const [i, layer] of layers.entries()) {
    const name = chain[i]!;
    await api.leases.AddResource({ id: lease, resource: { id: name, type: `snapshots/${snapshotter}` } });
    if (await snapshotExists(api, snapshotter, name)) continue;
    const key = `claude-extract-${randomBytes(6).toString('hex')}`;
    const { mounts } = (await api.snapshots.Prepare({ snapshotter, key, parent: i ? chain[i - 1] : '', labels: {} }, { lease })) as { mounts: unknown[] };
    try {
      await api.diff.Apply({ diff: layer, mounts }, { deadlineMs: 600_000, lease });
      await api.snapshots.Commit({ snapshotter, name, key, labels: {} }, { lease });
    } catch (e) {
      await api.snapshots.Remove({ snapshotter, key }, { lease }).catch(() => undefined);
      if (grpcCode(e) === ALREADY_EXISTS) continue;
      throw e;
    }
  }
}

/** An image's manifest (resolving an index to linux/amd64) and config. */
export async function readImage(api: ContainerdApi, target: Descriptor): Promise<{ manifestDigest: string; config: ImageConfig; configDigest: string }> {
  let desc = target;
  for (let depth = 0; depth < 3; depth++) {
    const body = JSON.parse((await api.content.read(desc.digest)).toString('utf8')) as { manifests?: (Descriptor & { platform?: { os?: string; architecture?: string } })[]; config?: Descriptor };
    if (body.manifests) {
      const pick = body.manifests.find((m) => !m.platform || (m.platform.os === 'linux' && m.platform.architecture === 'amd64')) ?? body.manifests[0];
      if (!pick) throw new Error(`image index ${desc.digest} lists no manifest`);
      desc = pick;
      continue;
    }
    const configDigest = body.config!.digest;
    const config = JSON.parse((await api.content.read(configDigest)).toString('utf8')) as ImageConfig;
    return { manifestDigest: desc.digest, config, configDigest };
  }
  throw new Error(`image ${target.digest}: nested indexes too deep`);
}
