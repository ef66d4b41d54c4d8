/**
 * bench/fleet: `medic diagnose` at N hosts, the whole process as a user runs it, against the
 * OpenSSH floor (one session per host running that host's commands in parallel, all hosts at
 * once) and against Ansible (`ansible-playbook`, one raw task per command, forks = N). The
 * commands of both are the ones Medic really ran on each host (recorded in process first).
 * Runs interleave (medic, floor, ansible, ...), BENCH_ROUNDS rounds; prints medians and ratios.
 *
 *   BENCH_HOSTS=1,10,50 BENCH_ROUNDS=5 npm run bench:fleet   (or: npm run bench:fleet -- 1,10,50)
 *
 * Sizes share one fleet: it grows to each N in turn, booting 4 hosts at a time.
 */
import { execFileSync } from 'node:child_process';
import { Fleet, type FleetHost } from '../test/support/fleet.js';
import { ansibleRun } from './fleet/ansible.js';
import { bootHosts, hostName, raiseInotifyLimit } from './fleet/boot.js';
import { atCleanup, cleanUpFleet, cleanup } from './fleet/cleanup.js';
import { runFloor } from './fleet/floor.js';
import { assertDiagnosed, medicCommand, runMedicDiagnose } from './fleet/medicProcess.js';
import { recordCommands } from './fleet/record.js';
import { printSize, printSummary, type SizeResult, type Summary } from './fleet/report.js';
import { SITE, siteConfigYaml } from './fleet/site.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BOOT_CONCURRENCY = Number(process.env.BENCH_BOOT_CONCURRENCY ?? 4);
const sizes = (process.argv[2] ?? process.env.BENCH_HOSTS ?? '50').split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_HOSTS: "${s}" is not a host count`);
  return n;
});
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('BENCH_ROUNDS: a positive integer');
try {
  execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
} catch {
  throw new Error('ansible-playbook not found (Debian: apt-get install -y ansible)');
}

const medicCli = await medicCommand();
console.log(`medic: ${medicCli.label} diagnose ${SITE} --config <file>`);
console.log(`sizes: ${sizes.join(', ')} host(s); ${ROUNDS} rounds each, interleaved medic, floor, ansible`);
raiseInotifyLimit(Math.max(...sizes));

const fleet = new Fleet();
cleanUpFleet(fleet);
const running = new Map<string, FleetHost>();
const summaries: Summary[] = [];
try {
  await fleet.prepare();
  for (const n of sizes) {
    console.log(`\nbooting ${n} host(s) (${BOOT_CONCURRENCY} at a time) ...`);
    await bootHosts(fleet, running, n, BOOT_CONCURRENCY);
    const hosts = Array.from({ length: n }, (_, i) => running.get(hostName(i)) as FleetHost);
    const config = fleet.writeConfig(siteConfigYaml(hosts));
    const recorded = await recordCommands(config, SITE);
    const perHost = hosts.map((h) => recorded.commands.get(h.name)?.length ?? 0);
    if (perHost.some((c) => c === 0)) throw new Error(`medic ran nothing on some host: ${perHost.join(',')}`);
    console.log(
      `recorded (in process): report ${recorded.status}; commands per host ${Math.min(...perHost)}..${Math.max(...perHost)}`,
    );
    const ansible = ansibleRun(hosts, recorded.commands);
    atCleanup(() => ansible.remove());
    atCleanup(() => ansible.closeMasters());
    const medic = () => runMedicDiagnose(medicCli, SITE, config);
    // Warm up each once (and fail early): page cache, sudo, the bin's first load.
    const first = await medic();
    assertDiagnosed(first);
    console.log(`medic process: exit ${first.code}; ${first.stdout.split('\n')[0]}`);
    await runFloor(hosts[0] as FleetHost, hosts, recorded.commands);
    await ansible.run();
    await ansible.closeMasters();

    const r: SizeResult = {
      hosts: n,
      commands: perHost.reduce((a, b) => a + b, 0),
      rounds: ROUNDS,
      medic: [],
      floor: [],
      ansible: [],
      rssKiB: [],
    };
    let unhealthy = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const run = await medic();
      assertDiagnosed(run);
      // The fleet is healthy: a report that is not says Medic gave up somewhere (timeouts).
      if (run.code !== 0) unhealthy++;
      r.medic.push(run.ms);
      if (run.rssKiB !== undefined) r.rssKiB.push(run.rssKiB);
      const t0 = performance.now();
      await runFloor(hosts[0] as FleetHost, hosts, recorded.commands);
      r.floor.push(performance.now() - t0);
      r.ansible.push(await ansible.run());
      await ansible.closeMasters();
      console.log(
        `  round ${i + 1}: medic ${run.ms.toFixed(0)} ms, floor ${r.floor.at(-1)?.toFixed(0)} ms, ansible ${r.ansible.at(-1)?.toFixed(0)} ms`,
      );
    }
    summaries.push(printSize(r));
    if (unhealthy > 0)
      console.log(
        `  NOT COMPARABLE: medic's report was not healthy in ${unhealthy} of ${ROUNDS} rounds (connect or command timeouts under load); its time is that of giving up`,
      );
  }
  if (summaries.length > 1) printSummary(summaries);
} finally {
  await cleanup();
}
