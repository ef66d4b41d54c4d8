import { z } from 'zod';
import { argv } from '../../command.js';
import { type ActionDef, execStep } from '../actionDef.js';

const params = z
  .object({
    /** The blocking rule as `iptables -S` printed it (`-A INPUT -p tcp … -j DROP`). */
    rule: z.array(z.string()).min(3),
    port: z.number().int().min(1).max(65535),
  })
  .strict();
type Params = z.infer<typeof params>;

const deletion = (p: Params) => (p.rule[0] === '-A' ? ['-D', ...p.rule.slice(1)] : p.rule);

/** Delete one blocking iptables rule (the `-A` line becomes `-D`). Human only: config risk. */
export const firewallOpen: ActionDef<Params> = {
  kind: 'firewall-open',
  risk: 'config',
  params,
  target: (p) => `port-${p.port}`,
  title: (p, host) => `Remove the rule blocking port ${p.port} on ${host}`,
  preview: (p) => [execStep(argv('iptables', ...deletion(p))).display],
  async plan(p, ctx) {
    return [execStep(argv('iptables', ...deletion(p)), { privileged: true }, ctx)];
  },
};
