/**
 * Rendering of apply progress and results (the runtime only emits events and returns a
 * result). In a terminal, the running steps show behind a spinner on one status line, and
 * each finished step prints as a line; elsewhere, one plain line per finished step.
 *
 *   ✓ Created network 'webstack'
 *   ✓ Started postgres (healthy)
 *   ✗ Ensure image nonexistent:latest: image 'nonexistent:latest' is not present locally …
 *   ↺ Undid: Replace nginx
 */
import type { Writable } from 'node:stream';
import type { ApplyEvent } from '../runtime/apply.js';

// The result lines are plain text the API shows too: they live in agent/render/apply.ts.
export { hostAddress, reachableLines, renderRecover, renderResult } from '../agent/render/apply.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class ProgressRenderer {
  private running = new Map<string, string>();
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private statusShown = false;
  private readonly replaced = new Set<string>();
  /** Failed steps (id → error), already printed with their error. */
  private readonly failed = new Map<string, string>();

  constructor(
    private readonly out: Writable,
    private readonly tty: boolean,
    /** Also print the quiet lines (container created, image present). */
    private readonly verbose = false,
  ) {}

  onEvent = (e: ApplyEvent): void => {
    switch (e.type) {
      case 'lock.waiting':
        this.line(`… waiting for another apply to finish (${e.holder})`);
        break;
      case 'recover':
        this.line(`↺ Settling an interrupted apply first (${e.planId}: ${e.action})`);
        break;
      case 'reconcile.step':
        if (e.status === 'started') {
          this.running.set(e.step, e.message);
          this.draw();
        } else {
          this.running.delete(e.step);
          // As in the spec's examples, only what the user asked about shows: a container's
          // creation is part of "Started …", and an image already present changed nothing.
          // A replaced container is started (and waited for) by its replace step: the start
          // step that follows only confirms it, so "Replaced nginx" is not followed by "Started nginx".
          if (e.op === 'container.replace' && e.status === 'done') this.replaced.add(e.target);
          const quiet = e.op === 'container.create' || (e.op === 'image.ensure' && / present$/.test(e.message)) || (e.op === 'container.start' && this.replaced.has(e.target));
          if (e.status === 'done') {
            if (!quiet || this.verbose) this.line(`✓ ${e.message}`);
            else this.draw();
          }
          else if (e.status === 'failed') {
            this.failed.set(e.step, e.error ?? 'failed');
            this.line(`✗ ${e.message}: ${e.error ?? 'failed'}`);
          }
          else this.line(`- Skipped: ${e.message}`);
        }
        break;
      case 'rollback.started':
        // The failed step's error is on the line above: not said a second time.
        this.line([...this.failed.values()].some((err) => e.reason.includes(err)) ? '↺ Rolling back what this plan did so far' : `↺ Rolling back: ${e.reason}`);
        break;
      case 'rollback.step':
        // An image that failed to arrive has nothing to undo: "Undid: Ensure image x" would read as if it had been there.
        if (e.ok && this.failed.has(e.step) && e.step.startsWith('image.ensure:')) break;
        this.line(`${e.ok ? '↺' : '✗'} ${e.message}`);
        break;
      default:
        break;
    }
  };

  /** Clears the status line and stops the spinner. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearStatus();
  }

  private line(s: string): void {
    this.clearStatus();
    this.out.write(s + '\n');
    this.draw();
  }

  private clearStatus(): void {
    if (this.tty && this.statusShown) {
      this.out.write('\r\x1b[K');
      this.statusShown = false;
    }
  }

  private draw(): void {
    if (!this.tty) return;
    if (this.running.size === 0) {
      this.clearStatus();
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.timer ??= setInterval(() => {
      this.frame = (this.frame + 1) % FRAMES.length;
      this.draw();
    }, 80);
    const names = [...this.running.values()];
    const text = `${FRAMES[this.frame]} ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` (+${names.length - 3})` : ''}`;
    this.out.write('\r\x1b[K' + text.slice(0, 120));
    this.statusShown = true;
  }
}
