import { describe, expect, it } from 'vitest';
import { renderReportText } from '../../../src/adapters/console/renderReportText.js';
import { reportBlocks } from '../../../src/adapters/slack/reportBlocks.js';
import { StoreError } from '../../../src/core/model/storeProblem.js';
import { diagnoser, recordingLogger, ScriptedStore } from '../../support/diagnoserKit.js';

const full = () =>
  new StoreError({
    kind: 'disk-full',
    path: '/var/lib/medic/medic.db',
    detail: 'SQLITE_FULL: database or disk is full',
  });

describe('a report the store could not save', () => {
  it('says so in the report, and the log says it once per streak', async () => {
    const store = new ScriptedStore();
    const logger = recordingLogger();
    const d = diagnoser({ store, logger });
    store.failures = [
      full(),
      full(),
      new StoreError({ kind: 'read-only', path: '/x/medic.db', detail: 'EROFS' }),
    ];
    const a = await d.diagnose('shop', { playbook: 'mem' });
    const b = await d.diagnose('shop', { playbook: 'mem' });
    const c = await d.diagnose('shop', { playbook: 'mem' });
    const e = await d.diagnose('shop', { playbook: 'mem' });
    expect(a.notSaved).toEqual({
      kind: 'disk-full',
      path: '/var/lib/medic/medic.db',
      detail: 'SQLITE_FULL: database or disk is full',
    });
    expect(b.notSaved?.kind).toBe('disk-full');
    expect(c.notSaved?.kind).toBe('read-only');
    expect(e.notSaved).toBeUndefined();
    expect(store.reports.map((r) => r.id)).toEqual([e.id]);
    expect(logger.lines.filter((l) => !l.startsWith('debug') && /saved/.test(l))).toEqual([
      'error reports are not saved: disk full at /var/lib/medic/medic.db (said once until it changes)',
      'error reports are not saved: read-only file system at /x/medic.db (said once until it changes)',
      'info reports are saved again',
    ]);
  });

  it('any other failure of a store is "not saved" too, never silent', async () => {
    const store = new ScriptedStore();
    store.failures = [new Error('connection lost')];
    const r = await diagnoser({ store }).diagnose('shop', { playbook: 'mem' });
    expect(r.notSaved).toEqual({ kind: 'other', path: '', detail: 'connection lost' });
  });

  it('the terminal and Slack renderings say "not saved: disk full at <path>"', async () => {
    const store = new ScriptedStore();
    store.failures = [full()];
    const r = await diagnoser({ store }).diagnose('shop', { playbook: 'mem' });
    expect(renderReportText(r)).toMatch(/^ {2}not saved: disk full at \/var\/lib\/medic\/medic\.db$/m);
    const blocks = JSON.stringify(reportBlocks(r).blocks);
    expect(blocks).toContain(':warning: Not saved: disk full at /var/lib/medic/medic.db');
    const saved = await diagnoser({ store: new ScriptedStore() }).diagnose('shop', { playbook: 'mem' });
    expect(renderReportText(saved)).not.toMatch(/not saved/);
    expect(JSON.stringify(reportBlocks(saved).blocks)).not.toMatch(/Not saved/);
  });
});
