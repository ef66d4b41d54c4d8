import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReplyText } from '../../../src/adapters/console/renderReplyText.js';
import { renderReportText } from '../../../src/adapters/console/renderReportText.js';
import type { Report } from '../../../src/core/model/report.js';

const report = JSON.parse(
  readFileSync(new URL('../../golden/report-upstream-down.json', import.meta.url), 'utf8'),
) as Report;

describe('renderReportText (golden files)', () => {
  it('renders plain text', async () => {
    await expect(renderReportText(report, { color: false })).toMatchFileSnapshot(
      '../../golden/report-upstream-down.txt',
    );
  });
  it('renders with colour', async () => {
    await expect(renderReportText(report, { color: true })).toMatchFileSnapshot(
      '../../golden/report-upstream-down.ansi',
    );
  });
  it('renders a healthy report without actions', async () => {
    const healthy: Report = {
      ...report,
      status: 'healthy',
      headline: 'shop is healthy',
      causes: [],
      actions: [],
    };
    const text = renderReportText(healthy);
    expect(text).toMatch(/^\[OK\] shop is healthy/);
    expect(text).not.toMatch(/Suggested actions/);
  });
  it('renders the other replies', () => {
    expect(renderReplyText({ type: 'picker', query: 'x', sites: ['api', 'shop'] })).toBe(
      '"x" matches several sites: api, shop. Which one? (e.g. "diagnose api")',
    );
    expect(
      renderReplyText({ type: 'unknown-site', query: 'shp', suggestions: ['shop'], known: ['shop'] }),
    ).toBe('I don\'t know a site in "shp". Did you mean shop?');
    expect(renderReplyText({ type: 'error', code: 'site.unknown', message: 'no site "x"' })).toBe(
      'Error (site.unknown): no site "x"',
    );
  });
});
