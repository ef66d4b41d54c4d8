import type { IncidentPoster } from '../../core/scheduler/scheduledDiagnoses.js';
import { renderReplyText } from './renderReplyText.js';
import { renderScheduleText } from './renderScheduleText.js';

/** Scheduled runs in the console: each incident gets a header, then its messages. */
export function consolePoster(out: NodeJS.WritableStream): IncidentPoster {
  let n = 0;
  const print = (text: string | null) => {
    if (text) out.write(`\n${text}\n`);
  };
  return {
    async open(channel, notice) {
      print(`=== ${renderScheduleText(notice)}`);
      return { channel, ts: String(++n) };
    },
    sink: () => (reply) => print(renderReplyText(reply)),
    async notice(_channel, reply) {
      print(renderReplyText(reply));
    },
  };
}
