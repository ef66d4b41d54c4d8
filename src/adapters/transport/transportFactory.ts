import type { HostConfig } from '../../core/model/inventory.js';
import type { Logger, Transport, TransportFactory } from '../../core/ports.js';
import { LocalTransport } from './localTransport.js';
import { SshTransport } from './sshTransport.js';

/** Chooses the transport a host's config asks for. */
export function transportFactory(logger: Logger): TransportFactory {
  return {
    open(name: string, host: HostConfig): Transport {
      return host.transport === 'local'
        ? new LocalTransport(name, host)
        : new SshTransport(name, host, logger);
    },
  };
}
