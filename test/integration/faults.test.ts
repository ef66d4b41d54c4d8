/**
 * Every fault recipe of test/support/faults.ts, injected on real fleet hosts: the site fails
 * through nginx as a user sees it, and the decisive raw line that nginx, php-fpm, systemd or the
 * kernel wrote is asserted here (these regexes are where those lines are written down). Two
 * shared hosts (web2 is api.example.com's backend); every case restores, and the shop must be
 * healthy again after it.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  backendOomKilled,
  backendStopped,
  badBackend,
  clearLogs,
  commandHangs,
  diskFull,
  dnsNxdomain,
  dnsServerDown,
  type Fault,
  type FirewallKind,
  firewall,
  fpmLog,
  fpmSaturated,
  fpmSocketMoved,
  fpmSocketPermission,
  journal,
  kernelLog,
  nginxAccessLog,
  nginxErrorLog,
  nginxOutOfFds,
  nginxWorkerConnections,
  noLiveUpstreams,
  nothingListens,
  phpExecutionTimeout,
  phpFpmCrashLoop,
  phpFpmKilled,
  phpFpmStopped,
  phpHeaderTooBig,
  phpWorkerSegfault,
  proxyBindFails,
  SHOP,
  sshMaxSessions,
  stopAllBackends,
  tlsToPlainBackend,
  unitProps,
  visit,
  wrongAddress,
} from '../support/faults.js';
import { Fleet, type FleetHost } from '../support/fleet.js';

const fleet = new Fleet();
let web1: FleetHost;
let web2: FleetHost;
let current: Fault | undefined;

beforeAll(async () => {
  await fleet.prepare();
  web2 = await fleet.startHost('web2'); // web1's nginx resolves web2 at start
  web1 = await fleet.startHost('web1');
});
afterAll(() => fleet.stop());

afterEach(async () => {
  await current?.restore();
  current = undefined;
  await stopAllBackends(web1);
  await clearLogs(web1);
  // The recipe's restore left a healthy shop behind.
  expect(await visit(web1, SHOP)).toBe('200');
}, 60_000);

/** Inject a fault; afterEach restores it. */
async function inject(f: Promise<Fault>): Promise<Fault> {
  current = await f;
  return current;
}

/** Read until `re` matches (logs are written a moment after the response), then return the text. */
async function until(read: () => Promise<string>, re: RegExp, ms = 8000): Promise<string> {
  const end = Date.now() + ms;
  let text = await read();
  while (!re.test(text) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    text = await read();
  }
  return text;
}

const hit = (f: Fault) => visit(f.gateway, f.site, f.path);
const errorLog = (f: Fault, re: RegExp) => until(() => nginxErrorLog(f.gateway), re);
const unitLog = (f: Fault, unit: string, re: RegExp) => until(() => journal(f.gateway, unit, f.since), re);
const fpm = (f: Fault, re: RegExp) => until(() => fpmLog(f.gateway), re);

const SOCK = 'unix:/run/php/php8.2-fpm.sock';

describe('php-fpm faults on shop.example.com', () => {
  it('php-fpm stopped: ENOENT on the socket, logged at [crit]', async () => {
    const f = await inject(phpFpmStopped(web1));
    expect(await hit(f)).toBe('502');
    const re = new RegExp(
      String.raw`\[crit\] \d+#\d+: \*\d+ connect\(\) to ${SOCK} failed \(2: No such file or directory\) while connecting to upstream, client: 127\.0\.0\.1, server: shop\.example\.com, request: "GET / HTTP/1\.1", upstream: "fastcgi://${SOCK}:", host: "shop\.example\.com"`,
    );
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('php-fpm SIGKILLed, not restarted: the socket file stays, 111 Connection refused', async () => {
    const f = await inject(phpFpmKilled(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[error\] .*connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(111: Connection refused\) while connecting to upstream/;
    expect(await errorLog(f, re)).toMatch(re);
    const j = await unitLog(f, 'php8.2-fpm', /Failed with result 'signal'/);
    expect(j).toMatch(/php8\.2-fpm\.service: Main process exited, code=killed, status=9\/KILL/);
    expect(j).toMatch(/php8\.2-fpm\.service: Failed with result 'signal'\./);
  });

  it('php-fpm crash-looping on a broken pool: restarted until the start limit, then failed', async () => {
    const f = await inject(phpFpmCrashLoop(web1));
    expect(await hit(f)).toBe('502');
    const j = await journal(web1, 'php8.2-fpm', f.since);
    expect(j).toMatch(
      /ERROR: \[\/etc\/php\/8\.2\/fpm\/pool\.d\/www\.conf:\d+\] unable to parse value for entry 'pm\.max_children': is not a valid number \(greater or equal than zero\)/,
    );
    expect(j).toMatch(/php8\.2-fpm\.service: Main process exited, code=exited, status=78\/CONFIG/);
    expect(j).toMatch(/php8\.2-fpm\.service: Scheduled restart job, restart counter is at \d+\./);
    expect(j).toMatch(/php8\.2-fpm\.service: Start request repeated too quickly\./);
    // systemd 252 keeps the first failure as the result: exit-code, not start-limit-hit.
    const props = await unitProps(web1, 'php8.2-fpm.service', 'ActiveState', 'Result', 'NRestarts');
    expect(props).toEqual({
      ActiveState: 'failed',
      Result: 'exit-code',
      NRestarts: expect.stringMatching(/^[1-9]\d*$/),
    });
    expect(await nginxErrorLog(web1)).toMatch(
      /connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(2: No such file/,
    );
  });

  it('fastcgi_pass to php8.1-fpm.sock while php-fpm 8.2 listens on its own socket', async () => {
    const f = await inject(fpmSocketMoved(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[crit\] .*connect\(\) to unix:\/run\/php\/php8\.1-fpm\.sock failed \(2: No such file or directory\) while connecting to upstream, .*upstream: "fastcgi:\/\/unix:\/run\/php\/php8\.1-fpm\.sock:"/;
    expect(await errorLog(f, re)).toMatch(re);
    expect(await web1.sh('ss -Hlx | grep -o "/run/php/php8.2-fpm.sock"')).toBe('/run/php/php8.2-fpm.sock');
  });

  it('the FPM socket owned by root with mode 0600: 13 Permission denied', async () => {
    const f = await inject(fpmSocketPermission(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[crit\] .*connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(13: Permission denied\) while connecting to upstream/;
    expect(await errorLog(f, re)).toMatch(re);
    expect(await web1.sh('stat -c "%A %U %G" /run/php/php8.2-fpm.sock')).toBe('srw------- root root');
  });

  it('php-fpm saturated: max_children reached, the listen queue overflows (11: EAGAIN)', async () => {
    const f = await inject(fpmSaturated(web1));
    expect(await hit(f)).toBe('502');
    expect(await fpm(f, /max_children/)).toMatch(
      /WARNING: \[pool www\] server reached pm\.max_children setting \(1\), consider raising it/,
    );
    const re =
      /\[error\] .*connect\(\) to unix:\/run\/php\/php8\.2-fpm\.sock failed \(11: Resource temporarily unavailable\) while connecting to upstream/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('a PHP worker segfaults mid-request: FPM logs signal 11, nginx a reset', async () => {
    const f = await inject(phpWorkerSegfault(web1));
    expect(await web1.sh('cat /run/medic-faults/segv.code')).toBe('502');
    expect(await fpm(f, /signal 11/)).toMatch(
      /WARNING: \[pool www\] child \d+ exited on signal 11 \(SIGSEGV\) after [\d.]+ seconds from start/,
    );
    const re =
      /\[error\] .*recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream, .*request: "GET \/segv\.php HTTP\/1\.1", upstream: "fastcgi:\/\/unix:\/run\/php\/php8\.2-fpm\.sock:"/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('PHP execution timeout: FPM terminates the worker after request_terminate_timeout', async () => {
    const f = await inject(phpExecutionTimeout(web1));
    expect(await hit(f)).toBe('502');
    const log = await fpm(f, /SIGTERM/);
    expect(log).toMatch(
      /WARNING: \[pool www\] child \d+, script '\/var\/www\/shop\/slow\.php' \(request: "GET \/slow\.php"\) execution timed out \([\d.]+ sec\), terminating/,
    );
    expect(log).toMatch(
      /WARNING: \[pool www\] child \d+ exited on signal 15 \(SIGTERM\) after [\d.]+ seconds from start/,
    );
    const re =
      /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('a PHP response header larger than fastcgi_buffer_size: too big header', async () => {
    const f = await inject(phpHeaderTooBig(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[error\] .*upstream sent too big header while reading response header from upstream, .*request: "GET \/bigheader\.php HTTP\/1\.1", upstream: "fastcgi:\/\/unix:\/run\/php\/php8\.2-fpm\.sock:"/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('disk full: the shop cannot write its visit record (500 from the app)', async () => {
    const f = await inject(diskFull(web1));
    expect(await hit(f)).toBe('500');
    expect(await web1.sh("df -P /srv/data | awk 'NR==2 {print $5, $6}'")).toBe('100% /srv/data');
    expect(await web1.sh(`curl -s -H 'Host: ${SHOP}' http://127.0.0.1/`)).toBe('cannot write visit record');
  });
});

/** What a misbehaving backend mode makes nginx answer and log (upstream "http://127.0.0.1:<port>/"). */
const backendCases: { mode: Parameters<typeof badBackend>[1]; code: string; line: RegExp }[] = [
  {
    mode: 'close',
    code: '502',
    line: /\[error\] .*upstream prematurely closed connection while reading response header from upstream, client: 127\.0\.0\.1, server: close\.bad\.example\.com, request: "GET \/ HTTP\/1\.1", upstream: "http:\/\/127\.0\.0\.1:9102\/", host: "close\.bad\.example\.com"/,
  },
  {
    mode: 'reset',
    code: '502',
    line: /\[error\] .*recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9103\/"/,
  },
  {
    // nginx logs it, then relays the bytes as an HTTP/0.9 answer (status 009): curl refuses it.
    mode: 'garbage',
    code: '000',
    line: /\[error\] .*upstream sent no valid HTTP\/1\.0 header while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9104\/"/,
  },
  {
    mode: 'badheader',
    code: '502',
    line: /\[error\] .*upstream sent invalid header: "X-Broken: a\\x00\.\.\." while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9105\/"/,
  },
  {
    mode: 'bigheader',
    code: '502',
    line: /\[error\] .*upstream sent too big header while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9106\/"/,
  },
  {
    mode: 'slow',
    code: '504',
    line: /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9107\/"/,
  },
  {
    mode: 'hang',
    code: '504',
    line: /\[error\] .*upstream timed out \(110: Connection timed out\) while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9108\/"/,
  },
  {
    mode: 'crash',
    code: '502',
    line: /\[error\] .*upstream prematurely closed connection while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9110\/"/,
  },
  {
    mode: 'fcgi',
    code: '502',
    line: /\[error\] .*upstream sent unexpected FastCGI record: 3 while reading response header from upstream, .*upstream: "fastcgi:\/\/127\.0\.0\.1:9112"/,
  },
  {
    mode: 'fcgieof',
    code: '502',
    line: /\[error\] .*upstream prematurely closed FastCGI stdout while reading response header from upstream, .*upstream: "fastcgi:\/\/127\.0\.0\.1:9114"/,
  },
  {
    mode: 'tls',
    code: '502',
    line: /\[error\] .*upstream SSL certificate verify error: \(18:self-signed certificate\) while SSL handshaking to upstream, .*upstream: "https:\/\/127\.0\.0\.1:9113\/"/,
  },
];

describe('misbehaving backends behind *.bad.example.com', () => {
  it('ok: the healthy backend answers 200 through its site', async () => {
    const f = await inject(badBackend(web1, 'ok'));
    expect(await hit(f)).toBe('200');
    expect(await nginxErrorLog(web1)).toBe('');
  });

  it.each(backendCases)('$mode: $code and its error line', async ({ mode, code, line }) => {
    const f = await inject(badBackend(web1, mode));
    expect(await hit(f)).toBe(code);
    expect(await errorLog(f, line)).toMatch(line);
  });

  it('garbage: nginx relays the bytes as HTTP/0.9 (access log status 009)', async () => {
    const f = await inject(badBackend(web1, 'garbage'));
    // No framing reaches the client, and nginx keeps the connection open: curl stops at -m.
    const bytes = `curl -s -m 2 --http0.9 -H 'Host: ${f.site}' http://127.0.0.1/ | tr -d '\\000-\\037\\177'`;
    expect(await web1.sh(bytes)).toBe('this is not HTTP at all');
    expect(await until(() => nginxAccessLog(web1), /009/)).toMatch(/"GET \/ HTTP\/1\.1" 009 /);
  });

  it('slow: answers directly, only later than the site waits', async () => {
    const f = await inject(badBackend(web1, 'slow', { seconds: 3 }));
    expect(await hit(f)).toBe('504');
    expect(await web1.sh('curl -s -m 10 http://127.0.0.1:9107/')).toBe('slow ok after 3s');
  });

  it('error500: the application answers 500 itself; nginx logs nothing, the journal the error', async () => {
    const f = await inject(badBackend(web1, 'error500'));
    expect(await hit(f)).toBe('500');
    expect(await nginxErrorLog(web1)).toBe('');
    expect(await until(() => nginxAccessLog(web1), / 500 /)).toMatch(/"GET \/ HTTP\/1\.1" 500 /);
    expect(await unitLog(f, 'bad@error500', /orders/)).toMatch(
      /node\[\d+\]: Error: order lookup failed for \/: relation "orders" does not exist/,
    );
  });

  it('crash: an uncaught exception with its stack, exit 1, restarted by Restart=on-failure', async () => {
    const f = await inject(badBackend(web1, 'crash'));
    expect(await hit(f)).toBe('502');
    const j = await unitLog(f, 'bad@crash', /restart counter is at 1/);
    expect(j).toMatch(/node\[\d+\]: TypeError: Cannot read properties of undefined \(reading 'id'\) at \//);
    expect(j).toMatch(/node\[\d+\]: +at Server\.<anonymous> \(\/srv\/bad\/bad-backend\.js:\d+:\d+\)/);
    expect(j).toMatch(/bad@crash\.service: Main process exited, code=exited, status=1\/FAILURE/);
    expect(j).toMatch(/bad@crash\.service: Failed with result 'exit-code'\./);
    expect(j).toMatch(/bad@crash\.service: Scheduled restart job, restart counter is at 1\./);
    await web1.waitFor("ss -Hltn 'sport = :9110' | grep -q .", 10_000);
  });

  it('OOM: the memory cgroup OOM killer kills the backend mid-request', async () => {
    const f = await inject(backendOomKilled(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /upstream prematurely closed connection while reading response header from upstream, .*upstream: "http:\/\/127\.0\.0\.1:9111\/"/;
    expect(await errorLog(f, re)).toMatch(re);
    expect(await until(() => kernelLog(web1), /Memory cgroup out of memory/)).toMatch(
      /Memory cgroup out of memory: Killed process \d+ \(node\) total-vm:\d+kB, anon-rss:\d+kB/,
    );
    // cgroup v2 hosts: "Failed with result 'oom-kill'"; cgroup v1 (no memory.events): 'signal'.
    const j = await unitLog(f, 'bad@hog', /Failed with result/);
    expect(j).toMatch(
      /bad@hog\.service: (A process of this unit has been killed by the OOM killer\.|Main process exited, code=killed, status=9\/KILL)/,
    );
    expect(j).toMatch(/bad@hog\.service: Failed with result '(oom-kill|signal)'\./);
  });
});

describe('nothing where nginx connects', () => {
  it('backend unit stopped: 111 on its port', async () => {
    const f = await inject(backendStopped(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[error\] .*connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 127\.0\.0\.1, server: ok\.bad\.example\.com, request: "GET \/ HTTP\/1\.1", upstream: "http:\/\/127\.0\.0\.1:9101\/", host: "ok\.bad\.example\.com"/;
    expect(await errorLog(f, re)).toMatch(re);
    expect(await unitProps(web1, 'bad@ok.service', 'ActiveState', 'Result')).toEqual({
      ActiveState: 'inactive',
      Result: 'success',
    });
  });

  it('a port no unit serves: 111', async () => {
    const f = await inject(nothingListens(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*upstream: "http:\/\/127\.0\.0\.1:9199\/"/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('wrong address: the backend on loopback, nginx dialing the host address', async () => {
    const f = await inject(wrongAddress(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*upstream: "http:\/\/(?!127\.)\d+\.\d+\.\d+\.\d+:9101\/"/;
    expect(await errorLog(f, re)).toMatch(re);
    expect(await web1.sh("ss -Hltn 'sport = :9101' | awk '{print $4}'")).toBe('127.0.0.1:9101');
  });

  it('no live upstreams: after both peers failed once', async () => {
    const f = await inject(noLiveUpstreams(web1));
    expect(await hit(f)).toBe('502');
    const log = await errorLog(f, /no live upstreams/);
    expect(log).toMatch(
      /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*upstream: "http:\/\/127\.0\.0\.1:9197\/"/,
    );
    expect(log).toMatch(
      /connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*upstream: "http:\/\/127\.0\.0\.1:9198\/"/,
    );
    expect(log).toMatch(
      /\[error\] .*no live upstreams while connecting to upstream, .*upstream: "http:\/\/bad_pool\/"/,
    );
  });

  it('a name that does not resolve: NXDOMAIN from the resolver', async () => {
    const f = await inject(dnsNxdomain(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[error\] \d+#\d+: \*\d+ nosuch\.bad\.example\.com could not be resolved \(3: Host not found\), client: 127\.0\.0\.1, server: nxdomain\.bad\.example\.com, request: "GET \/ HTTP\/1\.1", host: "nxdomain\.bad\.example\.com"/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('the resolver down: the lookup times out', async () => {
    const f = await inject(dnsServerDown(web1));
    expect(await hit(f)).toBe('502');
    const log = await errorLog(f, /could not be resolved/);
    expect(log).toMatch(
      /\[error\] \d+#\d+: recv\(\) failed \(111: Connection refused\) while resolving, resolver: 127\.0\.0\.1:9153/,
    );
    expect(log).toMatch(/nosuch\.bad\.example\.com could not be resolved \(110: Operation timed out\)/);
  });

  it('TLS to a plain-HTTP backend: the handshake fails', async () => {
    const f = await inject(tlsToPlainBackend(web1));
    expect(await hit(f)).toBe('502');
    const re =
      /\[error\] .*SSL_do_handshake\(\) failed \(SSL: error:0A00010B:SSL routines::wrong version number\) while SSL handshaking to upstream, .*upstream: "https:\/\/127\.0\.0\.1:9101\/"/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('proxy_bind to an address the host lacks: 99, and nginx answers 500', async () => {
    const f = await inject(proxyBindFails(web1));
    expect(await hit(f)).toBe('500');
    const re =
      /\[crit\] .*bind\(192\.0\.2\.1\) failed \(99: Cannot assign requested address\) while connecting to upstream/;
    expect(await errorLog(f, re)).toMatch(re);
  });
});

const firewallCases: { kind: FirewallKind; code: string; line: RegExp }[] = [
  {
    kind: 'drop',
    code: '504',
    line: /\[error\] .*upstream timed out \(110: Connection timed out\) while connecting to upstream, client: 127\.0\.0\.1, server: api\.example\.com, request: "GET \/ HTTP\/1\.1", upstream: "http:\/\/\d+\.\d+\.\d+\.\d+:8080\/", host: "api\.example\.com"/,
  },
  {
    kind: 'icmp-host-prohibited',
    code: '502',
    line: /\[error\] .*connect\(\) failed \(113: No route to host\) while connecting to upstream, .*server: api\.example\.com/,
  },
  {
    kind: 'tcp-reset',
    code: '502',
    line: /\[error\] .*connect\(\) failed \(111: Connection refused\) while connecting to upstream, .*server: api\.example\.com/,
  },
];

describe('firewall on the upstream host (api.example.com → web2:8080)', () => {
  it.each(firewallCases)('$kind: $code and its error line', async ({ kind, code, line }) => {
    const f = await inject(firewall(web2, web1, kind));
    expect(await web2.sh('iptables -S INPUT')).toMatch(
      /-A INPUT -p tcp -m tcp --dport 8080 -j (DROP|REJECT)/,
    );
    expect(await hit(f)).toBe(code);
    expect(await errorLog(f, line)).toMatch(line);
  });
});

describe('nginx out of resources', () => {
  it('out of file descriptors: socket() fails with 24, nginx answers 500', async () => {
    const f = await inject(nginxOutOfFds(web1));
    expect(await hit(f)).toBe('500');
    const re =
      /\[alert\] \d+#\d+: \*\d+ socket\(\) failed \(24: Too many open files\) while connecting to upstream, client: 127\.0\.0\.1, server: shop\.example\.com, request: "GET \/ HTTP\/1\.1", upstream: "fastcgi:\/\/unix:\/run\/php\/php8\.2-fpm\.sock:"/;
    expect(await errorLog(f, re)).toMatch(re);
  });

  it('worker_connections too low: not enough while connecting to upstream, 500', async () => {
    const f = await inject(nginxWorkerConnections(web1));
    expect(await hit(f)).toBe('500');
    const re =
      /\[alert\] \d+#\d+: \*\d+ \d+ worker_connections are not enough while connecting to upstream, client: 127\.0\.0\.1, server: shop\.example\.com/;
    expect(await errorLog(f, re)).toMatch(re);
  });
});

/** Open a session channel on `conn` running `cmd`: its output, or the refusal. */
function exec(conn: Client, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    conn.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let out = '';
      ch.on('data', (d: Buffer) => {
        out += d.toString();
      }).on('close', () => resolve(out));
    });
  });
}

async function connect(host: FleetHost): Promise<Client> {
  const conn = new Client();
  await new Promise<void>((resolve, reject) => {
    conn.on('ready', () => resolve()).on('error', reject);
    conn.connect({
      host: '127.0.0.1',
      port: host.sshPort,
      username: 'deploy',
      privateKey: readFileSync(fleet.privateKeyPath),
      readyTimeout: 8000,
    });
  });
  return conn;
}

/** Two session channels at once on one connection: what the second one gets. */
async function twoSessions(host: FleetHost): Promise<{ first: string; second: string }> {
  const conn = await connect(host);
  try {
    const first = exec(conn, 'sleep 1; echo first');
    const second = await exec(conn, 'echo second').catch((e: Error) => `refused: ${e.message}`);
    return { first: await first, second };
  } finally {
    conn.end();
  }
}

describe('the host Medic talks to', () => {
  it('a tool that hangs: ufw never returns', async () => {
    await inject(commandHangs(web1));
    expect(await web1.sh('timeout 2 ufw status verbose; echo "exit $?"')).toBe('exit 124');
    expect(await visit(web1, SHOP)).toBe('200');
  });

  it('sshd MaxSessions 1: a second session channel on the connection is refused', async () => {
    expect(await twoSessions(web1)).toEqual({ first: 'first\n', second: 'second\n' });
    const f = await inject(sshMaxSessions(web1));
    const r = await twoSessions(web1);
    expect(r.first).toBe('first\n');
    expect(r.second).toMatch(/^refused: \(SSH\) Channel open failure: open failed$/);
    expect(await unitLog(f, 'ssh', /no more sessions/)).toMatch(/sshd\[\d+\]: error: no more sessions/);
  });
});
