/** Risk ladder of an action, lowest first. */
export const riskLevels = ['read', 'reload', 'restart', 'rollback', 'config'] as const;
export type Risk = (typeof riskLevels)[number];

export function riskRank(risk: Risk): number {
  return riskLevels.indexOf(risk);
}

/**
 * A remediation the diagnosis proposes. The id is stable for the same target, so a newer
 * diagnosis can say whether it still proposes it. `params` are the action's own (validated by
 * its schema); `preview` shows the commands it runs, one line each.
 */
export interface ProposedAction {
  id: string;
  kind: string;
  title: string;
  host: string;
  target: string;
  risk: Risk;
  params: Record<string, unknown>;
  preview: string[];
  /** A suggestion a human carries out (e.g. editing a config file): never run by Medic. */
  manual?: boolean;
}

/**
 * What a diagnosis suggests doing, before remediation turns it into a proposal with its exact
 * commands: an executable action kind with its params, or a manual step a human carries out
 * (Medic never edits config files).
 */
export type ActionIntent = ExecutableIntent | ManualIntent;

export interface ExecutableIntent {
  kind: string;
  host: string;
  params: Record<string, unknown>;
  /** Names the proposal when its target alone is not unique. */
  name?: string;
  manual?: undefined;
}

export interface ManualIntent {
  manual: true;
  /** Stable for the same fix, so a newer diagnosis can say whether it still suggests it. */
  id: string;
  kind: string;
  host: string;
  target: string;
  title: string;
  /** What to change and run, one line each. */
  steps: string[];
  risk: Risk;
}
