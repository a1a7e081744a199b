/** Apply progress rendering: plain lines off a terminal, a spinner line on one; reachable lines. */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { ProgressRenderer, reachableLines, renderResult } from './progress.js';
import type { ApplyResult } from '../runtime/apply.js';

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(c, _e, cb) {
      w.text += String(c);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

const step = (status: 'started' | 'done' | 'failed' | 'skipped', message: string, error?: string) =>
  ({ type: 'reconcile.step', planId: 'plan-1', step: 's', op: 'container.start', target: 'container/x', status, durationMs: 1, message, ...(error ? { error } : {}) }) as const;

describe('ProgressRenderer', () => {
  it('off a terminal: one plain line per finished step, nothing for starts', () => {
    const out = sink();
    const r = new ProgressRenderer(out, false);
    r.onEvent(step('started', 'Start postgres'));
    r.onEvent({ ...step('done', 'Created container pg'), op: 'container.create' });
    r.onEvent({ ...step('done', 'Image img:1 present'), op: 'image.ensure' });
    r.onEvent(step('done', 'Started postgres (healthy)'));
    r.onEvent(step('failed', 'Ensure image nonexistent:latest', "image 'nonexistent:latest' is not present locally"));
    r.onEvent({ type: 'rollback.step', planId: 'plan-1', step: 's', ok: true, message: 'Undid: Replace nginx' });
    r.stop();
    expect(out.text).toBe("✓ Started postgres (healthy)\n✗ Ensure image nonexistent:latest: image 'nonexistent:latest' is not present locally\n↺ Undid: Replace nginx\n");
  });

  it('a failed step error is said once: the rollback line does not repeat it, and an image that never arrived is not "undone"', () => {
    const out = sink();
    const r = new ProgressRenderer(out, false);
    const err = "image 'nonexistent:latest' is not present locally and pulling it failed: network is unreachable";
    r.onEvent({ ...step('failed', 'Ensure image nonexistent:latest is present', err), step: 'image.ensure:nonexistent:latest', op: 'image.ensure' });
    r.onEvent({ ...step('skipped', "Create container 'broken' from nonexistent:latest"), step: 'container.create:broken', op: 'container.create' });
    r.onEvent({ type: 'rollback.started', planId: 'plan-1', reason: `step image.ensure:nonexistent:latest failed: ${err}` });
    r.onEvent({ type: 'rollback.step', planId: 'plan-1', step: 'image.ensure:nonexistent:latest', ok: true, message: 'Undid: Ensure image nonexistent:latest is present' });
    r.onEvent({ type: 'rollback.step', planId: 'plan-1', step: 'volume.create:data', ok: true, message: "Undid: Create volume 'data'" });
    r.stop();
    expect(out.text).toBe(`✗ Ensure image nonexistent:latest is present: ${err}\n- Skipped: Create container 'broken' from nonexistent:latest\n↺ Rolling back what this plan did so far\n↺ Undid: Create volume 'data'\n`);
    // a rollback for another reason (a health check after the steps) still says why
    const other = sink();
    const r2 = new ProgressRenderer(other, false);
    r2.onEvent({ type: 'rollback.started', planId: 'plan-1', reason: 'nginx did not become healthy' });
    r2.stop();
    expect(other.text).toBe('↺ Rolling back: nginx did not become healthy\n');
  });

  it('on a terminal: a spinner line for running steps, cleared before each printed line', () => {
    const out = sink();
    const r = new ProgressRenderer(out, true);
    r.onEvent(step('started', 'Start postgres'));
    expect(out.text).toMatch(/\r\x1b\[K⠋ Start postgres$/);
    r.onEvent(step('done', 'Started postgres (healthy)'));
    r.stop();
    expect(out.text).toContain('\r\x1b[K✓ Started postgres (healthy)\n');
  });
});

describe('result lines', () => {
  it('says what is reachable where', () => {
    expect(
      reachableLines(
        [
          { service: 'nginx', container: 'nginx', port: 80, protocol: 'tcp', hostIp: null },
          { service: 'postgres', container: 'pg', port: 5432, protocol: 'tcp', hostIp: '127.0.0.1' },
          { service: 'app', container: 'app', port: 8080, protocol: 'tcp', hostIp: null },
        ],
        '192.168.1.100',
      ),
    ).toEqual(['nginx: http://192.168.1.100', 'postgres: 127.0.0.1:5432', 'app: http://192.168.1.100:8080']);
  });

  it('a failed apply names the step, the hint, and whether it was rolled back', () => {
    const r = { planId: 'plan-1', status: 'rolled-back', durationMs: 10, confirmation: 'not-needed', steps: [], error: { name: 'ImageMissingError', message: 'image x missing', hint: 'build it', step: 'image/x' }, rollback: { ok: true, undone: ['a', 'b'], problems: [] }, stateCommit: null, reachable: [], touched: [], warnings: [] } satisfies ApplyResult;
    expect(renderResult(r)).toEqual(['', '✗ Apply failed at step image/x: image x missing', '  hint: build it', 'Rolled back: the system is as it was before this plan (verified; 2 step(s) undone).']);
  });
});
