/**
 * Before anyone approves a plan: the images it must bring to this host that this host cannot
 * get. An `image.ensure` step for an image that is not here fails at apply time when there is
 * no way to fetch it (the registry unreachable or refusing it, pulling off, no tarball for
 * the containerd backend), and the whole apply rolls back. planFiles asks the engine
 * (runtime/engine.ts `imageUnavailable`, which only reads) and puts one warning per such
 * image in the plan's display, so `claude plan`, `claude apply` and `claude "<msg>"` show it
 * above the question. Display only: the steps are the same either way.
 */
import type { Engine } from '../runtime/engine.js';
import type { ContainerSpec, JobSpec, PlanPayload } from '../plan/types.js';
import { engineKind } from '../runtime/host-engine.js';

/** The backend CLAUDE_ENGINE selects; Docker when it names none it knows (the engine itself then reports that). */
function engineKindOrDocker(): 'docker' | 'containerd' {
  try {
    return engineKind();
  } catch {
    return 'docker';
  }
}

/**
 * Who needs each image: `service web`, `job backup`, in step order without repeats, by
 * image reference. One pass over the steps for all the images (at 10,000 services a pass per
 * missing image was ~90 passes over 20,000 steps).
 */
export function imageUsers(payload: Pick<PlanPayload, 'steps'>): Map<string, string[]> {
  const users = new Map<string, Set<string>>();
  const add = (ref: string, who: string) => {
    let s = users.get(ref);
    if (!s) users.set(ref, (s = new Set()));
    s.add(who); // a Set keeps the first insertion's place
  };
  for (const st of payload.steps) {
    if (st.op === 'container.create' || st.op === 'container.replace') {
      const spec = (st.op === 'container.create' ? st.params : (st.params as { spec: ContainerSpec }).spec) as ContainerSpec;
      add(spec.image, `service ${spec.service}`);
    } else if (st.op === 'schedule.apply') {
      for (const j of (st.params as { jobs: JobSpec[] }).jobs) if (j.image !== undefined) add(j.image, `job ${j.name}`);
    }
  }
  return new Map([...users].map(([ref, s]) => [ref, [...s]]));
}

type EngineOf = () => Promise<Pick<Engine, 'imageUnavailable'>>;

/** The engine's answers (`imageUnavailable`) by image and pull setting, each asked once; null: it can get it, or cannot tell. */
export type ImageAnswers = Map<string, Promise<string | null>>;

/**
 * Asks the engine about each image of `images` that is absent from `present` (the images the
 * observation saw) and not asked yet, into `asked`, without waiting for the answers. planFiles
 * asks about the model's images before it plans, so that the round trips (an image inspect,
 * then dockerd asking the registry) run while the planner works; unavailableImageWarnings then
 * takes the answers of the images the plan ensures (and asks about any other). The engine is
 * made only when there is something to ask. Never rejects: an engine that cannot be made, or a
 * question it cannot answer, is null. `signal` aborted: the questions still open are abandoned
 * (null), so a refused plan ends at once instead of waiting for a registry.
 */
export function askAboutImages(engineOf: EngineOf, images: Iterable<{ ref: string; pull: boolean }>, present: readonly string[], asked: ImageAnswers = new Map(), signal?: AbortSignal): ImageAnswers {
  const have = new Set(present);
  let engine: Promise<Pick<Engine, 'imageUnavailable'> | null> | undefined;
  for (const { ref, pull } of images) {
    const key = `${pull}\0${ref}`;
    if (have.has(ref) || asked.has(key)) continue;
    engine ??= engineOf().catch(() => null);
    asked.set(key, engine.then((e) => (e?.imageUnavailable ? e.imageUnavailable(ref, pull, signal) : null)).catch(() => null));
  }
  return asked;
}

/**
 * One warning per image of an `image.ensure` step that the engine says it cannot get; none
 * when the engine cannot tell. `present` are the images the observation saw: the engine is
 * made and asked only for images absent from it, and not again for those in `asked`
 * (askAboutImages). Never throws: an engine that cannot be made, or a question it cannot
 * answer, is no warning.
 */
export async function unavailableImageWarnings(engineOf: EngineOf, payload: PlanPayload, present: readonly string[], dataDir: string, kind: 'docker' | 'containerd' = engineKindOrDocker(), asked: ImageAnswers = new Map()): Promise<string[]> {
  const have = new Set(present);
  const steps = payload.steps.filter((st) => st.op === 'image.ensure' && !have.has((st.params as { ref: string }).ref));
  if (!steps.length) return [];
  askAboutImages(engineOf, steps.map((st) => st.params as { ref: string; pull: boolean }), present, asked);
  let users: Map<string, string[]> | undefined;
  const answers = await Promise.all(
    steps.map(async (st) => {
      const { ref, requested, pull } = st.params as { ref: string; requested: string; pull: boolean };
      const why = await asked.get(`${pull}\0${ref}`)!;
      if (!why) return null;
      const who = (users ??= imageUsers(payload)).get(ref) ?? [];
      const named = requested !== ref ? ` (asked for as ${requested})` : '';
      return [
        `${who.length ? `${who.join(', ')} need${who.length === 1 ? 's' : ''} ` : ''}image ${ref}${named}, which this host cannot get: ${why}.`,
        'Approved as it is, the apply would fail at this image and roll back.',
        // The engine's own way to bring it: a containerd device has no docker to load it with.
        kind === 'containerd'
          ? `Fix: \`docker save -o <file>.tar ${ref}\` where its registry is reachable and put the tarball in ${dataDir}/images/ (the apply imports it); or fix the image name in services.yaml (or map it to an image this host has in manifest.yaml spec.images.aliases).`
          : `Fix: \`docker save\` it where its registry is reachable and \`docker load -i <file>.tar\` here; or fix the image name in services.yaml (or map it to an image this host has in manifest.yaml spec.images.aliases).`,
      ].join('\n    ');
    }),
  );
  return answers.filter((w): w is string => w !== null);
}
