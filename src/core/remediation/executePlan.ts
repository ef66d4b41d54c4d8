import { displayLine } from '../command.js';
import { MedicError, toSafeError } from '../errors.js';
import type { Execution, StepResult } from '../model/execution.js';
import type { Inventory } from '../model/inventory.js';
import type { ContainerEngine, ContainerEngineFactory, TransportFactory } from '../ports.js';
import { redactSecrets } from '../redact.js';
import type { ActionContext, Step } from './actionDef.js';

/** A host's transport and engine for one remediation; close() when done. */
export function openActionContext(
  inventory: Inventory,
  host: string,
  deps: { transports: TransportFactory; containers: ContainerEngineFactory },
): ActionContext & { close(): Promise<void> } {
  const config = inventory.hosts[host];
  if (!config) throw new MedicError('config.host', `no host "${host}" in the inventory`);
  const transport = deps.transports.open(host, config);
  let engine: ContainerEngine | undefined;
  return {
    host,
    exec: (cmd, o = {}) =>
      transport.exec(cmd, {
        timeoutMs: o.timeoutMs ?? config.commandTimeoutMs,
        ...(o.privileged ? { privileged: true } : {}),
        ...(o.asUser ? { asUser: o.asUser } : {}),
      }),
    display: (cmd, o) => transport.describe?.(cmd, o) ?? displayLine(cmd, o),
    engine: () => {
      engine ??= deps.containers.open(host, config, transport);
      return engine;
    },
    close: () => transport.close(),
  };
}

/** Run steps in order; the first failure (non-zero exit, timeout, error) stops the rest. */
export async function executePlan(
  steps: Step[],
  ctx: ActionContext,
  now: () => number = Date.now,
): Promise<Execution> {
  const t0 = now();
  const results: StepResult[] = [];
  for (const step of steps) {
    const s0 = now();
    try {
      const r = await step.run(ctx);
      results.push({
        display: step.display,
        code: r.code,
        durationMs: now() - s0,
        output: r.output.split('\n').map(redactSecrets).join('\n'),
      });
      if (r.code !== 0) return { ok: false, steps: results, durationMs: now() - t0 };
    } catch (err) {
      const error = toSafeError(err, 'action.failed');
      results.push({ display: step.display, code: null, durationMs: now() - s0, output: error.message });
      return { ok: false, steps: results, durationMs: now() - t0, error };
    }
  }
  return { ok: true, steps: results, durationMs: now() - t0 };
}
