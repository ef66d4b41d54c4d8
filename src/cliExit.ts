/** 0 healthy, 1 a fault was found, 2 usage or config error, 3 unknown: part of the path went unseen. */
export const EXIT = { ok: 0, fault: 1, usage: 2, unknown: 3 } as const;

/** Where the CLI writes: stdout and stderr, or a test's buffers. */
export type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** The options every command may read, as `parseArgs` gives them. */
export interface CliFlags {
  config?: string | undefined;
  playbook?: string | undefined;
  json: boolean;
  http: boolean;
  'dry-run': boolean;
  yes: boolean;
  limit: string;
  'no-color': boolean;
}

/**
 * End the process with `code` once everything written to `streams` has drained (a pipe drains
 * asynchronously: exiting before would cut the report short). The command's work is done by
 * then; waiting for the event loop to empty would only wait for hosts to answer the SSH goodbye.
 */
export function exitWhenDrained(
  code: number,
  streams: NodeJS.WritableStream[],
  exit: (code: number) => void = (c) => process.exit(c),
): void {
  const [first, ...rest] = streams;
  if (first) first.write('', () => exitWhenDrained(code, rest, exit));
  else exit(code);
}
