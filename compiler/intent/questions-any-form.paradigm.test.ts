import { saidTable, type SaidTableRow } from './offline/testutil/paradigm.js';

// Round 33 (intent3), docs/intent.md "After round 33" → "Mechanisms (intent3)": a question in any
// form (list/show/who/what/why/which/how many, "can you tell me", "any idea") is answered from
// the state and changes nothing; a question that is a request ("can you add …", "how about
// moving …") is a request. A web application's database error is troubleshot (its database, the
// link between them), and changes nothing.
// Written from English before the engine was run on it; none of held-out 26's or para-25's words.
// First run on main (27c4096, 05:35 UTC): 27/31. After round 33: 30/31.
type Want = Record<string, unknown>;
const HOST = ['add postgres', 'add nginx', 'back up postgres every night at 1', 'add user alice with sudo', 'add user bob'];
const WP = ['add wordpress'];
const SAID: Want[] = [{ understood: true }, { no_change: true }];

const rows: SaidTableRow[] = [
  ['list my backups', SAID, HOST],
  ['show me the backups', SAID, HOST],
  ['which volumes are backed up?', SAID, HOST],
  ['who has access to this server?', SAID, HOST],
  ['who can log in here?', SAID, HOST],
  ['which users have sudo?', SAID, HOST],
  ['how many services are running?', SAID, HOST],
  ["what's running on port 80?", SAID, HOST],
  ['can you tell me what services I have?', SAID, HOST],
  ['what jobs are scheduled?', SAID, HOST],
  ['show the firewall rules', SAID, HOST],
  ["what's the hostname of this box?", SAID, HOST],
  ['which ports are open?', SAID, HOST],
  ['when is the next backup?', SAID, HOST],
  ['is postgres backed up?', SAID, HOST],
  ['what version of postgres is this?', SAID, HOST],
  ['list the users', SAID, HOST],
  ['how many users are there?', SAID, HOST],
  ['tell me which containers are running', SAID, HOST],
  ["what's my timezone?", SAID, HOST],
  ['any idea who has root here?', SAID, HOST],
  ['how much memory does postgres get?', SAID, HOST],
  ['can you tell me who has access?', SAID, HOST],
  ['do I have any backups?', SAID, HOST],
  ["the site says 'error establishing a database connection', why?", SAID, WP],
  ["wordpress can't reach its database, what's going on?", SAID, WP],
  ['my blog is down with a database connection error, any idea?', SAID, WP],
  // a question that asks for a change is a request
  ['can you add redis?', [{ service: 'redis' }], HOST],
  ['can you add a user called carol?', [{ user: 'carol' }], HOST],
  ['can you open port 443?', [{ rule_for: 443 }], HOST],
  ['how about moving nginx to 8080?', [{ service: 'nginx', host_port: 8080 }], HOST],
];

const GAPS = new Set<string>(['how about moving nginx to 8080?']);

saidTable('a question in any form', rows, GAPS);
