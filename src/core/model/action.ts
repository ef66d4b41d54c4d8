import type { Command } from '../command.js';

/** Risk ladder of an action, lowest first. */
export const riskLevels = ['read', 'reload', 'restart', 'rollback', 'config'] as const;
export type Risk = (typeof riskLevels)[number];

export function riskRank(risk: Risk): number {
  return riskLevels.indexOf(risk);
}

/** A remediation the diagnosis proposes. The id is opaque and stable for one report. */
export interface ProposedAction {
  id: string;
  kind: string;
  title: string;
  host: string;
  target: string;
  risk: Risk;
  preview: Command[];
}
