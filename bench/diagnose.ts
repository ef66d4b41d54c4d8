/**
 * bench/diagnose: time `medic diagnose` (the 502 playbook, in process, real SSH) on one fleet
 * host against (a) the same commands run one `ssh` invocation each and (b) all of them in one
 * SSH session, the floor; and the two-phase run (topology first, then what it names) against the
 * same playbook run on what the site declares only; and the whole `medic diagnose` process (what a
 * user runs: start, config, SSH, report, store) against the same one-session floor. The commands of
 * the floors are the ones Medic really ran (recorded). Prints medians and ratios; all measured in
 * this run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createMedic } from '../src/composition.js';
import { commandLine } from '../src/core/command.js';
import type { Transport, TransportFactory } from '../src/core/ports.js';
import { Fleet } from '../test/support/fleet.js';
import { assertDiagnosed, medicCommand, runMedicDiagnose } from './fleet/medicProcess.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const fleet = new Fleet();
await fleet.prepare();
try {
  await fleet.startHost('web2'); // web1's nginx proxies api.example.com to web2
  const web1 = await fleet.startHost('web1');
  const config = fleet.writeConfig(web1.shopConfigYaml());
  // Every command Medic runs, as the transport runs it: the floors run exactly these.
  let recording: string[] | undefined;
  const record = (real: TransportFactory): TransportFactory => ({
    open(name, host): Transport {
      const t = real.open(name, host);
      return {
        host: t.host,
        exec: (cmd, o) => {
          recording?.push(commandLine(cmd, { ...o, sudo: host.sudo }));
          return t.exec(cmd, o);
        },
        ...(t.describe ? { describe: t.describe.bind(t) } : {}),
        ...(t.warm ? { warm: t.warm.bind(t) } : {}),
        close: () => t.close(),
      };
    },
  });
  const medic = createMedic(config, { logLevel: 'silent', wrapTransports: record });
  recording = [];
  await medic.diagnoser.diagnose('shop');
  const lines = [...new Set(recording)];
  recording = undefined;
  const ssh = web1.sshArgs();
  const probe = () =>
    fetch(`http://127.0.0.1:${web1.httpPort}/`, { headers: { host: 'shop.example.com' } }).then((r) =>
      r.text(),
    );

  const medicTimes: number[] = [];
  const processTimes: number[] = [];
  const processRss: number[] = [];
  const declaredOnly: number[] = [];
  const perCommand: number[] = [];
  const oneSession: number[] = [];
  const oneSessionParallel: number[] = [];
  await medic.diagnoser.diagnose('shop'); // warm up
  const medicCli = await medicCommand();
  assertDiagnosed(await runMedicDiagnose(medicCli, 'shop', config)); // warm up (and build)
  for (let i = 0; i < ROUNDS; i++) {
    medicTimes.push(await time(() => medic.diagnoser.diagnose('shop')));
    const proc = await runMedicDiagnose(medicCli, 'shop', config);
    assertDiagnosed(proc);
    processTimes.push(proc.ms);
    if (proc.rssKiB !== undefined) processRss.push(proc.rssKiB);
    declaredOnly.push(await time(() => medic.diagnoser.diagnose('shop', { discover: false })));
    perCommand.push(
      await time(async () => {
        await probe();
        for (const line of lines) await run('ssh', [...ssh, line]).catch(() => undefined);
      }),
    );
    oneSession.push(
      await time(async () => {
        await probe();
        await run('ssh', [...ssh, lines.map((l) => `(${l}) >/dev/null 2>&1`).join('; ')]).catch(
          () => undefined,
        );
      }),
    );
    oneSessionParallel.push(
      await time(async () => {
        await probe();
        const all = `${lines.map((l) => `(${l}) >/dev/null 2>&1 &`).join(' ')} wait`;
        await run('ssh', [...ssh, all]).catch(() => undefined);
      }),
    );
  }
  const m = median(medicTimes);
  const d = median(declaredOnly);
  const p = median(perCommand);
  const o = median(oneSession);
  const op = median(oneSessionParallel);
  const w = median(processTimes);
  console.log(`commands per run: ${lines.length} on 1 host + 1 HTTP probe; ${ROUNDS} rounds, medians`);
  console.log(`medic diagnose (pooled connection, parallel channels): ${m.toFixed(0)} ms`);
  console.log(`one ssh invocation per command (sequential):            ${p.toFixed(0)} ms`);
  console.log(`all commands in one SSH session (floor):                 ${o.toFixed(0)} ms`);
  console.log(`all commands in one SSH session, in parallel (& wait):   ${op.toFixed(0)} ms`);
  console.log(`medic diagnose, declared services only (one phase):  ${d.toFixed(0)} ms`);
  console.log(`ratio two-phase / one-phase: ${(m / d).toFixed(2)}x (target <= 1.2x)`);
  console.log(`ratio medic / one-session floor: ${(m / o).toFixed(2)}x (target <= 1.5x)`);
  console.log(`ratio medic / one-session parallel floor: ${(m / op).toFixed(2)}x`);
  console.log(`ratio per-command / medic: ${(p / m).toFixed(2)}x`);
  console.log(`whole process: ${medicCli.label} diagnose shop --config <file>`);
  console.log(`medic diagnose, whole process:                        ${w.toFixed(0)} ms`);
  console.log(
    `medic process peak RSS: ${processRss.length ? `${(Math.max(...processRss) / 1024).toFixed(0)} MiB` : 'n/a'}`,
  );
  console.log(`ratio in-process medic / one-session floor: ${(m / o).toFixed(2)}x`);
  console.log(`ratio whole-process medic / one-session floor: ${(w / o).toFixed(2)}x`);
} finally {
  await fleet.stop();
}
