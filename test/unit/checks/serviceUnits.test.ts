import { describe, expect, it } from 'vitest';
import {
  parseEnabledUnits,
  parseListUnits,
  parseRestartedUnits,
  serviceUnits,
  suspectUnits,
} from '../../../src/core/checks/serviceUnits.js';
import { parseSystemctlShow } from '../../../src/core/checks/systemdUnit.js';
import { execResult, findingOf, fixture, runCheck } from '../../support/checkKit.js';

// Captured on a fleet host (Debian bookworm) whose php8.2-fpm was SIGKILLed (failed): the stock
// services, and `systemctl show -p Id,UnitFileState` of those not active (the check's own script).
// show-execstart: a stopped node unit.
const units = fixture('php-fpm', 'list-units.txt');
const enabled = fixture('php-fpm', 'show-unit-file-state.txt');

describe('service-units', () => {
  it('reads every service with its load, active and sub state', () => {
    const rows = parseListUnits(units);
    expect(rows.find((r) => r.unit === 'php8.2-fpm.service')).toEqual({
      unit: 'php8.2-fpm.service',
      load: 'loaded',
      active: 'failed',
      sub: 'failed',
      description: 'The PHP 8.2 FastCGI Process Manager',
    });
    expect([...parseEnabledUnits(enabled)]).toEqual([
      'e2scrub_reap.service',
      'getty@tty1.service',
      'php8.2-fpm.service',
      'systemd-pstore.service',
    ]);
  });

  it("suspects the failed php-fpm, not the system's oneshots that ran at boot", () => {
    const suspects = suspectUnits(parseListUnits(units), parseEnabledUnits(enabled));
    expect(suspects.map((s) => s.unit)).toEqual(['php8.2-fpm.service']);
  });

  it('says which services should run and do not', () => {
    const f = findingOf(
      runCheck(serviceUnits, { units: execResult(units), enabled: execResult(enabled) }),
      'unit-list',
    );
    expect(f.severity).toBe('warn');
    expect(f.summary).toBe('1 service(s) not running: php8.2-fpm.service (failed)');
    expect(f.evidence).toEqual([
      'php8.2-fpm.service                   loaded    failed   failed  The PHP 8.2 FastCGI Process Manager',
    ]);
  });

  // A backend in a crash loop is up for a moment between deaths: systemd's restart counter and
  // when it last became active say it is restarting, though list-units shows it active.
  const restartedShow = [
    'Uptime=5000.25',
    '',
    'Id=bad@crash.service',
    'UnitFileState=static',
    'NRestarts=3',
    'ActiveEnterTimestampMonotonic=4990100000',
    '',
    'Id=old@crash.service',
    'UnitFileState=static',
    'NRestarts=1',
    'ActiveEnterTimestampMonotonic=1000000000',
    '',
    'Id=nginx.service',
    'UnitFileState=enabled',
    'NRestarts=0',
    'ActiveEnterTimestampMonotonic=4000000000',
    '',
  ].join('\n');
  const restartedUnits = [
    'bad@crash.service loaded active running Bad backend crash',
    'old@crash.service loaded active running Restarted an hour ago',
    'nginx.service     loaded active running A high performance web server',
    'stopped@x.service loaded inactive dead  Restarted, then stopped',
  ].join('\n');

  it('reads the units systemd restarted within the window, and how long ago they came up', () => {
    expect([...parseRestartedUnits(restartedShow)]).toEqual([
      ['bad@crash.service', { restarts: 3, secondsAgo: 10 }],
    ]);
    expect(parseRestartedUnits(restartedShow.replace('Uptime=5000.25', '')).size).toBe(0);
  });

  it('suspects a running unit systemd just restarted, not one restarted an hour ago or stopped', () => {
    const f = findingOf(
      runCheck(serviceUnits, {
        units: execResult(restartedUnits),
        enabled: execResult(
          `${restartedShow}\nId=stopped@x.service\nNRestarts=4\nActiveEnterTimestampMonotonic=4990000000\n`,
        ),
      }),
      'unit-list',
    );
    expect(f.data.suspects.map((s) => [s.unit, s.restarts])).toEqual([['bad@crash.service', 3]]);
    expect(f.summary).toBe(
      '1 service(s) not running or restarting: bad@crash.service (restarted 3× by systemd, up 10 s)',
    );
  });

  it('is a blind spot, not a verdict, when systemctl is missing', () => {
    const f = runCheck(serviceUnits, {
      units: execResult('', { code: 127, stderr: 'sh: 1: systemctl: not found' }),
      enabled: execResult('', { code: 127, stderr: 'sh: 1: systemctl: not found' }),
    });
    expect(f.map((x) => x.kind)).toEqual(['tool-missing']);
  });

  it("reads a unit's type and its command line from systemctl show", () => {
    const s = parseSystemctlShow(fixture('php-fpm', 'show-execstart.txt'), 'orders');
    expect(s.type).toBe('simple');
    expect(s.execStart).toBe(
      '/usr/bin/node -e require("http").createServer((q,s)=>s.end("ok")).listen(8081,"127.0.0.1")',
    );
  });
});
