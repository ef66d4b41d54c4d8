import type { UnitState } from '../model/facts/unit.js';
import type { Finding } from '../model/finding.js';
import type { ExecResult } from '../ports.js';
import { type Find, sanitizeLine } from './check.js';
import { stepFailure, unparseable } from './stepFailure.js';

export type { UnitState };

export const systemdProperties = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'Result',
  'NRestarts',
  'ExecMainCode',
  'ExecMainStatus',
  'ExecMainPID',
  'ActiveEnterTimestamp',
  'InactiveEnterTimestamp',
  'StateChangeTimestamp',
  'Type',
  'ExecStart',
] as const;

const cldCodes: Record<string, string> = { '0': '', '1': 'exited', '2': 'killed', '3': 'dumped' };

/** Parse `systemctl show -p …` output (Key=Value lines). */
export function parseSystemctlShow(text: string, unit: string): UnitState {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const get = (k: string) => props.get(k) ?? '';
  return {
    unit: get('Id') || unit,
    loadState: get('LoadState'),
    activeState: get('ActiveState'),
    subState: get('SubState'),
    result: get('Result'),
    nRestarts: Number.parseInt(get('NRestarts') || '0', 10) || 0,
    execMainCode: cldCodes[get('ExecMainCode')] ?? get('ExecMainCode'),
    execMainStatus: Number.parseInt(get('ExecMainStatus') || '0', 10) || 0,
    stateChangeTimestamp: get('StateChangeTimestamp'),
    type: get('Type'),
    // `{ path=… ; argv[]=/usr/bin/node app.js --port 8081 ; … }`: the command line, redacted.
    execStart: sanitizeLine(/argv\[\]=(.*?) ; /.exec(get('ExecStart'))?.[1] ?? '').slice(0, 300),
  };
}

export function describeUnit(s: UnitState): string {
  const how =
    s.execMainCode === 'killed' || s.execMainCode === 'dumped'
      ? `main process killed by signal ${s.execMainStatus}`
      : s.execMainCode === 'exited' && s.execMainStatus !== 0
        ? `main process exited with status ${s.execMainStatus}`
        : '';
  return [
    `${s.unit} is ${s.activeState} (${s.subState})`,
    s.result !== 'success' && `result ${s.result}`,
    how,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The `unit-state` finding for `systemctl show` output: critical when the unit is missing or
 * not running, warn when it is activating or has restarted, ok otherwise. `data` is the
 * UnitState plus `running` (absent for a unit that is not installed).
 */
export function unitStateFinding(f: Find, showStdout: string, unit: string): Finding {
  const s = parseSystemctlShow(showStdout, unit);
  const evidence = [
    `${s.unit}: ActiveState=${s.activeState} SubState=${s.subState} Result=${s.result} NRestarts=${s.nRestarts} ExecMainStatus=${s.execMainStatus}${s.execMainCode ? ` (${s.execMainCode})` : ''}`,
  ];
  if (s.loadState === 'not-found') {
    return f('unit-state', 'critical', `unit ${unit} is not installed`, evidence, { ...s });
  }
  const running = s.activeState === 'active' && (s.subState === 'running' || s.subState === 'exited');
  const severity = running
    ? s.nRestarts > 0
      ? 'warn'
      : 'ok'
    : s.activeState === 'activating'
      ? 'warn'
      : 'critical';
  return f('unit-state', severity, describeUnit(s), evidence, { ...s, running });
}

/**
 * The finding for a `systemctl show` step: `unitStateFinding` only when systemctl answered
 * (exit 0 and an `ActiveState=` line). A failed step (tool missing, "Failed to connect to bus",
 * any other non-zero exit) or output without `ActiveState=` says nothing about the unit: it is
 * `tool-missing` (info) or `unparseable` (warn), never a critical `unit-state`.
 */
export function unitShowFinding(f: Find, out: ExecResult, unit: string): Finding {
  const label = `unit ${unit}`;
  const failed = stepFailure(f, out, 'systemctl', label);
  if (failed) return failed;
  if (out.code !== 0) return unparseable(f, 'systemctl', label, `${out.stderr}\n${out.stdout}`);
  if (!/^ActiveState=/m.test(out.stdout)) return unparseable(f, 'systemctl', label, out.stdout);
  return unitStateFinding(f, out.stdout, unit);
}
