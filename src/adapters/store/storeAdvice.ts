import { dirname } from 'node:path';
import { type StoreProblem, storeProblemText } from '../../core/model/storeProblem.js';

/** What an operator does about a store problem, in one line for the terminal. */
export function storeAdvice(p: StoreProblem): string {
  const dir = dirname(p.path);
  const elsewhere = 'or point store.path in medic.yaml (or MEDIC_STATE_DIR) at another folder';
  switch (p.kind) {
    case 'disk-full':
      return `free space on that file system (df -h ${dir}), ${elsewhere}`;
    case 'read-only':
      return `remount that file system read-write, ${elsewhere}`;
    case 'no-access':
      return `let Medic's user write ${dir} (the file and the -wal and -shm files beside it), ${elsewhere}`;
    case 'not-a-database':
      return `store.path names a file that is not Medic's store: move it aside (Medic then creates a new store), ${elsewhere}`;
    case 'corrupt':
      return 'stop Medic and rebuild the file from what is readable: "medic store check" prints the commands (README, "The store")';
    case 'locked':
      return `another process holds a write lock on it (an open sqlite3 shell, a backup): find it with "fuser -v ${p.path}" and end it`;
    case 'io-error':
      return 'look at the disk (dmesg, the file system), then run "medic store check"';
    case 'newer-schema':
      return `run the newer Medic on it, ${elsewhere}`;
    default:
      return 'run "medic store check" for details';
  }
}

/** The two lines a command prints when it cannot use the store. */
export function storeErrorLines(p: StoreProblem): string {
  return `medic: the store cannot be used: ${storeProblemText(p)} (store.${p.kind})\n  what to do: ${storeAdvice(p)}\n`;
}
