/**
 * What every fault recipe shares: the Fault it returns, reversible file edits, and the reads a
 * test makes afterwards (the site through nginx, nginx's and php-fpm's logs, a unit's journal).
 * Recipes run as root inside a fleet host (`host.sh`); none of them touches this machine.
 */
import type { FleetHost } from '../fleet.js';

export interface Fault {
  /** The recipe's name, for messages. */
  name: string;
  /** The Host header of the site that now fails, served by `gateway` on port 80. */
  site: string;
  /** The URL path that shows the fault ("/" unless a script was added for it). */
  path: string;
  /** The host whose nginx serves `site` (for a firewall fault, not the host with the rule). */
  gateway: FleetHost;
  /** The gateway's clock (epoch seconds) before the fault: `journalctl --since @<since>`. */
  since: string;
  /** Put everything the recipe changed back, and wait until it is back. Safe to call twice. */
  restore(): Promise<void>;
}

export const POOL = '/etc/php/8.2/fpm/pool.d/www.conf';
export const SHOP_CONF = '/etc/nginx/sites-enabled/shop.conf';
export const NGINX_CONF = '/etc/nginx/nginx.conf';
export const FPM_UNIT = 'php8.2-fpm';
export const SHOP = 'shop.example.com';
/** Where recipes keep what they need to undo (pids, copies of edited files). */
export const STATE_DIR = '/run/medic-faults';

/** Single-quote a string for sh. */
export const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const now = async (host: FleetHost) => host.sh('date +%s');

/**
 * Run `inject` (which returns its own undo) and wrap the result in a Fault whose restore runs
 * at most once. `at.gateway` defaults to `host`, `at.path` to "/".
 */
export async function fault(
  host: FleetHost,
  name: string,
  at: { site: string; path?: string; gateway?: FleetHost },
  inject: () => Promise<() => Promise<void>>,
): Promise<Fault> {
  const gateway = at.gateway ?? host;
  const since = await now(gateway);
  const undo = await inject();
  let done: Promise<void> | undefined;
  return { name, site: at.site, path: at.path ?? '/', gateway, since, restore: () => (done ??= undo()) };
}

/**
 * Keep a copy of `path` (the first copy wins, so nested edits restore the original), then run
 * `edit`, a shell snippet that changes the file. Returns the restore: the copy back in place.
 */
export async function editFile(host: FleetHost, path: string, edit: string): Promise<() => Promise<void>> {
  const copy = `${STATE_DIR}/orig${path.replace(/\//g, '_')}`;
  await host.sh(`mkdir -p ${STATE_DIR} && { [ -e ${copy} ] || cp -p ${path} ${copy}; } && ${edit}`);
  return async () => {
    await host.sh(`if [ -e ${copy} ]; then cp -p ${copy} ${path} && rm -f ${copy}; fi`);
  };
}

/** `nginx -t`, then reload; resolves once the new workers run the new configuration. */
export async function reloadNginx(host: FleetHost): Promise<void> {
  const old = await host.sh('pgrep -d " " -P "$(cat /run/nginx.pid)" || true');
  await host.sh('nginx -t -q && systemctl reload nginx');
  // The reload is asynchronous: wait until the old workers are gone and new ones run.
  await host.waitFor(
    `for p in ${old}; do ! kill -0 $p 2>/dev/null || exit 1; done; pgrep -P "$(cat /run/nginx.pid)" >/dev/null`,
    15_000,
  );
}

/** Restart nginx (for changes a reload would not apply to the master) and wait until it serves. */
export async function restartNginx(host: FleetHost): Promise<void> {
  // Recipes restart nginx several times in a row: never into its start limit (5 in 10 s).
  await host.sh('nginx -t -q && systemctl reset-failed nginx && systemctl restart nginx');
  await host.waitFor('systemctl is-active -q nginx && pgrep -P "$(cat /run/nginx.pid)" >/dev/null', 15_000);
}

/** Restart php-fpm after a config change, from any state (failed units are reset first). */
export async function restartFpm(host: FleetHost): Promise<void> {
  await host.sh(`systemctl reset-failed ${FPM_UNIT}; systemctl restart ${FPM_UNIT}`);
  await host.waitFor(`systemctl is-active -q ${FPM_UNIT} && test -S /run/php/php8.2-fpm.sock`, 15_000);
}

/** Write `text` to `path` inside the host. */
export async function writeFile(host: FleetHost, path: string, text: string, mode = '0644'): Promise<void> {
  const b64 = Buffer.from(text).toString('base64');
  await host.sh(`echo ${b64} | base64 -d > ${path} && chmod ${mode} ${path}`);
}

/** Properties of a unit, as `systemctl show -p` prints them (ActiveState, Result, NRestarts ...). */
export async function unitProps(
  host: FleetHost,
  unit: string,
  ...names: string[]
): Promise<Record<string, string>> {
  const out = await host.sh(`systemctl show ${names.map((n) => `-p ${n}`).join(' ')} ${q(unit)}`);
  return Object.fromEntries(
    out.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** A request to `site` through the host's nginx, as a user would make it: the status code ("000": none). */
export async function visit(host: FleetHost, site: string, path = '/', maxSeconds = 15): Promise<string> {
  return host.sh(
    `curl -s -o /dev/null -m ${maxSeconds} -w '%{http_code}' -H ${q(`Host: ${site}`)} ${q(`http://127.0.0.1${path}`)} || true`,
  );
}

/** nginx's error log, whole. */
export const nginxErrorLog = (host: FleetHost) => host.sh('cat /var/log/nginx/error.log');
/** nginx's access log, whole. */
export const nginxAccessLog = (host: FleetHost) => host.sh('cat /var/log/nginx/access.log');
/** php-fpm's own log (pool warnings, children exiting on signals). */
export const fpmLog = (host: FleetHost) => host.sh('cat /var/log/php8.2-fpm.log');
/** One unit's journal since `since` (epoch seconds), as `journalctl -o short-iso` prints it. */
export const journal = (host: FleetHost, unit: string, since: string) =>
  host.sh(`journalctl -u ${q(unit)} --no-pager -o short-iso --since @${since}`);
/** The kernel's ring buffer (OOM kills land here). */
export const kernelLog = (host: FleetHost) => host.sh('dmesg');

/** Empty nginx's and php-fpm's logs: the next fault is a fresh incident. */
export async function clearLogs(host: FleetHost): Promise<void> {
  await host.sh('truncate -s0 /var/log/nginx/error.log /var/log/nginx/access.log /var/log/php8.2-fpm.log');
}

/** The size of a log file now: pass it to `waitForLine` to look only at what comes after. */
export const logSize = async (host: FleetHost, path: string) =>
  Number(await host.sh(`stat -c %s ${q(path)} 2>/dev/null || echo 0`));

/** Wait until a line matching `ere` (grep -E) is written to `path` after byte `offset`. */
export async function waitForLine(
  host: FleetHost,
  path: string,
  offset: number,
  ere: string,
  timeoutMs = 15_000,
): Promise<void> {
  await host.waitFor(`tail -c +${offset + 1} ${q(path)} | grep -qE ${q(ere)}`, timeoutMs);
}
