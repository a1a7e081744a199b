/**
 * Cron expressions of scheduled jobs, evaluated with the `cron-parser` library: five fields
 * (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly,
 * as schemas/common.schema.json's `cron` format allows (a sixth, leading seconds field is
 * accepted too; the compiler never writes one). Times are evaluated in `tz` (an IANA zone)
 * when given, else in the system's local zone, as cron does. Pure: the clock is passed in.
 */
import { cronParser } from '../../common/cron.js';

/** A schedule that cannot be evaluated; names the job and what is wrong. */
export class CronError extends Error {
  override name = 'CronError';
  constructor(
    readonly job: string,
    readonly schedule: string,
    why: string,
  ) {
    super(`job ${job}: schedule '${schedule}' is not a valid cron expression (${why}); write five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *", or @daily`);
  }
}

export interface CronOptions {
  /** IANA time zone (e.g. Europe/Paris); default: the system's local zone. */
  tz?: string;
}

/** The first time the schedule fires strictly after `after`. Throws CronError. */
export function nextRun(job: string, schedule: string, after: Date, o: CronOptions = {}): Date {
  try {
    return cronParser()
      .parse(schedule, { currentDate: after, ...(o.tz ? { tz: o.tz } : {}) })
      .next()
      .toDate();
  } catch (e) {
    throw new CronError(job, schedule, (e as Error).message);
  }
}

/**
 * The time the schedule fired in the window (from, to], or null when it did not. When it
 * fired more than once in the window (the daemon was busy or asleep), the last time counts:
 * a job runs once for a window, as cron catches up nothing either.
 */
export function firedBetween(job: string, schedule: string, from: Date, to: Date, o: CronOptions = {}): Date | null {
  let last: Date;
  try {
    last = cronParser()
      .parse(schedule, { currentDate: new Date(to.getTime() + 1), ...(o.tz ? { tz: o.tz } : {}) })
      .prev()
      .toDate();
  } catch (e) {
    throw new CronError(job, schedule, (e as Error).message);
  }
  return last.getTime() > from.getTime() && last.getTime() <= to.getTime() ? last : null;
}
