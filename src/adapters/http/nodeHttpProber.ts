import http from 'node:http';
import https from 'node:https';
import type { HttpProbeResult, HttpProber } from '../../core/ports.js';

const SNIPPET = 512;

/** HTTP(S) GET with node:http so a Host header can be set; no redirects followed. */
export const nodeHttpProber: HttpProber = {
  get(url, { timeoutMs, hostHeader }) {
    const started = Date.now();
    return new Promise<HttpProbeResult>((resolve) => {
      const u = new URL(url);
      const lib = u.protocol === 'https:' ? https : http;
      const headers: Record<string, string> = { 'user-agent': 'medic-probe/1', accept: '*/*' };
      if (hostHeader) headers.host = hostHeader;
      const done = (r: Omit<HttpProbeResult, 'durationMs'>) =>
        resolve({ ...r, durationMs: Date.now() - started });
      const req = lib.request(
        u,
        { method: 'GET', headers, timeout: timeoutMs, servername: hostHeader ?? u.hostname },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < SNIPPET) body += chunk;
            else res.destroy();
          });
          const finish = () =>
            done({
              status: res.statusCode ?? null,
              ...(typeof res.headers.server === 'string' ? { server: res.headers.server } : {}),
              bodySnippet: body.slice(0, SNIPPET),
            });
          res.on('end', finish);
          res.on('close', finish);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'EPROBE';
        const message =
          code === 'ECONNREFUSED'
            ? 'connection refused'
            : code === 'ETIMEDOUT'
              ? `no answer within ${timeoutMs} ms`
              : code === 'ENOTFOUND'
                ? 'name does not resolve'
                : err.message;
        done({ status: null, error: { code, message } });
      });
      req.end();
    });
  },
};
