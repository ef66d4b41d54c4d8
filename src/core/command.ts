/**
 * A command to run on a host. Either an argv vector (quoted here, in one place) or a fixed
 * script that comes verbatim from a playbook or built-in check. Chat text never becomes either.
 */
export type Command = { argv: readonly string[] } | { script: string };

const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote a word for `sh -c`. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (safeWord.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Render a command as one line of POSIX shell. */
export function toShell(cmd: Command): string {
  return 'argv' in cmd ? cmd.argv.map(shellQuote).join(' ') : cmd.script;
}

export const argv = (...words: string[]): Command => ({ argv: words });

/**
 * A command as people read it in a preview, a dry run or the audit: with the sudo it runs
 * through (`sudo -- …`, `sudo -u deploy -- …`), without the `env LC_ALL=C timeout` wrapper
 * every command gets. Transports say which of these applies on their host.
 */
export function displayLine(cmd: Command, o: { privileged?: boolean; asUser?: string } = {}): string {
  const line = toShell(cmd);
  if (o.asUser) return `sudo -u ${o.asUser} -- ${line}`;
  return o.privileged ? `sudo -- ${line}` : line;
}
export const script = (text: string): Command => ({ script: text });

export interface LineOptions {
  timeoutMs: number;
  privileged?: boolean;
  asUser?: string;
  /** Whether the host is configured to use `sudo -n` for privileged commands. */
  sudo: boolean;
}

/**
 * The argv a transport runs: C locale and a remote-side `timeout -k` around the command, and
 * `sudo -n` (never a password prompt) innermost, directly in front of the command itself, so
 * sudoers can allow exactly the read-only commands the checks run (privileged steps are argv
 * commands, never shell scripts). LC_ALL survives sudo's env_reset (sudo keeps LC_* variables).
 */
export function commandArgv(cmd: Command, o: LineOptions): string[] {
  const secs = Math.max(1, Math.ceil(o.timeoutMs / 1000));
  const body = 'argv' in cmd ? [...cmd.argv] : ['sh', '-c', cmd.script];
  const sudo = o.asUser
    ? ['sudo', '-n', '-H', '-u', o.asUser, '--']
    : o.privileged && o.sudo
      ? ['sudo', '-n', '--']
      : [];
  return ['env', 'LC_ALL=C', 'timeout', '-k', '2', `${secs}s`, ...sudo, ...body];
}

/** The same as one line of shell, for SSH exec. */
export function commandLine(cmd: Command, o: LineOptions): string {
  return commandArgv(cmd, o).map(shellQuote).join(' ');
}

/** Exit status of `timeout` when the command ran out of time. */
export const TIMEOUT_EXIT = 124;
