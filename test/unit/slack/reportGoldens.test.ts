import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/adapters/slack/blockLimits.js';
import { reportBlocks } from '../../../src/adapters/slack/reportBlocks.js';
import type { Report } from '../../../src/core/model/report.js';
import { contradictory, hugeReport, legacy } from '../../support/edgeReports.js';
import { degradedReport, healthyReport, php81Report, unknownReport } from '../../support/sampleReports.js';

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Block Kit JSON
type AnyBlock = Record<string, any>;
const texts = (blocks: AnyBlock[]): string[] =>
  blocks
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: AnyBlock) => e.text?.text ?? e.text)])
    .filter((t): t is string => typeof t === 'string');

const samples: Record<string, () => Report> = {
  healthy: healthyReport,
  'php81-socket': php81Report,
  unknown: unknownReport,
  degraded: degradedReport,
};

describe('Block Kit report goldens: one per verdict', () => {
  for (const [name, make] of Object.entries(samples)) {
    it(`renders the ${name} report`, async () => {
      const r = reportBlocks(make());
      await expect(`${JSON.stringify(r, null, 2)}\n`).toMatchFileSnapshot(
        `../../golden/slack-report-${name}.json`,
      );
      expect(r.clipped).toBe(false);
    });
  }
});

describe('what each verdict says in Slack', () => {
  it('the php8.1 socket: the chain in one line, the broken hop in bold, the basis in the context', () => {
    const t = texts(reportBlocks(php81Report()).blocks);
    expect(t).toContain(
      '*Request path*\n• shop.example.com → nginx@web1 → unix:/run/php/php8.1-fpm.sock → *✗ nothing listens* (php-fpm8.2 listens on /run/php/php8.2-fpm.sock) · expected php8.1-fpm.service@web1',
    );
    expect(t[1]).toContain(' · based on 5 of 5 probes failed, 1 upstream error in the last 20 s · ');
  });

  it('healthy: says so and what it rests on, and lists no "no fault found" cause', () => {
    const r = reportBlocks(healthyReport());
    expect(JSON.stringify(r)).not.toMatch(/no-fault-found|no fault found/);
    expect(texts(r.blocks)).toContain(
      'Healthy: 5 of 5 probes answered, no upstream errors in the last 20 s; every hop of the request path is ok.',
    );
  });

  it('unknown: its own mark and word, the unseen hop in italics, on-path blind spots first', () => {
    const r = reportBlocks(unknownReport());
    expect(texts(r.blocks)[0]).toMatch(/^:grey_question: \*Unknown\*: \*api answers/);
    expect(r.text).toMatch(/^\*Unknown\*: api answers/);
    const all = texts(r.blocks).join('\n');
    expect(all).toContain(
      '→ web2:8080 → _? listener unknown_ (the listening sockets of web2 could not be read)',
    );
    expect(all).toContain(
      '*Could not see*\n:warning: the listening sockets on web2 (timed out): timed out (tcp, unix, ps, cgroups, addr)\n:warning: the nginx error log on web1',
    );
    expect(all).toContain("open failed _(not on the request's path)_");
    expect(all).not.toContain('blind-spot');
  });

  it('degraded: the rate in the context, the broken hop points at its cause', () => {
    const t = texts(reportBlocks(degradedReport()).blocks);
    expect(t[1]).toContain(' · based on 1 of 5 probes failed, 2 upstream errors in the last 20 s · ');
    expect(t.join('\n')).toContain('→ *✗ pid 37 (root)* (cause 1) → php8.2-fpm.service@web1');
  });

  it('never contradicts itself, and renders a report stored before the new parts', () => {
    expect(JSON.stringify(reportBlocks(contradictory()))).not.toMatch(
      /no fault found|no-fault-found|Healthy/,
    );
    expect(texts(reportBlocks(contradictory()).blocks)).toContain('No cause found.');
    const old = texts(reportBlocks(legacy()).blocks).join('\n');
    expect(old).toMatch(/^:red_circle: \*shop is down/);
    expect(old).not.toMatch(/Request path|based on|Could not see/);
  });

  it('a huge topology: within every limit, the rest counted, the full report attached', () => {
    const r = reportBlocks(hugeReport());
    expect(r.clipped).toBe(true);
    expect(r.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const t of texts(r.blocks)) expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText);
    const all = texts(r.blocks).join('\n');
    expect(all).toContain('… 397 more request paths (');
    expect(all).toContain("… 295 more (145 on the request's path)");
    // Labels, notes and blind spots come from remote hosts: their markup is escaped.
    expect(all).not.toMatch(/<[!@#]/);
    expect(all).toContain('&lt;!channel&gt;');
  });
});
