/**
 * Faults behind the *.bad.example.com sites (test/fleet/bad.conf): one misbehaving backend per
 * mode (bad-backend.js as bad@<mode>.service, stopped unless a recipe starts it), and sites whose
 * own nginx config is the fault (nothing listening, wrong address, no live upstreams, DNS, TLS).
 */
import type { FleetHost } from '../fleet.js';
import { type Fault, fault, q, reloadNginx, visit, writeFile } from './kit.js';

/** bad-backend.js modes and the loopback port each listens on (the table in bad-backend.js). */
export const BAD_PORTS = {
  ok: 9101,
  close: 9102,
  reset: 9103,
  garbage: 9104,
  badheader: 9105,
  bigheader: 9106,
  slow: 9107,
  hang: 9108,
  error500: 9109,
  crash: 9110,
  hog: 9111,
  fcgi: 9112,
  tls: 9113,
  fcgieof: 9114,
  dns: 9153,
} as const;
export type BadMode = keyof typeof BAD_PORTS;

/** The site bad.conf serves for a mode: `<mode>.bad.example.com`. */
export const badSite = (mode: string) => `${mode}.bad.example.com`;

const unit = (mode: BadMode) => `bad@${mode}.service`;
const dropInDir = (mode: BadMode) => `/run/systemd/system/bad@${mode}.service.d`;

/** Start bad@<mode> (with an optional runtime drop-in) and wait until it listens. */
async function startBackend(host: FleetHost, mode: BadMode, dropIn?: string): Promise<void> {
  if (dropIn) {
    await host.sh(`mkdir -p ${dropInDir(mode)}`);
    await writeFile(host, `${dropInDir(mode)}/medic-fault.conf`, dropIn);
    await host.sh('systemctl daemon-reload');
  }
  await host.sh(`systemctl reset-failed ${unit(mode)} 2>/dev/null; systemctl start ${unit(mode)}`);
  const ss = mode === 'dns' ? 'ss -Hlun' : 'ss -Hltn';
  await host.waitFor(`${ss} 'sport = :${BAD_PORTS[mode]}' | grep -q .`, 10_000);
}

/** Stop bad@<mode>, forget its failures and drop-in. */
async function stopBackend(host: FleetHost, mode: BadMode): Promise<void> {
  await host.sh(
    `systemctl stop ${unit(mode)}; systemctl reset-failed ${unit(mode)} 2>/dev/null;` +
      ` if [ -d ${dropInDir(mode)} ]; then rm -rf ${dropInDir(mode)} && systemctl daemon-reload; fi; true`,
  );
}

/**
 * One misbehaving backend behind its site `<mode>.bad.example.com`:
 * ok (200), close (closes without a byte), reset (TCP RST), garbage (not HTTP), badheader (a NUL
 * in a header), bigheader (a 16 KiB header), slow (answers after `seconds`, default 5, beyond the
 * site's proxy_read_timeout 2s), hang (never answers), error500 (the app's own 500), crash (an
 * uncaught exception on the first request; Restart=on-failure brings it back), fcgi (a FastCGI
 * END_REQUEST before any output), fcgieof (FastCGI stdout closed before a header), tls (a
 * self-signed certificate that the site verifies).
 */
export const badBackend = (
  host: FleetHost,
  mode: Exclude<BadMode, 'hog' | 'dns'>,
  opts: { seconds?: number } = {},
): Promise<Fault> =>
  fault(host, `backend misbehaving: ${mode}`, { site: badSite(mode) }, async () => {
    const args =
      opts.seconds === undefined
        ? undefined
        : `[Service]\nExecStart=\nExecStart=/usr/bin/node /srv/bad/bad-backend.js ${mode} --seconds ${opts.seconds}\n`;
    await startBackend(host, mode, args);
    return () => stopBackend(host, mode);
  });

/** The backend's unit exists but is stopped (it ran, then `systemctl stop`): nothing on 9101. */
export const backendStopped = (host: FleetHost): Promise<Fault> =>
  fault(host, 'backend unit stopped', { site: badSite('ok') }, async () => {
    await startBackend(host, 'ok');
    await host.sh(`systemctl stop ${unit('ok')}`);
    return () => stopBackend(host, 'ok');
  });

/** A site proxying to a port that no unit serves (127.0.0.1:9199): nothing to restore. */
export const nothingListens = (host: FleetHost): Promise<Fault> =>
  fault(host, 'nothing listens on the upstream port', { site: badSite('down') }, async () => async () => {});

/**
 * The backend listens on 127.0.0.1:9101 while nginx proxies to the host's own non-loopback address
 * on that port (a new server block, wrongaddr.bad.example.com).
 */
export const wrongAddress = (host: FleetHost): Promise<Fault> =>
  fault(
    host,
    'proxy_pass to the host address, backend on loopback',
    { site: badSite('wrongaddr') },
    async () => {
      await startBackend(host, 'ok');
      const addr = await host.sh(
        "ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1",
      );
      const conf = '/etc/nginx/sites-enabled/bad-wrongaddr.conf';
      await writeFile(
        host,
        conf,
        `server {\n    listen 80;\n    server_name ${badSite('wrongaddr')};\n` +
          `    location / { proxy_pass http://${addr}:${BAD_PORTS.ok}; proxy_connect_timeout 2s; }\n}\n`,
      );
      await reloadNginx(host);
      return async () => {
        await host.sh(`rm -f ${conf}`);
        await reloadNginx(host);
        await stopBackend(host, 'ok');
      };
    },
  );

/**
 * Both peers of an upstream down (max_fails=1): the recipe makes the first request (each peer
 * refuses, each is marked failed), so the next one finds no live upstreams. Restore reloads nginx,
 * which forgets the peers' state.
 */
export const noLiveUpstreams = (host: FleetHost): Promise<Fault> =>
  fault(host, 'no live upstreams', { site: badSite('nolive') }, async () => {
    await visit(host, badSite('nolive'));
    return () => reloadNginx(host);
  });

/** The site resolves its upstream at request time through `resolver 127.0.0.1:9153`, which answers NXDOMAIN. */
export const dnsNxdomain = (host: FleetHost): Promise<Fault> =>
  fault(host, 'upstream name does not resolve (NXDOMAIN)', { site: badSite('nxdomain') }, async () => {
    await startBackend(host, 'dns');
    return () => stopBackend(host, 'dns');
  });

/** The same site with its resolver down (nothing on 127.0.0.1:9153): the lookup times out. */
export const dnsServerDown = (host: FleetHost): Promise<Fault> =>
  fault(host, 'resolver not answering', { site: badSite('nxdomain') }, async () => {
    await stopBackend(host, 'dns');
    return async () => {};
  });

/** nginx speaks TLS to a backend that speaks plain HTTP (plain.bad.example.com → bad@ok). */
export const tlsToPlainBackend = (host: FleetHost): Promise<Fault> =>
  fault(host, 'TLS to a plain-HTTP upstream', { site: badSite('plain') }, async () => {
    await startBackend(host, 'ok');
    return () => stopBackend(host, 'ok');
  });

/** proxy_bind to an address the host does not have (bind.bad.example.com; nginx answers 500). */
export const proxyBindFails = (host: FleetHost): Promise<Fault> =>
  fault(host, 'proxy_bind to an address the host lacks', { site: badSite('bind') }, async () => {
    await startBackend(host, 'ok');
    return () => stopBackend(host, 'ok');
  });

/**
 * A backend that allocates on every request, under `MemoryMax=64M` (a runtime drop-in): the kernel's
 * memory cgroup OOM killer kills it mid-request; Restart=on-failure brings it back.
 */
export const backendOomKilled = (host: FleetHost, memoryMax = '64M'): Promise<Fault> =>
  fault(host, `backend OOM-killed (MemoryMax=${memoryMax})`, { site: badSite('hog') }, async () => {
    await startBackend(host, 'hog', `[Service]\nMemoryMax=${memoryMax}\nMemorySwapMax=0\n`);
    return () => stopBackend(host, 'hog');
  });

/** Every bad@ unit, stopped: for an afterEach that wants no backend left from a failed test. */
export async function stopAllBackends(host: FleetHost): Promise<void> {
  await host.sh(
    `for u in $(systemctl list-units --all --plain --no-legend ${q('bad@*')} | awk '{print $1}'); do` +
      ' systemctl stop "$u"; systemctl reset-failed "$u" 2>/dev/null; done;' +
      ' if ls -d /run/systemd/system/bad@*.d >/dev/null 2>&1; then rm -rf /run/systemd/system/bad@*.d; systemctl daemon-reload; fi; true',
  );
}
