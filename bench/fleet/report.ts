/** Medians and the per-N table of bench/fleet. */

/** The middle value; with an even count, the mean of the two middle ones. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface SizeResult {
  hosts: number;
  commands: number;
  rounds: number;
  medic: number[];
  floor: number[];
  ansible: number[];
  rssKiB: number[];
}

export interface Summary {
  hosts: number;
  medic: number;
  floor: number;
  ansible: number;
  rssMiB: number | undefined;
}

const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(10);
const x2 = (x: number) => `${x.toFixed(2)}x`.padStart(10);

export function printSize(r: SizeResult): Summary {
  const m = median(r.medic);
  const f = median(r.floor);
  const a = median(r.ansible);
  const rssMiB = r.rssKiB.length ? Math.max(...r.rssKiB) / 1024 : undefined;
  const row = (label: string, value: string) => console.log(`  ${label.padEnd(50)}${value}`);
  console.log(
    `\nN = ${r.hosts} host(s), ${r.commands} commands in all + 1 HTTP probe; ${r.rounds} rounds, medians`,
  );
  row('medic diagnose (whole process)', ms(m));
  row('OpenSSH floor (one session per host, parallel)', ms(f));
  row(`ansible-playbook (raw tasks, forks=${r.hosts})`, ms(a));
  row('medic / floor', x2(m / f));
  row('medic speed-up over ansible (ansible / medic)', x2(a / m));
  row('floor speed-up over ansible (ansible / floor)', x2(a / f));
  row('medic speed-up ÷ floor speed-up (= floor / medic)', x2(a / m / (a / f)));
  row(
    'medic peak RSS (max over rounds)',
    rssMiB === undefined ? 'n/a' : `${rssMiB.toFixed(0)} MiB`.padStart(10),
  );
  return { hosts: r.hosts, medic: m, floor: f, ansible: a, rssMiB };
}

export function printSummary(all: Summary[]): void {
  console.log('\n hosts   medic ms   floor ms  ansible ms  medic/floor  (A/M)/(A/F)  medic RSS');
  for (const s of all) {
    console.log(
      [
        String(s.hosts).padStart(6),
        s.medic.toFixed(0).padStart(10),
        s.floor.toFixed(0).padStart(10),
        s.ansible.toFixed(0).padStart(11),
        `${(s.medic / s.floor).toFixed(2)}x`.padStart(12),
        (s.floor / s.medic).toFixed(2).padStart(12),
        (s.rssMiB === undefined ? 'n/a' : `${s.rssMiB.toFixed(0)} MiB`).padStart(10),
      ].join(' '),
    );
  }
}
