import { AppConfig } from '../config/app-config';
import { redactUrl } from '../config/redact';

/**
 * A person at a terminal gets a short summary instead of start-up JSON; production (no
 * terminal, or NODE_ENV=production) keeps JSON logs only, for machines to read.
 */
export function wantsHumanOutput(stdoutIsTty: boolean | undefined, config: AppConfig): boolean {
  return Boolean(stdoutIsTty) && config.NODE_ENV !== 'production';
}

export interface StartupFacts {
  config: AppConfig;
  /** The embedded database's data directory, when it is used. */
  embeddedDataDir?: string;
  startedInSeconds: number;
  nodeVersion: string;
}

/** Where a browser on this machine reaches a server bound to `host`. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function databaseLine({ config, embeddedDataDir }: StartupFacts): string {
  if (!config.DATABASE_URL) {
    const where = embeddedDataDir === 'memory://' ? 'in memory only' : `in ${embeddedDataDir}`;
    return `embedded PostgreSQL (PGlite), data ${where}; set DATABASE_URL for a server`;
  }
  return `PostgreSQL ${redactUrl(config.DATABASE_URL)}`;
}

function queueLine({ config }: StartupFacts): string {
  return config.REDIS_URL
    ? `Redis ${redactUrl(config.REDIS_URL)} (queues, pub/sub; key prefix ${config.REDIS_PREFIX})`
    : 'in-process queue and pub/sub (one node); set REDIS_URL for Redis';
}

function roleLine({ config }: StartupFacts): string {
  const role = { all: 'api + worker', api: 'api only', worker: 'worker only' }[config.ROLE];
  return `${role} (ROLE=${config.ROLE}), NODE_ENV=${config.NODE_ENV}`;
}

function adminLine({ config }: StartupFacts): string {
  return config.ADMIN_TOKEN
    ? 'ADMIN_TOKEN from the environment'
    : 'an admin key in the database (a generated one is printed once, on the first start)';
}

/** The summary printed at a terminal once the service is ready. */
export function formatStartupSummary(facts: StartupFacts): string {
  const { config } = facts;
  const base = `http://${reachableHost(config.HOST)}:${config.PORT}`;
  const rows: [string, string][] = [
    ...(config.runsApi
      ? ([
          ['Console', `${base}/console`],
          ['GraphQL', `${base}/graphql`],
          ['OFREP', `${base}/ofrep/v1`],
          ['Health', `${base}/health/ready`],
        ] as [string, string][])
      : []),
    ['Runs', roleLine(facts)],
    ['Database', databaseLine(facts)],
    ['Queue', queueLine(facts)],
    ...(config.runsApi ? ([['Admin', adminLine(facts)]] as [string, string][]) : []),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const logs =
    config.LOG_LEVEL === 'warn'
      ? 'Logs: warnings and errors only (LOG_LEVEL=info shows every request).'
      : `Logs: JSON at LOG_LEVEL=${config.LOG_LEVEL}.`;
  return [
    '',
    `  Business Config is ready (started in ${facts.startedInSeconds.toFixed(1)} s, Node ${facts.nodeVersion})`,
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    `  ${logs} Ctrl+C stops.`,
    '',
    '',
  ].join('\n');
}
