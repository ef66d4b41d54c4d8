import { type Finding, isKind } from '../../model/finding.js';
import type { OwnerView } from '../../model/topology.js';
import type { DiagnosisContext } from '../rule.js';
import { naiveTime } from './causeKit.js';

const bare = (u: string) => u.replace(/\.service$/, '');

export function unitFinding(
  ctx: DiagnosisContext,
  host: string,
  unit: string,
): Finding<'unit-state'> | undefined {
  return ctx.findings.find(
    (f): f is Finding<'unit-state'> =>
      isKind(f, 'unit-state') && f.host === host && bare(f.data.unit) === bare(unit),
  );
}

export function pm2Finding(
  ctx: DiagnosisContext,
  host: string,
  user: string,
  app?: string,
): Finding<'pm2-app'> | Finding<'pm2-app-missing'> | Finding<'pm2-daemon-down'> | undefined {
  return ctx.findings.find(
    (f): f is Finding<'pm2-app'> | Finding<'pm2-app-missing'> | Finding<'pm2-daemon-down'> =>
      (isKind(f, 'pm2-app') || isKind(f, 'pm2-app-missing') || isKind(f, 'pm2-daemon-down')) &&
      f.host === host &&
      f.data.user === user &&
      (app === undefined || f.data.app === app),
  );
}

export function containerFinding(
  ctx: DiagnosisContext,
  host: string,
  o: { id?: string; name?: string; port?: number },
): Finding<'container-state'> | undefined {
  return ctx.findings.find(
    (f): f is Finding<'container-state'> =>
      isKind(f, 'container-state') &&
      f.host === host &&
      ((o.id !== undefined && f.data.id.startsWith(o.id.slice(0, 12))) ||
        (o.name !== undefined && f.data.name === o.name) ||
        (o.port !== undefined && f.data.ports.some((p) => p.hostPort === o.port))),
  );
}

/** How a unit is doing, in words and flags the hops read. */
export interface UnitVerdict {
  f: Finding<'unit-state'>;
  installed: boolean;
  running: boolean;
  /** It restarts, or systemd gave up restarting it. */
  crashing: boolean;
  oom: boolean;
  how: string;
}

export function unitVerdict(f: Finding<'unit-state'>): UnitVerdict {
  const d = f.data;
  const installed = d.loadState !== 'not-found';
  const running = d.running === true;
  const crashing =
    d.nRestarts > 0 ||
    d.result === 'start-limit-hit' ||
    d.subState === 'auto-restart' ||
    d.activeState === 'activating';
  const how = !installed
    ? 'not installed'
    : d.execMainCode === 'killed' || d.execMainCode === 'dumped'
      ? `killed by signal ${d.execMainStatus}${d.nRestarts ? '' : ', not restarted'}`
      : d.result === 'success'
        ? d.activeState === 'inactive'
          ? 'stopped'
          : d.activeState
        : `failed (${d.result})`;
  return { f, installed, running, crashing, oom: d.result === 'oom-kill', how };
}

/** The state finding of an owner or candidate, when its check ran. */
export function stateOf(ctx: DiagnosisContext, o: OwnerView): Finding | undefined {
  if (o.kind === 'unit') return unitFinding(ctx, o.host, o.unit);
  if (o.kind === 'pm2') return pm2Finding(ctx, o.host, o.user, o.app);
  if (o.kind === 'container') return containerFinding(ctx, o.host, o);
  return undefined;
}

export const ownerLabel = (o: OwnerView): string =>
  o.kind === 'unit'
    ? `${o.unit}@${o.host}`
    : o.kind === 'pm2'
      ? `pm2 (${o.user})${o.app ? ` ${o.app}` : ''}@${o.host}`
      : o.kind === 'container'
        ? `container ${o.name ?? o.id ?? `:${o.port}`}@${o.host}`
        : `pid ${o.pid} (${o.command.slice(0, 40)})@${o.host}`;

/**
 * The services medic.yaml declares that may serve a target: on the host that owns it (any of the
 * site's hosts when Medic does not know which), a container publishing the target's port first.
 */
export function declaredOwners(ctx: DiagnosisContext, host: string | undefined, port?: number): OwnerView[] {
  const out: OwnerView[] = [];
  for (const s of ctx.site.services) {
    for (const h of (s.hosts ?? ctx.site.hosts).filter((x) => host === undefined || x === host)) {
      if (s.kind === 'systemd' && typeof s.unit === 'string')
        out.push({ kind: 'unit', host: h, unit: s.unit });
      if (s.kind === 'pm2' && typeof s.user === 'string')
        out.push({
          kind: 'pm2',
          host: h,
          user: s.user,
          ...(typeof s.app === 'string' ? { app: s.app } : {}),
        });
      if (s.kind === 'docker' && (s.port === undefined || s.port === port)) {
        out.push({
          kind: 'container',
          host: h,
          ...(typeof s.container === 'string' ? { name: s.container } : {}),
          ...(typeof s.port === 'number' ? { port: s.port } : {}),
        });
      }
    }
  }
  return out.sort(
    (a, b) =>
      Number(b.kind === 'container' && b.port === port) - Number(a.kind === 'container' && a.port === port),
  );
}

/** When the owner unit of a link last changed state (entered running), as naive ms; undefined if unknown. */
export function ownerStart(ctx: DiagnosisContext, link: { owner?: OwnerView }): number | undefined {
  const o = link.owner;
  if (o?.kind !== 'unit') return undefined;
  const f = unitFinding(ctx, o.host, o.unit);
  if (f?.data.running !== true) return undefined;
  const t = naiveTime(f.data.stateChangeTimestamp);
  return Number.isNaN(t) ? undefined : t;
}
