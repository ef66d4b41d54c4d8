import { homedir } from 'node:os';
import { join } from 'node:path';

/** Default store file: $MEDIC_STATE_DIR, else $XDG_STATE_HOME/medic, else ~/.local/state/medic. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.MEDIC_STATE_DIR ?? join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'medic');
  return join(dir, 'medic.db');
}
