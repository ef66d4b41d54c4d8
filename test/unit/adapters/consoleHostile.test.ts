/**
 * Every Reply kind through the console renderers with hostile text in every string: no control
 * character reaches the terminal (a title-setting OSC, NUL, C1 controls, CR), output stays
 * bounded for 1 MB input, and what someone typed is echoed at most 200 characters long.
 */
import { describe, expect, it } from 'vitest';
import { renderReplyText } from '../../../src/adapters/console/renderReplyText.js';
import { renderScheduleText } from '../../../src/adapters/console/renderScheduleText.js';
import type { Reply } from '../../../src/core/model/reply.js';
import type { ScheduleNotice } from '../../../src/core/model/scheduleNotice.js';
import { controls, everyReply, hostileStrings, huge, markup } from '../../support/hostileReplies.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The colours Medic itself paints with. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes are control sequences
const sgr = /\u001b\[\d+m/g;

/** What the console prints for a reply: the chat's renderer, and the scheduler's incident header. */
function printed(reply: Reply, color: boolean): string[] {
  const out = [renderReplyText(reply, { color }) ?? ''];
  if (reply.type.startsWith('schedule')) out.push(renderScheduleText(reply as ScheduleNotice));
  return out;
}

describe('hostile text through every console reply', () => {
  for (const [i, h] of hostileStrings().entries()) {
    const label =
      h.length > 1000 ? `${Math.round(h.length / 1024)} KB of markup and controls` : JSON.stringify(h);
    it(`no control character, bounded output, text #${i}: ${label}`, () => {
      for (const { kind, reply } of everyReply(h)) {
        for (const text of printed(reply, false)) {
          expect.soft(text, kind).not.toMatch(control);
          expect.soft(text.length, kind).toBeLessThan(kind === 'report' ? 150_000 : 40_000);
        }
        for (const text of printed(reply, true))
          expect.soft(text.replace(sgr, ''), kind).not.toMatch(control);
      }
    }, 60_000);
  }

  it('echoes of 1 MB input are clipped to 200 characters, with an ellipsis', () => {
    const typed = `${controls}${'y'.repeat(1_048_576)}`;
    const replies: Reply[] = [
      { type: 'picker', query: typed, sites: ['api', 'shop'] },
      { type: 'unknown-site', query: typed, suggestions: ['shop'], known: ['shop'] },
      { type: 'unknown-site', query: typed, suggestions: [], known: ['shop'] },
      { type: 'not-understood', text: typed },
      { type: 'error', code: 'site.unknown', message: `no site matches "${typed}"` },
    ];
    for (const reply of replies) {
      const text = renderReplyText(reply) ?? '';
      // The error's message is clipped as a whole, so its quote may lose the closing mark.
      const quoted = text.match(/"( ?y+…)/)?.[1] ?? '';
      expect(quoted, reply.type).not.toBe('');
      expect(quoted.length, reply.type).toBeLessThanOrEqual(reply.type === 'error' ? 300 : 200);
      expect(text.length, reply.type).toBeLessThan(400);
      expect(text, reply.type).not.toMatch(control);
    }
  });

  it('golden: what every kind prints with markup and terminal controls in every string', async () => {
    const h = `${markup} ${controls}`;
    const out = everyReply(h).map(
      ({ kind, reply }) => `=== ${kind}\n${printed(reply, false).join('\n--- header\n')}`,
    );
    await expect(`${out.join('\n')}\n`).toMatchFileSnapshot('../../golden/console-replies-hostile.txt');
    expect(huge.length).toBeGreaterThan(1_000_000);
  });
});
