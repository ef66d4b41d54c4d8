import { z } from 'zod';
import { argv, type Command, script } from '../../command.js';
import { type ActionDef, execStep } from '../actionDef.js';

const command = z.union([z.array(z.string()).min(1), z.object({ script: z.string().min(1) }).strict()]);
const params = z
  .object({
    /** Shown on the button and in the audit. */
    title: z.string().min(1).max(70).default('Run the rollback commands'),
    /** argv lists (preferred) or fixed scripts, run in order; the first failure stops. */
    commands: z.array(command).min(1),
    /** Run as this user, else privileged (sudo when the host uses it). */
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/)
      .optional(),
    timeoutSeconds: z.number().int().min(1).max(1800).default(120),
  })
  .strict();
type Params = z.infer<typeof params>;

const toCommand = (c: z.infer<typeof command>): Command => (Array.isArray(c) ? argv(...c) : script(c.script));

/** A rollback declared in medic.yaml as a command list: the only commands are the config's. */
export const rollbackCommands: ActionDef<Params> = {
  kind: 'rollback-commands',
  risk: 'rollback',
  params,
  target: () => 'commands',
  title: (p, host) => `${p.title} on ${host}`,
  preview: (p) => p.commands.map((c) => execStep(toCommand(c), as(p)).display),
  async plan(p, ctx) {
    return p.commands.map((c) => execStep(toCommand(c), as(p), ctx));
  },
};

function as(p: Params) {
  const timeoutMs = p.timeoutSeconds * 1000;
  return p.user ? { asUser: p.user, timeoutMs } : { privileged: true, timeoutMs };
}
