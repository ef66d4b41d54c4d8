import { splitIptablesWords } from '../checks/parseIptables.js';
import type { ActionIntent, ManualIntent } from '../model/action.js';

/** What the diagnosis suggests doing; remediation turns these into proposals with their commands. */
export const intents = {
  restartUnit: (host: string, unit: string): ActionIntent => ({
    kind: 'restart-unit',
    host,
    params: { unit },
  }),
  restartContainer: (host: string, container: string): ActionIntent => ({
    kind: 'restart-container',
    host,
    params: { container },
  }),
  /** pm2 is per user: the restart runs as the app's user, never as root. */
  restartPm2: (host: string, app: string, user: string): ActionIntent => ({
    kind: 'restart-pm2',
    host,
    params: { app, user },
  }),
  reloadNginx: (host: string): ActionIntent => ({ kind: 'reload-nginx', host, params: {} }),
  /** Undo one firewall rule: the `-A` line becomes `-D`. Human-only (config risk). */
  removeIptablesRule: (host: string, rule: string, port: number): ActionIntent => ({
    kind: 'firewall-open',
    host,
    params: { rule: splitIptablesWords(rule.trim()), port },
  }),
  inspectDisk: (host: string, mount: string): ActionIntent => ({
    kind: 'inspect-disk',
    host,
    params: { mount },
  }),
  /** Editing nginx's config is left to a human: Medic shows what to change, never runs it. */
  fixFastcgiPass: (host: string, socket: string): ManualIntent => ({
    manual: true,
    id: `edit-config:${host}:fastcgi_pass`,
    kind: 'edit-config',
    host,
    target: 'nginx',
    title: `Point fastcgi_pass at ${socket} on ${host}, then nginx -t and reload`,
    steps: [`fastcgi_pass unix:${socket};`, 'nginx -t', 'systemctl reload -- nginx.service'],
    risk: 'config',
  }),
};
