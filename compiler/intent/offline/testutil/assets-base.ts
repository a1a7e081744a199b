/**
 * The machine the round 29 guard paradigms (compiler/intent/assets*.paradigm.test.ts) run on:
 * data services, a cache, an old staging copy, two admins and a nightly backup, so a request
 * can name what it harms (or only sounds like it does).
 */
import { after } from '../../../../test/offline-engine.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8kL2mN4oQ6sU8wY0aC2eG4iK6mO8qS0uW2yA4cE6gI';

export const ASSETS_BASE = after(
  'add nginx on port 80',
  'add postgres',
  'add redis',
  'add memcached',
  'add grafana on port 3000',
  'add a service called staging from image ghcr.io/acme/app:0.9',
  'add a service called app from image ghcr.io/acme/app:1.4',
  'add a service called test from image nginx:alpine',
  'add a service called worker from image ghcr.io/acme/worker',
  `add user alice with sudo and ssh key ${KEY} alice@laptop`,
  'add user bob with sudo',
  'back up postgres every night at 2',
);
