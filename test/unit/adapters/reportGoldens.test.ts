import { describe, expect, it } from 'vitest';
import { renderReportText } from '../../../src/adapters/console/renderReportText.js';
import type { Report } from '../../../src/core/model/report.js';
import { contradictory, hugeReport, legacy } from '../../support/edgeReports.js';
import { degradedReport, healthyReport, php81Report, unknownReport } from '../../support/sampleReports.js';

const samples: Record<string, () => Report> = {
  healthy: healthyReport,
  'php81-socket': php81Report,
  unknown: unknownReport,
  degraded: degradedReport,
};

describe('terminal report goldens: one per verdict', () => {
  for (const [name, make] of Object.entries(samples)) {
    it(`renders the ${name} report`, async () => {
      await expect(renderReportText(make())).toMatchFileSnapshot(`../../golden/report-${name}.txt`);
    });
  }
  it('renders the php8.1 case in colour', async () => {
    await expect(renderReportText(php81Report(), { color: true })).toMatchFileSnapshot(
      '../../golden/report-php81-socket.ansi',
    );
  });
});

describe('what each verdict says in the terminal', () => {
  it('the php8.1 socket: the chain in one line, the broken hop marked, who should listen named', () => {
    const text = renderReportText(php81Report());
    expect(text).toContain(
      '  shop.example.com → nginx@web1 → unix:/run/php/php8.1-fpm.sock → ✗ nothing listens (php-fpm8.2 listens on /run/php/php8.2-fpm.sock) · expected php8.1-fpm.service@web1\n',
    );
    expect(text).toContain('  based on: 5 of 5 probes failed, 1 upstream error in the last 20 s\n');
  });

  it('healthy: says so and what it rests on, and lists no "no fault found" cause', () => {
    const text = renderReportText(healthyReport());
    expect(text).toMatch(/^\[OK\] shop is healthy\n/);
    expect(text).toContain(
      'Healthy: 5 of 5 probes answered, no upstream errors in the last 20 s; every hop of the request path is ok.',
    );
    expect(text).not.toMatch(/Probable causes|no-fault-found|no fault found/);
  });

  it('unknown: its own mark, the unseen hop marked ?, on-path blind spots first with their reasons', () => {
    const text = renderReportText(unknownReport());
    expect(text).toMatch(/^\[UNKNOWN\] /);
    expect(text).toContain(
      '→ web2:8080 → ? listener unknown (the listening sockets of web2 could not be read)',
    );
    const seen = text.slice(text.indexOf('Could not see')).split('\n').slice(1, 4);
    expect(seen).toEqual([
      '  ! the listening sockets on web2 (timed out): timed out (tcp, unix, ps, cgroups, addr)',
      '  ! the nginx error log on web1 (timed out): timed out (now, tail)',
      "  - memory on web2 (SSH channel refused): web2 refused a command channel: (SSH) Channel open failure: open failed (not on the request's path)",
    ]);
    // The blind-spot cause says what the section says: it is not listed twice.
    expect(text).not.toMatch(/Probable causes|blind-spot/);
  });

  it('degraded: the rate it rests on, and the broken hop points at its cause', () => {
    const text = renderReportText(degradedReport());
    expect(text).toContain('  based on: 1 of 5 probes failed, 2 upstream errors in the last 20 s\n');
    expect(text).toContain('→ ✗ pid 37 (root) (cause 1) → php8.2-fpm.service@web1');
    expect(text).toContain('  1. upstream-saturated  93%  the backend behind');
  });

  it('never contradicts itself: a stored report saying degraded and "no fault found" shows no such cause', () => {
    const text = renderReportText(contradictory());
    expect(text).not.toMatch(/no fault found|no-fault-found|Healthy/);
    expect(text).toContain('No cause found.');
  });

  it('a report stored before topology, blind spots and basis existed still renders', () => {
    const text = renderReportText(legacy());
    expect(text).toMatch(/^\[DOWN\] shop is down/);
    expect(text).not.toMatch(/Request path|based on|Could not see/);
  });

  it('a huge topology: a few chains and blind spots, the rest counted, the output bounded', () => {
    const text = renderReportText(hugeReport());
    expect(text).toContain('… 395 more request paths (');
    expect(text).toContain("… 292 more (142 on the request's path)");
    expect(text.length).toBeLessThan(100_000);
  });
});
