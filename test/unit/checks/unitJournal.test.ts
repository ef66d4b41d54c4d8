import { describe, expect, it } from 'vitest';
import { phpFpm } from '../../../src/core/checks/phpFpm.js';
import { unitJournal } from '../../../src/core/checks/unitJournal.js';
import { execResult, findingsOf, fixture, runCheck } from '../../support/checkKit.js';

// Verbatim `journalctl -u … -o short-iso` of real units on a fleet host (see parseBackendLog's
// tests for how each was produced) and php-fpm 8.2's own log with crashed and timed-out children.
const journal = (file: string, unit = 'shop') =>
  runCheck(unitJournal, { journal: execResult(fixture('backend-logs', file)) }, { unit });

describe('unit-journal', () => {
  it("reads the unit's journal, privileged, for the window", () => {
    expect(unitJournal.steps(unitJournal.params.parse({ unit: 'shop' }), {} as never)).toEqual([
      {
        id: 'journal',
        command: {
          argv: [
            'journalctl',
            '-u',
            'shop',
            '--no-pager',
            '-o',
            'short-iso',
            '--since',
            '-15min',
            '-n',
            '300',
          ],
        },
        privileged: true,
      },
    ]);
  });

  it("turns gunicorn's worker timeouts into one grouped event about the unit", () => {
    const events = findingsOf(journal('gunicorn23.txt'), 'backend-event');
    const timeout = events.find((e) => e.data.event === 'worker-timeout');
    expect(timeout?.data).toMatchObject({ source: 'journal', subject: 'shop' });
    expect(timeout?.severity).toBe('critical');
    expect(timeout?.evidence[0]).toMatch(/\[CRITICAL\] WORKER TIMEOUT \(pid:\d+\)/);
  });

  it('says a Node crash loop the way systemd and node said it', () => {
    const kinds = findingsOf(journal('node-crashloop.txt', 'api'), 'backend-event').map((e) => e.data.event);
    expect(kinds).toEqual(expect.arrayContaining(['exception', 'main-exited', 'restart-scheduled']));
  });

  it('is quiet, not blind, when the journal has nothing to say', () => {
    expect(journal('no-entries.txt').map((f) => [f.kind, f.severity])).toEqual([['journal-quiet', 'ok']]);
  });

  it('is a blind spot when the journal may not be read', () => {
    const f = runCheck(
      unitJournal,
      {
        journal: execResult('-- No entries --\n', {
          stderr: 'Hint: You are currently not seeing messages from other users and the system.\n',
        }),
      },
      { unit: 'shop' },
    );
    expect(f.map((x) => x.kind)).toEqual(['journal-unreadable']);
  });
});

describe('php-fpm log events', () => {
  it("reports crashed children (not FPM's own SIGTERMs) as events about the unit", () => {
    const [date, ...lines] = fixture('php-fpm', 'events-crashes.txt').split('\n');
    const f = runCheck(
      phpFpm,
      {
        unit: execResult(fixture('php-fpm', 'show-active.txt')),
        pools: execResult(fixture('php-fpm', 'listen-default.txt')),
        now: execResult(`${date}\n`),
        log: execResult(lines.join('\n')),
      },
      { unit: 'php8.2-fpm', log: '/var/log/php8.2-fpm.log', minutes: 600 },
    );
    const events = findingsOf(f, 'backend-event');
    expect(events.every((e) => e.data.subject === 'php8.2-fpm' && e.data.source === 'php-fpm')).toBe(true);
    expect(events.some((e) => e.data.event === 'child-signal' && /SIGSEGV/.test(e.data.detail ?? ''))).toBe(
      true,
    );
    expect(events.some((e) => /SIGTERM/.test(e.data.detail ?? ''))).toBe(false);
  });
});
