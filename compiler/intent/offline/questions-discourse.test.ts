import { describe, expect, it } from 'vitest';
import { after, say } from '../../../test/offline-engine.js';

// Round 28 (intent2), docs/intent.md "After round 28". A question with discourse before it: an
// apology, a filler, an acknowledgement or a softener ("my bad.", "oops,", "ok so", "thanks!",
// "just", "pls") carries nothing, and the question after it is answered; nothing changes. The
// paradigm was written from English before the engine was run on it.
const FILES = after('add postgres', 'back up postgres daily', 'add user bob with sudo');
const answered = (request: string, word: RegExp) => {
  const p = say(request, FILES);
  expect(p.files).toEqual({});
  expect(p.explanation).toMatch(word);
  expect(p.explanation).not.toMatch(/did not understand/);
};

describe('a question after an apology, a filler or a softener (DISCOURSE)', () => {
  it.each<[string, RegExp]>([
    ["my bad. just tell me what's running", /postgres/],
    ['my bad, what is running', /postgres/],
    ['oops. list the users', /bob/],
    ['whoops, who has sudo?', /bob/],
    ['my mistake - show me the users', /bob/],
    ['sorry about that. is the backup working?', /postgres-data/],
    ['ugh. what is running', /postgres/],
    ['ok cool, thanks. can u list the users', /bob/],
    ['lol ok what is running', /postgres/],
    ['never mind that. show me the users', /bob/],
    ['nvm, just list the users', /bob/],
    ['hmm ok. are backups working?', /postgres-data/],
    ['right, fair enough. what is running?', /postgres/],
    ['apologies, just tell me who has sudo', /bob/],
    ['just tell me what is running pls', /postgres/],
  ])('"%s"', (request, word) => answered(request, word));
});

// Fresh, after the mechanism was built and before they were run: other questions (the disk,
// jobs, the hostname, a port) behind the same discourse.
describe('fresh: other questions behind discourse', () => {
  it.each<[string, RegExp]>([
    ['sorry. which ports are open?', /5432|port/i],
    ['oops my bad, when do backups run', /0 3 \* \* \*|03:00|postgres-data/],
    ['thanks! what users are there', /bob/],
    ['ok so, is postgres running?', /postgres/],
    ['haha ok. just show me the jobs', /job|postgres/i],
    ['whoops. who can sudo', /bob/],
    ['uh sorry, what is using port 5432', /postgres/],
    ['my bad!! tell me whats running', /postgres/],
    ['fine. list users', /bob/],
    ['alright, thanks - do we have backups?', /postgres-data/],
  ])('"%s"', (request, word) => answered(request, word));
});
