import { z } from 'zod';
import { argv, script } from '../command.js';
import type { ServiceUnitRow } from '../model/facts/unit.js';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { stepFailure, unparseable } from './stepFailure.js';

export const serviceUnitsParams = z.object({}).strict();
export type ServiceUnitsParams = z.infer<typeof serviceUnitsParams>;

/**
 * Units that are part of the operating system, never the backend a gateway passes to: left out
 * of the suspects so that a oneshot that ran at boot is not taken for a service that died.
 */
const systemUnit =
  /^(systemd-|e2scrub|getty|serial-getty|console-|apt-|dpkg-|fstrim|man-db|logrotate|plymouth|emergency|rescue|initrd|modprobe@|kmod|user@|user-runtime-dir@|ifup|networking|ssh|sshd|cron|anacron|rsyslog|ufw|nftables|netfilter|iptables|apparmor|dbus|polkit|udisks|snapd|unattended|phpsessionclean|rc-local|keyboard-setup|console-setup|lvm2|mdadm|smartd|open-iscsi|cloud-)/;

/** Parse `systemctl list-units --type=service --all --no-legend --plain`. */
export function parseListUnits(text: string): Array<Omit<ServiceUnitRow, 'enabled'>> {
  const out: Array<Omit<ServiceUnitRow, 'enabled'>> = [];
  for (const line of text.split('\n')) {
    const m = /^\s*●?\s*(\S+\.service)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (!m?.[1] || !m[2] || !m[3] || !m[4]) continue;
    out.push({ unit: m[1], load: m[2], active: m[3], sub: m[4], description: (m[5] ?? '').trim() });
  }
  return out;
}

/** Parse `systemctl show -p Id,UnitFileState` of several units: the names of the enabled ones. */
export function parseEnabledUnits(text: string): Set<string> {
  const out = new Set<string>();
  let id = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('Id=')) id = line.slice(3).trim();
    else if (line.trim() === 'UnitFileState=enabled' && id) out.add(id);
    else if (line.trim() === '') id = '';
  }
  return out;
}

/**
 * Which of the services that do not run are enabled: `systemctl show` of just those (one
 * script, unprivileged; `list-unit-files` reads every unit file on disk and is ten times slower).
 */
const enabledScript =
  'u=$(systemctl list-units --type=service --all --no-legend --plain --no-pager | awk \'$3 != "active" {print $1}\'); ' +
  '[ -z "$u" ] || systemctl show -p Id,UnitFileState --no-pager -- $u';

/**
 * Suspects for a backend nobody listens for: services that failed, are (re)starting, or are
 * enabled but not running. Operating-system units are left out.
 */
export function suspectUnits(
  rows: Array<Omit<ServiceUnitRow, 'enabled'>>,
  enabled: Set<string>,
): ServiceUnitRow[] {
  return rows
    .filter((r) => r.load === 'loaded' && !systemUnit.test(r.unit))
    .map((r) => ({ ...r, enabled: enabled.has(r.unit) }))
    .filter(
      (r) =>
        r.active === 'failed' ||
        r.active === 'activating' ||
        r.active === 'deactivating' ||
        r.sub === 'auto-restart' ||
        (r.enabled && r.active === 'inactive'),
    );
}

export const serviceUnits: HostCheck<ServiceUnitsParams> = {
  scope: 'host',
  id: 'service-units',
  title: 'Services that should run and do not',
  params: serviceUnitsParams,
  steps: () => [
    {
      id: 'units',
      command: argv(
        'systemctl',
        'list-units',
        '--type=service',
        '--all',
        '--no-legend',
        '--plain',
        '--no-pager',
      ),
    },
    { id: 'enabled', command: script(enabledScript) },
  ],
  parse(outputs, _p, ctx): Finding[] {
    const f = finder('service-units', ctx.host);
    const units = stepOutput(outputs, 'units');
    const failed = stepFailure(f, units, 'systemctl', 'the services of this host');
    if (failed) return [failed];
    const rows = parseListUnits(units.stdout);
    if (rows.length === 0 && units.stdout.trim() !== '')
      return [unparseable(f, 'systemctl', 'the services of this host', units.stdout)];
    const enabledOut = stepOutput(outputs, 'enabled');
    const enabled = enabledOut.code === 0 ? parseEnabledUnits(enabledOut.stdout) : new Set<string>();
    const suspects = suspectUnits(rows, enabled);
    const lines = units.stdout
      .split('\n')
      .filter((l) => suspects.some((s) => l.trimStart().startsWith(s.unit)));
    return [
      f(
        'unit-list',
        suspects.some((s) => s.active === 'failed') ? 'warn' : 'ok',
        suspects.length
          ? `${suspects.length} service(s) not running: ${suspects.map((s) => `${s.unit} (${s.active})`).join(', ')}`
          : `all ${rows.filter((r) => r.active === 'active').length} active services run; none failed`,
        lines.map((l) => l.trim()).slice(0, 5),
        { suspects, services: rows.length },
      ),
    ];
  },
};
