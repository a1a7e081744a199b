/**
 * containerd's gRPC API, the part this driver uses, as proto3 text written from containerd's
 * published API (github.com/containerd/containerd/api, v1.6: services/{containers,tasks,
 * images,content,snapshots,diff,leases,version}/v1 and types/). Field numbers and package
 * names are containerd's; the gogoproto options are left out, and so are the RPCs we do not
 * call. There is no maintained containerd client on npm, so the calls go through
 * @grpc/grpc-js with these definitions (parsed by protobufjs from text, so nothing has to be
 * copied next to dist/; the client constructors are made from them in `definitions`).
 *
 * Every call names a containerd namespace in the `containerd-namespace` metadata header.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const TYPES = `
syntax = "proto3";
package containerd.types;
message Mount { string type = 1; string source = 2; string target = 3; repeated string options = 4; }
message Descriptor { string media_type = 1; string digest = 2; int64 size = 3; map<string, string> annotations = 5; }
`;

const TASK_TYPES = `
syntax = "proto3";
package containerd.v1.types;
import "google/protobuf/timestamp.proto";
enum Status { UNKNOWN = 0; CREATED = 1; RUNNING = 2; STOPPED = 3; PAUSED = 4; PAUSING = 5; }
message Process {
  string container_id = 1; string id = 2; uint32 pid = 3; Status status = 4;
  string stdin = 5; string stdout = 6; string stderr = 7; bool terminal = 8;
  uint32 exit_status = 9; google.protobuf.Timestamp exited_at = 10;
}
`;

const VERSION = `
syntax = "proto3";
package containerd.services.version.v1;
import "google/protobuf/empty.proto";
service Version { rpc Version(google.protobuf.Empty) returns (VersionResponse); }
message VersionResponse { string version = 1; string revision = 2; }
`;

const CONTAINERS = `
syntax = "proto3";
package containerd.services.containers.v1;
import "google/protobuf/any.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/timestamp.proto";
service Containers {
  rpc Get(GetContainerRequest) returns (GetContainerResponse);
  rpc List(ListContainersRequest) returns (ListContainersResponse);
  rpc Create(CreateContainerRequest) returns (CreateContainerResponse);
  rpc Update(UpdateContainerRequest) returns (UpdateContainerResponse);
  rpc Delete(DeleteContainerRequest) returns (google.protobuf.Empty);
}
message Container {
  string id = 1;
  map<string, string> labels = 2;
  string image = 3;
  message Runtime { string name = 1; google.protobuf.Any options = 2; }
  Runtime runtime = 4;
  google.protobuf.Any spec = 5;
  string snapshotter = 6;
  string snapshot_key = 7;
  google.protobuf.Timestamp created_at = 8;
  google.protobuf.Timestamp updated_at = 9;
  map<string, google.protobuf.Any> extensions = 10;
}
message GetContainerRequest { string id = 1; }
message GetContainerResponse { Container container = 1; }
message ListContainersRequest { repeated string filters = 1; }
message ListContainersResponse { repeated Container containers = 1; }
message CreateContainerRequest { Container container = 1; }
message CreateContainerResponse { Container container = 1; }
message UpdateContainerRequest { Container container = 1; google.protobuf.FieldMask update_mask = 2; }
message UpdateContainerResponse { Container container = 1; }
message DeleteContainerRequest { string id = 1; }
`;

const TASKS = `
syntax = "proto3";
package containerd.services.tasks.v1;
import "google/protobuf/empty.proto";
import "google/protobuf/any.proto";
import "google/protobuf/timestamp.proto";
import "types.proto";
import "task_types.proto";
service Tasks {
  rpc Create(CreateTaskRequest) returns (CreateTaskResponse);
  rpc Start(StartRequest) returns (StartResponse);
  rpc Delete(DeleteTaskRequest) returns (DeleteResponse);
  rpc DeleteProcess(DeleteProcessRequest) returns (DeleteResponse);
  rpc Get(GetRequest) returns (GetResponse);
  rpc List(ListTasksRequest) returns (ListTasksResponse);
  rpc Kill(KillRequest) returns (google.protobuf.Empty);
  rpc Exec(ExecProcessRequest) returns (google.protobuf.Empty);
  rpc Wait(WaitRequest) returns (WaitResponse);
}
message CreateTaskRequest {
  string container_id = 1;
  repeated containerd.types.Mount rootfs = 3;
  string stdin = 4; string stdout = 5; string stderr = 6; bool terminal = 7;
  google.protobuf.Any options = 9;
}
message CreateTaskResponse { string container_id = 1; uint32 pid = 2; }
message StartRequest { string container_id = 1; string exec_id = 2; }
message StartResponse { uint32 pid = 1; }
message DeleteTaskRequest { string container_id = 1; }
message DeleteResponse { string id = 1; uint32 pid = 2; uint32 exit_status = 3; google.protobuf.Timestamp exited_at = 4; }
message DeleteProcessRequest { string container_id = 1; string exec_id = 2; }
message GetRequest { string container_id = 1; string exec_id = 2; }
message GetResponse { containerd.v1.types.Process process = 1; }
message ListTasksRequest { string filter = 1; }
message ListTasksResponse { repeated containerd.v1.types.Process tasks = 1; }
message KillRequest { string container_id = 1; string exec_id = 2; uint32 signal = 3; bool all = 4; }
message ExecProcessRequest {
  string container_id = 1; string stdin = 2; string stdout = 3; string stderr = 4; bool terminal = 5;
  google.protobuf.Any spec = 6; string exec_id = 7;
}
message WaitRequest { string container_id = 1; string exec_id = 2; }
message WaitResponse { uint32 exit_status = 1; google.protobuf.Timestamp exited_at = 2; }
`;

const IMAGES = `
syntax = "proto3";
package containerd.services.images.v1;
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/timestamp.proto";
import "types.proto";
service Images {
  rpc Get(GetImageRequest) returns (GetImageResponse);
  rpc List(ListImagesRequest) returns (ListImagesResponse);
  rpc Create(CreateImageRequest) returns (CreateImageResponse);
  rpc Update(UpdateImageRequest) returns (UpdateImageResponse);
  rpc Delete(DeleteImageRequest) returns (google.protobuf.Empty);
}
message Image {
  string name = 1; map<string, string> labels = 2; containerd.types.Descriptor target = 3;
  google.protobuf.Timestamp created_at = 7; google.protobuf.Timestamp updated_at = 8;
}
message GetImageRequest { string name = 1; }
message GetImageResponse { Image image = 1; }
message CreateImageRequest { Image image = 1; }
message CreateImageResponse { Image image = 1; }
message UpdateImageRequest { Image image = 1; google.protobuf.FieldMask update_mask = 2; }
message UpdateImageResponse { Image image = 1; }
message ListImagesRequest { repeated string filters = 1; }
message ListImagesResponse { repeated Image images = 1; }
message DeleteImageRequest { string name = 1; bool sync = 2; }
`;

const CONTENT = `
syntax = "proto3";
package containerd.services.content.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/empty.proto";
service Content {
  rpc Info(InfoRequest) returns (InfoResponse);
  rpc Read(ReadContentRequest) returns (stream ReadContentResponse);
  rpc Write(stream WriteContentRequest) returns (stream WriteContentResponse);
  rpc Abort(AbortRequest) returns (google.protobuf.Empty);
}
message Info {
  string digest = 1; int64 size = 2; google.protobuf.Timestamp created_at = 3;
  google.protobuf.Timestamp updated_at = 4; map<string, string> labels = 5;
}
message InfoRequest { string digest = 1; }
message InfoResponse { Info info = 1; }
message ReadContentRequest { string digest = 1; int64 offset = 2; int64 size = 3; }
message ReadContentResponse { int64 offset = 1; bytes data = 2; }
enum WriteAction { STAT = 0; WRITE = 1; COMMIT = 2; }
message WriteContentRequest {
  WriteAction action = 1; string ref = 2; int64 total = 3; string expected = 4;
  int64 offset = 5; bytes data = 6; map<string, string> labels = 7;
}
message WriteContentResponse {
  WriteAction action = 1; google.protobuf.Timestamp started_at = 2; google.protobuf.Timestamp updated_at = 3;
  int64 offset = 4; int64 total = 5; string digest = 6;
}
message AbortRequest { string ref = 1; }
`;

const SNAPSHOTS = `
syntax = "proto3";
package containerd.services.snapshots.v1;
import "google/protobuf/empty.proto";
import "google/protobuf/timestamp.proto";
import "types.proto";
service Snapshots {
  rpc Prepare(PrepareSnapshotRequest) returns (PrepareSnapshotResponse);
  rpc Mounts(MountsRequest) returns (MountsResponse);
  rpc Commit(CommitSnapshotRequest) returns (google.protobuf.Empty);
  rpc Remove(RemoveSnapshotRequest) returns (google.protobuf.Empty);
  rpc Stat(StatSnapshotRequest) returns (StatSnapshotResponse);
}
message PrepareSnapshotRequest { string snapshotter = 1; string key = 2; string parent = 3; map<string, string> labels = 4; }
message PrepareSnapshotResponse { repeated containerd.types.Mount mounts = 1; }
message MountsRequest { string snapshotter = 1; string key = 2; }
message MountsResponse { repeated containerd.types.Mount mounts = 1; }
message RemoveSnapshotRequest { string snapshotter = 1; string key = 2; }
message CommitSnapshotRequest { string snapshotter = 1; string name = 2; string key = 3; map<string, string> labels = 4; }
message StatSnapshotRequest { string snapshotter = 1; string key = 2; }
enum Kind { UNKNOWN = 0; VIEW = 1; ACTIVE = 2; COMMITTED = 3; }
message Info {
  string name = 1; string parent = 2; Kind kind = 3;
  google.protobuf.Timestamp created_at = 4; google.protobuf.Timestamp updated_at = 5; map<string, string> labels = 6;
}
message StatSnapshotResponse { Info info = 1; }
`;

const DIFF = `
syntax = "proto3";
package containerd.services.diff.v1;
import "google/protobuf/any.proto";
import "types.proto";
service Diff { rpc Apply(ApplyRequest) returns (ApplyResponse); }
message ApplyRequest { containerd.types.Descriptor diff = 1; repeated containerd.types.Mount mounts = 2; map<string, google.protobuf.Any> payloads = 3; }
message ApplyResponse { containerd.types.Descriptor applied = 1; }
`;

const LEASES = `
syntax = "proto3";
package containerd.services.leases.v1;
import "google/protobuf/empty.proto";
import "google/protobuf/timestamp.proto";
service Leases {
  rpc Create(CreateRequest) returns (CreateResponse);
  rpc Delete(DeleteRequest) returns (google.protobuf.Empty);
  rpc List(ListRequest) returns (ListResponse);
  rpc AddResource(AddResourceRequest) returns (google.protobuf.Empty);
}
message Lease { string id = 1; google.protobuf.Timestamp created_at = 2; map<string, string> labels = 3; }
message CreateRequest { string id = 1; map<string, string> labels = 3; }
message CreateResponse { Lease lease = 1; }
message DeleteRequest { string id = 1; bool sync = 2; }
message ListRequest { repeated string filters = 1; }
message ListResponse { repeated Lease leases = 1; }
message Resource { string id = 1; string type = 2; }
message AddResourceRequest { string id = 1; Resource resource = 2; }
`;

const FILES: Record<string, string> = {
  'types.proto': TYPES,
  'task_types.proto': TASK_TYPES,
  'version.proto': VERSION,
  'containers.proto': CONTAINERS,
  'tasks.proto': TASKS,
  'images.proto': IMAGES,
  'content.proto': CONTENT,
  'snapshots.proto': SNAPSHOTS,
  'diff.proto': DIFF,
  'leases.proto': LEASES,
};

const WELL_KNOWN = ['google/protobuf/any.proto', 'google/protobuf/empty.proto', 'google/protobuf/field_mask.proto', 'google/protobuf/timestamp.proto'];

/** A protobuf Any: containerd's typeurl puts JSON in `value` for non-proto types (the OCI spec). */
export interface Any {
  typeUrl: string;
  value: Buffer;
}
export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
export interface ContainerMsg {
  id: string;
  labels: Record<string, string>;
  image: string;
  runtime?: { name: string } | null;
  spec?: Any | null;
  snapshotter: string;
  snapshotKey: string;
  extensions: Record<string, Any>;
}
export interface ProcessMsg {
  containerId: string;
  id: string;
  pid: number;
  status: 'UNKNOWN' | 'CREATED' | 'RUNNING' | 'STOPPED' | 'PAUSED' | 'PAUSING';
  exitStatus: number;
  exitedAt?: { seconds: number; nanos: number } | null;
}
export interface ImageMsg {
  name: string;
  labels: Record<string, string>;
  target: Descriptor;
}

/** A unary call: request in, response out (rejects with the gRPC error: `.code` is grpc.status). */
type Unary = (req: object, opts?: { deadlineMs?: number; lease?: string }) => Promise<any>;

export interface ContainerdApi {
  version: { Version: Unary };
  containers: Record<'Get' | 'List' | 'Create' | 'Update' | 'Delete', Unary>;
  tasks: Record<'Create' | 'Start' | 'Delete' | 'DeleteProcess' | 'Get' | 'List' | 'Kill' | 'Exec' | 'Wait', Unary>;
  images: Record<'Get' | 'List' | 'Create' | 'Update' | 'Delete', Unary>;
  content: Record<'Info' | 'Abort', Unary> & {
    read(digest: string): Promise<Buffer>;
    write(ref: string, data: Buffer, expected: string, labels: Record<string, string>, lease?: string): Promise<void>;
  };
  snapshots: Record<'Prepare' | 'Mounts' | 'Commit' | 'Remove' | 'Stat', Unary>;
  diff: { Apply: Unary };
  /** Delete with `sync: true` also runs the garbage collector before it answers. */
  leases: Record<'Create' | 'Delete' | 'List' | 'AddResource', Unary>;
  close(): void;
}

let packageDef: grpc.GrpcObject | undefined;

/** How a decoded message becomes a plain object (what @grpc/proto-loader gave with these options). */
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

/**
 * The services of the proto text above as grpc-js client constructors. Each method's request is
 * encoded with protobufjs (`fromObject`, then `encode`) and its answer decoded to a plain object
 * (`decode`, then `toObject` with TO_OBJECT): what @grpc/proto-loader's `fromJSON` made, without
 * the descriptor protos it also built for every method and type (for server reflection, which a
 * client never uses: ≈ 30 ms of CPU on each CLI start on containerd, and its module ≈ 18 ms to
 * load). The types are resolved when a method is first called, not all at start-up.
 */
function definitions(): grpc.GrpcObject {
  if (packageDef) return packageDef;
  const root = new protobuf.Root();
  for (const f of WELL_KNOWN) root.addJSON((protobuf.common.get(f) as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
  for (const text of Object.values(FILES)) protobuf.parse(text, root, { keepCase: false });
  const def: Record<string, grpc.ServiceDefinition> = {};
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const o of ns.nestedArray) {
      if (o instanceof protobuf.Service) {
        const service: Record<string, grpc.MethodDefinition<object, object>> = {};
        for (const m of o.methodsArray) {
          const name = o.fullName.slice(1);
          let types: { req: protobuf.Type; res: protobuf.Type } | undefined;
          const typesOf = () => (types ??= (m.resolve(), { req: m.resolvedRequestType!, res: m.resolvedResponseType! }));
          service[m.name] = {
            path: `/${name}/${m.name}`,
            requestStream: !!m.requestStream,
            responseStream: !!m.responseStream,
            requestSerialize: (o: object) => typesOf().req.encode(typesOf().req.fromObject(o)).finish() as Buffer,
            requestDeserialize: (b: Buffer) => typesOf().req.toObject(typesOf().req.decode(b), TO_OBJECT),
            responseSerialize: (o: object) => typesOf().res.encode(typesOf().res.fromObject(o)).finish() as Buffer,
            responseDeserialize: (b: Buffer) => typesOf().res.toObject(typesOf().res.decode(b), TO_OBJECT),
          };
        }
        def[o.fullName.slice(1)] = service;
      } else if (o instanceof protobuf.Namespace) walk(o);
    }
  };
  walk(root);
  packageDef = grpc.loadPackageDefinition(def as Parameters<typeof grpc.loadPackageDefinition>[0]);
  return packageDef;
}

/** grpc status codes the driver tells apart. */
export const NOT_FOUND = grpc.status.NOT_FOUND;
export const ALREADY_EXISTS = grpc.status.ALREADY_EXISTS;
export const FAILED_PRECONDITION = grpc.status.FAILED_PRECONDITION;

export function grpcCode(e: unknown): number | undefined {
  return (e as { code?: number }).code;
}

/**
 * A client for the containerd at `address` (a unix socket path), in `namespace`.
 * Unary calls get a default deadline of `callTimeoutMs` (Wait is called with its own).
 */
export function connectContainerd(address: string, namespace: string, callTimeoutMs = 60_000): ContainerdApi {
  const loaded = definitions() as any;
  const target = `unix://${address}`;
  // containerd refuses messages above 16 MiB; layers are written in chunks well below that.
  const options = { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.max_send_message_length': 16 * 1024 * 1024 };
  const creds = grpc.credentials.createInsecure();
  const clients: grpc.Client[] = [];
  const meta = (lease?: string) => {
    const m = new grpc.Metadata();
    m.set('containerd-namespace', namespace);
    // What is made under a lease is safe from containerd's garbage collector until the lease goes.
    if (lease) m.set('containerd-lease', lease);
    return m;
  };
  const make = (ctor: any) => {
    const c = new ctor(target, creds, options) as grpc.Client & Record<string, any>;
    clients.push(c);
    return c;
  };
  const unary = (client: any, names: string[]) => {
    const out: Record<string, Unary> = {};
    for (const name of names) {
      out[name] = (req, opts) =>
        new Promise((resolve, reject) => {
          client[name](req, meta(opts?.lease), { deadline: Date.now() + (opts?.deadlineMs ?? callTimeoutMs) }, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res)));
        });
    }
    return out;
  };
  const svc = loaded.containerd.services;
  const content = make(svc.content.v1.Content);
  return {
    version: unary(make(svc.version.v1.Version), ['Version']) as ContainerdApi['version'],
    containers: unary(make(svc.containers.v1.Containers), ['Get', 'List', 'Create', 'Update', 'Delete']) as ContainerdApi['containers'],
    tasks: unary(make(svc.tasks.v1.Tasks), ['Create', 'Start', 'Delete', 'DeleteProcess', 'Get', 'List', 'Kill', 'Exec', 'Wait']) as ContainerdApi['tasks'],
    images: unary(make(svc.images.v1.Images), ['Get', 'List', 'Create', 'Update', 'Delete']) as ContainerdApi['images'],
    snapshots: unary(make(svc.snapshots.v1.Snapshots), ['Prepare', 'Mounts', 'Commit', 'Remove', 'Stat']) as ContainerdApi['snapshots'],
    diff: unary(make(svc.diff.v1.Diff), ['Apply']) as ContainerdApi['diff'],
    leases: unary(make(svc.leases.v1.Leases), ['Create', 'Delete', 'List', 'AddResource']) as ContainerdApi['leases'],
    content: {
      ...(unary(content, ['Info', 'Abort']) as Record<'Info' | 'Abort', Unary>),
      read: (digest) =>
        new Promise((resolve, reject) => {
          const chunks: Buffer[] = [];
          const s = content.Read({ digest }, meta(), { deadline: Date.now() + callTimeoutMs });
          s.on('data', (m: { data: Buffer }) => chunks.push(m.data));
          s.on('error', reject);
          s.on('end', () => resolve(Buffer.concat(chunks)));
        }),
      write: (ref, data, expected, labels, lease) =>
        new Promise((resolve, reject) => {
          const s = content.Write(meta(lease), { deadline: Date.now() + 10 * callTimeoutMs });
          let done = false;
          s.on('data', (m: { action: string }) => {
            if (m.action === 'COMMIT') {
              done = true;
              s.end();
              resolve();
            }
          });
          s.on('error', (e: Error) => (done ? undefined : reject(e)));
          s.on('end', () => (done ? undefined : reject(new Error(`content write ${ref} ended before its commit`))));
          const CHUNK = 4 * 1024 * 1024;
          // The first message carries the ref; the last one commits with size, digest and labels.
          for (let off = 0; off < data.length; off += CHUNK) s.write({ action: 'WRITE', ref, offset: off, data: data.subarray(off, off + CHUNK) });
          s.write({ action: 'COMMIT', ref, offset: data.length, total: data.length, expected, labels });
        }),
    },
    close: () => clients.forEach((c) => c.close()),
  };
}
