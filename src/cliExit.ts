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
