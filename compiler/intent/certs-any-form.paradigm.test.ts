import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';
import { expectRow } from './offline/testutil/paradigm.js';

// Round 32 (intent3), docs/intent.md "After round 32" → "Mechanisms (intent3)": a certificate
// for a domain said anywhere in the request: "my blog is at X, make it https", "the padlock on
// X", "SSL for X", "X says not secure", a URL; with no domain it asks which.
// Written from English before the engine was run on it; none of held-out 25's or para-24's words.
// First run on main (a0c7422): 18/32. After round 32: 30/32.
type Want = Record<string, unknown>;
// Rows still failing (asserted to fail, so a fix turns them into plain rows): with no domain, not understood instead of asked.
const GAPS = new Set<string>(['make the site https', 'I want the padlock in the browser']);
const WEB = ['add nginx'];
const cert = (...domains: string[]): Want[] => [{ understood: true }, ...domains.map((certificate) => ({ certificate }))];
const ASKS: Want[] = [{ asks: true, no_change: true }];

describe('a domain said anywhere gets its certificate', () => {
  it.each<[string, Want[]]>([
    ['my shop lives at shop.example.com, put https on it', cert('shop.example.com')],
    ['I need the padlock on www.example.org', cert('www.example.org')],
    ['SSL for api.example.net please', cert('api.example.net')],
    ['get a certificate for example.com', cert('example.com')],
    ['turn on https for blog.example.io', cert('blog.example.io')],
    ['visitors to docs.example.com see "not secure", fix that', cert('docs.example.com')],
    ['enable TLS on mail.example.com', cert('mail.example.com')],
    ["let's encrypt cert for example.dev and www.example.dev", cert('example.dev', 'www.example.dev')],
    ['the site is example.co.uk, make it secure', cert('example.co.uk')],
    ['https://app.example.com should work with a valid certificate', cert('app.example.com')],
    ['can you make wiki.example.org https?', cert('wiki.example.org')],
    ['I bought example.shop, serve it over https', cert('example.shop')],
    ['set up a cert: status.example.com', cert('status.example.com')],
    ['secure connection for portal.example.net pls', cert('portal.example.net')],
    ["I'd like my domain mysite.example.com to show the lock", cert('mysite.example.com')],
    ['please add https for both example.net and api.example.net', cert('example.net', 'api.example.net')],
    ['our blog (blog.example.com) keeps warning about security in chrome, can you fix it?', cert('blog.example.com')],
    ['Could you secure example.org with a certificate from Let\'s Encrypt?', cert('example.org')],
    ['example.org needs a padlock', cert('example.org')],
    ['Add HTTPS to www.example.com.', cert('www.example.com')],
    ['I want https on my site, the domain is cafe.example.com', cert('cafe.example.com')],
    ['www.example.com: https', cert('www.example.com')],
    ['the browser says not secure when I open example.net', cert('example.net')],
    ['The website is hosted at news.example.com. It should be https.', cert('news.example.com')],
    ['how do I get the green lock for store.example.com? set it up please', cert('store.example.com')],
    ['https for example.com pls, and www too', cert('example.com', 'www.example.com')],
    ['my domain: shop.example.org. need ssl', cert('shop.example.org')],
    ['encrypt traffic to api.example.com with a cert', cert('api.example.com')],
  ])('"%s"', (request, want) => expectRow(caseFailures(request, want, WEB), GAPS.has(request)));

  it('attached to the service it names', () => {
    expect(caseFailures('grafana is at grafana.example.com, give it https', cert('grafana.example.com'), ['add nginx', 'add grafana'])).toEqual([]);
    expect(caseFailures('my blog runs at myblog.example.net, make it https', cert('myblog.example.net'), ['add wordpress'])).toEqual([]);
  });
});

describe('no domain said: it asks', () => {
  it.each<[string, Want[]]>([
    ['https please', ASKS],
    ['make the site https', ASKS],
    ['I want the padlock in the browser', ASKS],
  ])('"%s"', (request, want) => expectRow(caseFailures(request, want, WEB), GAPS.has(request)));
});
