/**
 * The next fire time strictly after `after` for a cron expression (5 fields, or 6 with
 * seconds) read in an IANA time zone; null when it never fires again. Throws a MedicError
 * `schedule.cron` for an invalid expression or time zone.
 */
export type NextRun = (cron: string, timezone: string, after: Date) => Date | null;

/** Throws a MedicError `schedule.cron` (chat-safe message) unless the expression and zone are usable. */
export type ValidateCron = (cron: string, timezone: string) => void;
