import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/loadConfig.js';

const base =
  'hosts:\n  local: { transport: local }\nsites:\n  demo: { url: "http://127.0.0.1:8089/", hosts: [local] }\n';

function problems(text: string) {
  try {
    parseConfig(text, 'medic.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('shutdown config', () => {
  it('drains for 30 s by default', () => {
    expect(parseConfig(base, 'medic.yaml').shutdown).toEqual({ drainSeconds: 30 });
  });

  it('takes another drain time, 0 to stop at once', () => {
    expect(parseConfig(`${base}shutdown: { drainSeconds: 5 }\n`, 'medic.yaml').shutdown.drainSeconds).toBe(5);
    expect(parseConfig(`${base}shutdown: { drainSeconds: 0 }\n`, 'medic.yaml').shutdown.drainSeconds).toBe(0);
  });

  it('refuses unknown keys, negative, fractional and absurd times with their path and line', () => {
    expect(problems(`${base}shutdown: { drainSecs: 5 }\n`)).toEqual([
      { path: 'shutdown.drainSecs', line: 5, message: 'unknown key' },
    ]);
    for (const bad of ['-1', '1.5', '86400', '"30"']) {
      const p = problems(`${base}shutdown: { drainSeconds: ${bad} }\n`);
      expect(p.map((x) => [x.path, x.line])).toEqual([['shutdown.drainSeconds', 5]]);
    }
  });
});
