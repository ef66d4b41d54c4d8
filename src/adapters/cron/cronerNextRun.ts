import { Cron } from 'croner';
import { MedicError } from '../../core/errors.js';
import type { NextRun, ValidateCron } from '../../core/scheduler/cronSpec.js';
import { isTimeZone } from '../../core/scheduler/schedule.js';

function parse(cron: string, timezone: string): Cron {
  if (!isTimeZone(timezone)) {
    throw new MedicError(
      'schedule.cron',
      `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin)`,
    );
  }
  try {
    return new Cron(cron, { timezone, paused: true });
  } catch (err) {
    throw new MedicError(
      'schedule.cron',
      `invalid cron expression "${cron}" (5 fields "min hour day month weekday", or 6 with seconds first)`,
      { cause: err },
    );
  }
}

/** NextRun with croner: the next fire time strictly after `after`, or null when there is none. */
export const cronerNextRun: NextRun = (cron, timezone, after) => {
  const job = parse(cron, timezone);
  try {
    return job.nextRun(after);
  } catch (err) {
    throw new MedicError('schedule.cron', `cannot compute the next run of "${cron}" in ${timezone}`, {
      cause: err,
    });
  }
};

/** Throws `schedule.cron` for a bad expression or zone, or one that never fires (e.g. 30 February). */
export const cronerValidateCron: ValidateCron = (cron, timezone) => {
  if (parse(cron, timezone).nextRun(new Date()) === null) {
    throw new MedicError('schedule.cron', `the cron expression "${cron}" never fires`);
  }
};
