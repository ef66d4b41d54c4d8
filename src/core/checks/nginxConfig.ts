import { z } from 'zod';
import { argv } from '../command.js';
import type { Finding } from '../model/finding.js';
import { finder, type HostCheck, stepOutput } from './check.js';
import { type NginxTarget, parseNginxConfig } from './parseNginxConfig.js';
import { firstLines, stepFailure, toolMissing, unparseable } from './stepFailure.js';

export const nginxConfigParams = z.object({}).strict();
export type NginxConfigParams = z.infer<typeof nginxConfigParams>;

const problemLine = /\[(emerg|alert|crit)\]/;
/** `nginx: [emerg] X` or `2026/11/22 02:45:04 [emerg] 365#365: X` → `X`. */
const messageOf = (line: string) => line.replace(/^.*?\[(emerg|alert|crit)\] (\d+#\d+: )?/, '');

function describeTarget(t: NginxTarget): string {
  const names = t.serverNames.length > 0 ? t.serverNames.join(' ') : '(no server_name)';
  return `${names}: ${t.directive} ${t.upstream ? `${t.upstream} → ` : ''}${t.target}`;
}

export const nginxConfig: HostCheck<NginxConfigParams> = {
  scope: 'host',
  id: 'nginx-config',
  title: 'nginx configuration',
  params: nginxConfigParams,
  steps: () => [
    { id: 'test', command: argv('nginx', '-t'), privileged: true },
    { id: 'dump', command: argv('nginx', '-T'), privileged: true },
  ],
  parse(outputs, _p, ctx): Finding[] {
    const f = finder('nginx-config', ctx.host);
    const test = stepOutput(outputs, 'test');
    const dump = stepOutput(outputs, 'dump');
    if (toolMissing(test)) return [stepFailure(f, test, 'nginx', 'the nginx configuration') as Finding];
    const findings: Finding[] = [];

    // nginx -t reports on stderr only.
    const problems = test.stderr.split('\n').filter((l) => problemLine.test(l));
    const testFailed = test.code !== 0 && (problems.length > 0 || /test failed/.test(test.stderr));
    const testOk = test.code === 0 && /test is successful/.test(test.stderr);
    if (testOk) {
      findings.push(
        f('nginx-test-ok', 'ok', 'nginx -t: configuration is valid', firstLines(test.stderr, 2), {}),
      );
    } else if (
      testFailed &&
      problems.length > 0 &&
      problems.every((l) => /\(13: Permission denied\)/.test(l))
    ) {
      findings.push(
        f(
          'nginx-test-denied',
          'warn',
          'nginx -t could not run with enough privileges to test the configuration',
          problems.slice(0, 5),
          { messages: problems.map(messageOf) },
        ),
      );
    } else if (testFailed) {
      const first = problems[0] ?? '';
      const at = / in (\/\S+?):(\d+)\s*$/.exec(first);
      const messages = problems.map(messageOf);
      findings.push(
        f(
          'nginx-test-failed',
          'critical',
          `nginx -t failed: ${messages[0] ?? 'configuration test failed'}`,
          problems.length > 0 ? problems.slice(0, 5) : firstLines(test.stderr, 5),
          { messages, file: at?.[1] ?? null, line: at?.[2] ? Number(at[2]) : null },
        ),
      );
    } else {
      findings.push(unparseable(f, 'nginx -t', 'the nginx configuration', `${test.stderr}\n${test.stdout}`));
    }

    // A failed or unusable test already explains a failed dump.
    if (dump.code !== 0 || toolMissing(dump)) {
      if (testOk) {
        const label = 'the nginx configuration';
        findings.push(
          stepFailure(f, dump, 'nginx -T', label) ?? unparseable(f, 'nginx -T', label, dump.stderr),
        );
      }
      return findings;
    }
    const config = parseNginxConfig(dump.stdout);
    if (!config) return [...findings, unparseable(f, 'nginx -T', 'the nginx configuration', dump.stdout)];
    const summary =
      config.targets.length > 0
        ? `nginx passes requests to ${config.targets.length} upstream target(s)`
        : 'nginx passes no requests to upstreams (no *_pass directive)';
    findings.push(
      f('nginx-upstreams', 'info', summary, config.targets.slice(0, 5).map(describeTarget), {
        user: config.user,
        targets: config.targets,
        servers: config.servers,
        upstreams: config.upstreams,
        workerConnections: config.workerConnections,
        workerRlimitNofile: config.workerRlimitNofile,
      }),
    );
    return findings;
  },
};
