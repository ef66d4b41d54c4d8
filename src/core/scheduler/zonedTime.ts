import { isTimeZone } from './schedule.js';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/**
 * `2026-03-29 03:00 Europe/Berlin`: an ISO instant as wall time in the schedule's zone, the zone
 * named (UTC when the zone is unknown to this runtime). Text that is not a time comes back as is.
 */
export function formatInZone(iso: string, timeZone: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const p = Object.fromEntries(
    format(zone)
      .formatToParts(new Date(t))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${zone}`;
}
