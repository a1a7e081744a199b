import { describe, expect, it } from 'vitest';
import { after, say, talk } from '../../../test/offline-engine.js';

// Round 26 (intent3), in my own words: a question no other reader answered is answered from the
// state (asked-state.ts), understood, and nothing changes; a question that also orders stays an order.
describe('questions about the server', () => {
  const files = after('run nginx on port 80', 'run postgres on port 5432', 'add user ana with sudo and key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxk3ZpQn1m7yT0bQ8o2VwZ9sH4kLr5eJcN6aFqP1uXd ana@x');
  const asked = (q: string, f = files) => {
    const r = say(q, f);
    expect(r.refused, q).toBeUndefined();
    expect(r.understood, q).not.toBe(false);
    expect(r.files, q).toEqual({});
    return r.explanation;
  };

  it('answers how many, what is exposed, who can log in, the logs, why something is down', () => {
    for (const q of [
      'How many containers is running now on this server?', 'how many services do we have', 'how many containers r up',
      'what is exposed to the internet right now?', 'whats open to the outside world', 'which things are public??',
      'who can ssh into this machine?', 'who has access to the server', 'which users can log in?',
      'show me the logs of nginx', 'nginx logs?', 'why site down??', 'why is the website down', 'WHY IS NGINX BROKEN',
    ]) asked(q);
    expect(asked('who can ssh into this machine?')).toMatch(/ana/);
    expect(asked('what is exposed to the internet right now?')).toMatch(/nginx on 80/);
    expect(asked('how many containers is running now')).toMatch(/2 services defined/);
  });

  it('"what\'s its status?" in a conversation is about the service the turns were about', () => {
    const { last } = talk(['add redis', 'give it 128mb', "what's its status?"]);
    expect(last.files).toEqual({});
    expect(last.understood).not.toBe(false);
    expect(last.explanation).toMatch(/redis/);
  });

  it('a question that also orders is an order', () => {
    expect(Object.keys(say('why is nginx down? restart it', files).files)).toContain('services.yaml');
    expect(Object.keys(say('how about you add redis', files).files)).toContain('services.yaml');
  });
});
