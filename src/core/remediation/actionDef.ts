import type { z } from 'zod';
import { type Command, displayLine } from '../command.js';
import { MedicError } from '../errors.js';
import type { Risk } from '../model/action.js';
import type { ContainerEngine, ExecResult } from '../ports.js';

/** What an action sees on its host: commands over the host's transport, its container engine. */
export interface ActionContext {
  host: string;
  exec(
    cmd: Command,
    opts?: { privileged?: boolean; asUser?: string; timeoutMs?: number },
  ): Promise<ExecResult>;
  engine(): ContainerEngine;
  /** How the host's transport would run it, as people read it (see `displayLine`). */
  display?(cmd: Command, opts: { privileged?: boolean; asUser?: string }): string;
}

export interface StepOutcome {
  /** 0 = success; anything else stops the plan. */
  code: number | null;
  /** Last lines of output, for the audit and the chat (redacted by the caller). */
  output: string;
}

/** One step of a resolved plan: the exact command shown to people, and how it runs. */
export interface Step {
  display: string;
  run(ctx: ActionContext): Promise<StepOutcome>;
}

/** An executable remediation kind. Params come from the diagnosis or from medic.yaml. */
export interface ActionDef<P extends Record<string, unknown> = Record<string, unknown>> {
  kind: string;
  risk: Risk;
  /** A `.strict()` schema of the action's parameters. */
  params: z.ZodType<P>;
  /** The part of the stable id that names the target (unit, app, container, path). */
  target(p: P): string;
  title(p: P, host: string): string;
  /** The commands as they will run, before anything is resolved on the host. */
  preview(p: P): string[];
  /** Resolve into concrete steps; may run read-only commands (e.g. which release is previous). */
  plan(p: P, ctx: ActionContext): Promise<Step[]>;
}

const tail = (text: string, lines = 8) => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * A step running one command; it fails on a non-zero exit (or a timeout). Given the host's
 * context, it is shown as that host runs it (no sudo where none is used); without, generically.
 */
export function execStep(
  cmd: Command,
  o: { privileged?: boolean; asUser?: string; timeoutMs?: number } = {},
  on?: Pick<ActionContext, 'display'>,
): Step {
  return {
    display: on?.display?.(cmd, o) ?? displayLine(cmd, o),
    async run(ctx) {
      const r = await ctx.exec(cmd, o);
      return {
        code: r.timedOut ? 124 : r.code,
        output: tail([r.stdout, r.stderr].filter((s) => s.trim()).join('\n')),
      };
    },
  };
}

/** Run a read-only command while planning; a failure becomes a coded, chat-safe error. */
export async function readOnly(ctx: ActionContext, cmd: Command, what: string): Promise<string> {
  const r = await ctx.exec(cmd, { privileged: true, timeoutMs: 15_000 });
  if (r.code !== 0) {
    throw new MedicError('action.plan', `${what} failed on ${ctx.host}: ${tail(r.stderr || r.stdout, 2)}`);
  }
  return r.stdout;
}
