import { describe, expect, it } from 'vitest';
import { nginxConfig, nginxConfigParams } from '../../../src/core/checks/nginxConfig.js';
import {
  parseNginxConfig,
  parseNginxText,
  parsePassTarget,
  splitNginxDump,
} from '../../../src/core/checks/parseNginxConfig.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, dataOf, execResult, fixture, runCheck } from '../../support/checkKit.js';

// Real `nginx -t` / `nginx -T` output of nginx 1.22.1:
// dump.*, test-ok: a copy of Debian's /etc/nginx under /tmp with PHP sites (fastcgi_pass to unix
//   sockets), proxied sites (proxy_pass to ports, an `upstream app_pool`), uwsgi_pass and grpc_pass.
// edge.dump: a config written to exercise the parser (comments with braces, quoted `;`, `${var}`,
//   an include relative to the prefix, proxy_pass to http://unix:…:/uri, [::1], https without a
//   port, a variable target, fastcgi_pass to an upstream of a socket and a port, a pass defined
//   in a snippet that names an upstream defined later in another file).
// test-failed: the dump copy with `proxy_pas`; test-failed-user: `user nginx-app;` (no such user).
// debian.dump: stock Debian bookworm nginx in a container with a PHP location.
// test-nonroot / dump-nonroot: `nginx -t` / `-T` as www-data; sudo-password: `sudo -n nginx -t`
// as a user without sudo rights; absent-*: nginx moved away, via `sh -c` and via `sudo -n`.
const fx = (name: string) => fixture('nginx-config', name);

const ctx = checkContext();
const run = (test: ExecResult, dump: ExecResult) => runCheck(nginxConfig, { test, dump });

describe('nginx-config params and steps', () => {
  it('takes no params', () => {
    expect(nginxConfigParams.parse({})).toEqual({});
    expect(() => nginxConfigParams.parse({ errorLog: "/tmp/a'b; rm -rf /" })).toThrow();
  });

  it('runs nginx -t and nginx -T, privileged', () => {
    expect(nginxConfig.steps({}, ctx)).toEqual([
      { id: 'test', command: { argv: ['nginx', '-t'] }, privileged: true },
      { id: 'dump', command: { argv: ['nginx', '-T'] }, privileged: true },
    ]);
  });
});

describe('parseNginxConfig', () => {
  it('splits the dump into files in dump order', () => {
    const files = splitNginxDump(fx('debian.dump.stdout.txt'));
    expect(files.map((f) => f.file)).toEqual([
      '/etc/nginx/nginx.conf',
      '/etc/nginx/modules-enabled/50-mod-http-echo.conf',
      '/etc/nginx/mime.types',
      '/etc/nginx/sites-enabled/default',
      '/etc/nginx/snippets/fastcgi-php.conf',
      '/etc/nginx/fastcgi.conf',
    ]);
  });

  it('lists server blocks, passes, and upstream groups of the PHP and proxied sites', () => {
    const c = parseNginxConfig(fx('dump.stdout.txt'));
    expect(c?.user).toBe('www-data');
    expect(c?.upstreams).toEqual({
      app_pool: ['127.0.0.1:18997', '127.0.0.1:18998'],
      grpc_backend: ['127.0.0.1:50051'],
    });
    expect(c?.targets).toHaveLength(16);
    expect(c?.targets[0]).toEqual({
      serverNames: ['shop.example.com', 'www.shop.example.com'],
      listen: ['127.0.0.1:18080'],
      location: '~ \\.php$',
      at: '/tmp/medicfx/nginx/sites-enabled/php-sites:11',
      value: 'unix:/tmp/medicfx/run/php8.1-fpm.sock',
      directive: 'fastcgi_pass',
      target: 'unix:/tmp/medicfx/run/php8.1-fpm.sock',
      unixSocket: '/tmp/medicfx/run/php8.1-fpm.sock',
    });
    const api = { serverNames: ['api.example.com'], listen: ['127.0.0.1:18080', '[::1]:18080'] };
    expect(c?.targets).toContainEqual(
      expect.objectContaining({
        ...api,
        directive: 'proxy_pass',
        target: 'http://127.0.0.1:18999',
        host: '127.0.0.1',
        port: 18999,
      }),
    );
    expect(c?.targets).toContainEqual(
      expect.objectContaining({
        ...api,
        directive: 'proxy_pass',
        target: '127.0.0.1:18998',
        upstream: 'app_pool',
        host: '127.0.0.1',
        port: 18998,
      }),
    );
    const py = { serverNames: ['legacy.example.com', 'py.example.com'], listen: ['127.0.0.1:18081'] };
    expect(c?.targets).toContainEqual(
      expect.objectContaining({
        ...py,
        directive: 'uwsgi_pass',
        target: 'unix:///tmp/medicfx/run/uwsgi.sock',
        unixSocket: '/tmp/medicfx/run/uwsgi.sock',
      }),
    );
    expect(c?.targets).toContainEqual(
      expect.objectContaining({
        ...py,
        directive: 'grpc_pass',
        target: '127.0.0.1:50051',
        upstream: 'grpc_backend',
        host: '127.0.0.1',
        port: 50051,
      }),
    );
  });

  it('gives each server block the error log it inherits, its buffers and nginx limits', () => {
    const c = parseNginxConfig(fx('dump.stdout.txt'));
    expect(c?.workerConnections).toBe(768);
    expect(new Set(c?.servers.flatMap((srv) => srv.errorLogs))).toEqual(
      new Set(['/tmp/medicfx/log/error.log']),
    );
    const buffered = c?.servers.flatMap((srv) => srv.locations).find((l) => l.buffers.proxy_buffer_size);
    expect(buffered?.buffers).toEqual({ proxy_buffer_size: '1k' });
    expect(buffered?.passes.map((p) => p.directive)).toEqual(['proxy_pass']);
  });

  it('copes with comments, quotes, braced variables, relative includes, unix URLs and variables', () => {
    const c = parseNginxConfig(fx('edge.dump.stdout.txt'));
    const where = {
      serverNames: ['~^(?<sub>.+)\\.example\\.com$', 'edge.example.com'],
      listen: ['127.0.0.1:18090'],
    };
    expect(c?.upstreams).toEqual({
      app_pool: ['10.0.0.5:8080', '10.0.0.6'],
      php_pool: ['unix:/run/php/php8.2-fpm.sock', '127.0.0.1:9001'],
    });
    expect(c?.targets).toMatchObject([
      {
        ...where,
        directive: 'proxy_pass',
        target: '10.0.0.5:8080',
        upstream: 'app_pool',
        host: '10.0.0.5',
        port: 8080,
      },
      {
        ...where,
        directive: 'proxy_pass',
        target: '10.0.0.6',
        upstream: 'app_pool',
        host: '10.0.0.6',
        port: 80,
      },
      {
        ...where,
        directive: 'proxy_pass',
        target: 'http://unix:/run/app/gunicorn.sock:/api/',
        unixSocket: '/run/app/gunicorn.sock',
      },
      { ...where, directive: 'proxy_pass', target: 'http://[::1]:8080', host: '::1', port: 8080 },
      { ...where, directive: 'proxy_pass', target: 'https://127.0.0.1', host: '127.0.0.1', port: 443 },
      { ...where, directive: 'proxy_pass', target: 'http://$backend', dynamic: true },
      {
        ...where,
        directive: 'fastcgi_pass',
        target: 'unix:/run/php/php8.2-fpm.sock',
        upstream: 'php_pool',
        unixSocket: '/run/php/php8.2-fpm.sock',
      },
      {
        ...where,
        directive: 'fastcgi_pass',
        target: '127.0.0.1:9001',
        upstream: 'php_pool',
        host: '127.0.0.1',
        port: 9001,
      },
      { ...where, directive: 'fastcgi_pass', target: '127.0.0.1:9000', host: '127.0.0.1', port: 9000 },
    ]);
    const edge = splitNginxDump(fx('edge.dump.stdout.txt'))[1];
    const server = parseNginxText(edge?.text ?? '', edge?.file ?? '')[0];
    expect(server?.block?.slice(0, 4).map((d) => [d.name, ...d.args])).toEqual([
      ['listen', '127.0.0.1:18090'],
      ['server_name', '~^(?<sub>.+)\\.example\\.com$', 'edge.example.com'],
      ['add_header', 'X-Msg', 'a; b { c } # not a comment'],
      ['add_header', 'X-Quote', "it's; fine"],
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's braced variable syntax
    expect(server?.block?.[4]).toMatchObject({ name: 'set', args: ['$suffix', '${host}-x'], line: 6 });
  });

  it('parses the stock Debian layout and tolerates broken text', () => {
    const debian = parseNginxConfig(fx('debian.dump.stdout.txt'));
    expect(debian).toMatchObject({
      files: splitNginxDump(fx('debian.dump.stdout.txt')).map((f) => f.file),
      user: 'www-data',
      upstreams: {},
      workerConnections: 768,
      workerRlimitNofile: null,
      targets: [
        {
          serverNames: ['shop.example.com'],
          listen: ['80', '[::]:80'],
          location: '~ \\.php$',
          directive: 'fastcgi_pass',
          target: 'unix:/run/php/php8.2-fpm.sock',
          unixSocket: '/run/php/php8.2-fpm.sock',
        },
      ],
    });
    // The server block: its names, default_server, the error log it inherits, index, locations.
    expect(debian?.servers).toEqual([
      {
        names: ['shop.example.com'],
        listen: ['80', '[::]:80'],
        defaultServer: true,
        at: '/etc/nginx/sites-enabled/default:1',
        errorLogs: ['/var/log/nginx/error.log'],
        index: ['index.php', 'index.html'],
        passes: [],
        buffers: {},
        locations: [
          {
            match: '/',
            passes: [],
            tryFiles: ['$uri', '$uri/', '/index.php?$query_string'],
            buffers: {},
            locations: [],
          },
          {
            match: '~ \\.php$',
            passes: [
              {
                directive: 'fastcgi_pass',
                value: 'unix:/run/php/php8.2-fpm.sock',
                at: '/etc/nginx/sites-enabled/default:17',
              },
            ],
            // from snippets/fastcgi-php.conf, included in the location
            tryFiles: ['$fastcgi_script_name', '=404'],
            buffers: {},
            locations: [],
          },
        ],
      },
    ]);
    expect(parseNginxConfig(fx('test-ok.stderr.txt'))).toBeUndefined();
    const cut = fx('debian.dump.stdout.txt').slice(0, 5000);
    expect(() => parseNginxConfig(`${cut}\n} } { "unterminated`)).not.toThrow();
    expect(parsePassTarget('backend')).toEqual({ host: 'backend', name: 'backend' });
  });
});

describe('nginx-config parse', () => {
  it('reports a valid configuration and its upstream targets', () => {
    const findings = run(
      execResult('', { stderr: fx('test-ok.stderr.txt') }),
      execResult(fx('dump.stdout.txt'), { stderr: fx('dump.stderr.txt') }),
    );
    expect(findings.map((x) => [x.kind, x.severity])).toEqual([
      ['nginx-test-ok', 'ok'],
      ['nginx-upstreams', 'info'],
    ]);
    expect(findings[0]?.evidence).toEqual([
      'nginx: the configuration file /tmp/medicfx/nginx/nginx.conf syntax is ok',
      'nginx: configuration file /tmp/medicfx/nginx/nginx.conf test is successful',
    ]);
    expect(findings[1]?.summary).toBe('nginx passes requests to 16 upstream target(s)');
    expect(dataOf(findings[1]).user).toBe('www-data');
    expect(dataOf(findings[1]).targets).toHaveLength(16);
    expect(findings[1]?.evidence).toEqual([
      'shop.example.com www.shop.example.com: fastcgi_pass unix:/tmp/medicfx/run/php8.1-fpm.sock',
      'blog.example.com: fastcgi_pass unix:/tmp/medicfx/run/root600.sock',
      'php.example.com: fastcgi_pass unix:/tmp/medicfx/run/php8.2-fpm.sock',
      'fcgi.example.com busy.example.com: fastcgi_pass unix:/tmp/medicfx/run/fcgi-end.sock',
      'fcgi.example.com busy.example.com: fastcgi_pass unix:/tmp/medicfx/run/fcgi-empty.sock',
    ]);
  });

  it('reports a failed test with the emerg line and its place', () => {
    const stderr = fx('test-failed.stderr.txt');
    expect(run(execResult('', { code: 1, stderr }), execResult('', { code: 1, stderr }))).toEqual([
      {
        check: 'nginx-config',
        host: 'web1',
        kind: 'nginx-test-failed',
        severity: 'critical',
        summary:
          'nginx -t failed: unknown directive "proxy_pas" in /tmp/medicfx/nginx-broken/sites-enabled/proxied:19',
        evidence: [
          'nginx: [emerg] unknown directive "proxy_pas" in /tmp/medicfx/nginx-broken/sites-enabled/proxied:19',
        ],
        data: {
          messages: ['unknown directive "proxy_pas" in /tmp/medicfx/nginx-broken/sites-enabled/proxied:19'],
          file: '/tmp/medicfx/nginx-broken/sites-enabled/proxied',
          line: 19,
        },
      },
    ]);
    const user = fx('test-failed-user.stderr.txt');
    expect(
      run(execResult('', { code: 1, stderr: user }), execResult('', { code: 1, stderr: user }))[0]?.data,
    ).toEqual({
      messages: ['getpwnam("nginx-app") failed in /tmp/medicfx/edge/nginx.conf:2'],
      file: '/tmp/medicfx/edge/nginx.conf',
      line: 2,
    });
  });

  it('does not blame the configuration when nginx -t lacked privileges', () => {
    const findings = run(
      execResult('', { code: 1, stderr: fx('test-nonroot.stderr.txt') }),
      execResult('', { code: 1, stderr: fx('dump-nonroot.stderr.txt') }),
    );
    expect(findings).toEqual([
      {
        check: 'nginx-config',
        host: 'web1',
        kind: 'nginx-test-denied',
        severity: 'warn',
        summary: 'nginx -t could not run with enough privileges to test the configuration',
        evidence: [
          '2026/11/22 02:45:04 [emerg] 365#365: open() "/run/nginx.pid" failed (13: Permission denied)',
        ],
        data: { messages: ['open() "/run/nginx.pid" failed (13: Permission denied)'] },
      },
    ]);
  });

  it('reports an absent nginx as tool-missing (sh and sudo)', () => {
    const sh = fx('absent-sh.stderr.txt');
    expect(run(execResult('', { code: 127, stderr: sh }), execResult('', { code: 127, stderr: sh }))).toEqual(
      [
        {
          check: 'nginx-config',
          host: 'web1',
          kind: 'tool-missing',
          severity: 'info',
          summary: 'nginx is not installed, cannot check the nginx configuration',
          evidence: ['sh: 1: nginx: not found'],
          data: { tool: 'nginx' },
        },
      ],
    );
    const sudo = fx('absent-sudo.stderr.txt');
    expect(
      run(execResult('', { code: 1, stderr: sudo }), execResult('', { code: 1, stderr: sudo })),
    ).toMatchObject([{ kind: 'tool-missing', data: { tool: 'nginx' } }]);
  });

  it('reports garbage as unparseable', () => {
    const pw = fx('sudo-password.stderr.txt');
    expect(
      run(execResult('', { code: 1, stderr: pw }), execResult('', { code: 1, stderr: pw })),
    ).toMatchObject([
      {
        kind: 'unparseable',
        severity: 'warn',
        evidence: [
          'sudo: unable to resolve host d22c317fcf6f: Temporary failure in name resolution',
          'sudo: a password is required',
        ],
      },
    ]);
    const notDump = fixture('php-fpm', 'show-active.txt');
    const findings = run(execResult('', { stderr: fx('test-ok.stderr.txt') }), execResult(notDump));
    expect(findings.map((x) => [x.kind, x.severity])).toEqual([
      ['nginx-test-ok', 'ok'],
      ['unparseable', 'warn'],
    ]);
    expect(findings[1]?.evidence[0]).toBe('Result=success');
  });
});
