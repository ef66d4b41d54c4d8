/**
 * The same commands through Ansible: an inventory of the hosts, forks = N, no facts, one `raw`
 * task per recorded command, ControlMaster/ControlPersist and pipelining on, no host key
 * checking. Each round starts cold: the persisted masters are closed after it (untimed), as
 * Medic's and the floor's connections end with their process.
 */
import { execFile as execFileCb } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FleetHost } from '../../test/support/fleet.js';

const execFile = promisify(execFileCb);

export interface AnsibleRun {
  /** Time one `ansible-playbook` run, whole process. */
  run(): Promise<number>;
  /** Close the ControlPersist masters (between rounds, and at the end). */
  closeMasters(): Promise<void>;
  remove(): void;
}

/** A YAML scalar Ansible never templates (commands may hold `{{`). */
const unsafe = (s: string) => `!unsafe ${JSON.stringify(s)}`;

function playbook(hosts: FleetHost[], commands: Map<string, string[]>): string {
  // Every distinct command once, in first-seen order; a task names the hosts that ran it
  // when not all of them did.
  const order: string[] = [];
  const ranBy = new Map<string, string[]>();
  for (const h of hosts) {
    for (const line of commands.get(h.name) ?? []) {
      if (!ranBy.has(line)) order.push(line);
      ranBy.set(line, [...(ranBy.get(line) ?? []), h.name]);
    }
  }
  const tasks = order.flatMap((line, i) => {
    const who = ranBy.get(line) ?? [];
    return [
      `    - name: command ${i + 1}`,
      `      raw: ${unsafe(line)}`,
      '      failed_when: false',
      '      changed_when: false',
      ...(who.length < hosts.length ? [`      when: inventory_hostname in ${JSON.stringify(who)}`] : []),
    ];
  });
  return ['- hosts: all', '  gather_facts: false', '  tasks:', ...tasks, ''].join('\n');
}

function inventory(hosts: FleetHost[]): string {
  const key = hosts[0]?.fleet.privateKeyPath ?? '';
  return [
    'all:',
    '  vars:',
    '    ansible_user: deploy',
    `    ansible_ssh_private_key_file: ${JSON.stringify(key)}`,
    '  hosts:',
    ...hosts.map((h) => `    ${h.name}: { ansible_host: 127.0.0.1, ansible_port: ${h.sshPort} }`),
    '',
  ].join('\n');
}

/** Every host ran every one of its tasks (a skipped or unreachable one would flatter Ansible). */
function checkRecap(stdout: string, hosts: FleetHost[], commands: Map<string, string[]>): void {
  const recap = new Map<string, { ok: number; unreachable: number }>();
  for (const m of stdout.matchAll(/^(\S+)\s+:\s+ok=(\d+)\s.*unreachable=(\d+)/gm)) {
    recap.set(m[1] as string, { ok: Number(m[2]), unreachable: Number(m[3]) });
  }
  for (const h of hosts) {
    const want = commands.get(h.name)?.length ?? 0;
    const got = recap.get(h.name);
    if (!got || got.ok !== want || got.unreachable) {
      throw new Error(
        `ansible: ${h.name} ran ${got?.ok ?? 0} of ${want} tasks (unreachable ${got?.unreachable ?? '?'})`,
      );
    }
  }
}

export function ansibleRun(hosts: FleetHost[], commands: Map<string, string[]>): AnsibleRun {
  const dir = mkdtempSync(join(tmpdir(), 'medic-bench-ansible-'));
  const cp = join(dir, 'cp');
  mkdirSync(cp);
  writeFileSync(join(dir, 'inventory.yml'), inventory(hosts));
  writeFileSync(join(dir, 'playbook.yml'), playbook(hosts, commands));
  writeFileSync(
    join(dir, 'ansible.cfg'),
    [
      '[defaults]',
      `inventory = ${join(dir, 'inventory.yml')}`,
      `forks = ${hosts.length}`,
      'host_key_checking = False',
      'gathering = explicit',
      'retry_files_enabled = False',
      'interpreter_python = auto_silent',
      'deprecation_warnings = False',
      '[ssh_connection]',
      'pipelining = True',
      'ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR',
      `control_path_dir = ${cp}`,
      'control_path = %(directory)s/%%h-%%p-%%r',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1' };
  return {
    async run() {
      const t0 = performance.now();
      let stdout: string;
      try {
        ({ stdout } = await execFile('ansible-playbook', [join(dir, 'playbook.yml')], {
          env,
          maxBuffer: 1 << 26,
        }));
      } catch (err) {
        const out = String((err as { stdout?: string }).stdout ?? '').slice(-2000);
        throw new Error(`ansible-playbook failed: ${err}\n${out}`);
      }
      const ms = performance.now() - t0;
      checkRecap(stdout, hosts, commands);
      return ms;
    },
    async closeMasters() {
      await Promise.all(
        hosts.map((h) =>
          execFile(
            'ssh',
            ['-o', `ControlPath=${join(cp, `127.0.0.1-${h.sshPort}-deploy`)}`, '-O', 'exit', '127.0.0.1'],
            {
              timeout: 10_000,
            },
          ).catch(() => undefined),
        ),
      );
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
