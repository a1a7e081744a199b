/**
 * The desired services as the observation layer's analyzers want them (name, state,
 * replicas, depends_on, image, host ports, memory limit), made from the resolved model.
 * The analyzers run in the runtime and never import the compiler; the CLI passes this in.
 */
import type { DesiredService } from '../../plan/observed.js';
import type { ResolvedModel } from '../model.js';
import { compareCodePoints } from '../../common/order.js';

export function desiredServices(model: ResolvedModel): DesiredService[] {
  return model.services
    .map((s) => ({
      name: s.name,
      state: s.state,
      enabled: s.enabled,
      replicas: s.replicas,
      dependsOn: [...s.dependsOn].sort(),
      image: s.resolvedImage,
      ports: s.ports.map((p) => ({ container: p.container, protocol: p.protocol, ...(p.host !== undefined ? { host: p.host } : {}), ...(p.hostIp ? { hostIp: p.hostIp } : {}) })),
      ...(s.resources.memoryBytes ? { memoryLimit: s.resources.memoryBytes } : {}),
    }))
    .sort((a, b) => compareCodePoints(a.name, b.name));
}
