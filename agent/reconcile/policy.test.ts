import { describe, expect, it } from 'vitest';
import { autoApproved, categoryOf, decide, globMatch, type SafetySettings, type ReconcileSettings } from './policy.js';

const SAFE: SafetySettings = { requireApproval: true, autoApproveCategories: [], restrictedFiles: ['security.yaml'] };
const HEAL: ReconcileSettings = { drift: 'self_heal', ignore: [] };
const start = (name: string) => ({ op: 'container.start' as const, risk: 'safe' as const, target: `container/${name}` });
const stop = (name: string) => ({ op: 'container.stop' as const, risk: 'disruptive' as const, target: `container/${name}` });
const create = (name: string) => ({ op: 'container.create' as const, risk: 'safe' as const, target: `container/${name}` });
const firewall = { op: 'firewall.apply' as const, risk: 'security' as const, target: 'firewall/inet-claude' };
const dropVolume = { op: 'volume.remove' as const, risk: 'destructive' as const, target: 'volume/data' };
const edit = (...files: string[]) => ({ changedFiles: files, appliesLastHour: 0 });
const drift = { changedFiles: [], appliesLastHour: 0 };

describe('decide: a change of the state files', () => {
  it('queues by default (require_approval: true), and applies when it is off', () => {
    expect(decide([create('web')], SAFE, HEAL, edit('services.yaml'))).toMatchObject({ action: 'queue', rule: 'E3' });
    expect(decide([create('web')], { ...SAFE, requireApproval: false }, HEAL, edit('services.yaml'))).toMatchObject({ action: 'apply', rule: 'E5', confirmed: false });
  });
  it('applies plans made only of auto-approved categories, service.restart included', () => {
    expect(decide([stop('web'), start('web')], { ...SAFE, autoApproveCategories: ['service.restart'] }, HEAL, edit('services.yaml'))).toMatchObject({ action: 'apply', rule: 'E4' });
    expect(decide([stop('web'), start('web'), create('db')], { ...SAFE, autoApproveCategories: ['service.restart'] }, HEAL, edit('services.yaml'))).toMatchObject({ action: 'queue', rule: 'E3' });
    expect(decide([create('db'), start('db')], { ...SAFE, autoApproveCategories: ['service.create', 'service.start'] }, HEAL, edit('services.yaml'))).toMatchObject({ action: 'apply' });
  });
  it('never applies a restricted file, nor security or destructive steps, without approval', () => {
    const open: SafetySettings = { requireApproval: false, autoApproveCategories: ['network.firewall', 'storage.delete'], restrictedFiles: ['network.yaml', 'security.yaml'] };
    expect(decide([start('web')], open, HEAL, edit('security.yaml'))).toMatchObject({ action: 'queue', rule: 'E1' });
    expect(decide([firewall], open, HEAL, edit('network.yaml')).reason).toMatch(/network.yaml is restricted/);
    expect(decide([firewall], { ...open, restrictedFiles: [] }, HEAL, edit('network.yaml'))).toMatchObject({ action: 'queue', rule: 'E2' });
    expect(decide([dropVolume], { ...open, restrictedFiles: [] }, HEAL, edit('storage.yaml'))).toMatchObject({ action: 'queue', rule: 'E2' });
  });
  it('queues past max_changes_per_hour and says why', () => {
    const d = decide([create('web')], { ...SAFE, requireApproval: false, maxChangesPerHour: 3 }, HEAL, { changedFiles: ['services.yaml'], appliesLastHour: 3 });
    expect(d).toMatchObject({ action: 'queue', rule: 'R' });
    expect(d.reason).toBe('max_changes_per_hour is 3 and the reconciler applied 3 changes in the last hour');
    expect(decide([create('web')], { ...SAFE, requireApproval: false, maxChangesPerHour: 3 }, HEAL, { changedFiles: ['services.yaml'], appliesLastHour: 2 })).toMatchObject({ action: 'apply' });
  });
});

describe('decide: drift', () => {
  it('self-heals by default, confirmed (it restores what was approved), even the firewall table', () => {
    expect(decide([start('web')], SAFE, HEAL, drift)).toMatchObject({ action: 'apply', rule: 'D6', confirmed: true });
    expect(decide([firewall], SAFE, HEAL, drift)).toMatchObject({ action: 'apply', confirmed: true });
  });
  it('queue and report policies; destructive corrections queue; the rate limit holds', () => {
    expect(decide([start('web')], SAFE, { ...HEAL, drift: 'queue' }, drift)).toMatchObject({ action: 'queue', rule: 'D3' });
    expect(decide([start('web')], SAFE, { ...HEAL, drift: 'report' }, drift)).toMatchObject({ action: 'report', rule: 'D2' });
    expect(decide([dropVolume], SAFE, HEAL, drift)).toMatchObject({ action: 'queue', rule: 'D5' });
    expect(decide([start('web')], { ...SAFE, maxChangesPerHour: 1 }, HEAL, { changedFiles: [], appliesLastHour: 1 })).toMatchObject({ action: 'queue', rule: 'R' });
  });
  it('ignore rules: all ignored is no drift; partly ignored queues instead of touching them', () => {
    const ign = { ...HEAL, ignore: ['container/dev-*', 'firewall/inet-claude'] };
    expect(decide([start('dev-1'), firewall], SAFE, ign, drift)).toMatchObject({ action: 'none', rule: 'D1' });
    expect(decide([start('dev-1'), start('web')], SAFE, ign, drift)).toMatchObject({ action: 'queue', rule: 'D4' });
    expect(decide([start('web')], SAFE, ign, drift)).toMatchObject({ action: 'apply' });
  });
  it('an empty plan is nothing to do', () => {
    expect(decide([], SAFE, HEAL, drift).action).toBe('none');
    expect(decide([], SAFE, HEAL, edit('services.yaml')).action).toBe('none');
  });
});

describe('categories and globs', () => {
  it('names steps by what they do', () => {
    expect(categoryOf({ op: 'container.replace', risk: 'disruptive' })).toBe('service.update');
    expect(categoryOf({ op: 'host.apply', risk: 'security' })).toBe('security.users');
    expect(categoryOf({ op: 'host.apply', risk: 'safe' })).toBe('host.files');
    expect(autoApproved([], ['service.restart'])).toBe(false);
    expect(autoApproved([start('a')], [])).toBe(false);
  });
  it('* matches any run of characters; the rest is literal', () => {
    expect(globMatch('container/dev-*', 'container/dev-')).toBe(true);
    expect(globMatch('container/dev-*', 'container/dev-x.y')).toBe(true);
    expect(globMatch('container/dev-*', 'container/prod')).toBe(false);
    expect(globMatch('container/a.b', 'container/aXb')).toBe(false);
  });
});
