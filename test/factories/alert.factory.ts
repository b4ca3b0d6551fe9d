import { DataSource } from 'typeorm';
import { GraphQLResponse, TestApp } from '../support/test-app';

let sequence = 0;

export const ALERT_FIELDS = `id configKey name condition operator threshold windowMinutes
  minimumSample cooldownMinutes severity enabled guardsDeployments webhookEndpointIds
  emailRecipientIds createdBy updatedBy lastEvaluatedAt lastValue lastSample
  environment { key }`;

export const ALERT_EVENT_FIELDS = `id alertId configKey alertName condition operator severity
  value threshold windowMinutes sample status openedAt openedBy acknowledgedAt acknowledgedBy
  comment resolvedAt resolvedBy deploymentId guardTrippedAt guardResult`;

export interface AlertView {
  id: string;
  configKey: string | null;
  name: string;
  threshold: number;
  webhookEndpointIds: string[];
  emailRecipientIds: string[];
  lastValue: number | null;
  [field: string]: unknown;
}

export interface AlertEventView {
  id: string;
  alertId: string;
  status: string;
  value: number;
  sample: number;
  deploymentId: string | null;
  guardResult: string | null;
  [field: string]: unknown;
}

/** A valid createAlert input: an error rate above 10% over 5 minutes, in development. */
export function alertInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    environment: 'development',
    name: `alert ${sequence}`,
    condition: 'ERROR_RATE',
    operator: 'GT',
    threshold: 0.1,
    windowMinutes: 5,
    ...overrides,
  };
}

export function createAlertRequest(
  app: TestApp,
  input: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<{ createAlert: { alert: AlertView } }>> {
  return app.gql(
    `mutation ($input: CreateAlertInput!) { createAlert(input: $input) { alert { ${ALERT_FIELDS} } } }`,
    { input },
    token,
  );
}

export async function createAlert(
  app: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<AlertView> {
  const response = await createAlertRequest(app, alertInput(overrides));
  if (!response.data) throw new Error(`createAlert failed: ${JSON.stringify(response.errors)}`);
  return response.data.createAlert.alert;
}

export async function alertEvents(
  app: TestApp,
  filter: Record<string, unknown> = {},
): Promise<AlertEventView[]> {
  const response = await app.gql<{ alertEvents: { edges: { node: AlertEventView }[] } }>(
    `query ($key: String, $alertId: ID, $status: AlertEventStatus) {
      alertEvents(environment: "development", key: $key, alertId: $alertId, status: $status, first: 20) {
        edges { node { ${ALERT_EVENT_FIELDS} } } } }`,
    filter,
  );
  if (!response.data) throw new Error(`alertEvents failed: ${JSON.stringify(response.errors)}`);
  return response.data.alertEvents.edges.map((edge) => edge.node);
}

/** Minute counters of one config, written as the usage flush would write them. */
export interface MinuteCounts {
  evaluations?: number;
  /** Error code → count. */
  errors?: Record<string, number>;
  refusedSaves?: number;
}

/** Writes `counts` for each of `minutes` minutes from `start` (a minute boundary). */
export async function insertMinutes(
  db: DataSource,
  target: { environment?: string; key: string },
  start: number,
  minutes: number,
  counts: MinuteCounts,
): Promise<void> {
  const [{ id }] = await db.query('SELECT id FROM environment WHERE key = $1', [
    target.environment ?? 'development',
  ]);
  const metrics: [string, string, number][] = [
    ['evaluations', 'graphql', counts.evaluations ?? 0],
    ['refused_save', '', counts.refusedSaves ?? 0],
    ...Object.entries(counts.errors ?? {}).map(([code, count]): [string, string, number] => [
      'error',
      code,
      count,
    ]),
  ];
  const rows = Array.from({ length: minutes }, (_, i) => new Date(start + i * 60_000)).flatMap(
    (periodStart) =>
      metrics
        .filter(([, , count]) => count > 0)
        .map(([metric, dimension, count]) => [periodStart, metric, dimension, count]),
  );
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO config_usage_metric AS m
       (environment_id, granularity, period_start, config_key, metric, dimension, count)
     SELECT $1, 'minute', r.period_start, $2, r.metric, r.dimension, r.count
     FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::bigint[])
       AS r(period_start, metric, dimension, count)
     ON CONFLICT ON CONSTRAINT pk_config_usage_metric DO UPDATE SET count = m.count + EXCLUDED.count`,
    [
      id,
      target.key,
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
      rows.map((r) => r[3]),
    ],
  );
}
