import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/core/checks/check.js';
import { parseFpmStatus } from '../../../src/core/checks/parsePhpFpm.js';
import { phpFpm, phpFpmParams } from '../../../src/core/checks/phpFpm.js';
import type { ExecResult } from '../../../src/core/ports.js';

// status-ok.json: captured verbatim from php8.2-fpm's status page (pm.status_path) on a fleet host.
const okJson = readFileSync(new URL('../../fixtures/php-fpm/status-ok.json', import.meta.url), 'utf8');
const show = readFileSync(new URL('../../fixtures/php-fpm/show-active.txt', import.meta.url), 'utf8');
const out = (stdout: string, code = 0, stderr = ''): ExecResult => ({
  stdout,
  stderr,
  code,
  signal: null,
  durationMs: 1,
  timedOut: false,
});
const ctx = { host: 'web1', siteName: 's', site: {}, now: new Date() } as unknown as CheckContext;
const params = phpFpmParams.parse({ unit: 'php8.2-fpm', statusUrl: 'http://127.0.0.1/fpm-status' });
const run = (status: ExecResult) =>
  phpFpm
    .parse({ unit: out(show), pools: out(''), status }, params, ctx)
    .find((f) => f.kind.startsWith('fpm-status') || f.kind === 'unparseable');

describe('php-fpm status page', () => {
  it('asks for the JSON form of the configured URL', () => {
    expect(phpFpm.steps(params, ctx).find((s) => s.id === 'status')?.command).toEqual({
      argv: ['curl', '-sS', '--max-time', '3', '--', 'http://127.0.0.1/fpm-status?json'],
    });
  });

  it('parses the real status JSON', () => {
    expect(parseFpmStatus(okJson)).toEqual({
      pool: 'www',
      listenQueue: 0,
      maxListenQueue: 0,
      idle: 1,
      active: 1,
      total: 2,
      maxChildrenReached: 0,
      slowRequests: 0,
    });
    expect(parseFpmStatus('<html>File not found.</html>')).toBeNull();
  });

  it('ok when idle workers remain', () => {
    expect(run(out(okJson))).toMatchObject({
      kind: 'fpm-status',
      severity: 'ok',
      summary: 'php-fpm pool www: 1/2 workers busy',
    });
  });

  it('critical when requests queue and no worker is idle', () => {
    const busy = okJson
      .replace('"listen queue":0', '"listen queue":3')
      .replace('"idle processes":1', '"idle processes":0');
    expect(run(out(busy))).toMatchObject({
      kind: 'fpm-status',
      severity: 'critical',
      data: { saturatedNow: true, listenQueue: 3 },
      evidence: [
        'pool www: listen queue 3 (max 0), idle 0, active 1/2, max children reached 0, slow requests 0',
      ],
    });
  });

  it('a status page that times out says the pool is too busy to answer', () => {
    const f = run(
      out('', 28, 'curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received\n'),
    );
    expect(f).toMatchObject({ kind: 'fpm-status-timeout', severity: 'warn' });
    expect(f?.evidence).toEqual([
      'curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received',
    ]);
  });

  it('an HTML error page is unparseable, not a crash', () => {
    expect(run(out('<html>File not found.</html>'))?.kind).toBe('unparseable');
  });
});
