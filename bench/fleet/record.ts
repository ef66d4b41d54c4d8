/**
 * Every command Medic runs on each host, as the transport runs it (sudo included), recorded
 * from one in-process diagnosis: the floor and Ansible run exactly these.
 */
import { createMedic } from '../../src/composition.js';
import { commandLine } from '../../src/core/command.js';
import type { Transport, TransportFactory } from '../../src/core/ports.js';

export interface Recorded {
  /** Host name -> its distinct command lines, in the order Medic first ran them. */
  commands: Map<string, string[]>;
  status: string;
}

export async function recordCommands(config: string, site: string): Promise<Recorded> {
  const seen = new Map<string, Set<string>>();
  const record = (real: TransportFactory): TransportFactory => ({
    open(name, host): Transport {
      const t = real.open(name, host);
      const lines = seen.get(name) ?? new Set<string>();
      seen.set(name, lines);
      return {
        host: t.host,
        exec: (cmd, o) => {
          lines.add(commandLine(cmd, { ...o, sudo: host.sudo }));
          return t.exec(cmd, o);
        },
        ...(t.describe ? { describe: t.describe.bind(t) } : {}),
        ...(t.warm ? { warm: t.warm.bind(t) } : {}),
        close: () => t.close(),
      };
    },
  });
  const medic = createMedic(config, { logLevel: 'silent', store: false, wrapTransports: record });
  const report = await medic.diagnoser.diagnose(site);
  const commands = new Map([...seen].filter(([, l]) => l.size).map(([h, l]) => [h, [...l]]));
  return { commands, status: report.status };
}
