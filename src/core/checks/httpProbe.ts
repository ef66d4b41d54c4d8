import { z } from 'zod';
import { finder, type SiteCheck } from './check.js';

export const httpProbeParams = z
  .object({
    timeoutMs: z.number().int().min(100).max(60_000).default(8000),
    /** Statuses that count as healthy; anything else is a failed probe. */
    healthy: z.array(z.number().int()).default([200, 201, 204, 301, 302, 303, 304, 307, 308, 401, 403]),
  })
  .strict();
export type HttpProbeParams = z.infer<typeof httpProbeParams>;

/** Probe the site's URL through the gateway, from where Medic runs: what the user sees. */
export const httpProbe: SiteCheck<HttpProbeParams> = {
  scope: 'site',
  id: 'http-probe',
  title: 'HTTP probe through the gateway',
  params: httpProbeParams,
  async run(p, ctx, { http }) {
    const f = finder('http-probe', ctx.host);
    const url = ctx.site.url;
    const r = await http.get(url, {
      timeoutMs: p.timeoutMs,
      ...(ctx.site.hostHeader ? { hostHeader: ctx.site.hostHeader } : {}),
    });
    const data = {
      url,
      status: r.status,
      durationMs: r.durationMs,
      server: r.server ?? null,
      error: r.error?.code ?? null,
    };
    if (r.error || r.status === null) {
      const msg = r.error?.message ?? 'no response';
      return [f('site-probe', 'critical', `GET ${url} failed: ${msg}`, [`GET ${url} -> ${msg}`], data)];
    }
    const line = `GET ${url} -> ${r.status}${r.server ? ` (server: ${r.server})` : ''} in ${r.durationMs} ms`;
    const ok = p.healthy.includes(r.status);
    const severity = ok ? 'ok' : r.status >= 500 ? 'critical' : 'warn';
    return [
      f('site-probe', severity, ok ? `site answers ${r.status}` : `site answers ${r.status}`, [line], data),
    ];
  },
};
