import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { homedir } from 'node:os';
import type { ConnectConfig } from 'ssh2';
import { MedicError } from '../../core/errors.js';
import type { HostConfig } from '../../core/model/inventory.js';
import type { Logger } from '../../core/ports.js';
import { lazyModule } from '../lazyModule.js';
import { sshError } from './sshError.js';
import { SshLink } from './sshLink.js';

const ssh2 = lazyModule<typeof import('ssh2')>('ssh2');

/** OpenSSH-style fingerprint of a raw host key: `SHA256:` + unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export interface ConnectOptions {
  host: string;
  cfg: HostConfig;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** Grace period of the link's stall detection (tests shorten it). */
  stallGraceMs?: number;
}

/** How ssh2 authenticates: the configured key file, else ssh-agent; a coded error when neither. */
function credentials(o: ConnectOptions): Pick<ConnectConfig, 'privateKey' | 'agent'> {
  const { cfg, host, env } = o;
  if (cfg.privateKeyPath) {
    const path = cfg.privateKeyPath.replace(/^~(?=\/)/, homedir());
    try {
      return { privateKey: readFileSync(path) };
    } catch (err) {
      throw new MedicError('transport.config', `cannot read the private key for ${host}`, { cause: err });
    }
  }
  if (env.SSH_AUTH_SOCK) return { agent: env.SSH_AUTH_SOCK };
  throw new MedicError('transport.config', `no private key or ssh-agent for ${host}`);
}

/**
 * Connect and authenticate, host key pinned, keepalive on. The TCP socket is Medic's own, so
 * the link sees every byte that arrives (how it tells a silent host from a busy one).
 */
export function connectLink(o: ConnectOptions): Promise<SshLink> {
  const { cfg, host, logger } = o;
  const where = `${cfg.address}:${cfg.port}`;
  let auth: Pick<ConnectConfig, 'privateKey' | 'agent'>;
  try {
    auth = credentials(o);
  } catch (err) {
    return Promise.reject(err);
  }
  let hostKeySeen: string | undefined;
  return new Promise<SshLink>((resolve, reject) => {
    const client = new (ssh2().Client)();
    const sock = tcpConnect({ host: cfg.address, port: cfg.port });
    let ready = false;
    // ssh2's readyTimeout covers the handshake; this also covers a silent TCP connect.
    const timer = setTimeout(() => {
      client.destroy();
      sock.destroy();
      reject(
        new MedicError(
          'transport.connect-timeout',
          `no answer from ${where} within ${cfg.connectTimeoutMs} ms`,
        ),
      );
    }, cfg.connectTimeoutMs + 500);
    const link = new SshLink({
      client,
      socket: sock,
      host,
      where,
      maxChannels: cfg.maxChannels,
      logger,
      graceMs: o.stallGraceMs,
    });
    client.on('ready', () => {
      ready = true;
      clearTimeout(timer);
      // ssh2 reads the socket from here on; a second listener only notes that bytes came.
      sock.on('data', () => link.traffic());
      logger.debug({ host }, 'ssh connected');
      resolve(link);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      clearTimeout(timer);
      const mapped = sshError(err, { host, where, pinned: cfg.hostKey, seen: hostKeySeen });
      logger.warn({ host, err, code: mapped.code }, 'ssh error');
      if (!ready) reject(mapped);
    });
    const config: ConnectConfig = {
      sock,
      username: cfg.user,
      readyTimeout: cfg.connectTimeoutMs,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        hostKeySeen = fingerprint(key);
        return hostKeySeen === cfg.hostKey?.replace(/=+$/, '');
      },
      ...auth,
    };
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws at once for a key it cannot parse (encrypted, malformed).
      clearTimeout(timer);
      sock.destroy();
      reject(
        new MedicError(
          'transport.config',
          `the private key for ${host} cannot be used (encrypted or malformed)`,
          {
            cause: err,
          },
        ),
      );
    }
  });
}
