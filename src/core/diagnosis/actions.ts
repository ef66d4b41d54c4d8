import { splitIptablesWords } from '../checks/parseIptables.js';
import type { ProposedAction } from '../model/action.js';
import { propose } from '../remediation/actionCatalog.js';

/** Builders of the remediations a diagnosis proposes. Ids are stable for the same target. */
export const actions = {
  restartUnit: (host: string, unit: string): ProposedAction => propose('restart-unit', host, { unit }),
  restartContainer: (host: string, container: string): ProposedAction =>
    propose('restart-container', host, { container }),
  /** pm2 is per user: the restart runs as the app's user, never as root. */
  restartPm2: (host: string, app: string, user: string): ProposedAction =>
    propose('restart-pm2', host, { app, user }),
  reloadNginx: (host: string): ProposedAction => propose('reload-nginx', host, {}),
  /** Undo one firewall rule: the `-A` line becomes `-D`. Human-only (config risk). */
  removeIptablesRule: (host: string, rule: string, port: number): ProposedAction =>
    propose('firewall-open', host, { rule: splitIptablesWords(rule.trim()), port }),
  inspectDisk: (host: string, mount: string): ProposedAction => propose('inspect-disk', host, { mount }),
  /** Editing nginx's config is left to a human: Medic shows what to change, never runs it. */
  fixFastcgiPass(host: string, socket: string): ProposedAction {
    return {
      id: `edit-config:${host}:fastcgi_pass`,
      kind: 'edit-config',
      title: `Point fastcgi_pass at ${socket} on ${host}, then nginx -t and reload`,
      host,
      target: 'nginx',
      risk: 'config',
      params: { socket },
      preview: [`fastcgi_pass unix:${socket};`, 'nginx -t', 'systemctl reload -- nginx.service'],
      manual: true,
    };
  },
};
