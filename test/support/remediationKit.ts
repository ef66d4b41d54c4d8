/** In-memory fakes for remediation unit tests: store, transports, prober, clock. */
import type { Command } from '../../src/core/command.js';
import { toShell } from '../../src/core/command.js';
import type { AuditEntry, AuditInput } from '../../src/core/model/audit.js';
import type { Report } from '../../src/core/model/report.js';
import type { ExecResult, ReportSummary, Store, Transport, TransportFactory } from '../../src/core/ports.js';
import type { PostedMessage } from '../../src/core/remediation/buttonPlace.js';
import type {
  HealKey,
  PendingRecord,
  RemediationStore,
} from '../../src/core/remediation/remediationStore.js';

export class MemoryRemediationStore implements RemediationStore {
  readonly pending = new Map<string, PendingRecord>();
  readonly log: AuditEntry[] = [];
  readonly runs: Array<HealKey & { at: string }> = [];
  readonly breakers = new Map<string, { openedAt: string; reason: string }>();
  /** Pending id → the messages that carry its buttons. */
  readonly messages = new Map<string, PostedMessage[]>();
  async bindMessage(pendingId: string, m: PostedMessage) {
    const list = this.messages.get(pendingId) ?? [];
    if (!list.some((x) => x.channel === m.channel && x.ts === m.ts)) list.push({ ...m });
    this.messages.set(pendingId, list);
  }
  async postedMessages(pendingId: string) {
    return structuredClone(this.messages.get(pendingId) ?? []);
  }
  async createPending(p: PendingRecord) {
    this.pending.set(p.id, structuredClone(p));
  }
  async getPending(id: string) {
    const p = this.pending.get(id);
    return p && structuredClone(p);
  }
  async transition(id: string, from: PendingRecord['state'], to: PendingRecord['state']) {
    const p = this.pending.get(id);
    if (!p || p.state !== from) return false;
    p.state = to;
    return true;
  }
  async pendingDue(now: string) {
    return [...this.pending.values()].filter((p) => p.state === 'pending' && p.expiresAt <= now);
  }
  async audit(e: AuditInput) {
    this.log.push({ ...e, seq: this.log.length + 1 });
  }
  async auditLog(f: { site?: string; limit: number }) {
    return this.log
      .filter((e) => f.site === undefined || e.site === f.site)
      .reverse()
      .slice(0, f.limit);
  }
  async claimHealRun(key: HealKey, since: string, max: number, at: string) {
    const runs = this.runs.filter(
      (r) => r.site === key.site && r.actionId === key.actionId && r.at > since,
    ).length;
    if (runs >= max) return { ok: false, runs };
    this.runs.push({ ...key, at });
    return { ok: true, runs: runs + 1 };
  }
  async resetHealRuns(key: HealKey) {
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i];
      if (r && r.site === key.site && r.actionId === key.actionId) this.runs.splice(i, 1);
    }
  }
  async breaker(key: HealKey) {
    return this.breakers.get(`${key.site}|${key.actionId}`);
  }
  async openBreakers(site: string) {
    return [...this.breakers]
      .filter(([k]) => k.startsWith(`${site}|`))
      .map(([k, v]) => ({ site, actionId: k.slice(site.length + 1), ...v }));
  }
  async setBreaker(key: HealKey, state: { openedAt: string; reason: string } | undefined) {
    if (state) this.breakers.set(`${key.site}|${key.actionId}`, state);
    else this.breakers.delete(`${key.site}|${key.actionId}`);
  }
  events(): string[] {
    return this.log.map((e) => e.event);
  }
}

/** Reports as the diagnoser stores them, newest last. */
export class MemoryReports implements Store {
  readonly reports: Report[] = [];
  async saveReport(r: Report) {
    this.reports.push(r);
  }
  async getReport(id: string) {
    return this.reports.find((r) => r.id === id);
  }
  async history(site: string, limit: number, playbook?: string): Promise<ReportSummary[]> {
    return this.reports
      .filter((r) => r.site === site && (playbook === undefined || r.playbook === playbook))
      .reverse()
      .slice(0, limit)
      .map((r) => ({
        id: r.id,
        site: r.site,
        playbook: r.playbook,
        status: r.status,
        headline: r.headline,
        topCause: r.causes[0]?.id ?? null,
        startedAt: r.startedAt,
        durationMs: r.durationMs,
        trigger: 'slack',
        requestedBy: null,
      }));
  }
  async latestPerSite() {
    return [];
  }
  async close() {}
}

/** Transports that record every command and answer from a script (default: exit 0). */
export class RecordingTransports implements TransportFactory {
  readonly ran: Array<{ host: string; line: string; privileged: boolean; asUser?: string }> = [];
  answer: (line: string) => Partial<ExecResult> = () => ({});
  open(name: string): Transport {
    return {
      host: name,
      exec: async (cmd: Command, o) => {
        const line = toShell(cmd);
        this.ran.push({
          host: name,
          line,
          privileged: Boolean(o.privileged),
          ...(o.asUser ? { asUser: o.asUser } : {}),
        });
        return {
          stdout: '',
          stderr: '',
          code: 0,
          signal: null,
          durationMs: 1,
          timedOut: false,
          ...this.answer(line),
        };
      },
      close: async () => {},
    };
  }
}

export class TestClock {
  constructor(public t = Date.parse('2026-11-22T10:00:00.000Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}
