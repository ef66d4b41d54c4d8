import { describe, expect, it } from 'vitest';
import { phpFpm } from '../../../src/core/checks/phpFpm.js';
import { systemdUnit } from '../../../src/core/checks/systemdUnit.js';
import type { ExecResult } from '../../../src/core/ports.js';
import { execResult, fixture, runCheck } from '../../support/checkKit.js';

// Captures from the php-fpm fixtures (Debian bookworm container): show-active / show-failed /
// show-notfound are `systemctl show -p …` of a running, a SIGKILLed and a missing unit;
// show-nosystemd: systemctl on a host without systemd; show-absent: `sh -c` without systemctl.
const fx = (name: string) => fixture('php-fpm', name);
const run = (show: ExecResult) => runCheck(systemdUnit, { show }, { unit: 'php8.2-fpm.service' });
const unitOf = (unit: ExecResult) =>
  runCheck(phpFpm, { unit, pools: execResult('') }, { unit: 'php8.2-fpm.service' })[0];

describe('systemd-unit', () => {
  it('reads the unit state when systemctl answers', () => {
    expect(run(execResult(fx('show-active.txt')))).toMatchObject([
      { kind: 'unit-state', severity: 'ok', summary: 'php8.2-fpm.service is active (running)' },
    ]);
    expect(run(execResult(fx('show-failed.txt')))).toMatchObject([
      { kind: 'unit-state', severity: 'critical', data: { activeState: 'failed', running: false } },
    ]);
    expect(run(execResult(fx('show-notfound.txt')))).toMatchObject([
      { kind: 'unit-state', severity: 'critical', summary: 'unit php8.2-fpm.service is not installed' },
    ]);
  });

  it('a systemctl that cannot reach systemd is unparseable, not a critical unit state', () => {
    expect(run(execResult('', { code: 1, stderr: fx('show-nosystemd.stderr.txt') }))).toEqual([
      {
        check: 'systemd-unit',
        host: 'web1',
        kind: 'unparseable',
        severity: 'warn',
        summary: 'systemctl failed (exit 1), cannot check unit php8.2-fpm.service',
        evidence: [
          "System has not been booted with systemd as init system (PID 1). Can't operate.",
          'Failed to connect to bus: Host is down',
        ],
        data: { tool: 'systemctl', code: 1 },
      },
    ]);
  });

  it('a missing systemctl is tool-missing', () => {
    expect(run(execResult('', { code: 127, stderr: fx('show-absent.stderr.txt') }))).toEqual([
      {
        check: 'systemd-unit',
        host: 'web1',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'systemctl is not installed, cannot check unit php8.2-fpm.service',
        evidence: ['/bin/sh: 1: systemctl: not found'],
        data: { tool: 'systemctl' },
      },
    ]);
  });

  it('a non-zero exit with output, or output without ActiveState=, is unparseable', () => {
    const failedWithOutput = run(
      execResult('Id=php8.2-fpm.service\n', {
        code: 1,
        stderr: 'Failed to connect to bus: No medium found\n',
      }),
    );
    expect(failedWithOutput).toEqual([
      {
        check: 'systemd-unit',
        host: 'web1',
        kind: 'unparseable',
        severity: 'warn',
        summary: 'could not make sense of systemctl output, cannot check unit php8.2-fpm.service',
        evidence: ['Failed to connect to bus: No medium found', 'Id=php8.2-fpm.service'],
        data: { tool: 'systemctl' },
      },
    ]);
    // Even a full ActiveState= answer does not count when systemctl said it failed.
    expect(run(execResult(fx('show-failed.txt'), { code: 1 }))[0]).toMatchObject({
      kind: 'unparseable',
      severity: 'warn',
    });
    expect(run(execResult('Id=php8.2-fpm.service\nLoadState=loaded\n'))).toMatchObject([
      {
        kind: 'unparseable',
        severity: 'warn',
        evidence: ['Id=php8.2-fpm.service', 'LoadState=loaded'],
      },
    ]);
  });

  it('php-fpm uses the same guard for its unit', () => {
    for (const out of [
      execResult('', { code: 1, stderr: fx('show-nosystemd.stderr.txt') }),
      execResult('', { code: 127, stderr: fx('show-absent.stderr.txt') }),
      execResult('Id=php8.2-fpm.service\n', { code: 1, stderr: 'Failed to connect to bus\n' }),
      execResult('garbage\n'),
      execResult(fx('show-failed.txt')),
    ]) {
      expect({ ...unitOf(out), check: 'systemd-unit' }).toEqual(run(out)[0]);
    }
    expect(unitOf(execResult('garbage\n'))).toMatchObject({ kind: 'unparseable', severity: 'warn' });
  });
});
