import { describe, expect, it } from 'vitest';
import {
  parseEnabledUnits,
  parseListUnits,
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
