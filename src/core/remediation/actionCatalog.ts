import { MedicError } from '../errors.js';
import type { ProposedAction } from '../model/action.js';
import type { ActionDef } from './actionDef.js';
import { firewallOpen } from './actions/firewallOpen.js';
import { inspectDisk } from './actions/inspectDisk.js';
import { restartContainer } from './actions/restartContainer.js';
import { restartPm2 } from './actions/restartPm2.js';
import { rollbackCommands } from './actions/rollbackCommands.js';
import { rollbackContainer } from './actions/rollbackContainer.js';
import { rollbackSymlink } from './actions/rollbackSymlink.js';
import { reloadNginx, reloadUnit, restartUnit } from './actions/systemdActions.js';

type AnyDef = ActionDef<Record<string, unknown>>;

/** Every executable action kind, by name. */
export const actionDefs: ReadonlyMap<string, AnyDef> = new Map(
  (
    [
      restartUnit,
      reloadUnit,
      reloadNginx,
      restartPm2,
      restartContainer,
      rollbackSymlink,
      rollbackContainer,
      rollbackCommands,
      firewallOpen,
      inspectDisk,
    ] as unknown as AnyDef[]
  ).map((d) => [d.kind, d]),
);

/** The rollback kinds a site may declare in medic.yaml. */
export const rollbackKinds = ['rollback-symlink', 'rollback-container', 'rollback-commands'] as const;

export function actionDef(kind: string): AnyDef {
  const def = actionDefs.get(kind);
  if (!def) throw new MedicError('action.unknown', `no action kind "${kind}"`);
  return def;
}

/**
 * A proposed action of `kind` on `host`, its params validated by the kind's schema. The id is
 * stable for the same kind, host and target (and optional name), so a newer diagnosis can say
 * whether it still proposes it.
 */
export function propose(
  kind: string,
  host: string,
  params: Record<string, unknown>,
  name?: string,
): ProposedAction {
  const def = actionDef(kind);
  const parsed = def.params.safeParse(params);
  if (!parsed.success) {
    throw new MedicError(
      'action.params',
      `invalid parameters for ${kind}: ${parsed.error.issues[0]?.message}`,
    );
  }
  const p = parsed.data;
  return {
    id: `${kind}:${host}:${name ?? def.target(p)}`,
    kind,
    title: def.title(p, host),
    host,
    target: def.target(p),
    risk: def.risk,
    params: p,
    preview: def.preview(p),
  };
}
