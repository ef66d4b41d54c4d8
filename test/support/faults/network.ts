/**
 * Faults between hosts and inside nginx itself: a firewall on the upstream host, nginx out of file
 * descriptors, nginx out of worker connections.
 */
import type { FleetHost } from '../fleet.js';
import { editFile, type Fault, fault, NGINX_CONF, restartNginx, SHOP } from './kit.js';

/** How the firewall refuses: silently (DROP), with an ICMP host-prohibited, or with a TCP RST. */
export type FirewallKind = 'drop' | 'icmp-host-prohibited' | 'tcp-reset';

const target: Record<FirewallKind, string> = {
  drop: '-j DROP',
  'icmp-host-prohibited': '-j REJECT --reject-with icmp-host-prohibited',
  'tcp-reset': '-j REJECT --reject-with tcp-reset',
};

/**
 * An iptables INPUT rule on `upstream` for `port` (default 8080, the backend that
 * api.example.com on `gateway` proxies to). The rule is appended; restore deletes exactly it.
 */
export const firewall = (
  upstream: FleetHost,
  gateway: FleetHost,
  kind: FirewallKind,
  port = 8080,
): Promise<Fault> =>
  fault(
    upstream,
    `firewall on ${upstream.name}: ${kind} tcp/${port}`,
    { site: 'api.example.com', gateway },
    async () => {
      const rule = `INPUT -p tcp --dport ${port} ${target[kind]}`;
      await upstream.sh(`iptables -A ${rule}`);
      return async () => {
        await upstream.sh(`while iptables -D ${rule} 2>/dev/null; do :; done`);
      };
    },
  );

/** One nginx worker, so that its file descriptors (and connections) can be counted. */
const oneWorker = `sed -i 's/^worker_processes .*/worker_processes 1;/' ${NGINX_CONF}`;

/**
 * nginx out of file descriptors: one worker whose `worker_rlimit_nofile` leaves room for exactly one
 * more descriptor. It accepts the client, then cannot open the socket to any upstream: every site
 * answers 500 ("socket() failed (24: Too many open files)").
 */
export const nginxOutOfFds = (host: FleetHost): Promise<Fault> =>
  fault(host, 'nginx out of file descriptors (worker_rlimit_nofile)', { site: SHOP }, async () => {
    const conf = await editFile(host, NGINX_CONF, oneWorker);
    await restartNginx(host);
    // The highest descriptor the worker holds at rest; the one free slot below the limit is the
    // client's. The limit also covers what the worker opens at start (epoll, eventfd, channel).
    const maxFd = Number(
      await host.sh(`ls /proc/$(pgrep -P "$(cat /run/nginx.pid)" | head -1)/fd | sort -n | tail -1`),
    );
    await editFile(
      host,
      NGINX_CONF,
      `sed -i '/^worker_processes/a worker_rlimit_nofile ${maxFd + 1};' ${NGINX_CONF}`,
    );
    await restartNginx(host);
    return async () => {
      await conf();
      await restartNginx(host);
    };
  });

/**
 * `worker_connections` just too low: one worker whose connection slots are taken by its listening
 * sockets, its channel and the client, so the upstream connection finds none (500).
 */
export const nginxWorkerConnections = (host: FleetHost): Promise<Fault> =>
  fault(host, 'nginx worker_connections are not enough', { site: SHOP }, async () => {
    const conf = await editFile(host, NGINX_CONF, oneWorker);
    await restartNginx(host);
    const listeners = Number(await host.sh(`ss -Hltnp | grep -c '"nginx"'`));
    await editFile(
      host,
      NGINX_CONF,
      `sed -i 's/^\\s*worker_connections .*/\\tworker_connections ${listeners + 2};/' ${NGINX_CONF}`,
    );
    await restartNginx(host);
    return async () => {
      await conf();
      await restartNginx(host);
    };
  });
