/**
 * Diagnosis rules fed by the checks' own parsers on verbatim captured outputs
 * (test/fixtures), so rules and parsers agree on the shape of findings.
 */
import { describe, expect, it } from 'vitest';
import { nginxErrors } from '../../../src/core/checks/nginxErrors.js';
import { oomKills } from '../../../src/core/checks/oomKills.js';
import { phpFpm } from '../../../src/core/checks/phpFpm.js';
import { systemdUnit } from '../../../src/core/checks/systemdUnit.js';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import type { Finding } from '../../../src/core/model/finding.js';
import type { SiteConfig } from '../../../src/core/model/inventory.js';
import { checkContext, execResult, fixture, proposalsOf, runCheck } from '../../support/checkKit.js';

const site: SiteConfig = {
  url: 'https://shop.example.com/',
  aliases: ['www.shop.example.com'],
  hosts: ['web1'],
  upstreams: [],
  services: [{ kind: 'php-fpm', unit: 'php8.2-fpm', socket: '/run/php/php8.2-fpm.sock' }],
  playbook: '502-triage',
  rollback: [],
};
const ctx = checkContext({ site });

/** Real nginx error-log lines from the provoked capture, keeping only those matching `re`. */
function nginxLines(re: RegExp, server = 'shop.example.com'): Finding[] {
  const [date, ...lines] = fixture('nginx-errors', 'provoked.txt').split('\n');
  const kept = lines.filter((l) => re.test(l)).map((l) => l.replace(/server: [a-z.]+/, `server: ${server}`));
  expect(kept.length).toBeGreaterThan(0);
  return runCheck(nginxErrors, { now: execResult(`${date}\n`), tail: execResult(kept.join('\n')) }, {}, ctx);
}

const unit = (file: string) =>
  runCheck(systemdUnit, { show: execResult(fixture('php-fpm', file)) }, { unit: 'php8.2-fpm' }, ctx);
const probe = (status: number): Finding => <Finding>(<unknown>{
    check: 'http-probe',
    host: 'medic',
    kind: 'site-probe',
    severity: status >= 500 ? 'critical' : 'ok',
    summary: `site answers ${status}`,
    evidence: [`GET https://shop.example.com/ -> ${status}`],
    data: { status },
  });

function run(findings: Finding[], siteFailing = true) {
  return diagnose({
    siteName: 'shop',
    site,
    findings: [probe(siteFailing ? 502 : 200), ...findings],
    siteFailing,
    topology: { gateways: [], links: [] },
  });
}

describe('diagnose', () => {
  it('healthy: no fault found, status healthy', () => {
    const d = run(unit('show-active.txt'), false);
    expect(d.status).toBe('healthy');
    expect(d.causes.map((c) => c.id)).toEqual(['no-fault-found']);
  });

  it('a failed unit killed by SIGKILL plus nginx refused: upstream-down with restart', () => {
    const d = run([...unit('show-failed.txt'), ...nginxLines(/\(111: Connection refused\)/)]);
    expect(d.status).toBe('down');
    expect(d.causes[0]?.id).toBe('upstream-down');
    expect(d.causes[0]?.title).toMatch(/killed by signal 9, not restarted/);
    expect(d.causes[0]?.evidence.some((e) => e.includes('Result=signal'))).toBe(true);
    expect(proposalsOf(d)[0]).toMatchObject({ kind: 'restart-unit', risk: 'restart', host: 'web1' });
  });

  it('nginx EACCES on the socket: upstream-socket-permission', () => {
    const d = run([...unit('show-active.txt'), ...nginxLines(/\(13: Permission denied\)/)]);
    expect(d.causes[0]?.id).toBe('upstream-socket-permission');
    expect(d.causes[0]?.evidence[0]).toMatch(/\(13: Permission denied\) while connecting to upstream/);
  });

  it('pm.max_children reached and EAGAIN: upstream-saturated', () => {
    const fpm = runCheck(
      phpFpm,
      {
        unit: execResult(fixture('php-fpm', 'show-active.txt')),
        pools: execResult(fixture('php-fpm', 'listen-default.txt')),
        // The capture's first line is the `now` step (date), the rest the `log` step (tail).
        now: execResult(`${fixture('php-fpm', 'log-saturated.txt').split('\n')[0]}\n`),
        log: execResult(fixture('php-fpm', 'log-saturated.txt').split('\n').slice(1).join('\n')),
      },
      { unit: 'php8.2-fpm', log: '/var/log/php8.2-fpm.log' },
      ctx,
    );
    const d = run([...fpm, ...nginxLines(/\(11: Resource temporarily unavailable\)/)]);
    expect(d.causes[0]?.id).toBe('upstream-saturated');
    expect(d.causes[0]?.evidence.join('\n')).toMatch(/server reached pm.max_children/);
  });

  it('a kernel OOM kill plus a prematurely closed upstream: oom-killed', () => {
    const oom = runCheck(
      oomKills,
      {
        journal: execResult(fixture('oom-kills', 'journal-memcg.txt')),
        dmesg: execResult(''),
        clock: execResult('1795317834 500\n'),
      },
      { minutes: 60 },
      ctx,
    );
    const d = run([...unit('show-active.txt'), ...oom, ...nginxLines(/prematurely closed connection/)]);
    expect(d.causes[0]?.id).toBe('oom-killed');
    expect(d.causes[0]?.confidence).toBeGreaterThanOrEqual(0.8);
    expect(d.causes[0]?.evidence.join('\n')).toMatch(/Killed process \d+ \(/);
  });

  it('ignores error lines of other sites on a shared gateway', () => {
    const d = run(nginxLines(/\(111: Connection refused\)/, 'blog.example.org'), false);
    expect(d.causes.map((c) => c.id)).toEqual(['no-fault-found']);
    expect(d.status).toBe('healthy');
  });

  it('a running unit that keeps restarting: upstream-crashing', () => {
    const f = unit('show-active.txt').map(
      (x) => <Finding>(<unknown>{ ...x, data: { ...x.data, nRestarts: 7 } }),
    );
    const d = run(f);
    expect(d.causes[0]?.id).toBe('upstream-crashing');
    expect(d.causes[0]?.title).toMatch(/restarted 7 time/);
  });

  it('php-fpm up, socket gone, another socket present: proxy-misconfig', () => {
    const missing = <Finding>{
      check: 'php-fpm',
      host: 'web1',
      kind: 'fpm-socket-missing',
      severity: 'critical',
      summary: 'socket missing',
      evidence: ["stat: cannot statx '/run/php/php8.2-fpm.sock': No such file or directory"],
      data: { socket: '/run/php/php8.2-fpm.sock', others: ['/run/php/php8.3-fpm.sock'] },
    };
    const d = run([
      ...unit('show-active.txt').map(
        (x) => <Finding>(<unknown>{ ...x, data: { ...x.data, unit: 'php8.2-fpm.service' } }),
      ),
      missing,
      ...nginxLines(/\(2: No such file/),
    ]);
    expect(d.causes[0]?.id).toBe('proxy-misconfig');
    expect(d.causes[0]?.title).toMatch(/php8\.3-fpm\.sock/);
  });

  it('ranks by confidence and never proposes the same action twice', () => {
    const d = run([...unit('show-failed.txt'), ...unit('show-failed.txt'), ...nginxLines(/\(111/)]);
    const confs = d.causes.map((c) => c.confidence);
    expect([...confs].sort((a, b) => b - a)).toEqual(confs);
    expect(new Set(proposalsOf(d).map((a) => a.id)).size).toBe(proposalsOf(d).length);
  });
});
