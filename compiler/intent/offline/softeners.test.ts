import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 28: "a softener or discourse marker around an order: just, simply, go ahead and, can you,
// kindly, ok fine, alright then, whatever, i guess, in that case, let's, then, instead" changes
// nothing of the order (h21-245#3 "ok fine, just move nginx to 8080 then"). The paradigm, from
// English, written before it was run (docs/intent.md "After round 28").
const NGINX = ['set up nginx on 80'];
export const SOFTENED: string[] = [
  'just move nginx to 8080',
  'ok fine, just move nginx to 8080 then',
  'simply move nginx to 8080',
  'go ahead and move nginx to 8080',
  'can you move nginx to 8080?',
  'could you please move nginx to 8080',
  'would you mind moving nginx to 8080',
  'pls just move nginx to 8080',
  'alright then, move nginx to 8080',
  'fine, whatever, move nginx to 8080',
  'i guess just move nginx to 8080',
  'kindly move nginx to 8080',
  'in that case move nginx to 8080',
  "let's just move nginx to 8080",
  'maybe just move nginx to 8080 instead',
  'sure, move nginx to 8080 i guess',
  'ok so just move nginx to 8080',
  'yeah just move nginx to 8080 then',
  'jus move nginx to 8080',
  'right, then just move nginx to 8080',
];

describe('a softener changes nothing of the order', () => {
  for (const request of SOFTENED) it(request, () => passes(request, [{ service: 'nginx', host_port: 8080 }], NGINX));
});
