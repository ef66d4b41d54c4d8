import type { ActionIntent } from '../../model/action.js';
import type { DiagnosedCause as Cause } from '../../model/cause.js';
import type { Finding } from '../../model/finding.js';
import { intents } from '../intents.js';
import { causeOf, clamp, type DiagnosisContext, evidenceOf, num, ofKind, type Rule, str } from '../rule.js';

const bool = (f: Finding, key: string) => (f.data as unknown as Record<string, unknown>)[key] === true;

/**
 * Kernel OOM kills of this container: its id in the killed task's memory cgroup
 * (`task_memcg=/docker/<id>` or `…/docker-<id>.scope`).
 */
function kernelOom(ctx: DiagnosisContext, host: string, containerId: string): Finding[] {
  return ofKind(ctx, 'oom-kill').filter(
    (k) => k.host === host && containerId !== '' && (str(k, 'taskMemcg') ?? '').includes(containerId),
  );
}

/** Containers: down, OOM-killed, in a restart loop, unhealthy, near their memory limit, wrong port. */
export const containerRules: Rule = (ctx) => {
  const causes: Cause[] = [];
  const failing = ctx.siteFailing ? 0.2 : 0;
  for (const f of ofKind(ctx, 'container-state')) {
    const name = str(f, 'name') ?? '?';
    const restart: ActionIntent[] = [intents.restartContainer(f.host, name)];
    const exit = num(f, 'exitCode');
    if (bool(f, 'flapping')) {
      causes.push({
        id: 'upstream-crashing',
        title: `container ${name} on ${f.host} is in a restart loop (${num(f, 'restartCount')} restarts, last exit ${exit})`,
        confidence: clamp(0.65 + failing),
        evidence: f.evidence,
        hosts: [f.host],
        intents: [],
      });
      continue;
    }
    if (!bool(f, 'running')) {
      // OOMKilled alone is unreliable (and races with the exit): a SIGKILL (137) confirmed by the
      // flag, the engine's oom events or kernel OOM lines.
      const kernel = exit === 137 ? kernelOom(ctx, f.host, str(f, 'id') ?? '') : [];
      const oom =
        exit === 137 && (bool(f, 'oomKilled') || (num(f, 'oomEvents') ?? 0) > 0 || kernel.length > 0);
      causes.push({
        id: oom ? 'oom-killed' : 'container-down',
        title: oom
          ? `container ${name} on ${f.host} was killed for memory (exit 137${bool(f, 'oomKilled') ? ', OOMKilled' : ''}${(num(f, 'oomEvents') ?? 0) > 0 ? ', oom event' : ''}${kernel.length ? ', kernel OOM kill' : ''})`
          : `container ${name} on ${f.host} is ${str(f, 'status')} (exit ${exit})`,
        confidence: clamp(0.6 + failing + (kernel.length ? 0.15 : 0)),
        evidence: evidenceOf([f, ...kernel]),
        hosts: [f.host],
        intents: restart,
      });
      continue;
    }
    if (bool(f, 'unhealthy')) {
      causes.push({
        id: 'container-unhealthy',
        title: `container ${name} on ${f.host} is running but its health check fails`,
        confidence: clamp(0.6 + failing),
        evidence: f.evidence,
        hosts: [f.host],
        intents: restart,
      });
    }
  }
  for (const f of ofKind(ctx, 'container-memory')) {
    const title = `container ${str(f, 'name')} on ${f.host} is at ${num(f, 'percent')}% of its memory limit`;
    causes.push(causeOf(f, 'memory-exhausted', 0.4 + failing / 2, title));
  }
  for (const f of ofKind(ctx, 'container-port-mismatch'))
    causes.push(causeOf(f, 'upstream-port-mismatch', 0.6 + failing));
  for (const f of ofKind(ctx, 'container-missing')) causes.push(causeOf(f, 'container-down', 0.55 + failing));
  return causes;
};
