/** Composition root shared by the entry points: config → adapters → core services. */

import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { cronerNextRun } from './adapters/cron/cronerNextRun.js';
import { dockerEngineFactory } from './adapters/docker/dockerEngine.js';
import { nodeHttpProber } from './adapters/http/nodeHttpProber.js';
import { pinoLogger } from './adapters/log/pinoLogger.js';
import { defaultStorePath } from './adapters/store/defaultStorePath.js';
import { SqliteStore } from './adapters/store/sqliteStore.js';
import { transportFactory } from './adapters/transport/transportFactory.js';
import type { MedicConfig } from './config/configSchema.js';
import { crossCheck } from './config/crossCheck.js';
import { ConfigError, loadConfig, yamlPath } from './config/loadConfig.js';
import { builtinPlaybookDir, loadPlaybooks } from './config/loadPlaybooks.js';
import { builtinChecks } from './core/checks/builtinChecks.js';
import { CheckCatalog } from './core/checks/catalog.js';
import { ServingConversation } from './core/conversation/servingConversation.js';
import { Diagnoser } from './core/engine/diagnoser.js';
import { StoppableTransports } from './core/engine/stoppableTransports.js';
import { isStoreError, type StoreProblem } from './core/model/storeProblem.js';
import type { Playbook } from './core/playbooks/playbook.js';
import { type Clock, type Logger, type Store, systemClock, type TransportFactory } from './core/ports.js';
import { intentProposer } from './core/remediation/intentProposer.js';
import { Remediator } from './core/remediation/remediator.js';
import { type Schedule, scheduleFromConfig } from './core/scheduler/schedule.js';
import { ScheduledDiagnoses } from './core/scheduler/scheduledDiagnoses.js';
import { Scheduler } from './core/scheduler/scheduler.js';
import { systemTimers } from './core/scheduler/timers.js';

export interface Medic {
  config: MedicConfig;
  configFile: string;
  logger: Logger;
  catalog: CheckCatalog;
  playbooks: Map<string, Playbook>;
  diagnoser: Diagnoser;
  /** Chat: tracks each message until its last reply (shutdown waits for them). */
  conversation: ServingConversation;
  /** Every transport opened, for runs and actions: shutdown ends their commands. */
  transports: StoppableTransports;
  /** Undefined when opened without one (validate, playbooks) or when it could not be opened. */
  store: Store | undefined;
  /** Why there is no store, when it was optional and could not be opened (history is off). */
  storeProblem: StoreProblem | undefined;
  /** Approvals, execution, verification, audit, self-healing (needs the store). */
  remediator: Remediator | undefined;
  /** Scheduled playbook runs (needs the store); started by `serve`. */
  scheduler: Scheduler | undefined;
  scheduled: ScheduledDiagnoses | undefined;
  /** The schedules declared in medic.yaml, as the scheduler keeps them. */
  configuredSchedules: Schedule[];
}

export function createMedic(
  configFile: string,
  opts: {
    logLevel?: string;
    /** false: none; 'optional': without one when it cannot be opened (`storeProblem` says why). */
    store?: boolean | 'optional';
    /** Check every page of the store first (serve: a damaged file is refused at start). */
    verifyStore?: boolean;
    clock?: Clock;
    /** Wraps the transports (benchmarks record what runs); the real ones otherwise. */
    wrapTransports?: (real: TransportFactory) => TransportFactory;
  } = {},
): Medic {
  const { config, dir } = loadConfig(configFile);
  const logger = pinoLogger(opts.logLevel ?? process.env.MEDIC_LOG_LEVEL ?? config.log.level);
  const catalog = new CheckCatalog(builtinChecks);
  const playbooks = loadPlaybooks(
    [builtinPlaybookDir, ...config.playbookDirs.map((d) => resolve(dir, d))],
    catalog,
  );
  // Playbooks come from folders the config names, so their references are checked once loaded.
  const playbookRefs = crossCheck(config, new Set(playbooks.keys()));
  if (playbookRefs.length > 0) {
    throw new ConfigError(
      configFile,
      playbookRefs.map((p) => ({ path: yamlPath(p.path), message: p.message })),
    );
  }
  const { store, storeProblem } =
    opts.store === false
      ? { store: undefined, storeProblem: undefined }
      : openStore(config.store.path ? resolve(dir, config.store.path) : defaultStorePath(), opts);
  const transports = new StoppableTransports(
    (opts.wrapTransports ?? ((t: TransportFactory) => t))(transportFactory(logger)),
  );
  const deps = {
    transports,
    http: nodeHttpProber,
    containers: dockerEngineFactory(),
    clock: opts.clock ?? systemClock,
    logger,
  };
  const diagnoser = new Diagnoser(
    config,
    playbooks,
    catalog,
    { ...deps, proposer: intentProposer },
    undefined,
    store,
  );
  const remediator = store
    ? new Remediator({
        ...deps,
        inventory: config,
        policy: config.remediation,
        store: store.approvals,
        reports: store,
        diagnose: (site, origin, playbook) =>
          diagnoser.diagnose(site, { origin, ...(playbook ? { playbook } : {}) }),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        newId: randomUUID,
      })
    : undefined;
  const scheduled = store
    ? new ScheduledDiagnoses({
        diagnoser,
        store,
        remediator,
        defaultChannel: config.slack.channels[0],
        logger,
      })
    : undefined;
  const scheduler =
    store && scheduled
      ? new Scheduler({
          clock: deps.clock,
          timers: systemTimers,
          nextRun: cronerNextRun,
          store: store.schedules,
          run: scheduled.run,
          notify: scheduled.notify,
          check: scheduled.check,
          logger,
        })
      : undefined;
  const configuredSchedules = config.schedules.map((e) =>
    scheduleFromConfig(e, deps.clock.now().toISOString()),
  );
  const conversation = new ServingConversation(
    config,
    playbooks,
    diagnoser,
    logger,
    store,
    remediator,
    scheduler,
    deps.clock,
  );
  return {
    config,
    configFile,
    logger,
    catalog,
    playbooks,
    diagnoser,
    conversation,
    transports,
    store,
    storeProblem,
    remediator,
    scheduler,
    scheduled,
    configuredSchedules,
  };
}

/** The store, or (when optional) none and the reason it cannot be opened. */
function openStore(
  path: string,
  opts: { store?: boolean | 'optional'; verifyStore?: boolean },
): { store: SqliteStore | undefined; storeProblem: StoreProblem | undefined } {
  try {
    return { store: new SqliteStore(path, { verify: opts.verifyStore ?? false }), storeProblem: undefined };
  } catch (err) {
    if (opts.store === 'optional' && isStoreError(err))
      return { store: undefined, storeProblem: err.problem };
    throw err;
  }
}
