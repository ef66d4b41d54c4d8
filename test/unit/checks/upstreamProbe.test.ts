// Fixtures are real curl 7.88.1 outputs of
//   curl -sS -o /dev/null --max-time 2 -w '%{http_code} %{time_total} %{remote_ip}:%{remote_port}' -- URL
// against loopback: python3 -m http.server (200, 404), a python server answering 502, one closing without a
// reply (exit 52), one resetting (SO_LINGER 0, exit 56), a closed port (exit 7), a port dropped by iptables in
// a throwaway network namespace (exit 28), one rejected there with icmp-host-unreachable (exit 7), an .invalid
// name (exit 6), and bash without curl on PATH (exit 127). Exit codes are noted per case below.
import { describe, expect, it } from 'vitest';
import {
  parseWriteOut,
  redactUrl,
  upstreamProbe,
  upstreamProbeParams,
} from '../../../src/core/checks/upstreamProbe.js';
import { toShell } from '../../../src/core/command.js';
import { checkContext, execResult, fixture } from '../../support/checkKit.js';

const fx = (name: string) => {
  try {
    return fixture('upstream-probe', name);
  } catch {
    return ''; // curl wrote nothing to that stream
  }
};
const capture = (name: string, code: number | null) =>
  execResult(fx(`${name}.stdout.txt`), { code, stderr: fx(`${name}.stderr.txt`) });

const site = (urls: string[]) => ({
  url: 'https://shop.example/',
  aliases: [],
  hosts: ['gw', 'app'],
  gateway: ['gw'],
  upstreams: urls.map((url) => ({ url, host: 'app' })),
  services: [],
  playbook: '502-triage',
  rollback: [],
});
const ctx = (urls: string[], host = 'gw') => checkContext({ host, site: site(urls) });
const p = upstreamProbeParams.parse({});

const one = (name: string, code: number | null, url = 'http://127.0.0.1:18731/') =>
  upstreamProbe.parse({ 'probe-0': capture(name, code) }, p, ctx([url]));

describe('upstream-probe steps', () => {
  it('probes each upstream with curl, quoting hostile URLs, only on the gateway', () => {
    const urls = ['http://10.0.0.6:8080/', "http://a'b;rm -rf //"];
    const steps = upstreamProbe.steps(upstreamProbeParams.parse({ timeoutSeconds: 3 }), ctx(urls));
    expect(steps.map((s) => [s.id, toShell(s.command), s.timeoutMs, s.privileged])).toEqual([
      [
        'probe-0',
        "curl -sS --noproxy '*' -o /dev/null --max-time 3 -w '%{http_code} %{time_total} %{remote_ip}:%{remote_port}' -- http://10.0.0.6:8080/",
        6000,
        undefined,
      ],
      [
        'probe-1',
        "curl -sS --noproxy '*' -o /dev/null --max-time 3 -w '%{http_code} %{time_total} %{remote_ip}:%{remote_port}' -- 'http://a'\\''b;rm -rf //'",
        6000,
        undefined,
      ],
    ]);
    // Straight to the upstream like nginx: a proxy set in the gateway's environment is bypassed.
    expect(steps[0]?.command).toEqual({
      argv: [
        'curl',
        '-sS',
        '--noproxy',
        '*',
        '-o',
        '/dev/null',
        '--max-time',
        '3',
        '-w',
        '%{http_code} %{time_total} %{remote_ip}:%{remote_port}',
        '--',
        'http://10.0.0.6:8080/',
      ],
    });
    expect(upstreamProbe.steps(p, ctx(urls, 'app'))).toEqual([]);
    expect(upstreamProbe.parse({}, p, ctx(urls, 'app'))).toEqual([]);
    expect(upstreamProbeParams.safeParse({ timeoutSeconds: 61 }).success).toBe(false);
    expect(upstreamProbeParams.safeParse({ timeoutSeconds: 1.5 }).success).toBe(false);
  });
});

describe('upstream-probe parse', () => {
  it('reports an answering upstream as ok', () => {
    expect(one('ok-200', 0)).toEqual([
      {
        check: 'upstream-probe',
        host: 'gw',
        kind: 'upstream-probe',
        severity: 'ok',
        summary: 'http://127.0.0.1:18731/ answered 200 in 0.004586s',
        evidence: ['200 0.004586 127.0.0.1:18731'],
        data: {
          url: 'http://127.0.0.1:18731/',
          upstreamHost: 'app',
          status: 200,
          curlExit: 0,
          seconds: 0.004586,
        },
      },
    ]);
    expect(one('ok-404', 0)[0]).toMatchObject({ severity: 'ok', data: { status: 404 } });
  });

  it('reports a 5xx as critical', () => {
    expect(one('http-502', 0)[0]).toMatchObject({
      severity: 'critical',
      summary: 'http://127.0.0.1:18731/ answered 502 in 0.00077s',
      data: { status: 502, curlExit: 0 },
    });
  });

  it.each([
    ['refused', 7, 'refused', 'could not connect (refused or unreachable)', 0.000202],
    ['unreachable', 7, 'refused', 'could not connect (refused or unreachable)', 0.001541],
    ['timeout', 28, 'timeout', 'did not answer in time', 2.001784],
    ['dns', 6, 'dns', 'has a host name that does not resolve', 0.00009],
    ['empty-reply', 52, 'empty-reply', 'closed the connection without a reply', 0.000376],
    ['reset', 56, 'reset', 'reset the connection', 0.00037],
  ])('maps curl exit of %s (%i) to %s', (name, code, error, text, seconds) => {
    const [f] = one(name, code);
    expect(f?.severity).toBe('critical');
    expect(f?.summary).toBe(`http://127.0.0.1:18731/ ${text}`);
    expect(f?.data).toEqual({
      url: 'http://127.0.0.1:18731/',
      upstreamHost: 'app',
      status: null,
      error,
      curlExit: code,
      seconds,
    });
    expect(f?.evidence).toEqual([fx(`${name}.stderr.txt`).trim()]);
  });

  it('keeps the exact curl lines as evidence', () => {
    expect(one('refused', 7)[0]?.evidence).toEqual([
      "curl: (7) Failed to connect to 127.0.0.1 port 18739 after 0 ms: Couldn't connect to server",
    ]);
    expect(one('timeout', 28)[0]?.evidence).toEqual([
      'curl: (28) Connection timed out after 2001 milliseconds',
    ]);
  });

  it('reports a missing curl once, as info', () => {
    const absent = capture('absent', 127);
    const out = upstreamProbe.parse(
      { 'probe-0': absent, 'probe-1': absent },
      p,
      ctx(['http://a/', 'http://b/']),
    );
    expect(out).toEqual([
      {
        check: 'upstream-probe',
        host: 'gw',
        kind: 'tool-missing',
        severity: 'info',
        summary: 'curl is not installed on the gateway',
        evidence: ['/bin/bash: line 1: curl: command not found'],
        data: { tool: 'curl' },
      },
    ]);
  });

  it('handles other exits, a killed step, garbage and passwords in URLs', () => {
    const url = 'https://user:s3cret@10.0.0.6/';
    const other = upstreamProbe.parse(
      {
        'probe-0': { ...capture('refused', 60), stderr: '' },
        'probe-1': { ...capture('absent', null), stderr: '', timedOut: true },
        'probe-2': { ...capture('ok-200', 0), stdout: '<html>' },
      },
      p,
      ctx([url, 'http://b/', 'http://c/']),
    );
    expect(other.map((f) => [f.kind, f.severity, f.summary, f.data])).toEqual([
      [
        'upstream-probe',
        'warn',
        'https://user:***@10.0.0.6/ failed (curl exit 60)',
        {
          url: 'https://user:***@10.0.0.6/',
          upstreamHost: 'app',
          status: null,
          error: 'other',
          curlExit: 60,
          seconds: 0.000202,
        },
      ],
      [
        'upstream-probe',
        'critical',
        'http://b/ did not answer in time',
        { url: 'http://b/', upstreamHost: 'app', status: null, error: 'timeout', curlExit: null },
      ],
      [
        'unparseable',
        'warn',
        'curl output for http://c/ was not understood',
        { tool: 'curl', url: 'http://c/', upstreamHost: 'app' },
      ],
    ]);
    expect(other[0]?.evidence).toEqual(['000 0.000202 :0']);
    expect(other[2]?.evidence).toEqual(['<html>']);
    expect(redactUrl('not a url')).toBe('not a url');
    expect(parseWriteOut('000 0.000202 :0')).toEqual({ status: null, seconds: 0.000202 });
    expect(parseWriteOut('200 0.1 10.0.0.6:8080')).toEqual({
      status: 200,
      seconds: 0.1,
      remote: '10.0.0.6:8080',
    });
  });
});
