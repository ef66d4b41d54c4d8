/**
 * Nothing a check finds is dropped: every kind of finding is read by a hop or a rule (or says
 * why it is context), and every nginx error line of the fixtures, with a failing probe, ends in
 * a named cause — never in "no fault found".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nginxErrors } from '../../../src/core/checks/nginxErrors.js';
import { blindKinds } from '../../../src/core/diagnosis/blindSpots.js';
import { diagnose } from '../../../src/core/diagnosis/diagnose.js';
import { findingUse } from '../../../src/core/diagnosis/findingUse.js';
import { findingKinds } from '../../../src/core/model/finding.js';
import { siteSchema } from '../../../src/core/model/inventory.js';
import { checkContext, execResult, fakeFinding, runCheck } from '../../support/checkKit.js';

const diagnosisDir = new URL('../../../src/core/diagnosis/', import.meta.url).pathname;
const fixtures = new URL('../../fixtures/nginx-errors/', import.meta.url).pathname;

describe('every kind of finding is read', () => {
  it.each(findingKinds)('%s is read by a hop or a rule, or is declared context', (kind) => {
    const use = findingUse[kind];
    expect(use).toBeDefined();
    if ('context' in use) {
      expect(use.context.length).toBeGreaterThan(20);
      return;
    }
    expect(use.readBy.length).toBeGreaterThan(0);
    for (const file of use.readBy) {
      const text = readFileSync(`${diagnosisDir}${file}`, 'utf8');
      expect(text.includes(`'${kind}'`), `${file} does not read '${kind}'`).toBe(true);
    }
  });

  it('every blind kind is a blind spot, and every blind spot kind is declared so', () => {
    const declared = findingKinds.filter((k) => {
      const u = findingUse[k];
      return 'readBy' in u && u.readBy.includes('blindSpots.ts');
    });
    expect(new Set(declared)).toEqual(new Set([...blindKinds, 'host-unreachable']));
  });
});

describe('no gateway error line ends in "no fault found"', () => {
  const site = siteSchema.parse({
    url: 'http://shop.example.com/',
    hostHeader: 'shop.example.com',
    hosts: ['web1'],
  });
  const probe = fakeFinding(
    'site-probe',
    { status: 502, samples: [{ status: 502, durationMs: 3, error: null, ok: false }], failed: 1 },
    {
      check: 'http-probe',
      host: 'medic',
    },
  );
  const cases = readdirSync(fixtures)
    .filter((f) => f.endsWith('.txt') && !f.includes('stderr') && !f.includes('stdout'))
    .flatMap((file) => {
      const [date = '', ...lines] = readFileSync(`${fixtures}${file}`, 'utf8').split('\n');
      return lines.filter((l) => /^\d{4}\/\d\d\/\d\d /.test(l)).map((line) => [file, date, line] as const);
    });

  it('has the fixtures', () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)('%s: %#', (_file, date, line) => {
    const found = runCheck(
      nginxErrors,
      { now: execResult(`${date}\n`), tail: execResult(line) },
      { minutes: 100000 },
      checkContext({ site }),
    );
    const d = diagnose({
      siteName: 'shop',
      site,
      findings: [probe, ...found],
      siteFailing: true,
      topology: { gateways: [], links: [] },
    });
    expect(d.causes[0]?.id, line).not.toBe('no-fault-found');
    expect(d.status).toBe('down');
  });
});
