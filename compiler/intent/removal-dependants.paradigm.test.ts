/**
 * Round 32, mechanism 2 (INTENT): removal with dependants, and removal said another way. "remove /
 * rm / get rid of / drop X" where other services depend on X: the reply names them and asks
 * (remove them too, or keep them without X), and nothing changes; never a silent edit of another
 * service. Said with the dependants ("remove prometheus and grafana") or with what to do about them
 * ("remove prometheus, keep grafana without it") it is done. Removal verbs that sound violent
 * ("murder", "shoot down", "destroy", "rm") remove the service named; "go back to IMAGE" after
 * them is a change of image, not a removal; "for a sec", "I'll bring it back" is a stop.
 *
 * Written from English before the engine was run on it (other services and words than held-out
 * 25's svc-40/57, risky-09 and para-24's risky rows). First run on main (a0c7422, 02:30 UTC, load
 * ~10 on 2 cores): 13/31.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';

const MON = ['add prometheus', 'add grafana'];
const APP = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add postgres', 'make the api depend on postgres', 'add redis'];
const LONE = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add redis', 'add a service called demo using image traefik/whoami'];

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = ['remove-with-dependants-too', 'rm-dash-f', 'get-rid-completely'];

const asks = (svc: string, dep: string): ParadigmRow['expect'] => [{ asks: true, no_change: true, says: dep }, { unchanged: svc }, { unchanged: dep }];

const rows: Record<string, ParadigmRow> = {
  // Others depend on it: asked, named, nothing changed.
  'remove-depended': { before: MON, request: 'remove prometheus', expect: asks('prometheus', 'grafana') },
  'delete-depended-db': { before: APP, request: 'delete postgres', expect: asks('postgres', 'api') },
  'rm-depended': { before: APP, request: 'rm postgres', expect: asks('postgres', 'api') },
  'get-rid-depended': { before: MON, request: 'get rid of prometheus, we are not using it', expect: asks('prometheus', 'grafana') },
  'drop-the-service-depended': { before: APP, request: 'please drop the postgres service', expect: asks('postgres', 'api') },
  'uninstall-depended': { before: MON, request: 'can you uninstall prometheus?', expect: asks('prometheus', 'grafana') },
  'take-off-depended': { before: APP, request: 'take postgres off the server', expect: asks('postgres', 'api') },
  'no-longer-need-depended': { before: MON, request: "we don't need prometheus anymore, remove it", expect: asks('prometheus', 'grafana') },
  // Said with the dependants or with what to do about them: done.
  'remove-both-named': { before: MON, request: 'remove prometheus and grafana', expect: [{ service: 'prometheus', absent: true }, { service: 'grafana', absent: true }] },
  'remove-with-dependants-too': { before: MON, request: 'remove prometheus and everything that depends on it', expect: [{ service: 'prometheus', absent: true }, { service: 'grafana', absent: true }] },
  'remove-keep-dependant': { before: MON, request: 'remove prometheus but keep grafana', expect: [{ service: 'prometheus', absent: true }, { service: 'grafana', depends_absent: 'prometheus' }] },
  'remove-keep-without': { before: APP, request: 'delete postgres, the api can run without it', expect: [{ service: 'postgres', absent: true }, { service: 'api', depends_absent: 'postgres' }] },
  'answer-keep': { before: MON, turns: ['remove prometheus', 'keep grafana'], expect: [{ service: 'prometheus', absent: true }, { service: 'grafana', depends_absent: 'prometheus' }] },
  'answer-both': { before: MON, turns: ['remove prometheus', 'remove grafana too'], expect: [{ service: 'prometheus', absent: true }, { service: 'grafana', absent: true }] },
  // Nothing depends on it: removed, whatever the verb.
  'rm-lone': { before: LONE, request: 'rm redis', expect: [{ service: 'redis', absent: true }, { unchanged: 'api' }] },
  'rm-dash-f': { before: LONE, request: 'rm -f demo', expect: [{ service: 'demo', absent: true }, { unchanged: 'api' }] },
  'destroy-lone': { before: LONE, request: 'nobody uses demo, please destroy it', expect: [{ service: 'demo', absent: true }, { unchanged: 'redis' }] },
  'murder-lone': { before: LONE, request: 'the demo container has done nothing for weeks, just murder it', expect: [{ service: 'demo', absent: true }, { unchanged: 'redis' }] },
  'shoot-down-remove': { before: LONE, request: 'demo was a test, shoot it down and remove it', expect: [{ service: 'demo', absent: true }, { unchanged: 'redis' }] },
  'shoot-down-bare': { before: LONE, request: 'shoot demo down, only a trial', expect: [{ service: 'demo', absent: true }, { unchanged: 'redis' }] },
  'get-rid-completely': { before: LONE, request: "That demo thing nobody looks at - can you get rid of it for good?", expect: [{ service: 'demo', absent: true }, { unchanged: 'api' }] },
  'bin-it': { before: LONE, request: 'demo: bin it', expect: [{ service: 'demo', absent: true }] },
  'remove-lone-no-ask': { before: APP, request: 'remove redis', expect: [{ service: 'redis', absent: true }, { unchanged: 'api' }, { unchanged: 'postgres' }] },
  // A violent verb with a temporary cue stops; with an image to go back to, the image changes.
  'kill-for-a-moment': { before: LONE, request: 'kill redis for a minute, I will start it again later', expect: [{ service: 'redis', state: 'stopped' }] },
  'switch-off-not-delete': { before: LONE, request: "could you switch redis off for now? don't delete it", expect: [{ service: 'redis', state: 'stopped' }] },
  'kill-stop-whatever': { before: LONE, request: 'demo is flooding the logs, kill/stop it', expect: [{ service: 'demo', state: 'stopped' }] },
  'nuke-version-back': { before: LONE, request: 'nuke this api version and roll back to ghcr.io/acme/api:1.3', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.3' }] },
  'kill-release-go-back': { before: LONE, request: 'kill the current api release, go back to ghcr.io/acme/api:1.2', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.2' }] },
  'trash-version-revert': { before: LONE, request: 'trash the new api build and revert to ghcr.io/acme/api:1.1', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.1' }] },
  // Kept safe: a removal of a service that does not exist says so and changes nothing.
  'rm-missing': { before: LONE, request: 'rm memcached', expect: [{ no_change: true }] },
  'dependant-removed-alone': { before: MON, request: 'remove grafana', expect: [{ service: 'grafana', absent: true }, { unchanged: 'prometheus' }] },
};

paradigm('removal with dependants, removal said another way (round 32)', rows, GAPS);
