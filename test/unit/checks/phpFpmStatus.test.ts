import { describe, expect, it } from 'vitest';
import { parseFpmStatus } from '../../../src/core/checks/parsePhpFpm.js';
import { phpFpm, phpFpmParams } from '../../../src/core/checks/phpFpm.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { checkContext, execResult, fixture } from '../../support/checkKit.js';

// status-ok.json: captured verbatim from php8.2-fpm's status page (pm.status_path) on a fleet host.
const okJson = fixture('php-fpm', 'status-ok.json');
const show = fixture('php-fpm', 'show-active.txt');
const ctx = checkContext();
const params = phpFpmParams.parse({ unit: 'php8.2-fpm', statusUrl: 'http://127.0.0.1/fpm-status' });
const run = (status: ExecResult) =>
  phpFpm
    .parse({ unit: execResult(show), pools: execResult(''), status }, params, ctx)
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
    expect(run(execResult(okJson))).toMatchObject({
      kind: 'fpm-status',
      severity: 'ok',
      summary: 'php-fpm pool www: 1/2 workers busy',
    });
  });

  it('critical when requests queue and no worker is idle', () => {
    const busy = okJson
      .replace('"listen queue":0', '"listen queue":3')
      .replace('"idle processes":1', '"idle processes":0');
    expect(run(execResult(busy))).toMatchObject({
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
      execResult('', {
        code: 28,
        stderr: 'curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received\n',
      }),
    );
    expect(f).toMatchObject({ kind: 'fpm-status-timeout', severity: 'warn' });
    expect(f?.evidence).toEqual([
      'curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received',
    ]);
  });

  it('an HTML error page is unparseable, not a crash', () => {
    expect(run(execResult('<html>File not found.</html>'))?.kind).toBe('unparseable');
  });
});
