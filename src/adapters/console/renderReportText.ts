import type { Report } from '../../core/model/report.js';

export interface TextStyle {
  color: boolean;
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;
type Paint = (c: keyof typeof codes, s: string) => string;
const painter =
  (style: TextStyle): Paint =>
  (c, s) =>
    style.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s;

const statusMark: Record<Report['status'], string> = {
  healthy: 'OK',
  degraded: 'DEGRADED',
  down: 'DOWN',
  unknown: 'UNKNOWN',
};

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A report as terminal text: headline, ranked causes with evidence, actions, per-check table. Pure. */
export function renderReportText(report: Report, style: TextStyle = { color: false }): string {
  const p = painter(style);
  const color = report.status === 'healthy' ? 'green' : report.status === 'down' ? 'red' : 'yellow';
  const out: string[] = [];
  out.push(`${p(color, p('bold', `[${statusMark[report.status]}]`))} ${p('bold', report.headline)}`);
  out.push(
    p(
      'dim',
      `  playbook ${report.playbook} · hosts ${report.hosts.join(', ')} · ${seconds(report.durationMs)} · report ${report.id}`,
    ),
  );
  const probe = report.findings.find((f) => f.kind === 'site-probe');
  if (probe?.evidence[0]) out.push(`  probe: ${probe.evidence[0]}`);
  out.push('');
  out.push(p('bold', 'Probable causes'));
  report.causes.slice(0, 5).forEach((c, i) => {
    out.push(`  ${i + 1}. ${p(color, c.id)}  ${Math.round(c.confidence * 100)}%  ${c.title}`);
    for (const line of c.evidence.slice(0, 6)) out.push(p('dim', `       ${line}`));
  });
  if (report.actions.length > 0) {
    out.push('');
    out.push(
      p('bold', `Suggested actions (approve in Slack, or: medic remediate ${report.site} <id> [--dry-run])`),
    );
    for (const a of report.actions) {
      out.push(`  - [${a.risk}] ${a.title}  ${p('dim', `(${a.id})`)}`);
      for (const line of a.preview) out.push(p('cyan', `      $ ${line}`));
    }
  }
  out.push('');
  out.push(p('bold', 'Checks'));
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
    const err = c.error ? p('dim', `  ${c.error.message}`) : '';
    out.push(
      `  ${c.host.padEnd(w)}  ${c.check.padEnd(cw)}  ${st}  ${seconds(c.durationMs).padStart(6)}${err}`,
    );
  }
  return `${out.join('\n')}\n`;
}
