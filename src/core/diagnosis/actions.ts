import { splitIptablesWords } from '../checks/parseIptables.js';
import { argv } from '../command.js';
import type { ProposedAction } from '../model/action.js';

/** Builders of the remediations a diagnosis proposes. Ids are stable for the same target. */
export const actions = {
  restartUnit(host: string, unit: string): ProposedAction {
    return {
      id: `restart-unit:${host}:${unit}`,
      kind: 'restart-unit',
      title: `Restart ${unit} on ${host}`,
      host,
      target: unit,
      risk: 'restart',
      preview: [argv('systemctl', 'restart', '--', unit), argv('systemctl', 'is-active', '--', unit)],
    };
  },
  restartContainer(host: string, name: string): ProposedAction {
    return {
      id: `restart-container:${host}:${name}`,
      kind: 'restart-container',
      title: `Restart container ${name} on ${host}`,
      host,
      target: name,
      risk: 'restart',
      preview: [argv('docker', 'restart', '--', name)],
    };
  },
  /** pm2 is per user: the restart runs as the app's user, never as root. */
  restartPm2(host: string, app: string, user: string): ProposedAction {
    return {
      id: `restart-pm2:${host}:${user}:${app}`,
      kind: 'restart-pm2',
      title: `Restart pm2 app ${app} (as ${user}) on ${host}`,
      host,
      target: app,
      risk: 'restart',
      preview: [argv('sudo', '-n', '-u', user, '--', 'pm2', 'restart', app)],
    };
  },
  reloadNginx(host: string): ProposedAction {
    return {
      id: `reload-nginx:${host}`,
      kind: 'reload-nginx',
      title: `Test and reload nginx on ${host}`,
      host,
      target: 'nginx',
      risk: 'reload',
      preview: [argv('nginx', '-t'), argv('systemctl', 'reload', 'nginx')],
    };
  },
  /** Undo one firewall rule: the `-A` line becomes `-D`. Human-only (config risk). */
  removeIptablesRule(host: string, rule: string, port: number): ProposedAction {
    const words = splitIptablesWords(rule.trim());
    if (words[0] === '-A') words[0] = '-D';
    return {
      id: `firewall-open:${host}:${port}`,
      kind: 'firewall-open',
      title: `Remove the rule blocking port ${port} on ${host}`,
      host,
      target: `port ${port}`,
      risk: 'config',
      preview: [argv('iptables', ...words)],
    };
  },
  inspectDisk(host: string, mount: string): ProposedAction {
    return {
      id: `inspect-disk:${host}:${mount}`,
      kind: 'inspect-disk',
      title: `Show the largest files under ${mount} on ${host}`,
      host,
      target: mount,
      risk: 'read',
      preview: [argv('du', '-xah', '--max-depth=2', '--', mount)],
    };
  },
  fixFastcgiPass(host: string, socket: string): ProposedAction {
    return {
      id: `fix-fastcgi-pass:${host}`,
      kind: 'edit-config',
      title: `Point fastcgi_pass at ${socket} on ${host}, test, reload`,
      host,
      target: 'nginx',
      risk: 'config',
      preview: [argv('nginx', '-t'), argv('systemctl', 'reload', 'nginx')],
    };
  },
};
