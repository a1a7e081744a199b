/**
 * Cron evaluation (cron-parser): the next run strictly after a time, whether a schedule
 * fired in a window (once, however often it fired), time zones, and the message for an
 * expression that cannot be read.
 */
import { describe, expect, it } from 'vitest';
import { CronError, firedBetween, nextRun } from './cron.js';

const t = (s: string) => new Date(s);

describe('cron', () => {
  it('next run: strictly after the given time; @daily and day-of-week', () => {
    expect(nextRun('b', '0 2 * * *', t('2026-11-22T00:00:00Z'), { tz: 'UTC' }).toISOString()).toBe('2026-11-22T02:00:00.000Z');
    expect(nextRun('b', '0 2 * * *', t('2026-11-22T02:00:00Z'), { tz: 'UTC' }).toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect(nextRun('b', '@daily', t('2026-11-22T10:00:00Z'), { tz: 'UTC' }).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    // 2026-11-22 is a Sunday: "3 AM Sundays" is a week later
    expect(nextRun('b', '0 3 * * 0', t('2026-11-22T04:00:00Z'), { tz: 'UTC' }).toISOString()).toBe('2026-11-29T03:00:00.000Z');
  });

  it('evaluates in the given time zone', () => {
    // 02:00 in Paris (UTC+1 in November) is 01:00 UTC
    expect(nextRun('b', '0 2 * * *', t('2026-11-22T00:00:00Z'), { tz: 'Europe/Paris' }).toISOString()).toBe('2026-11-22T01:00:00.000Z');
  });

  it('fired in (from, to]: the last firing time, once; null when it did not fire', () => {
    expect(firedBetween('b', '0 2 * * *', t('2026-11-22T01:59:50Z'), t('2026-11-22T02:00:00Z'), { tz: 'UTC' })?.toISOString()).toBe('2026-11-22T02:00:00.000Z');
    expect(firedBetween('b', '0 2 * * *', t('2026-11-22T02:00:00Z'), t('2026-11-22T02:00:30Z'), { tz: 'UTC' })).toBeNull();
    expect(firedBetween('b', '*/5 * * * *', t('2026-11-22T00:00:30Z'), t('2026-11-22T00:17:00Z'), { tz: 'UTC' })?.toISOString()).toBe('2026-11-22T00:15:00.000Z');
    expect(firedBetween('b', '0 2 * * *', t('2026-11-22T02:00:00.001Z'), t('2026-11-23T01:59:59Z'), { tz: 'UTC' })).toBeNull();
  });

  it('an expression that cannot be read: CronError naming the job, the expression and the fix', () => {
    const e = (() => {
      try {
        nextRun('backup', '61 * * * *', t('2026-11-22T00:00:00Z'));
      } catch (x) {
        return x as CronError;
      }
      throw new Error('expected a CronError');
    })();
    expect(e).toBeInstanceOf(CronError);
    expect(e.message).toMatch(/^job backup: schedule '61 \* \* \* \*' is not a valid cron expression \(.*0-59.*\); write five fields/);
    expect(() => firedBetween('x', 'every day', t('2026-11-22T00:00:00Z'), t('2026-11-23T00:00:00Z'))).toThrow(CronError);
  });
});
