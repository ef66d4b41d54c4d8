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

/** How recent a systemd restart must be for a running unit to count as restarting. */
export const RESTART_WINDOW_SECONDS = 15 * 60;

/**
 * Units systemd restarted (NRestarts > 0) that (re)entered active within the window: from
 * `systemctl show -p Id,NRestarts,ActiveEnterTimestampMonotonic` after an `Uptime=` line.
 */
export function parseRestartedUnits(text: string): Map<string, { restarts: number; secondsAgo: number }> {
  const out = new Map<string, { restarts: number; secondsAgo: number }>();
  const uptime = Number(/^Uptime=([\d.]+)/m.exec(text)?.[1] ?? Number.NaN);
  if (!Number.isFinite(uptime)) return out;
  for (const block of text.split(/\n\s*\n/)) {
    const id = /^Id=(\S+)/m.exec(block)?.[1];
    const restarts = Number(/^NRestarts=(\d+)/m.exec(block)?.[1] ?? 0);
    const entered = Number(/^ActiveEnterTimestampMonotonic=(\d+)/m.exec(block)?.[1] ?? 0);
    if (!id || restarts === 0 || entered === 0) continue;
    const secondsAgo = Math.max(0, Math.round(uptime - entered / 1e6));
    if (secondsAgo <= RESTART_WINDOW_SECONDS) out.set(id, { restarts, secondsAgo });
  }
  return out;
}

/**
 * The unit-file state of every service, and how often systemd restarted it and when it last
 * became active (a backend in a crash loop is often up for a moment when listed): one
 * unprivileged `systemctl show` (`list-unit-files` reads every unit file on disk and is ten
 * times slower).
 */
const enabledScript =
  `echo "Uptime=$(cut -d' ' -f1 /proc/uptime)"; echo; ` +
  `u=$(systemctl list-units --type=service --all --no-legend --plain --no-pager | awk '{print $1}'); ` +
  '[ -z "$u" ] || systemctl show -p Id,UnitFileState,NRestarts,ActiveEnterTimestampMonotonic --no-pager -- $u';

/**
 * Suspects for a backend nobody listens for: services that failed, are (re)starting, are
 * enabled but not running, or run again after systemd restarted them within the window.
 * Operating-system units are left out.
 */
export function suspectUnits(
  rows: Array<Omit<ServiceUnitRow, 'enabled'>>,
  enabled: Set<string>,
  restarted: Map<string, { restarts: number; secondsAgo: number }> = new Map(),
): ServiceUnitRow[] {
  return rows
    .filter((r) => r.load === 'loaded' && !systemUnit.test(r.unit))
    .map((r) => {
      const again = r.active === 'active' ? restarted.get(r.unit) : undefined;
      return {
        ...r,
        enabled: enabled.has(r.unit),
        ...(again ? { restarts: again.restarts, restartedSecondsAgo: again.secondsAgo } : {}),
      };
    })
    .filter(
      (r) =>
        r.active === 'failed' ||
        r.active === 'activating' ||
        r.active === 'deactivating' ||
        r.sub === 'auto-restart' ||
        (r.enabled && r.active === 'inactive') ||
        r.restarts !== undefined,
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
    const ok = enabledOut.code === 0;
    const enabled = ok ? parseEnabledUnits(enabledOut.stdout) : new Set<string>();
    const suspects = suspectUnits(rows, enabled, ok ? parseRestartedUnits(enabledOut.stdout) : new Map());
    const lines = units.stdout
      .split('\n')
      .filter((l) => suspects.some((s) => l.trimStart().startsWith(s.unit)));
    return [
      f(
        'unit-list',
        suspects.some((s) => s.active === 'failed') ? 'warn' : 'ok',
        suspects.length
          ? `${suspects.length} service(s) not running${suspects.some((s) => s.restarts !== undefined) ? ' or restarting' : ''}: ${suspects.map((s) => `${s.unit} (${s.restarts !== undefined ? `restarted ${s.restarts}× by systemd, up ${s.restartedSecondsAgo} s` : s.active})`).join(', ')}`
          : `all ${rows.filter((r) => r.active === 'active').length} active services run; none failed`,
        lines.map((l) => l.trim()).slice(0, 5),
        { suspects, services: rows.length },
      ),
    ];
  },
};
