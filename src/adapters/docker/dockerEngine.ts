import http from 'node:http';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { MedicError } from '../../core/errors.js';
import type { HostConfig } from '../../core/model/inventory.js';
import type { ContainerEngine, ContainerEngineFactory, LogLine, Transport } from '../../core/ports.js';
import { lazyModule } from '../lazyModule.js';
import { SshTransport } from '../transport/sshTransport.js';
import { demuxDockerLogs } from './demuxDockerLogs.js';

const dockerode = lazyModule<typeof Docker>('dockerode');

const API_TIMEOUT_MS = 10_000;
/** Stop and restart wait up to the container's stop timeout (at most 300 s) first. */
const SLOW_TIMEOUT_MS = 330_000;

/**
 * Node's HTTP client treats its socket as a net.Socket (setTimeout, setNoDelay, setKeepAlive,
 * ref/unref); an ssh2 channel has none of them. Give the channel those, with a real idle timeout.
 */
export function asSocket(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  let timer: NodeJS.Timeout | undefined;
  let idleMs = 0;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = idleMs > 0 ? setTimeout(() => s.emit('timeout'), idleMs) : undefined;
  };
  s.on('data', arm);
  s.on('close', () => timer && clearTimeout(timer));
  s.setTimeout = (ms: number, cb?: () => void) => {
    idleMs = ms;
    if (cb) s.once('timeout', cb);
    arm();
    return s;
  };
  for (const noop of ['setNoDelay', 'setKeepAlive', 'ref', 'unref'])
    if (typeof s[noop] !== 'function') s[noop] = () => s;
  return s;
}

/**
 * An http.Agent whose sockets are `direct-streamlocal` channels to the remote Docker socket
 * on the host's pooled SSH connection: no new handshake per call, no MaxSessions cost, no
 * docker CLI needed on the host.
 */
export function sshSocketAgent(ssh: SshTransport, socketPath: string): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const create = (_opts: unknown, done: (err: Error | null, socket?: Duplex) => void) => {
    ssh
      .connection()
      .then((client) => {
        client.openssh_forwardOutStreamLocal(socketPath, (err, stream) => {
          if (err)
            done(
              new MedicError(
                'docker.unreachable',
                `${ssh.host}: cannot open ${socketPath} (${err.message})`,
                { cause: err },
              ),
            );
          else done(null, asSocket(stream as unknown as Duplex));
        });
      })
      .catch((err: Error) => done(err));
    return undefined;
  };
  (agent as unknown as { createConnection: typeof create }).createConnection = create;
  return agent;
}

function wrap(host: string, socket: string, err: unknown): Error {
  if (err instanceof MedicError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'EACCES')
    return new MedicError('docker.denied', `${host}: permission denied on ${socket}`, { cause: err });
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') {
    return new MedicError('docker.unreachable', `${host}: no Docker engine at ${socket}`, { cause: err });
  }
  if (e.statusCode)
    return new MedicError('docker.api', `${host}: Docker API answered ${e.statusCode}`, { cause: err });
  return new MedicError('docker.unreachable', `${host}: the Docker engine did not answer`, { cause: err });
}

/** A ContainerEngine on a dockerode client; every failure becomes a coded, chat-safe error. */
export class DockerEngine implements ContainerEngine {
  constructor(
    private readonly host: string,
    private readonly socket: string,
    private readonly docker: Docker,
    /** The same engine with a timeout long enough for stop/restart (remediation). */
    private readonly slow: Docker = docker,
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw wrap(this.host, this.socket, err);
    }
  }

  list(filter: { name?: string; label?: string; id?: string; publish?: number }): Promise<unknown[]> {
    const filters: Record<string, string[]> = filter.name
      ? { name: [filter.name] }
      : filter.id
        ? { id: [filter.id] }
        : filter.publish
          ? { publish: [String(filter.publish)] }
          : { label: [filter.label ?? ''] };
    return this.call(() => this.docker.listContainers({ all: true, filters }));
  }

  inspect(id: string): Promise<unknown> {
    return this.call(() => this.docker.getContainer(id).inspect());
  }

  logs(id: string, tail: number, tty: boolean): Promise<LogLine[]> {
    return this.call(async () => {
      const body = (await this.docker
        .getContainer(id)
        .logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
      return demuxDockerLogs(Buffer.isBuffer(body) ? body : Buffer.from(String(body)), tty);
    });
  }

  oomEvents(id: string, sinceSec: number): Promise<number> {
    return this.call(async () => {
      const until = Math.floor(Date.now() / 1000);
      const stream = await this.docker.getEvents({
        since: sinceSec,
        until,
        filters: { container: [id], event: ['oom'] },
      });
      let text = '';
      for await (const chunk of stream) text += String(chunk);
      return text.split('\n').filter((l) => l.trim().startsWith('{')).length;
    });
  }

  restart(id: string, stopTimeoutSec: number): Promise<void> {
    return this.call(() => this.slow.getContainer(id).restart({ t: stopTimeoutSec }));
  }

  stop(id: string, stopTimeoutSec: number): Promise<void> {
    return this.call(async () => {
      try {
        await this.slow.getContainer(id).stop({ t: stopTimeoutSec });
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 304) throw err; // already stopped
      }
    });
  }

  start(id: string): Promise<void> {
    return this.call(() => this.docker.getContainer(id).start());
  }

  rename(id: string, name: string): Promise<void> {
    return this.call(() => this.docker.getContainer(id).rename({ name }));
  }

  update(id: string, body: Record<string, unknown>): Promise<void> {
    return this.call(async () => {
      await this.docker.getContainer(id).update(body);
    });
  }

  remove(id: string): Promise<void> {
    return this.call(() => this.docker.getContainer(id).remove({ force: true }));
  }

  create(name: string, body: Record<string, unknown>): Promise<string> {
    return this.call(async () => (await this.docker.createContainer({ ...body, name })).id);
  }

  images(reference: string): Promise<unknown[]> {
    return this.call(() => this.docker.listImages({ filters: { reference: [reference] } }));
  }

  inspectImage(id: string): Promise<unknown> {
    return this.call(() => this.docker.getImage(id).inspect());
  }

  stats(id: string): Promise<unknown> {
    return this.call(() =>
      this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }),
    );
  }
}

/** Local hosts use the socket directly; SSH hosts forward it over their pooled connection. */
export function dockerEngineFactory(): ContainerEngineFactory {
  return {
    open(name: string, host: HostConfig, transport: Transport): ContainerEngine {
      const socket = host.dockerSocket;
      if (transport instanceof SshTransport) {
        const agent = sshSocketAgent(transport, socket);
        const client = (timeout: number) =>
          new (dockerode())({
            protocol: 'http',
            host: 'docker',
            port: 80,
            agent,
            timeout,
          } as Docker.DockerOptions);
        return new DockerEngine(name, socket, client(API_TIMEOUT_MS), client(SLOW_TIMEOUT_MS));
      }
      const client = (timeout: number) => new (dockerode())({ socketPath: socket, timeout });
      return new DockerEngine(name, socket, client(API_TIMEOUT_MS), client(SLOW_TIMEOUT_MS));
    },
  };
}
