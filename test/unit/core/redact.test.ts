import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/core/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['connect failed (database password=hunter2)', 'connect failed (database password=[redacted])'],
    ['DB_PASSWORD: "s3 cret" next', 'DB_PASSWORD: [redacted] next'],
    ['api_key=abc123 ok', 'api_key=[redacted] ok'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y', 'Authorization: [redacted]'],
    ['GET https://bob:pa55@db.example.com/x', 'GET https://bob:[redacted]@db.example.com/x'],
    [
      'token xoxb-1234-5678-abcdefgh leaked',
      'token xoxb-1234-5678-abcdefgh leaked'.replace('xoxb-1234-5678-abcdefgh', '[redacted]'),
    ],
    ['nothing secret here', 'nothing secret here'],
  ])('%s', (input, out) => {
    expect(redactSecrets(input)).toBe(out);
  });
});

describe('sanitizeLine (every finding line)', () => {
  it('drops terminal escapes and control characters, keeps tabs, redacts', async () => {
    const { sanitizeLine } = await import('../../../src/core/checks/check.js');
    expect(sanitizeLine('ok\u001b[31mred\u001b[0m\tnext\u0007 token=abc123')).toBe(
      'ok[31mred[0m\tnext token=[redacted]',
    );
  });
});

describe('redactSecrets is idempotent', () => {
  it.each([
    'password=[redacted])',
    'https://bob:[redacted]@db/x',
    'https://bob:***@db/x',
    'token: [redacted]',
  ])('%s', (line) => {
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets(redactSecrets('DB password=hunter2)'))).toBe('DB password=[redacted])');
  });
});
