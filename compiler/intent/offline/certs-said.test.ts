import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Cert = { name: string; domains: string[]; provider: string; auto_renew?: boolean };
const certs = (files: StateFiles) => (parse(files['security.yaml'] ?? 'spec: {}') as { spec: { certificates?: Cert[] } }).spec.certificates ?? [];
type Svc = { name: string; ports?: { host?: number }[] };
const services = (files: StateFiles) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;

const web = after('set up nginx on port 80');

/** The request gives one certificate for exactly `domain`, asks nothing, and the nginx serves it on 443. */
function expectCert(message: string, domain: string, files: StateFiles = web) {
  const r = say(message, files);
  expect(r.refused).toBeUndefined();
  expect(r.questions ?? []).toEqual([]);
  const now = { ...files, ...r.files };
  expect(certs(now).map((c) => c.domains)).toEqual([[domain]]);
  expect(services(now).map((s) => s.name)).toEqual(services(files).map((s) => s.name));
  expect(services(now).find((s) => s.name === 'nginx')?.ports?.map((p) => p.host)).toContain(443);
}

// Round 24 (intent2), my own wording. The domain said in a clause of its own ("…, domain is
// x"): it asked which domain.
describe('the domain said apart from the certificate', () => {
  it.each([
    ['turn on https for the website, the domain is shop.example.org', 'shop.example.org'],
    ['enable tls please - domain: blog.example.net', 'blog.example.net'],
    ['set up ssl. our domain is example.dev', 'example.dev'],
    ['we need https; domain name is app.example.com', 'app.example.com'],
    ['Enable SSL on the site, Domain is Docs.Example.io', 'docs.example.io'],
  ])('%s', (message, domain) => expectCert(message, domain));
});

// A domain that "should be served over https", that "needs https": a certificate and 443.
// "status.acme.io should …" was answered as a status question.
describe('a domain served over https', () => {
  it.each([
    ['docs.example.com should be served over https', 'docs.example.com'],
    ['serve shop.example.org over HTTPS with a real certificate', 'shop.example.org'],
    ['make api.example.net use https with a proper cert', 'api.example.net'],
    ['status.acme.io should be on https with a proper certificate', 'status.acme.io'],
    ['status.acme.io needs https', 'status.acme.io'],
    ['I want wiki.example.com on https', 'wiki.example.com'],
  ])('%s', (message, domain) => expectCert(message, domain));
});

// "letsencrypt" said without "certificate": a Let's Encrypt certificate; a domain with a
// service's name in it (grafana.ops.example.io) adds no grafana; "auto renew" is what it does.
describe("Let's Encrypt said as the certificate", () => {
  it.each([
    ['letsencrypt for app.example.io, auto renew', 'app.example.io'],
    ['lets encrypt on shop.example.com', 'shop.example.com'],
    ["Let's Encrypt: mail.example.org, renew automatically", 'mail.example.org'],
    ['letsencrypt grafana.example.io please', 'grafana.example.io'],
    ['letsencrypt for grafana.ops.example.io, auto renew', 'grafana.ops.example.io'],
    ['set up letsencrypt with auto-renewal for redis.example.com', 'redis.example.com'],
  ])('%s', (message, domain) => {
    const r = say(message, web);
    expect(r.questions ?? []).toEqual([]);
    const now = { ...web, ...r.files };
    expect(certs(now)).toEqual([expect.objectContaining({ domains: [domain], provider: 'letsencrypt', auto_renew: true })]);
    expect(services(now).map((s) => s.name)).toEqual(['nginx']);
  });
});

// "what certs do we have?": answered from security.yaml; nothing changes.
describe('which certificates there are', () => {
  const two = after('set up nginx on port 80', 'get a cert for shop.example.org', 'self-signed certificate for lab.internal.example');
  it.each(['what certs do we have?', 'list the certificates', 'which domains have tls?', 'show me our ssl certs', 'do we have any certificates'])('%s', (message) => {
    const r = say(message, two);
    expect(r.files).toEqual({});
    expect(r.explanation).toContain('shop.example.org');
    expect(r.explanation).toContain('lab.internal.example');
    expect(r.explanation).toContain('self-signed');
  });
  it('none yet', () => {
    const r = say('what certs do we have?', web);
    expect(r.files).toEqual({});
    expect(r.explanation).toMatch(/no certificates?/i);
  });
});
