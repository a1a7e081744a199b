import { describe, expect, it } from 'vitest';
import { after, doc, lastTurnFailures, passes, say, svc, talk } from '../../../test/offline-engine.js';

// Round 35 (INTENT2), my own wordings of the classes held-out 27, para-26 and para-27 showed
// (never their sentences): a command given for a named service's container, a service's
// restart said with sudo, a how-to question that is a request, and replicas with a host port.

const API = ['deploy node:20-alpine as api on port 3000'];

describe("a command given for a named service's container is that service's command", () => {
  it.each([
    ['run the command `npm run serve` in api', 'npm run serve'],
    ['execute the command "python app.py" inside api', 'python app.py'],
    ['get the api to start with `node index.js`', 'node index.js'],
    ['api should run `node worker.js` as its comand', 'node worker.js'],
  ])('"%s"', (request, command) => passes(request, [{ service: 'api', command }], API));

  it.each(['run the command `rm -rf /` in api', 'run the command `uptime` on the server', 'run the command `uptime` in the host'])('"%s" is still refused', (request) => {
    const p = say(request, after(...API));
    expect(p.refused?.reason).toMatch(/never runs commands on the host/);
    expect(p.files).toEqual({});
  });
});

describe("a service's restart said with sudo is the restart", () => {
  it.each(['sudo restart postgres', 'sudo systemctl restart postgres', 'sudo service postgres restart', 'please sudo reload postgres'])('"%s"', (request) => {
    const p = say(request, after('add postgres'));
    expect(p.refused).toBeUndefined();
    expect(p.explanation).toMatch(/as "restart postgres": no sudo is needed/);
    expect(p.explanation).toMatch(/restart/i);
  });
  it('"sudo stop redis" stops it', () => passes('sudo stop redis', [{ service: 'redis', state: 'stopped' }], ['add redis']));
  // A name that is no service here is not rewritten: a host command, refused as before.
  it.each(['sudo restart docker', 'sudo restart sshd', 'sudo systemctl restart nginx'])('"%s" with no such service is refused', (request) => {
    const p = say(request, after('add postgres'));
    expect(p.refused?.reason).toMatch(/never runs commands on the host/);
  });
});

describe('a how-to question that is a request is proposed, and said to be a proposal', () => {
  const proposal = /I read it as the request .* and propose the change below\. Nothing is applied unless you say yes/;
  it.each([
    ['how do I open port 8443 for the api?', [{ rule_for: 8443 }]],
    ['how would I expose port 9000 to everyone? please do it', [{ rule_for: 9000 }]],
    ['how can we add a user called dora with sudo?', [{ user: 'dora', sudo: true }]],
    ['How I can give my friend omar access to the server?', [{ user: 'omar' }]],
    ['how do I let my teammate ines onto the box? i am new to this', [{ user: 'ines' }]],
    ['so, how do i let the world reach my site? it listens on port 80. do it for me', [{ rule_for: 80 }, { unchanged: 'nginx' }]],
  ] as [string, Record<string, unknown>[]][])('"%s"', (request, want) => {
    passes(request, want, ['add nginx']);
    expect(say(request, after('add nginx')).explanation).toMatch(proposal);
  });
  it('a how-to question about something to look at changes nothing', () => {
    const p = say('how do I see the logs of nginx?', after('add nginx'));
    expect(p.files).toEqual({});
    expect(p.refused).toBeUndefined();
  });
  it('a how-to question about something refused is refused', () => {
    const p = say('how do I turn off the firewall completely?', after('add nginx'));
    expect(p.refused?.reason).toMatch(/firewall/);
    expect(p.files).toEqual({});
  });
});

describe('replicas with a fixed host port: said why in plain words and what to say instead', () => {
  it.each([
    ['Please start traefik/whoami:v1.10 in 4 replicas, the service name is whoami, port 8000.', 'whoami', '4', '8000', 'traefik/whoami:v1.10'],
    ['Please run traefik/whoami:v1.10 with 3 replicas, the name is who, port 8000.', 'who', '3', '8000', 'traefik/whoami:v1.10'],
  ])('"%s"', (request, name, n, port, image) => {
    const p = say(request);
    expect(p.files).toEqual({});
    expect(p.refused).toBeUndefined();
    expect(p.explanation).toContain(`${n} copies of ${name} cannot all publish host port ${port}: only one container at a time can listen on a port of this machine`);
    expect(p.explanation).toContain(`"${image} as ${name} on port ${port}"`);
    expect(p.explanation).toContain(`"${image} as ${name}, ${n} replicas, no host port"`);
    expect(p.explanation).not.toMatch(/CLA3008|would not compile/);
    // What it says to say instead works.
    passes(`${image} as ${name} on port ${port}`, [{ service: name, host_port: Number(port) }]);
    passes(`${image} as ${name}, ${n} replicas, no host port`, [{ service: name, replicas: Number(n), no_ports: true }]);
  });
  it.each(['echo: hashicorp/http-echo:1.0 x2', 'echo service, hashicorp/http-echo:1.0, 2 copies, ok?'])('a service named echo is no text task: "%s"', (request) =>
    passes(request, [{ service: 'echo', image: 'hashicorp/http-echo:1.0', replicas: 2 }]));
});

// Para-27's fw-17 class, my own wordings: a complaint that a site on a port is not reachable, said
// with "isn't"/"is not" or about a "web site", with the request to open it, is the rule.
describe('a site on a port not reachable, and "open it": the rule', () => {
  it.each([
    ["my shop on port 8080 isn't visible from the internet, open it", 8080],
    ['my web site on port 80 is not reachable from the internet, please open it', 80],
    ['the blog on port 8081 is not reachable from outside. open it up for everybody', 8081],
    ['folks outside cant reach my web site, its on port 80, please open it for them', 80],
  ] as [string, number][])('"%s"', (request, port) => passes(request, [{ rule_for: port }, { unchanged: 'nginx' }], ['add nginx']));
});

// Held-out 27's conv-12 class: https asked for a caddy under discussion adds no nginx beside it,
// so "it" in the next turn is still caddy.
describe('https for a caddy under discussion: caddy serves it, no nginx added', () => {
  it.each([
    ['deploy caddy', 'give it https for example.org', 'and cap it at 256 megs'],
    ['add caddy', 'set up https for shop.example.com', 'give it 256mb of memory'],
    ['i want caddy', 'https for blog.example.net please', 'limit it to 256M'],
  ])('%s / %s / %s', (...turns) => {
    expect(lastTurnFailures([], turns, [{ service: 'caddy', memory: '256M' }])).toEqual([]);
    const { files, replies } = talk(turns);
    expect(svc(files, 'nginx')).toBeUndefined();
    expect(doc(files, 'security.yaml').spec?.certificates?.length).toBe(1);
    expect(replies[1]!.explanation).toMatch(/caddy serves HTTPS itself/);
  });
});
