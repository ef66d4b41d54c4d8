import { z } from 'zod';
import type { ProbeSample } from '../model/facts/network.js';
import type { HttpProbeResult } from '../ports.js';
import { finder, type SiteCheck } from './check.js';

export const httpProbeParams = z
  .object({
    timeoutMs: z.number().int().min(100).max(60_000).default(8000),
    /** Statuses that count as healthy; anything else is a failed probe. */
    healthy: z.array(z.number().int()).default([200, 201, 204, 301, 302, 303, 304, 307, 308, 401, 403]),
    /** Probes spread over the run: at least `minSamples`, at most `samples`, one every `intervalMs`. */
    samples: z.number().int().min(1).max(20).default(6),
    minSamples: z.number().int().min(1).max(20).default(3),
    intervalMs: z.number().int().min(10).max(10_000).default(100),
  })
  .strict();
export type HttpProbeParams = z.infer<typeof httpProbeParams>;

const line = (url: string, r: HttpProbeResult) =>
  r.error || r.status === null
    ? `GET ${url} -> ${r.error?.message ?? 'no response'}`
    : `GET ${url} -> ${r.status}${r.server ? ` (server: ${r.server})` : ''} in ${r.durationMs} ms`;

/**
 * Probe the site's URL through the gateway, from where Medic runs: what the user sees. One probe
 * says little (a 200 between two 502s): probes are spread over the run — the first at once (its
 * failure makes the gateway log a fresh line for the log readers), then one every `intervalMs`
 * until the host checks are done and at least `minSamples` answered, at most `samples`.
 */
export const httpProbe: SiteCheck<HttpProbeParams> = {
  scope: 'site',
  id: 'http-probe',
  title: 'HTTP probe through the gateway',
  params: httpProbeParams,
  async run(p, ctx, { http, sampling }) {
    const f = finder('http-probe', ctx.host);
    const url = ctx.site.url;
    const get = async (): Promise<ProbeSample & { raw: HttpProbeResult }> => {
      const r = await http.get(url, {
        timeoutMs: p.timeoutMs,
        ...(ctx.site.hostHeader ? { hostHeader: ctx.site.hostHeader } : {}),
      });
      const ok = !r.error && r.status !== null && p.healthy.includes(r.status);
      return { status: r.status, durationMs: r.durationMs, error: r.error?.code ?? null, ok, raw: r };
    };
    const samples: Array<ProbeSample & { raw: HttpProbeResult }> = [await get()];
    sampling?.onFirst();
    let done = !sampling;
    void sampling?.until.then(() => {
      done = true;
    });
    const pending: Array<Promise<void>> = [];
    const wanted = () => (done ? Math.min(p.samples, p.minSamples) : p.samples);
    while (samples.length + pending.length < wanted()) {
      await (sampling?.sleep(p.intervalMs) ?? Promise.resolve());
      if (samples.length + pending.length >= wanted()) break;
      // Fired without waiting for the one before: a hanging site costs one timeout, not one each.
      pending.push(get().then((s) => void samples.push(s)));
    }
    await Promise.all(pending);

    const failed = samples.filter((s) => !s.ok);
    const shown = failed[0] ?? (samples[0] as ProbeSample & { raw: HttpProbeResult });
    const r = shown.raw;
    const data = {
      url,
      status: r.status,
      durationMs: r.durationMs,
      server: r.server ?? null,
      error: r.error?.code ?? null,
      samples: samples.map(({ raw: _, ...s }) => s),
      failed: failed.length,
    };
    const n = samples.length;
    const tally = `${failed.length} of ${n} probes failed`;
    const evidence = [...new Set([line(url, r), ...failed.slice(1, 3).map((s) => line(url, s.raw))])];
    if (failed.length === 0) {
      return [f('site-probe', 'ok', `site answers ${r.status} (${n} of ${n} probes)`, [line(url, r)], data)];
    }
    const what =
      r.error || r.status === null
        ? `GET ${url} failed: ${r.error?.message ?? 'no response'}`
        : `site answers ${r.status}`;
    // Most probes failing is a site that is down; some of them, a site that fails some requests.
    const severity =
      failed.length * 2 >= n ? (r.status === null || r.status >= 500 ? 'critical' : 'warn') : 'warn';
    return [f('site-probe', severity, `${what} (${tally})`, evidence, data)];
  },
};
