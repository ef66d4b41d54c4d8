/**
 * Faults of the PHP path of shop.example.com: nginx → fastcgi_pass unix:/run/php/php8.2-fpm.sock
 * → php-fpm 8.2 (pool www) → the unit php8.2-fpm.service. Each recipe returns a Fault whose
 * restore puts the pool, shop.conf and the unit back and restarts what it stopped.
 */
import type { FleetHost } from '../fleet.js';
import {
  editFile,
  type Fault,
  FPM_UNIT,
  fault,
  logSize,
  POOL,
  q,
  reloadNginx,
  restartFpm,
  SHOP,
  SHOP_CONF,
  STATE_DIR,
  waitForLine,
  writeFile,
} from './kit.js';

const FPM_LOG = '/var/log/php8.2-fpm.log';
const WWW = '/var/www/shop';
const DROP_IN_DIR = `/run/systemd/system/${FPM_UNIT}.service.d`;

/** `systemctl stop php8.2-fpm`: the socket is removed, nginx gets ENOENT. */
export const phpFpmStopped = (host: FleetHost): Promise<Fault> =>
  fault(host, 'php-fpm stopped', { site: SHOP }, async () => {
    await host.sh(`systemctl stop ${FPM_UNIT}`);
    return () => restartFpm(host);
  });

/** SIGKILL to every process of the unit, which has no Restart=: the socket file stays, nobody listens. */
export const phpFpmKilled = (host: FleetHost): Promise<Fault> =>
  fault(host, 'php-fpm killed by SIGKILL, not restarted', { site: SHOP }, async () => {
    await host.sh(`systemctl kill -s KILL ${FPM_UNIT}`);
    await host.waitFor(`! systemctl is-active -q ${FPM_UNIT}`, 10_000);
    return () => restartFpm(host);
  });

/**
 * A pool config that php-fpm refuses, under `Restart=always`: systemd restarts it until the start
 * limit (5 in 10 s), then leaves it failed.
 */
export const phpFpmCrashLoop = (host: FleetHost): Promise<Fault> =>
  fault(host, 'php-fpm crash-looping on a broken pool config', { site: SHOP }, async () => {
    const pool = await editFile(host, POOL, `echo 'pm.max_children = banana' >> ${POOL}`);
    await host.sh(
      `mkdir -p ${DROP_IN_DIR} && printf '[Service]\\nRestart=always\\n' > ${DROP_IN_DIR}/medic-fault.conf` +
        ` && systemctl daemon-reload && { systemctl restart ${FPM_UNIT} || true; }`,
    );
    await host.waitFor(
      `journalctl -u ${FPM_UNIT} -n 20 --no-pager | grep -q 'Start request repeated too quickly'` +
        ` && [ "$(systemctl show -p ActiveState --value ${FPM_UNIT})" = failed ]`,
      20_000,
    );
    return async () => {
      await host.sh(`rm -f ${DROP_IN_DIR}/medic-fault.conf && systemctl daemon-reload`);
      await pool();
      await restartFpm(host);
    };
  });

/**
 * "The PHP upgrade moved the socket": shop.conf still passes to php8.1-fpm.sock while php-fpm 8.2
 * runs and listens on php8.2-fpm.sock. `nginx -t` passes (the path is only used at request time).
 */
export const fpmSocketMoved = (host: FleetHost): Promise<Fault> =>
  fault(host, 'fastcgi_pass points at the old PHP version’s socket', { site: SHOP }, async () => {
    const conf = await editFile(
      host,
      SHOP_CONF,
      `sed -i 's#/run/php/php8\\.2-fpm\\.sock#/run/php/php8.1-fpm.sock#' ${SHOP_CONF}`,
    );
    await reloadNginx(host);
    return async () => {
      await conf();
      await reloadNginx(host);
    };
  });

/** The pool's socket owned by root with mode 0600: nginx (www-data) may not connect. */
export const fpmSocketPermission = (host: FleetHost): Promise<Fault> =>
  fault(host, 'php-fpm socket owned by root, mode 0600', { site: SHOP }, async () => {
    const pool = await editFile(
      host,
      POOL,
      `sed -i 's/^listen.owner = .*/listen.owner = root/; s/^listen.group = .*/listen.group = root/;` +
        ` s/^;\\?listen.mode = .*/listen.mode = 0600/' ${POOL}`,
    );
    await restartFpm(host);
    return async () => {
      await pool();
      await restartFpm(host);
    };
  });

/** Kill the background requests a recipe started (their pids are in `file`). */
const killLoad = (host: FleetHost, file: string) =>
  host.sh(`[ -e ${file} ] && kill $(cat ${file}) 2>/dev/null; rm -f ${file}; true`);

/** Start `n` requests to `path` in the background inside the host; their pids go to `file`. */
const startLoad = (host: FleetHost, path: string, n: number, maxSeconds: number, file: string) =>
  host.sh(
    `mkdir -p ${STATE_DIR}; for i in $(seq ${n}); do curl -s -o /dev/null -m ${maxSeconds}` +
      ` -H 'Host: ${SHOP}' http://127.0.0.1${path} </dev/null >/dev/null 2>&1 & echo $! >> ${file}; done`,
  );

/**
 * The pool saturated: `pm.max_children` (default 1) workers, all busy in a slow script, while more
 * requests keep coming. With `backlog` (default 1) the listen queue overflows and nginx gets
 * EAGAIN at once (502); with `backlog: null` (FPM's default queue) requests wait for
 * fastcgi_read_timeout instead. The load runs `seconds` (default 30) or until restore.
 */
export const fpmSaturated = (
  host: FleetHost,
  opts: { children?: number; backlog?: number | null; requests?: number; seconds?: number } = {},
): Promise<Fault> => {
  const { children = 1, backlog = 1, requests = 6, seconds = 30 } = opts;
  return fault(
    host,
    `php-fpm saturated (pm.max_children = ${children})`,
    { site: SHOP, path: '/slow.php' },
    async () => {
      const set = (k: string, v: number) => `s/^;\\?${k.replace('.', '\\.')} = .*/${k} = ${v}/`;
      const edits = [
        set('pm.max_children', children),
        set('pm.start_servers', 1),
        set('pm.min_spare_servers', 1),
      ];
      edits.push(set('pm.max_spare_servers', 1));
      if (backlog !== null) edits.push(set('listen.backlog', backlog));
      const pool = await editFile(host, POOL, `sed -i ${q(edits.join('; '))} ${POOL}`);
      await restartFpm(host);
      await writeFile(host, `${WWW}/slow.php`, `<?php sleep(${seconds}); echo "slow ok\\n";\n`);
      const from = await logSize(host, FPM_LOG);
      const load = `${STATE_DIR}/saturate.pids`;
      await startLoad(host, '/slow.php', requests, seconds + 5, load);
      await waitForLine(host, FPM_LOG, from, 'server reached pm.max_children setting');
      // The children being busy is not enough: a request nginx sends while the accept queue has
      // room waits there (for the sleep) instead of failing. Wait until the queue is full
      // (a unix socket's Recv-Q past its backlog, the Send-Q), when connect() gets EAGAIN.
      if (backlog !== null) {
        await host.waitFor(
          `ss -lxH src /run/php/php8.2-fpm.sock | awk '$3 > $4 {f=1} END {exit !f}'`,
          (seconds - 5) * 1000,
        );
      }
      return async () => {
        await killLoad(host, load);
        await host.sh(`rm -f ${WWW}/slow.php`);
        await pool();
        await restartFpm(host);
      };
    },
  );
};

/**
 * A PHP worker dies of SIGSEGV in the middle of a request (kill -SEGV on the worker serving a
 * slow script). Resolves once nginx has answered that request; the master respawns the child.
 */
export const phpWorkerSegfault = (host: FleetHost): Promise<Fault> =>
  fault(host, 'PHP worker segfaults mid-request', { site: SHOP, path: '/segv.php' }, async () => {
    const pidFile = '/srv/data/medic-fault-worker.pid'; // /srv/data: writable by www-data
    const code = `${STATE_DIR}/segv.code`;
    await writeFile(
      host,
      `${WWW}/segv.php`,
      `<?php file_put_contents('${pidFile}', getmypid()); sleep(30);\n`,
    );
    await host.sh(
      `mkdir -p ${STATE_DIR}; rm -f ${pidFile} ${code}; curl -s -o /dev/null -m 35 -w '%{http_code}'` +
        ` -H 'Host: ${SHOP}' http://127.0.0.1/segv.php </dev/null >${code} 2>/dev/null &`,
    );
    await host.waitFor(`test -s ${pidFile}`, 10_000);
    await host.sh(`kill -SEGV $(cat ${pidFile})`);
    await host.waitFor(`test -s ${code}`, 10_000);
    return async () => {
      await host.sh(`rm -f ${WWW}/segv.php ${pidFile} ${code}`);
    };
  });

/** `request_terminate_timeout = 2s` and a script that sleeps 10 s: FPM kills the worker. */
export const phpExecutionTimeout = (host: FleetHost): Promise<Fault> =>
  fault(
    host,
    'PHP execution timed out (request_terminate_timeout)',
    { site: SHOP, path: '/slow.php' },
    async () => {
      const pool = await editFile(host, POOL, `echo 'request_terminate_timeout = 2s' >> ${POOL}`);
      await restartFpm(host);
      await writeFile(host, `${WWW}/slow.php`, '<?php sleep(10); echo "slow ok\\n";\n');
      return async () => {
        await host.sh(`rm -f ${WWW}/slow.php`);
        await pool();
        await restartFpm(host);
      };
    },
  );

/**
 * A script that sends a 16 KiB response header: more than nginx's default fastcgi_buffer_size
 * (one memory page, 4k or 8k), so nginx refuses the response.
 */
export const phpHeaderTooBig = (host: FleetHost): Promise<Fault> =>
  fault(
    host,
    'PHP response header larger than fastcgi_buffer_size',
    { site: SHOP, path: '/bigheader.php' },
    async () => {
      await writeFile(
        host,
        `${WWW}/bigheader.php`,
        `<?php header('X-Debug-Trace: ' . str_repeat('a', 16384)); echo "big header\\n";\n`,
      );
      return async () => {
        await host.sh(`rm -f ${WWW}/bigheader.php`);
      };
    },
  );

/**
 * /srv/data (where the shop writes a file per visit) at 100%: a 1 MiB tmpfs mounted over it unless
 * the host already has its own small mount there (Fleet.startHost's `tmpfs` option), then filled.
 */
export const diskFull = (host: FleetHost): Promise<Fault> =>
  fault(host, '/srv/data full', { site: SHOP }, async () => {
    const mounted = await host.sh(
      'if mountpoint -q /srv/data; then echo no; else mount -t tmpfs -o size=1m,mode=1777 tmpfs /srv/data && echo yes; fi',
    );
    await host.sh('dd if=/dev/zero of=/srv/data/fill bs=64k 2>/dev/null || true');
    return async () => {
      await host.sh(mounted === 'yes' ? 'umount /srv/data' : 'rm -f /srv/data/fill');
    };
  });
