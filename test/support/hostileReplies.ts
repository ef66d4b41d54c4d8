/**
 * Every kind of Reply, built with hostile text in every string a person, the inventory or a
 * remote host could have supplied. The table is typed by the Reply union: a new kind without a
 * builder here does not compile, so the renderers' hostile-text tests cover it from day one.
 */
import type { ProposedAction } from '../../src/core/model/action.js';
import type { Reply } from '../../src/core/model/reply.js';
import type { Report } from '../../src/core/model/report.js';
import type { ReportSummary } from '../../src/core/model/reportSummary.js';
import { php81Report, unknownReport } from './sampleReports.js';

/** Slack markup that must never come out live: pings, links, formatting that escapes a span. */
export const markup =
  '<!channel> <!here> <!subteam^S123|@oncall> <@U1> <#C1|general> <http://x|y> <mailto:a@b|m> *bold* _it_ `tick` ```fence``` &amp; &lt;';
/** Terminal control: a window title, colours, clear screen, NUL, a C1 CSI, CR, a bidi override. */
export const controls = '\u001b]0;pwned\u0007\u001b[31m\u001b[2J\u0000\u009b31m\r\u202e\u001bP+q\u001b\\';
/** About a megabyte of both. */
export const huge = `${markup} ${controls} `.repeat(
  Math.ceil(1_048_576 / (markup.length + controls.length + 2)),
);

/** The hostile strings each kind is rendered with. */
export const hostileStrings = (): string[] => [
  '<!channel>',
  '<!here>',
  '<!subteam^S123>',
  '<@U1>',
  '<http://x|y>',
  '*bold*',
  '`x` ```y```',
  markup,
  controls,
  huge,
];

/** Keys whose values are enums the core sets, not text from anywhere: left as they are. */
const enumKeys = new Set([
  'type',
  'status',
  'state',
  'kind',
  'risk',
  'reason',
  'severity',
  'trigger',
  'event',
  'op',
  'source',
]);

/** Every string of `value` with the hostile text appended, except enum fields (keys stay: they are field names). */
export function taint<T>(value: T, h: string): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key && enumKeys.has(key) ? v : `${v}${h}`;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}

const action = (h: string): ProposedAction => taint(php81Report().actions[0] as ProposedAction, h);
const summary = (h: string): ReportSummary =>
  taint(
    {
      id: 'r1',
      site: 'shop',
      playbook: '502-triage',
      status: 'down' as const,
      headline: 'shop is down',
      topCause: 'upstream-down',
      startedAt: '2026-11-22T02:53:33.000Z',
      durationMs: 200,
      trigger: 'slack' as const,
      requestedBy: 'U42',
    },
    h,
  );
/** A report of each shape, tainted through and through. */
const reports = (h: string): Report[] => [taint(php81Report(), h), taint(unknownReport(), h)];

type Builders = { [K in Reply['type']]: (h: string) => Array<Extract<Reply, { type: K }>> };

export const hostileReplies: Builders = {
  help: (h) => [{ type: 'help', sites: [h, 'shop'], playbooks: [h] }],
  sites: (h) => [{ type: 'sites', sites: [{ name: h, url: `http://${h}/`, hosts: [h] }] }],
  playbooks: (h) => [{ type: 'playbooks', playbooks: [{ id: h, title: h, description: h }] }],
  picker: (h) => [{ type: 'picker', query: h, sites: [h, 'shop'] }],
  'unknown-site': (h) => [
    { type: 'unknown-site', query: h, suggestions: [h], known: [h] },
    { type: 'unknown-site', query: h, suggestions: [], known: [h, 'shop'] },
  ],
  'not-understood': (h) => [{ type: 'not-understood', text: h }],
  started: (h) => [
    { type: 'started', site: h, playbook: h, joined: false },
    { type: 'started', site: h, playbook: h, joined: true },
  ],
  progress: (h) => [
    {
      type: 'progress',
      site: h,
      event: { type: 'run-started', site: h, playbook: h, hosts: [h], total: 3, perHost: { [h]: 2 } },
    },
    { type: 'progress', site: h, event: { type: 'checks-added', total: 3, perHost: { [h]: 1 } } },
    {
      type: 'progress',
      site: h,
      event: {
        type: 'check-finished',
        run: { check: h, host: h, status: 'error', durationMs: 1, error: { code: h, message: h } },
        done: 1,
        total: 3,
      },
    },
    { type: 'progress', site: h, event: { type: 'host-failed', host: h, code: h, message: h } },
  ],
  report: (h) =>
    reports(h).map((report) => ({
      type: 'report' as const,
      report,
      approvals: Object.fromEntries(report.actions.map((a) => [a.id, { id: h, steps: [h] }])),
    })),
  history: (h) => [
    { type: 'history', site: h, entries: [summary(h)] },
    { type: 'history', site: h, entries: [] },
  ],
  status: (h) => [{ type: 'status', running: [h], latest: [summary(h)], sites: [`shop${h}`, h] }],
  error: (h) => [{ type: 'error', code: h, message: `no site matches "${h}"` }],
  'remediation-refused': (h) => [{ type: 'remediation-refused', code: h, message: h }],
  'remediation-rejected': (h) => [{ type: 'remediation-rejected', site: h, action: action(h), by: h }],
  'remediation-started': (h) => [
    { type: 'remediation-started', site: h, action: action(h), by: h, auto: false, steps: [h] },
    { type: 'remediation-started', site: h, action: action(h), by: h, auto: true, steps: [h] },
  ],
  'remediation-done': (h) => [
    {
      type: 'remediation-done',
      site: h,
      action: action(h),
      execution: {
        ok: false,
        steps: [{ display: h, code: 1, durationMs: 3, output: `${h}\n${h}` }],
        durationMs: 3,
        error: { code: h, message: h },
      },
    },
    {
      type: 'remediation-done',
      site: h,
      action: action(h),
      execution: { ok: true, steps: [{ display: h, code: 0, durationMs: 3, output: h }], durationMs: 3 },
    },
  ],
  'remediation-verified': (h) => [
    { type: 'remediation-verified', site: h, action: action(h), recovered: true, seconds: 4, headline: h },
    { type: 'remediation-verified', site: h, action: action(h), recovered: false, seconds: 40, headline: h },
  ],
  'dry-run': (h) => [
    { type: 'dry-run', site: h, action: action(h), steps: [h] },
    { type: 'dry-run', site: h, action: action(h), steps: [], error: { code: h, message: h } },
  ],
  'heal-paused': (h) => [
    { type: 'heal-paused', site: h, action: action(h), opened: true, reason: h },
    { type: 'heal-paused', site: h, action: action(h), opened: false, reason: h },
  ],
  audit: (h) => [
    {
      type: 'audit',
      site: h,
      entries: [
        {
          seq: 1,
          at: `2026-11-22T02:53:33.000Z${h}`,
          site: h,
          pendingId: h,
          event: 'approved',
          actor: h,
          detail: { action: h, code: h, ok: false, [h]: h },
        },
      ],
    },
    { type: 'audit', site: h, entries: [] },
  ],
  'schedule-incident-opened': (h) => [
    { type: 'schedule-incident-opened', scheduleId: h, site: h, status: 'down', headline: h },
  ],
  'schedule-reminder': (h) => [
    { type: 'schedule-reminder', scheduleId: h, site: h, timezone: h, since: h, headline: h },
  ],
  'schedule-recovered': (h) => [
    { type: 'schedule-recovered', scheduleId: h, site: h, timezone: h, since: h, seconds: 61 },
  ],
  'schedule-slow-run': (h) => [{ type: 'schedule-slow-run', scheduleId: h, site: h, runningForMs: 70_000 }],
  'schedule-missed': (h) => [
    { type: 'schedule-missed', scheduleId: h, site: h, timezone: h, count: 3, from: h, to: h, capped: true },
  ],
  'schedule-failed': (h) => [{ type: 'schedule-failed', scheduleId: h, site: h, code: h, message: h }],
  schedules: (h) => {
    const schedules = [
      {
        id: h,
        cron: h,
        timezone: h,
        site: h,
        playbook: h,
        channel: h,
        paused: false,
        source: 'chat' as const,
        nextRunAt: h,
        status: h,
      },
    ];
    return [
      {
        type: 'schedules',
        schedules,
        change: {
          op: 'added',
          id: h,
          playbook: h,
          site: h,
          cron: h,
          timezone: h,
          remindEveryMinutes: 30,
          postsIn: h,
          standby: true,
        },
      },
      { type: 'schedules', schedules, change: { op: 'paused', id: h, standby: false } },
      { type: 'schedules', schedules: [], change: { op: 'ran', id: h, started: true } },
    ];
  },
};

/** Every sample of every kind, for hostile text `h`. */
export function everyReply(h: string): Array<{ kind: Reply['type']; reply: Reply }> {
  return (Object.keys(hostileReplies) as Reply['type'][]).flatMap((kind) =>
    (hostileReplies[kind] as (h: string) => Reply[])(h).map((reply) => ({ kind, reply })),
  );
}
