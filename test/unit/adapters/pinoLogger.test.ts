import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pinoLogger } from '../../../src/adapters/log/pinoLogger.js';

describe('pinoLogger', () => {
  it('redacts tokens, keys and passwords wherever they appear', async () => {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (d) => {
      text += d;
    });
    const log = pinoLogger('info', sink);
    log.info(
      {
        slack: { botToken: 'xoxb-secret-1', signingSecret: 'sig-secret-2' },
        host: { password: 'hunter2', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----' },
        pm2: { env: { DB_PASSWORD: 'p4ss' } },
        token: 'xapp-secret-3',
        site: 'shop',
      },
      'hello',
    );
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(text.trim()) as Record<string, unknown>;
    expect(line.site).toBe('shop');
    expect(line.token).toBe('[redacted]');
    expect(line.slack).toEqual({ botToken: '[redacted]', signingSecret: '[redacted]' });
    expect(line.host).toEqual({ password: '[redacted]', privateKey: '[redacted]' });
    expect(line.pm2).toEqual({ env: '[redacted]' });
    for (const secret of [
      'xoxb-secret-1',
      'sig-secret-2',
      'hunter2',
      'BEGIN OPENSSH',
      'p4ss',
      'xapp-secret-3',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
