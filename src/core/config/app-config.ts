import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MinLength,
  Min,
  getMetadataStorage,
  validateSync,
  ValidationError,
} from 'class-validator';
import { displayValue } from './redact';
import type { DatabaseTimeouts } from '../database/data-source-options';

export const ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof ROLES)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'production', 'test'] as const;

const toBoolean = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes'].includes(String(value).toLowerCase());
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
/** on/off switches: on, off, true, false, 1, 0, yes, no; anything else fails validation. */
const toSwitch = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '' || typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting the process reads from its environment, validated once at start-up.
 * Nothing else reads process.env.
 */
export class AppConfig {
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer port number' })
  @Min(0)
  @Max(65535)
  PORT = 4000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  ROLE: ProcessRole = 'all';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  @IsString()
  DATA_DIR = './.data';

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  /** Runs pending migrations at start-up; turn off when a release step runs them. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  MIGRATIONS_RUN = true;

  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  GRAPHQL_INTROSPECTION?: boolean;

  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1-32 letters, digits, _ or -' })
  REDIS_PREFIX = 'bc';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  GRAPHQL_MAX_DEPTH = 12;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GRAPHQL_MAX_COST = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  GRAPHQL_MAX_ALIASES = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /**
   * Processes to serve with (node:cluster, sharing the port); each is an instance like any
   * other, kept current through Redis. One per core is usual.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  API_WORKERS = 1;

  /** Whether this process relays outbox events (at least one process must). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  OUTBOX_RELAY = true;

  /** The outbox relay's safety-net sweep for events no commit woke it for. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  OUTBOX_SWEEP_MS = 5000;

  /** Websocket connections one api instance accepts; more are closed with 1013. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  WS_MAX_CONNECTIONS = 20_000;

  /** Subscriptions one websocket connection may hold. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WS_MAX_SUBSCRIPTIONS = 100;

  /** Unsent bytes a websocket may accumulate before it is closed as too slow. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1_073_741_824)
  WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

  /** Published outbox events are deleted by the maintenance job after this many hours. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 365)
  OUTBOX_RETENTION_HOURS = 24;

  /** Revoked API keys are deleted by the maintenance job after this many days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  REVOKED_KEY_RETENTION_DAYS = 90;

  /** Longest a database statement may run; a write then fails with SERVICE_UNAVAILABLE. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_STATEMENT_TIMEOUT_MS = 5000;

  /** Longest wait to connect to the database or for a pooled connection. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  DB_CONNECT_TIMEOUT_MS = 3000;

  /** How long a verified API key is trusted before the database is asked again. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  AUTH_CACHE_TTL_MS = 10_000;

  /** How long an unknown token is remembered as unknown. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  AUTH_NEGATIVE_CACHE_TTL_MS = 5000;

  /** Failed authentications one client address may make per window before RATE_LIMITED. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_FAILURE_LIMIT = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  AUTH_FAILURE_WINDOW_MS = 60_000;

  /** Usage counting (evaluations, errors, refused saves; docs/usage-metrics.md): on or off. */
  @Transform(toSwitch)
  @IsBoolean({ message: 'must be on or off' })
  USAGE_METRICS = true;

  /** How often each process writes its usage counts; a crash loses at most this much. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  USAGE_FLUSH_MS = 10_000;

  /** How often the worker sums minute usage rows into hours and days, and prunes. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  USAGE_ROLLUP_MS = 300_000;

  /** How often the worker folds new experiment events into the results' aggregates. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  EXPERIMENT_AGGREGATE_MS = 60_000;

  /**
   * How often the worker sweeps for deployments whose next step is overdue without a job
   * (a lost Redis, a restarted worker); each step is otherwise a delayed job of its own.
   */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  DEPLOYMENT_SWEEP_MS = 30_000;

  /** How often the worker evaluates the enabled alert rules (docs/alerts.md). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  ALERT_EVALUATION_INTERVAL_MS = 60_000;

  /**
   * How often the worker sweeps for approved change requests left unapplied (a scheduled
   * request whose delayed job Redis lost, a process that died between approval and write).
   */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  APPROVAL_SWEEP_MS = 30_000;

  /**
   * Experiment events are aggregated once this old (by arrival): time for the exposure they
   * follow, held until its process's usage flush, to be stored. Longer than USAGE_FLUSH_MS.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  EXPERIMENT_EVENTS_GRACE_MS = 300_000;

  /**
   * Raw experiment events are deleted once folded into the aggregates and older than this many
   * days (by occurredAt); events older than it are refused (EXPIRED), so a retry of a deleted
   * event cannot be stored and counted again.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  EXPERIMENT_EVENT_RETENTION_DAYS = 30;

  /** Hourly usage rows are kept this many days (minute rows 8 days, fixed). */
  @Transform(toInt)
  @IsInt()
  @Min(8)
  @Max(3650)
  USAGE_HOURLY_RETENTION_DAYS = 90;

  /** Daily usage rows are kept this many days. */
  @Transform(toInt)
  @IsInt()
  @Min(8)
  @Max(3650)
  USAGE_DAILY_RETENTION_DAYS = 400;

  /** Config keys per environment with a label of their own at /metrics; the rest are `other`. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  USAGE_PROMETHEUS_TOP_KEYS = 20;

  /**
   * How often each process reloads every environment's fetch-log sample rate, as a safety
   * net: a change reaches every process at once through pub/sub (docs/fetch-log.md).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  FETCH_LOG_RATES_RELOAD_MS = 60_000;

  /**
   * Lets webhooks reach private, loopback and link-local addresses and use plain http
   * (docs/notifications.md): for a receiver on the same network, and for tests.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  ALLOW_PRIVATE_WEBHOOKS = false;

  /** The SMTP server email notifications go through, e.g. smtps://user:pass@mail.example.com. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The From of email notifications, e.g. `Business Config <alerts@example.com>`. */
  @IsString()
  @Matches(/^[^\r\n]+$/, { message: 'must be one line' })
  SMTP_FROM = 'Business Config <noreply@localhost>';

  /** Where people reach this service, for the console links in notifications. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// URL' })
  PUBLIC_URL?: string;

  /** Longest a webhook request may take, connection to last byte. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** The first retry's delay; each next one doubles (with jitter) until the retry window ends. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  NOTIFICATION_RETRY_BASE_MS = 5000;

  /** How long a notification is retried after it was created (about a day). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(7 * 86_400_000)
  NOTIFICATION_RETRY_WINDOW_MS = 86_400_000;

  /** A webhook endpoint failing without a success for this long is disabled. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(30 * 86_400_000)
  WEBHOOK_DISABLE_AFTER_MS = 86_400_000;

  /** How often the worker re-queues notifications whose queued attempt was lost. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  NOTIFICATION_SWEEP_MS = 60_000;

  /** Finished notification deliveries (the delivery log) are deleted after this many days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  NOTIFICATION_RETENTION_DAYS = 30;

  get embeddedDatabase(): boolean {
    return !this.DATABASE_URL;
  }

  get databaseTimeouts(): DatabaseTimeouts {
    return {
      statementTimeoutMs: this.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: this.DB_CONNECT_TIMEOUT_MS,
    };
  }

  get embeddedQueue(): boolean {
    return !this.REDIS_URL;
  }

  get runsApi(): boolean {
    return this.ROLE === 'api' || this.ROLE === 'all';
  }

  get runsWorker(): boolean {
    return this.ROLE === 'worker' || this.ROLE === 'all';
  }

  get introspection(): boolean {
    return this.GRAPHQL_INTROSPECTION ?? this.NODE_ENV !== 'production';
  }
}

export class ConfigValidationError extends Error {}

/** Type checks say the most; a range check on a value that is not a number says little. */
const FIRST_RULES = ['isInt', 'isIn', 'matches', 'isBoolean', 'isString'];

function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const rules = Object.entries(e.constraints ?? {});
    const [, message] = rules.find(([rule]) => FIRST_RULES.includes(rule)) ?? rules[0];
    return `${e.property}=${displayValue(e.property, raw[e.property])}: ${message.replace(`${e.property} `, '')}`;
  });
}

/** Reads and validates the environment; throws one line per bad variable, secrets hidden. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(AppConfig, '', true, false)
      .map((m) => m.propertyName),
  );
  const picked = Object.fromEntries(Object.entries(env).filter(([key]) => known.has(key)));
  const config = plainToInstance(AppConfig, picked, { exposeDefaultValues: true });
  const problems = describe(validateSync(config), picked);
  if (config.ROLE !== 'all' && config.embeddedDatabase) {
    problems.push(
      `ROLE=${config.ROLE}: needs DATABASE_URL; the embedded database serves one process (ROLE=all)`,
    );
  }
  if (config.ROLE !== 'all' && config.embeddedQueue) {
    problems.push(
      `ROLE=${config.ROLE}: needs REDIS_URL; the in-process queue serves one process (ROLE=all)`,
    );
  }
  if (config.API_WORKERS > 1 && (config.embeddedDatabase || config.embeddedQueue)) {
    problems.push(
      `API_WORKERS=${config.API_WORKERS}: needs DATABASE_URL and REDIS_URL; processes share state through them`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
