import { describe, expect, it } from 'vitest';
import { type ClickPlace, checkClickPlace } from '../../../src/core/remediation/buttonPlace.js';
import { actor, setupDownUntilRestart } from '../../support/remediatorFixture.js';

const place = (o: Partial<ClickPlace> = {}): ClickPlace => ({
  team: 'T1',
  installedTeam: 'T1',
  channel: 'C1',
  messageTs: '5.1',
  threadTs: '1.1',
  ...o,
});
const proposedIn = { channel: 'C1', threadTs: '1.1' };
const posted = [
  { channel: 'C1', ts: '5.1', threadTs: '1.1' },
  { channel: 'C3', ts: '7.1', threadTs: '6.1' },
];
const code = (p: ClickPlace, where = posted) => checkClickPlace(proposedIn, where, p)?.code;

describe('checkClickPlace (pure)', () => {
  it('a click on a message that carries the buttons, in the installing workspace, counts', () => {
    expect(code(place())).toBeUndefined();
    expect(code(place({ channel: 'C3', messageTs: '7.1', threadTs: '6.1' }))).toBeUndefined();
  });

  it('another workspace, or none known: wrong-team, before anything else', () => {
    expect(code(place({ team: 'T2' }))).toBe('wrong-team');
    expect(code(place({ team: undefined }))).toBe('wrong-team');
    expect(code(place({ installedTeam: undefined }))).toBe('wrong-team');
    expect(code(place({ team: 'T2', channel: 'C9' }))).toBe('wrong-team');
  });

  it('a channel that got none of its buttons: wrong-channel', () => {
    expect(code(place({ channel: 'C2' }))).toBe('wrong-channel');
    expect(code(place({ channel: undefined }))).toBe('wrong-channel');
  });

  it('another message, even in the right thread or of another channel that has them: wrong-message', () => {
    expect(code(place({ messageTs: '5.2' }))).toBe('wrong-message');
    expect(code(place({ messageTs: undefined }))).toBe('wrong-message');
    expect(code(place({ channel: 'C3', messageTs: '5.1' }))).toBe('wrong-message');
  });

  it('with no message recorded: the channel and thread it was proposed in', () => {
    expect(code(place({ messageTs: '8.8' }), [])).toBeUndefined();
    expect(code(place({ messageTs: '1.1', threadTs: undefined }), [])).toBeUndefined();
    expect(code(place({ threadTs: '2.2', messageTs: '2.3' }), [])).toBe('wrong-message');
    expect(code(place({ channel: 'C2' }), [])).toBe('wrong-channel');
    expect(checkClickPlace({}, [], place())?.code).toBe('wrong-channel');
  });
});

describe('Remediator: a misplaced click changes nothing', () => {
  it('approve, reject and dry run from another channel are refused, audited, and run nothing', async () => {
    const t = setupDownUntilRestart();
    const { pending } = await t.diagnosed();
    await t.remediator.bindMessage([pending], { channel: 'C1', ts: '5.1', threadTs: '1.1' });
    const away = { ...actor('U9'), click: place({ channel: 'C2' }) };
    await t.remediator.approve(pending, away, t.sink);
    await t.remediator.reject(pending, away, t.sink);
    await t.remediator.dryRunPending(pending, away, t.sink);
    expect(t.replies.map((r) => ('code' in r ? r.code : r.type))).toEqual([
      'wrong-channel',
      'wrong-channel',
      'wrong-channel',
    ]);
    expect(t.store.log.filter((e) => e.event === 'refused').map((e) => e.detail)).toEqual(
      Array(3).fill({
        code: 'wrong-channel',
        action: 'restart-unit:web1:php8.2-fpm.service',
        clicked: { team: 'T1', channel: 'C2', ts: '5.1' },
      }),
    );
    expect((await t.store.getPending(pending))?.state).toBe('pending');
    expect(t.transports.ran).toEqual([]);
    await t.remediator.approve(pending, { ...actor('U9'), click: place() }, t.sink);
    expect(t.transports.ran.map((r) => r.line)).toContain('systemctl restart -- php8.2-fpm.service');
  });

  it('an unknown id is refused as unknown-action before the place is looked at', async () => {
    const t = setupDownUntilRestart();
    await t.remediator.approve('nope', { ...actor('U9'), click: place({ team: 'T2' }) }, t.sink);
    expect(t.store.log.map((e) => e.detail.code)).toEqual(['unknown-action']);
  });
});
