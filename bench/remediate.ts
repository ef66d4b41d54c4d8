/**
 * bench/remediate: from an approval to a verified recovery. php-fpm is stopped on a fleet host
 * (a real 502); Medic's approve path (decide, claim, reset-failed + restart + is-active over the
 * pooled SSH connection, probe until healthy, a full re-diagnosis) is timed against the floor an
 * operator gets by hand: one `ssh` running `systemctl restart`, then curl until 200 (no check
 * that the cause is gone). Prints medians and the ratio; all measured in this run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createMedic } from '../src/composition.js';
import { Fleet } from '../test/support/fleet.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const fleet = new Fleet();
await fleet.prepare();
try {
  await fleet.startHost('web2'); // web1's nginx resolves web2 (api.conf)
  const web1 = await fleet.startHost('web1');
  const config = fleet.writeConfig(
    `${web1.shopConfigYaml()}remediation:\n  approvers: [{ users: [U9] }]\n  verify: { timeoutSeconds: 60, intervalSeconds: 0.5 }\n`,
  );
  const medic = createMedic(config, { logLevel: 'silent' });
  const remediator = medic.remediator;
  if (!remediator) throw new Error('no remediator');
  const ssh = web1.sshArgs();
  const url = `http://127.0.0.1:${web1.httpPort}/`;
  const status = async () =>
    (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: shop.example.com', url]))
      .stdout;
  const breakIt = () => web1.sh('systemctl stop php8.2-fpm; systemctl reset-failed php8.2-fpm');

  const medicMs: number[] = [];
  const handMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await breakIt();
    const report = await medic.diagnoser.diagnose('shop', { origin: { trigger: 'cli', requestedBy: 'U7' } });
    const approvals = await remediator.propose(report, { trigger: 'slack', requestedBy: 'U7' });
    const pending = Object.values(approvals)[0]?.id;
    if (!pending) throw new Error('nothing proposed');
    let recovered = false;
    const t0 = performance.now();
    await remediator.approve(pending, { userId: 'U9', groups: [] }, (r) => {
      if (r.type === 'remediation-verified') recovered = r.recovered;
    });
    medicMs.push(performance.now() - t0);
    if (!recovered) throw new Error('Medic did not see a recovery');

    await breakIt();
    const t1 = performance.now();
    await run('ssh', [...ssh, 'sudo -n systemctl restart php8.2-fpm']);
    while ((await status()) !== '200') await new Promise((r) => setTimeout(r, 100));
    handMs.push(performance.now() - t1);
  }
  const m = median(medicMs);
  const h = median(handMs);
  console.log(`approve → verified recovery (Medic, with a full re-diagnosis): ${m.toFixed(0)} ms`);
  console.log(`ssh systemctl restart → curl 200 (by hand, no diagnosis):       ${h.toFixed(0)} ms`);
  console.log(`ratio: ${(m / h).toFixed(2)}× (medians of ${ROUNDS})`);
  await medic.store?.close();
} finally {
  await fleet.stop();
}
