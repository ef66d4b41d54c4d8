/** Docker containers, as the Engine API describes them. */

export interface ContainerState {
  id: string;
  name: string;
  image: string;
  tty: boolean;
  status: string;
  running: boolean;
  restarting: boolean;
  oomKilled: boolean;
  exitCode: number;
  error: string;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
  restartPolicy: string;
  memoryLimit: number;
  health: { status: string; failingStreak: number; lastOutput: string } | null;
  /** Published ports: container port/proto → host ports. */
  ports: Array<{ containerPort: number; protocol: string; hostIp: string; hostPort: number }>;
}

export interface ContainerStateFact extends ContainerState {
  flapping: boolean;
  unhealthy: boolean;
  /** `oom` events the engine recorded for the container since it started. */
  oomEvents: number;
  memUsage?: number;
  memLimit?: number;
  /** Its last log lines, redacted. */
  logs: string[];
}

export interface ContainerMemoryFact {
  name: string;
  usage: number;
  limit: number;
  percent: number;
}

export interface ContainerPortMismatchFact {
  name: string;
  port: number;
  published: ContainerState['ports'];
}

export interface ContainerMissingFact {
  selector: string;
}
