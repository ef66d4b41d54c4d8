import type { Report } from '../../core/model/report.js';
import { storeProblemText } from '../../core/model/storeProblem.js';
import { basisText, reportParts, verdictText } from '../render/verdictText.js';
import {
  blindSection,
  causesSection,
  type Paint,
  painter,
  pathSection,
  type TextStyle,
} from './reportTextSections.js';
import { scrubStrings } from './safeText.js';

export type { TextStyle } from './reportTextSections.js';

const statusMark: Record<Report['status'], string> = {
  healthy: 'OK',
  degraded: 'DEGRADED',
  down: 'DOWN',
  unknown: 'UNKNOWN',
};
const statusColor: Record<Report['status'], 'green' | 'yellow' | 'red'> = {
  healthy: 'green',
  degraded: 'yellow',
  down: 'red',
  unknown: 'yellow',
};

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function checksSection(report: Report, p: Paint): string[] {
  const out = ['', p('bold', 'Checks')];
  const w = Math.max(4, ...report.checks.map((c) => c.host.length));
  const cw = Math.max(5, ...report.checks.map((c) => c.check.length));
  out.push(p('dim', `  ${'host'.padEnd(w)}  ${'check'.padEnd(cw)}  ${'status'.padEnd(8)}  time`));
  for (const c of report.checks) {
    const st =
      c.status === 'ok'
        ? p('green', c.status.padEnd(8))
        : c.status === 'warn'
          ? p('yellow', c.status.padEnd(8))
          : p('red', c.status.padEnd(8));
    const err = c.error ? p('dim', `  ${c.error.message}`) : c.note ? p('dim', `  ${c.note}`) : '';
    out.push(
      `  ${c.host.padEnd(w)}  ${c.check.padEnd(cw)}  ${st}  ${seconds(c.durationMs).padStart(6)}${err}`,
    );
  }
  return out;
}

function actionsSection(report: Report, p: Paint): string[] {
  if (report.actions.length === 0) return [];
  const out = [
    '',
    p('bold', `Suggested actions (approve in Slack, or: medic remediate ${report.site} <id> [--dry-run])`),
  ];
  for (const a of report.actions) {
    out.push(`  - [${a.risk}${a.manual ? ', by hand' : ''}] ${a.title}  ${p('dim', `(${a.id})`)}`);
    for (const line of a.preview) out.push(p('cyan', `      $ ${line}`));
  }
  return out;
}

/**
 * A report as terminal text: the status and headline, what it rests on, the request's path hop by
 * hop, the ranked causes with evidence (or why there is none), what Medic could not see, the
 * actions and the per-check table. Every string is cleaned of control characters first. Pure.
 */
export function renderReportText(input: Report, style: TextStyle = { color: false }): string {
  const report = scrubStrings(input);
  const parts = reportParts(report);
  const p = painter(style);
  const color = statusColor[report.status];
  const out: string[] = [];
  out.push(`${p(color, p('bold', `[${statusMark[report.status]}]`))} ${p('bold', report.headline)}`);
  out.push(
    p(
      'dim',
      `  playbook ${report.playbook} · hosts ${report.hosts.join(', ')} · ${seconds(report.durationMs)} · report ${report.id}`,
    ),
  );
  if (report.notSaved) out.push(p('yellow', `  not saved: ${storeProblemText(report.notSaved)}`));
  const probe = report.findings.find((f) => f.kind === 'site-probe');
  if (probe?.evidence[0]) out.push(`  probe: ${probe.evidence[0]}`);
  // Down and degraded state their basis here; healthy and unknown do in their verdict.
  if (parts.basis && (report.status === 'down' || report.status === 'degraded')) {
    out.push(`  based on: ${basisText(parts.basis, report.status)}`);
  }
  out.push(...pathSection(parts, p));
  const verdict = verdictText(report, parts);
  if (verdict) out.push('', p('bold', 'Verdict'), `  ${p(color, verdict)}`);
  out.push(...causesSection(report, parts, p, color));
  out.push(...blindSection(parts, p));
  out.push(...actionsSection(report, p));
  out.push(...checksSection(report, p));
  return `${out.join('\n')}\n`;
}
