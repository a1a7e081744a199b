import { describe, expect, it } from 'vitest';
import { findCidrs, findCpu, findImageRefs, findPorts, findQuoted, findServiceMentions, findSizes, sizeToBytes, splitClauses } from './nlu.js';
import { parseSchedule } from './schedule.js';

describe('offline NLU entities', () => {
  it('sizes: units as people write them, in the schema form', () => {
    expect(findSizes('limit it to 512MB').map((s) => s.value)).toEqual(['512Mi']);
    expect(findSizes('2 GB of ram').map((s) => s.value)).toEqual(['2Gi']);
    expect(findSizes('1.5g').map((s) => s.value)).toEqual(['1536Mi']);
    expect(findSizes('256 megabytes').map((s) => s.value)).toEqual(['256Mi']);
    expect(findSizes('500m of cpu')).toEqual([]);
    expect(sizeToBytes('512Mi')).toBe(512 * 1024 * 1024);
    expect(sizeToBytes('1G')).toBe(1e9);
  });

  it('times with their part of the day, and a day with night or morning but no time', () => {
    expect(parseSchedule('every friday 5 in the morning')?.cron).toBe('0 5 * * 5');
    expect(parseSchedule('daily, 10 at night')?.cron).toBe('0 22 * * *');
    expect(parseSchedule('each day 7 in the evening')?.cron).toBe('0 19 * * *');
    expect(parseSchedule('on tuesday night')?.cron).toBe('0 23 * * 2');
    expect(parseSchedule('every monday morning')?.cron).toBe('0 6 * * 1');
  });

  it('sizes typed in the schema form are kept as typed; every other form is binary', () => {
    expect(findSizes('cap it at 3G').map((s) => s.value)).toEqual(['3G']);
    expect(findSizes('with 640M and 1.5G later').map((s) => s.value)).toEqual(['640M', '1.5G']);
    expect(findSizes('48Mi is enough, or 2Gi').map((s) => s.value)).toEqual(['48Mi', '2Gi']);
    expect(findSizes('3G')[0]!.bytes).toBe(3e9);
    expect(findSizes('48Mi')[0]!.bytes).toBe(48 * 1024 ** 2);
    // Not the schema's spelling: read as Docker reads it.
    expect(findSizes('3g, 640mb, 5 gigabytes, 96 megs').map((s) => s.value)).toEqual(['3Gi', '640Mi', '5Gi', '96Mi']);
    expect(findSizes('every 5 minutes')).toEqual([]);
  });

  it('cpus', () => {
    expect(findCpu('half a cpu')?.value).toBe('0.5');
    expect(findCpu('2 cpus')?.value).toBe('2');
    expect(findCpu('1.5 cores')?.value).toBe('1.5');
    expect(findCpu('two cores')?.value).toBe('2');
    expect(findCpu('250 millicores of cpu')?.value).toBe('250m');
    expect(findCpu('a quarter of a cpu')?.value).toBe('0.25');
    expect(findCpu('give it more memory')).toBeUndefined();
  });

  it('CIDRs and addresses, not versions or times', () => {
    expect(findCidrs('only from 10.0.0.0/8 and 192.168.1.10')).toEqual(['10.0.0.0/8', '192.168.1.10']);
    expect(findCidrs('allow 2001:db8::/32')).toEqual(['2001:db8::/32']);
    expect(findCidrs('nginx 1.25.3 at 3:30')).toEqual([]);
    expect(findCidrs('999.1.1.1')).toEqual([]);
  });

  it('ports', () => {
    expect(findPorts('open ports 80 and 443')).toEqual([80, 443]);
    expect(findPorts('move it to port 8080')).toEqual([8080]);
    expect(findPorts('change the port of the web server to 8081')).toEqual([8081]);
    expect(findPorts('53/udp')).toEqual([53]);
    expect(findPorts('port 70000')).toEqual([]);
    // a bare number where only a port fits
    expect(findPorts('spin up nginx on 8080')).toEqual([8080]);
    expect(findPorts('open 443 to everyone')).toEqual([443]);
    expect(findPorts('close 3306')).toEqual([3306]);
    expect(findPorts('run it on 16 cores')).toEqual([]);
    expect(findPorts('open 20 connections')).toEqual([]);
    expect(findPorts('back up on 12:30')).toEqual([]);
  });

  it('schedules in words', () => {
    const cron = (s: string) => parseSchedule(s)?.cron;
    expect(cron('every night at 3')).toBe('0 3 * * *');
    expect(cron('daily')).toBe('0 3 * * *');
    expect(cron('hourly')).toBe('0 * * * *');
    expect(cron('every sunday at 4am')).toBe('0 4 * * 0');
    expect(cron('every 15 minutes')).toBe('*/15 * * * *');
    expect(cron('every 6 hours')).toBe('0 */6 * * *');
    expect(cron('daily at 2:30 pm')).toBe('30 14 * * *');
    expect(cron('weekdays at 9')).toBe('0 9 * * 1-5');
    expect(cron('every day at midnight')).toBe('0 0 * * *');
    expect(cron('monthly')).toBe('0 3 1 * *');
    expect(cron('weekly')).toBe('0 3 * * 0');
    expect(cron('add redis')).toBeUndefined();
  });

  it('quoted strings and image references', () => {
    expect(findQuoted("a service called 'broken' using image \"nonexistent:latest\"")).toEqual(['broken', 'nonexistent:latest']);
    expect(findImageRefs('run ghcr.io/acme/api:1.2 and nginx:alpine, not 10.0.0.0/8 or 3:00')).toEqual(['ghcr.io/acme/api:1.2', 'nginx:alpine']);
    // A tag with dots is kept whole (round 20: "httpd:2.4" was read as a registry port, httpd:2); a registry port only before a path.
    expect(findImageRefs('run httpd:2.4 as site, nginx:1.25.3 and registry.local:5000/team/app:1.0')).toEqual(['httpd:2.4', 'nginx:1.25.3', 'registry.local:5000/team/app:1.0']);
  });

  it('service words: products before generic words', () => {
    expect(findServiceMentions('a web server with nginx').map((m) => [m.template, m.generic])).toEqual([['nginx', true], ['nginx', false]]);
    expect(findServiceMentions('PostgreSQL for database, Redis for caching').map((m) => m.template)).toEqual(['postgres', 'postgres', 'redis', 'redis']);
    expect(findServiceMentions('the database password')).toEqual([]);
  });

  it('clauses: list items join the previous clause, new verbs start one', () => {
    const own = (c: string) => !/^(postgresql|redis)/i.test(c);
    expect(splitClauses('I need nginx, PostgreSQL, and Redis, and set up daily backups', own)).toEqual(['I need nginx, PostgreSQL, Redis', 'set up daily backups']);
  });

  it('clauses: a quoted value is never split at its comma or its "and"', () => {
    const all = () => true;
    expect(splitClauses('set TAGS="red,green" for web, and restart it', all)).toEqual(['set TAGS="red,green" for web', 'restart it']);
    expect(splitClauses("set MOTD='up and running; ok' on api", all)).toEqual(["set MOTD='up and running; ok' on api"]);
    expect(splitClauses("don't expose redis, and open 80", all)).toEqual(["don't expose redis", 'open 80']);
    expect(splitClauses('a "b, c" d and "e and f"', all)).toEqual(['a "b, c" d', '"e and f"']);
  });

  it('clauses: backticks and curly quotes are quotes too (one pattern, language.ts QUOTED)', () => {
    const all = () => true;
    expect(splitClauses('every night run `tar czf /b.tgz /srv; rm -f /tmp/x` in app, and restart web', all)).toEqual(['every night run `tar czf /b.tgz /srv; rm -f /tmp/x` in app', 'restart web']);
    expect(splitClauses('set GREETING=“hello, and welcome” on web, then restart it', all)).toEqual(['set GREETING=“hello, and welcome” on web', 'restart it']);
    expect(splitClauses('call the rule ‘office, then home’ and open 22', all)).toEqual(['call the rule ‘office, then home’', 'open 22']);
    expect(splitClauses('it’s fine, and don’t restart redis', all)).toEqual(['it’s fine', 'don’t restart redis']);
    expect(findQuoted('name it `web2`, ‘cache-b’ and “db, main”')).toEqual(['web2', 'cache-b', 'db, main']);
  });
});
