// Fixtures are real `getent ahosts -- NAME` captures (glibc 2.36): localhost from /etc/hosts; multi.txt with
// a private /etc/hosts bind-mounted in a mount namespace giving app.internal three addresses; absent.stderr.txt
// with getent off PATH; baddb.stderr.txt from `getent nosuchdb x` (exit 1). A name that does not resolve
// (`getent ahosts -- backend.invalid`) printed nothing and exited 2.
import { describe, expect, it } from 'vitest';
import { dns, dnsNames, dnsParams, parseAhosts } from '../../../src/core/checks/dns.js';
import { toShell } from '../../../src/core/command.js';
import { checkContext, execResult, fixture } from '../../support/checkKit.js';

const fx = (name: string) => fixture('dns', name);

const site = {
  url: 'https://shop.example/',
  aliases: [],
  hosts: ['gw'],
  upstreams: [
    { url: 'http://app.internal:8080/' },
    { url: 'http://10.0.0.6:8080/' },
    { url: 'http://[fd00::6]:8080/' },
    { url: 'http://backend.invalid/' },
  ],
  services: [],
  playbook: '502-triage',
  rollback: [],
};
const ctx = checkContext({ host: 'gw', site });

describe('dns', () => {
  it('resolves param names and non-IP upstream hostnames, once each', () => {
    const p = dnsParams.parse({ names: ['localhost', 'app.internal'] });
    expect(dnsNames(p, ctx)).toEqual(['localhost', 'app.internal', 'backend.invalid']);
    expect(dns.steps(p, ctx).map((s) => [s.id, toShell(s.command), s.privileged])).toEqual([
      ['ahosts:localhost', 'getent ahosts -- localhost', undefined],
      ['ahosts:app.internal', 'getent ahosts -- app.internal', undefined],
      ['ahosts:backend.invalid', 'getent ahosts -- backend.invalid', undefined],
    ]);
  });

  it('quotes a hostile name and the schema refuses it', () => {
    const hostile = "a'b; rm -rf /";
    expect(dnsParams.safeParse({ names: [hostile] }).success).toBe(false);
    expect(dnsParams.safeParse({ names: ['-s'] }).success).toBe(false);
    const steps = dns.steps({ names: [hostile] }, { ...ctx, site: { ...site, upstreams: [] } });
    expect(steps.map((s) => toShell(s.command))).toEqual(["getent ahosts -- 'a'\\''b; rm -rf /'"]);
  });

  it('returns nothing without names', () => {
    const empty = { ...ctx, site: { ...site, upstreams: [{ url: 'http://10.0.0.6/' }] } };
    expect(dns.steps(dnsParams.parse({}), empty)).toEqual([]);
    expect(dns.parse({}, dnsParams.parse({}), empty)).toEqual([]);
  });

  it('reports addresses and failures', () => {
    const p = dnsParams.parse({ names: ['localhost'] });
    const out = dns.parse(
      {
        'ahosts:localhost': execResult(fx('localhost.txt')),
        'ahosts:app.internal': execResult(fx('multi.txt')),
        'ahosts:backend.invalid': execResult('', { code: 2 }),
      },
      p,
      ctx,
    );
    expect(out).toEqual([
      {
        check: 'dns',
        host: 'gw',
        kind: 'dns-resolution',
        severity: 'ok',
        summary: 'localhost resolves to 127.0.0.1',
        evidence: ['127.0.0.1       STREAM localhost'],
        data: { name: 'localhost', addresses: ['127.0.0.1'] },
      },
      {
        check: 'dns',
        host: 'gw',
        kind: 'dns-resolution',
        severity: 'ok',
        summary: 'app.internal resolves to fd00::6, 10.0.0.6, 10.0.0.7',
        evidence: ['fd00::6         STREAM app.internal', '10.0.0.6        STREAM', '10.0.0.7        STREAM'],
        data: { name: 'app.internal', addresses: ['fd00::6', '10.0.0.6', '10.0.0.7'] },
      },
      {
        check: 'dns',
        host: 'gw',
        kind: 'dns-failure',
        severity: 'critical',
        summary: 'backend.invalid does not resolve',
        evidence: ['getent ahosts backend.invalid: exit 2'],
        data: { name: 'backend.invalid', exitCode: 2 },
      },
    ]);
  });

  it('reports a timeout as a failure, a missing getent once, and odd output as unparseable', () => {
    const one = { ...ctx, site: { ...site, upstreams: [{ url: 'http://backend.invalid/' }] } };
    const p = dnsParams.parse({ names: ['localhost'] });
    const timedOut = dns.parse(
      {
        'ahosts:localhost': { ...execResult('', { code: null }), timedOut: true },
        'ahosts:backend.invalid': execResult('', { code: 1, stderr: fx('baddb.stderr.txt') }),
      },
      p,
      one,
    );
    expect(timedOut.map((f) => [f.kind, f.severity, f.summary, f.data])).toEqual([
      ['dns-failure', 'critical', 'localhost timed out resolving', { name: 'localhost', exitCode: null }],
      [
        'unparseable',
        'warn',
        'getent ahosts backend.invalid gave unexpected output (exit 1)',
        { tool: 'getent', name: 'backend.invalid', exitCode: 1 },
      ],
    ]);
    expect(timedOut[1]?.evidence).toEqual(['Unknown database: nosuchdb']);

    const absent = execResult('', { code: 127, stderr: fx('absent.stderr.txt') });
    expect(dns.parse({ 'ahosts:localhost': absent, 'ahosts:backend.invalid': absent }, p, one)).toEqual([
      {
        check: 'dns',
        host: 'gw',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'getent is not installed',
        evidence: ['/bin/sh: 1: getent: not found'],
        data: { tool: 'getent' },
      },
    ]);
    expect(parseAhosts('garbage line\n')).toBeNull();
    expect(parseAhosts('')).toBeNull();
  });
});
