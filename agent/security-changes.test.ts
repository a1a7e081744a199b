import { describe, expect, it } from 'vitest';
import { securityYamlChanges } from './security-changes.js';

const doc = (spec: string) => `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: t\nspec:\n${spec}`;

describe('securityYamlChanges: what a security.yaml change does, one line each', () => {
  it('users, SSH keys, secrets (never their value), certificates, SSH and audit settings', () => {
    const before = doc(`  users:
    - {name: bob, groups: [docker]}
    - {name: eve}
  secrets:
    - {name: api_token, value: "encrypted:v1:AAAA"}
    - {name: old, value: "encrypted:v1:BBBB"}
  ssh: {port: 22}
`);
    const after = doc(`  users:
    - {name: bob, groups: [docker, adm], ssh_keys: ["ssh-ed25519 AAAAC3Nza bob@x"]}
    - {name: carol, sudo: true}
  secrets:
    - {name: api_token, value: "encrypted:v1:CCCC"}
    - {name: db_password, value: "encrypted:v1:DDDD"}
  certificates:
    - {name: web, domains: [example.com], provider: letsencrypt}
  ssh: {port: 2222, password_authentication: false}
  audit: {retention_days: 90}
`);
    expect(securityYamlChanges(before, after)).toEqual([
      'user bob changed (1 SSH key added, groups docker → docker, adm)',
      'user carol added (sudo true)',
      'user eve removed',
      'SSH settings: password_authentication (default) → false, port 22 → 2222',
      'secret api_token replaced (new value)',
      'secret db_password added',
      'secret old removed',
      'certificate web added (domains example.com, provider letsencrypt)',
      'audit settings: retention_days (default) → 90',
    ]);
    expect(securityYamlChanges(before, after).join('\n')).not.toMatch(/encrypted:|CCCC|DDDD/);
  });

  it('none when the two say the same; the first security.yaml lists all it holds', () => {
    const one = doc('  secrets:\n    - {name: a, value: "encrypted:v1:AAAA"}\n');
    expect(securityYamlChanges(one, one)).toEqual([]);
    expect(securityYamlChanges(undefined, one)).toEqual(['secret a added']);
    expect(securityYamlChanges(one, undefined)).toEqual(['secret a removed']);
  });

  it('reads the data the caller already has for a text (the compiled-state cache\'s copy) instead of parsing it', () => {
    const one = doc('  secrets:\n    - {name: a, value: "encrypted:v1:AAAA"}\n');
    const held = { spec: { secrets: [{ name: 'from-the-cache', value: 'encrypted:v1:BBBB' }] } };
    expect(securityYamlChanges(undefined, one, (t) => (t === one ? held : undefined))).toEqual(['secret from-the-cache added']);
    expect(securityYamlChanges(undefined, one, () => undefined)).toEqual(['secret a added']);
  });
});
