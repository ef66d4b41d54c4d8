import { describe, expect, it } from 'vitest';
import { nginxErrors } from '../../../src/core/checks/nginxErrors.js';
import {
  joinContinuationLines,
  type NginxErrorLine,
  parseNginxErrorLine,
} from '../../../src/core/checks/parseNginxErrorLog.js';
import { dataOf, execResult, fixture, runCheck } from '../../support/checkKit.js';

// kinds-*.txt: nginx 1.22.1 (Debian bookworm, nginx-light) with `error_log … warn`, workers as
// www-data, run in a private network namespace (loopback, a veth whose far end answers no ARP, a
// static neighbour that drops packets, `unreachable`/`prohibit` routes) against upstreams made to
// misbehave for real. First line: `date +'%Y/%m/%d %H:%M:%S'` at the end of the capture; then the log.
//   connect: fastcgi_pass to a missing socket (2); a root 0600 unix socket (13) and a `prohibit`
//     route (13); a closed port (111); an `unreachable` route and an address nobody answers ARP
//     for (113); an IPv6 address with no route (101); tcp_syn_retries=1 to a dropped address
//     (connect() 110) and proxy_connect_timeout 1s (upstream timed out); proxy_bind to an address
//     not on the host (bind() 99); ip_local_port_range of two ports (connect() 99); a backend whose
//     listener closed while the handshake sat in its queue and the worker was SIGSTOPped (104); a
//     unix socket with a full backlog (11).
//   io: a backend that closes or resets (SO_LINGER 0) after the request or mid-body; one that
//     closes (FIN: 32) or resets (104) while nginx streams a request body (proxy_request_buffering
//     off); proxy_read/send_timeout 1s; an upstream block of two dead servers with max_fails=1.
//   invalid: an 8 KB header with proxy_buffer_size 1k; a header with \x01; no status line; a bad
//     chunk; more data than Content-Length; data after the last chunk; uwsgi_pass and grpc_pass to
//     non-uwsgi/HTTP/1 servers.
//   fastcgi: a Python FastCGI responder sending END_REQUEST first, an empty STDOUT, version 2,
//     record type 12, request id 257, `Status: abc`, a header with \x01, STDERR (with and without a
//     response), an 8 KB header with fastcgi_buffer_size 1k, a close; fastcgi_pass to an HTTP port.
//   php-fpm: php-fpm 8.2 (pm static 2, listen.backlog 1, request_terminate_timeout 4s): a missing
//     script, a fatal error, error_log(), a Content-Length longer than the body, a child killed with
//     SIGKILL after flush() and before output, six concurrent sleep(20) requests, proxy_pass to FPM.
//   tls: proxy_pass https:// to a plain HTTP port, to a TLS 1.3-only server with proxy_ssl_protocols
//     TLSv1.2, proxy_ssl_verify with the wrong CA and with the wrong proxy_ssl_name, to a server that
//     closes at once (RST) or after reading the ClientHello (FIN), to one that never answers.
//   resolver: proxy_pass http://$backend:8080 without a resolver, and with resolvers answering
//     NXDOMAIN, SERVFAIL or nothing.
//   worker-connections: worker_connections 5 with concurrent proxied requests, then idle clients.
//   open-files: worker_rlimit_nofile 9 (one free descriptor after startup), then idle clients.
// other-temp-file.txt: proxy_temp_path not writable by the worker, a slow client of a large response.
// Only path prefixes were rewritten (the scratch directory to /run/, /var/www/shop/ and
// /var/lib/nginx/proxy/); everything else is byte for byte what nginx wrote.
const fx = (name: string) => fixture('nginx-errors', name);
const entries = (name: string): NginxErrorLine[] =>
  joinContinuationLines(fx(name).split('\n').slice(1).filter(Boolean)).flatMap(
    (l) => parseNginxErrorLine(l) ?? [],
  );
const run = (name: string, text = fx(name)) => {
  const [date = '', ...rest] = text.split('\n');
  return runCheck(nginxErrors, { now: execResult(`${date}\n`), tail: execResult(rest.join('\n')) });
};

/** `kind errno phase call upstreamBase socket-or-host:port | detail (first line)`, `-` for null. */
const row = (l: NginxErrorLine) => {
  const where = l.unixSocket ?? ([l.upstreamHost, l.upstreamPort].filter((x) => x !== null).join(':') || '-');
  const cells = [l.kind, l.errno ?? '-', l.phase ?? '-', l.call ?? '-', l.upstreamBase ?? '-', where];
  return `${cells.join(' ')}${l.detail === null ? '' : ` | ${l.detail.split('\n')[0]}`}`;
};

const fpm = 'fastcgi://unix:/run/php/php8.2-fpm.sock /run/php/php8.2-fpm.sock';
const table: Record<string, string[]> = {
  connect: [
    'connect-failed 2 connecting connect fastcgi://unix:/run/php/php8.1-fpm.sock /run/php/php8.1-fpm.sock',
    'connect-failed 13 connecting connect http://unix:/run/app/root600.sock /run/app/root600.sock',
    'connect-failed 13 connecting connect http://10.98.0.5:8080 10.98.0.5:8080',
    'connect-failed 111 connecting connect http://127.0.0.1:18999 127.0.0.1:18999',
    'connect-failed 113 connecting connect http://10.99.0.5:8080 10.99.0.5:8080',
    'connect-failed 113 connecting connect http://10.97.0.5:8080 10.97.0.5:8080',
    'connect-failed 101 connecting connect http://[2001:db8::5]:8080 2001:db8::5:8080',
    'upstream-timeout 110 connecting connect http://10.96.0.6:8080 10.96.0.6:8080',
    'upstream-timeout 110 connecting - http://10.96.0.5:8080 10.96.0.5:8080',
    'connect-failed 99 connecting bind http://127.0.0.1:18913 127.0.0.1:18913 | 192.0.2.77',
    'connect-failed 99 connecting connect http://127.0.0.1:18904 127.0.0.1:18904',
    'connect-failed 104 connecting connect http://127.0.0.1:18920 127.0.0.1:18920',
    ...Array(3).fill(
      'connect-failed 11 connecting connect http://unix:/run/app/backlog.sock /run/app/backlog.sock',
    ),
    // Logged as `http://unix:/run/app/backlog.sock/queue/1`, without the `:` before the URI.
    'upstream-timeout 110 reading - http://unix:/run/app/backlog.sock /run/app/backlog.sock',
    ...Array(2).fill('upstream-timeout 110 reading - http://127.0.0.1:18904 127.0.0.1:18904'),
  ],
  io: [
    'prematurely-closed - reading - http://127.0.0.1:18901 127.0.0.1:18901 | connection',
    'prematurely-closed - reading - http://127.0.0.1:18908 127.0.0.1:18908 | connection',
    'recv-reset 104 reading recv http://127.0.0.1:18902 127.0.0.1:18902',
    'recv-reset 104 reading readv http://127.0.0.1:18909 127.0.0.1:18909',
    'send-failed 32 sending writev http://127.0.0.1:18921 127.0.0.1:18921',
    'send-failed 104 sending writev http://127.0.0.1:18921 127.0.0.1:18921',
    'upstream-timeout 110 reading - http://127.0.0.1:18904 127.0.0.1:18904',
    'upstream-timeout 110 sending - http://127.0.0.1:18911 127.0.0.1:18911',
    'upstream-timeout 110 reading - http://127.0.0.1:18910 127.0.0.1:18910',
    'connect-failed 111 connecting connect http://127.0.0.1:18997 127.0.0.1:18997',
    'server-disabled - connecting - http://127.0.0.1:18997 127.0.0.1:18997',
    'connect-failed 111 connecting connect http://127.0.0.1:18998 127.0.0.1:18998',
    'server-disabled - connecting - http://127.0.0.1:18998 127.0.0.1:18998',
    ...Array(2).fill('no-live-upstreams - connecting - http://app_pool app_pool'),
  ],
  invalid: [
    'too-big-header - reading - http://127.0.0.1:18903 127.0.0.1:18903',
    'invalid-header - reading - http://127.0.0.1:18906 127.0.0.1:18906 | Bad\\x01...',
    'invalid-header - reading - http://127.0.0.1:18905 127.0.0.1:18905',
    'invalid-response - reading - http://127.0.0.1:18907 127.0.0.1:18907',
    'invalid-response - reading - http://127.0.0.1:18922 127.0.0.1:18922',
    'invalid-response - reading - http://127.0.0.1:18923 127.0.0.1:18923',
    'invalid-header - reading - uwsgi://127.0.0.1:18905 127.0.0.1:18905 | hello\\x20...',
    'invalid-response - reading - grpc://127.0.0.1:18913 127.0.0.1:18913',
  ],
  fastcgi: [
    'unexpected-fastcgi-record - reading - fastcgi://unix:/run/fcgi/end.sock /run/fcgi/end.sock | record: 3',
    'prematurely-closed - reading - fastcgi://unix:/run/fcgi/empty.sock /run/fcgi/empty.sock | FastCGI stdout',
    'unexpected-fastcgi-record - reading - fastcgi://unix:/run/fcgi/badver.sock /run/fcgi/badver.sock | protocol version: 2',
    'unexpected-fastcgi-record - reading - fastcgi://unix:/run/fcgi/badtype.sock /run/fcgi/badtype.sock | record type: 12',
    'unexpected-fastcgi-record - reading - fastcgi://unix:/run/fcgi/badid.sock /run/fcgi/badid.sock | request id high byte: 1',
    'invalid-header - reading - fastcgi://unix:/run/fcgi/status.sock /run/fcgi/status.sock | abc',
    'invalid-header - reading - fastcgi://unix:/run/fcgi/invalidheader.sock /run/fcgi/invalidheader.sock | Bad\\x01...',
    'fastcgi-stderr - reading - fastcgi://unix:/run/fcgi/stderr.sock /run/fcgi/stderr.sock | PHP message: worker 7 could not reach redis at 10.0.0.5:6379',
    'fastcgi-stderr - reading - fastcgi://unix:/run/fcgi/stderronly.sock /run/fcgi/stderronly.sock | PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect()',
    'unexpected-fastcgi-record - reading - fastcgi://unix:/run/fcgi/stderronly.sock /run/fcgi/stderronly.sock | record: 3',
    'too-big-header - reading - fastcgi://unix:/run/fcgi/bigheader.sock /run/fcgi/bigheader.sock',
    'prematurely-closed - reading - fastcgi://unix:/run/fcgi/close.sock /run/fcgi/close.sock | connection',
    'unexpected-fastcgi-record - reading - fastcgi://127.0.0.1:18913 127.0.0.1:18913 | protocol version: 72',
  ],
  'php-fpm': [
    `fastcgi-stderr - reading - ${fpm} | Primary script unknown`,
    `fastcgi-stderr - reading - ${fpm} | PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect() in /var/www/shop/fatal.php:2`,
    `fastcgi-stderr - reading - ${fpm} | PHP message: cart: coupon service slow (2300 ms)`,
    `prematurely-closed - reading - ${fpm} | FastCGI request`,
    `recv-reset 104 reading readv ${fpm}`,
    `recv-reset 104 reading recv ${fpm}`,
    ...Array(2).fill(`connect-failed 11 connecting connect ${fpm}`),
    ...Array(4).fill(`recv-reset 104 reading recv ${fpm}`),
    'recv-reset 104 reading recv http://unix:/run/php/php8.2-fpm.sock /run/php/php8.2-fpm.sock',
  ],
  tls: [
    'ssl-handshake - connecting SSL_do_handshake https://127.0.0.1:18913 127.0.0.1:18913 | SSL: error:0A00010B:SSL routines::wrong version number',
    'ssl-handshake - connecting SSL_do_handshake https://127.0.0.1:18924 127.0.0.1:18924 | SSL: error:0A00042E:SSL routines::tlsv1 alert protocol version:SSL alert number 70',
    'ssl-handshake - connecting - https://127.0.0.1:18914 127.0.0.1:18914 | certificate does not match "api.internal"',
    'ssl-handshake - connecting - https://127.0.0.1:18925 127.0.0.1:18925 | certificate verify error: (21:unable to verify the first certificate)',
    'ssl-handshake 104 connecting - https://127.0.0.1:18915 127.0.0.1:18915 | peer closed connection in SSL handshake',
    'ssl-handshake - connecting - https://127.0.0.1:18901 127.0.0.1:18901 | peer closed connection in SSL handshake',
    'upstream-timeout 110 connecting - https://127.0.0.1:18911 127.0.0.1:18911',
  ],
  resolver: [
    'resolver - - - orders.internal orders.internal | orders.internal',
    'resolver 3 - - orders.internal orders.internal | orders.internal',
    'resolver 110 - - orders.internal orders.internal | orders.internal',
    'resolver 2 - - orders.internal orders.internal | orders.internal',
  ],
  'worker-connections': [
    'worker-connections - connecting - http://127.0.0.1:18918 127.0.0.1:18918 | 5',
    `worker-connections - connecting - ${fpm} | 5`,
    ...Array(3).fill('worker-connections - - - - - | 5'),
  ],
  'open-files': [
    'open-files 24 - socketpair - -',
    'open-files 24 connecting socket http://127.0.0.1:18918 127.0.0.1:18918',
    `open-files 24 connecting socket ${fpm}`,
    ...Array(5).fill('open-files 24 - accept4 - -'),
  ],
};

describe('nginx error kinds (every captured message)', () => {
  it.each(Object.entries(table))('classifies every line of kinds-%s.txt', (family, rows) => {
    const parsed = entries(`kinds-${family}.txt`);
    expect(parsed.map(row)).toEqual(rows);
    expect(parsed.filter((l) => l.kind === 'other')).toEqual([]);
  });
});

describe('nginx-errors findings per family', () => {
  const summaries = (name: string) =>
    run(name).map((f) => `${f.severity} ${f.summary.replace(' in the last 15 min', '')}`);

  it('connect() failures by errno, timeouts by phase', () => {
    expect(summaries('kinds-connect.txt')).toEqual([
      'critical http://127.0.0.1:18904 timed out while reading the response header: 2×',
      'critical unix:/run/app/backlog.sock timed out while reading the response header: 1×',
      'critical connect() to unix:/run/app/backlog.sock failed (11: Resource temporarily unavailable): 3×',
      'critical connect() to http://127.0.0.1:18920 failed (104: Connection reset by peer): 1×',
      'critical http://10.96.0.5:8080 timed out while connecting: 1×',
      'critical bind(192.0.2.77) to connect to http://127.0.0.1:18913 failed (99: Cannot assign requested address): 1×',
      'critical connect() to http://127.0.0.1:18904 failed (99: Cannot assign requested address): 1×',
      'critical http://10.96.0.6:8080 timed out while connecting: 1×',
      'critical connect() to http://10.97.0.5:8080 failed (113: No route to host): 1×',
      'critical connect() to http://[2001:db8::5]:8080 failed (101: Network is unreachable): 1×',
      'critical connect() to unix:/run/php/php8.1-fpm.sock failed (2: No such file or directory): 1×',
      'critical connect() to unix:/run/app/root600.sock failed (13: Permission denied): 1×',
      'critical connect() to http://10.98.0.5:8080 failed (13: Permission denied): 1×',
      'critical connect() to http://127.0.0.1:18999 failed (111: Connection refused): 1×',
      'critical connect() to http://10.99.0.5:8080 failed (113: No route to host): 1×',
    ]);
  });

  it('closes, resets, failed sends and timeouts; a server marked down is context', () => {
    expect(summaries('kinds-io.txt')).toEqual([
      'critical no live upstreams in http://app_pool: 2×',
      'critical http://127.0.0.1:18910 timed out while reading the response body: 1×',
      'critical connect() to http://127.0.0.1:18997 failed (111: Connection refused): 1×',
      'critical connect() to http://127.0.0.1:18998 failed (111: Connection refused): 1×',
      'critical http://127.0.0.1:18911 timed out while sending the request: 1×',
      'critical http://127.0.0.1:18904 timed out while reading the response header: 1×',
      'critical sending the request to http://127.0.0.1:18921 failed: writev() (104: Connection reset by peer): 1×',
      'critical sending the request to http://127.0.0.1:18921 failed: writev() (32: Broken pipe): 1×',
      'critical http://127.0.0.1:18901 closed the connection without a response: 1×',
      'critical http://127.0.0.1:18908 closed the connection before the end of the response: 1×',
      'critical http://127.0.0.1:18902 reset the connection (104: Connection reset by peer): 1×',
      'critical http://127.0.0.1:18909 reset the connection (104: Connection reset by peer) while reading the response body: 1×',
      'warn http://127.0.0.1:18997 marked unavailable for fail_timeout (max_fails reached): 1×',
      'warn http://127.0.0.1:18998 marked unavailable for fail_timeout (max_fails reached): 1×',
    ]);
    const [written] = entries('kinds-io.txt').filter((l) => l.kind === 'send-failed');
    expect(written).toMatchObject({ errnoText: 'Broken pipe', request: 'POST /stream/upload HTTP/1.1' });
    const epipe = run('kinds-io.txt').find((f) => dataOf(f).errno === 32);
    expect(epipe?.data).toEqual({
      requestHost: 'api.example.com',
      fresh: 1,
      freshSeconds: 20,
      errorKind: 'send-failed',
      errno: 32,
      upstream: 'http://127.0.0.1:18921',
      unixSocket: null,
      upstreamHost: '127.0.0.1',
      upstreamPort: 18921,
      count: 1,
      first: '2026/12/02 15:54:05',
      last: '2026/12/02 15:54:05',
      server: 'api.example.com',
      phase: 'sending',
      during: 'sending request to upstream',
      call: 'writev',
      detail: null,
    });
  });

  it('invalid responses, with the buffer to raise for a too big header; warn-level lines stay warn', () => {
    expect(summaries('kinds-invalid.txt')).toEqual([
      'critical uwsgi://127.0.0.1:18905 sent invalid header: "hello\\x20...": 1×',
      'critical grpc://127.0.0.1:18913 sent too large http2 frame: 4740180: 1×',
      'critical http://127.0.0.1:18903 sent a too big header (proxy_buffer_size is too small): 1×',
      'critical http://127.0.0.1:18906 sent invalid header: "Bad\\x01...": 1×',
      'critical http://127.0.0.1:18905 sent no valid HTTP/1.0 header: 1×',
      'critical http://127.0.0.1:18907 sent invalid chunked response: 1×',
      'warn http://127.0.0.1:18922 sent more data than specified in "Content-Length" header: 1×',
      'warn http://127.0.0.1:18923 sent data after final chunk: 1×',
    ]);
  });

  it('FastCGI protocol errors; stderr is context unless the same request failed', () => {
    expect(summaries('kinds-fastcgi.txt')).toEqual([
      'critical fastcgi://127.0.0.1:18913 sent unsupported FastCGI protocol version: 72 (an HTTP server, not FastCGI?): 1×',
      'critical unix:/run/fcgi/stderronly.sock wrote to FastCGI stderr: "PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect()": 1×',
      'critical unix:/run/fcgi/stderronly.sock sent unexpected FastCGI record: 3: 1×',
      'critical unix:/run/fcgi/bigheader.sock sent a too big header (fastcgi_buffer_size is too small): 1×',
      'critical unix:/run/fcgi/close.sock closed the connection without a response: 1×',
      'critical unix:/run/fcgi/end.sock sent unexpected FastCGI record: 3: 1×',
      'critical unix:/run/fcgi/empty.sock closed FastCGI stdout without a response: 1×',
      'critical unix:/run/fcgi/badver.sock sent unsupported FastCGI protocol version: 2: 1×',
      'critical unix:/run/fcgi/badtype.sock sent invalid FastCGI record type: 12: 1×',
      'critical unix:/run/fcgi/badid.sock sent unexpected FastCGI request id high byte: 1: 1×',
      'critical unix:/run/fcgi/status.sock sent invalid status "abc": 1×',
      'critical unix:/run/fcgi/invalidheader.sock sent invalid header: "Bad\\x01...": 1×',
      'warn unix:/run/fcgi/stderr.sock wrote to FastCGI stderr: "PHP message: worker 7 could not reach redis at 10.0.0.5:6379": 1×',
    ]);
  });

  it('php-fpm: stderr spanning lines rejoined; one stderr group per message, all context', () => {
    const fatal = entries('kinds-php-fpm.txt')[1];
    expect(fatal?.detail).toBe(
      'PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect() in /var/www/shop/fatal.php:2\nStack trace:\n#0 {main}\n  thrown in /var/www/shop/fatal.php on line 2',
    );
    expect(fatal).toMatchObject({
      level: 'error',
      connection: 3,
      during: 'reading response header from upstream',
    });
    expect(fatal).toMatchObject({ server: 'shop.example.com', request: 'GET /fatal.php HTTP/1.1' });
    expect(fatal?.raw.split('\n')).toHaveLength(4);
    // Continuation lines without an entry before them are left alone (and fail to parse).
    expect(joinContinuationLines(['Stack trace:', '#0 {main}'])).toEqual(['Stack trace:', '#0 {main}']);
    expect(summaries('kinds-php-fpm.txt')).toEqual([
      'critical unix:/run/php/php8.2-fpm.sock reset the connection (104: Connection reset by peer): 6×',
      'critical unix:/run/php/php8.2-fpm.sock reset the connection (104: Connection reset by peer): 1×',
      'critical connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable): 2×',
      'critical unix:/run/php/php8.2-fpm.sock closed FastCGI request before the end of the response: 1×',
      'warn unix:/run/php/php8.2-fpm.sock wrote to FastCGI stderr: "Primary script unknown": 1×',
      'warn unix:/run/php/php8.2-fpm.sock wrote to FastCGI stderr: "PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect() in /var/www/shop/fatal.php:2": 1×',
      'warn unix:/run/php/php8.2-fpm.sock wrote to FastCGI stderr: "PHP message: cart: coupon service slow (2300 ms)": 1×',
    ]);
    // Only FPM's stderr in the window: no upstream error, the messages kept as warnings.
    const stderrOnly = fx('kinds-php-fpm.txt').split('\n').slice(0, 7).join('\n');
    expect(run('', stderrOnly).map((f) => [f.kind, f.severity, dataOf(f).detail ?? null])).toEqual([
      ['nginx-errors-none', 'ok', null],
      ['nginx-upstream-error', 'warn', 'Primary script unknown'],
      ['nginx-upstream-error', 'warn', expect.stringMatching(/^PHP message: PHP Fatal error: .*line 2$/s)],
      ['nginx-upstream-error', 'warn', 'PHP message: cart: coupon service slow (2300 ms)'],
    ]);
  });

  it('TLS handshakes and resolver failures', () => {
    expect(summaries('kinds-tls.txt')).toEqual([
      'critical https://127.0.0.1:18911 timed out during the TLS handshake: 1×',
      'critical TLS handshake with https://127.0.0.1:18901 failed: peer closed connection in SSL handshake: 1×',
      'critical TLS handshake with https://127.0.0.1:18913 failed: SSL: error:0A00010B:SSL routines::wrong version number: 1×',
      'critical TLS handshake with https://127.0.0.1:18924 failed: SSL: error:0A00042E:SSL routines::tlsv1 alert protocol version:SSL alert number 70: 1×',
      'critical TLS handshake with https://127.0.0.1:18914 failed: certificate does not match "api.internal": 1×',
      'critical TLS handshake with https://127.0.0.1:18925 failed: certificate verify error: (21:unable to verify the first certificate): 1×',
      'critical TLS handshake with https://127.0.0.1:18915 failed: peer closed connection in SSL handshake (104: Connection reset by peer): 1×',
    ]);
    expect(summaries('kinds-resolver.txt')).toEqual([
      'critical orders.internal could not be resolved (110: Operation timed out): 1×',
      'critical orders.internal could not be resolved (2: Server failure): 1×',
      'critical no resolver defined to resolve orders.internal: 1×',
      'critical orders.internal could not be resolved (3: Host not found): 1×',
    ]);
    const [nx] = entries('kinds-resolver.txt').filter((l) => l.errno === 3);
    expect(nx).toMatchObject({
      errnoText: 'Host not found',
      upstream: null,
      upstreamHost: 'orders.internal',
    });
    expect(run('kinds-resolver.txt')[0]?.data).toMatchObject({
      errorKind: 'resolver',
      upstream: 'orders.internal',
      upstreamHost: 'orders.internal',
      server: 'dyn.example.com',
    });
  });

  it('worker_connections and file descriptor limits', () => {
    expect(summaries('kinds-worker-connections.txt')).toEqual([
      'critical 5 worker_connections are not enough to accept clients: 3×',
      'critical 5 worker_connections are not enough to connect to http://127.0.0.1:18918: 1×',
      'critical 5 worker_connections are not enough to connect to unix:/run/php/php8.2-fpm.sock: 1×',
    ]);
    const [accept] = entries('kinds-open-files.txt').filter((l) => l.call === 'accept4');
    expect(accept).toMatchObject({
      level: 'crit',
      connection: null,
      client: null,
      upstream: null,
      during: null,
    });
    expect(summaries('kinds-open-files.txt')).toEqual([
      'critical nginx is out of file descriptors: accept4() (24: Too many open files): 6×',
      'critical nginx is out of file descriptors: socket() (24: Too many open files) connecting to http://127.0.0.1:18918: 1×',
      'critical nginx is out of file descriptors: socket() (24: Too many open files) connecting to unix:/run/php/php8.2-fpm.sock: 1×',
    ]);
  });

  it('keeps a message it does not know, naming an upstream at crit, as a warning', () => {
    expect(run('other-temp-file.txt')).toMatchObject([
      { kind: 'nginx-errors-none', severity: 'ok' },
      {
        kind: 'nginx-upstream-error',
        severity: 'warn',
        data: { errorKind: 'other', errno: 13, call: null, phase: 'reading', during: 'reading upstream' },
      },
    ]);
  });
});
