// npm run bench:fanout — live delivery to many subscribers: N graphql-ws connections to one
// api instance (PostgreSQL + Redis), each subscribed to evaluationsChanged with a context of
// its own; one updateConfig; the time from the mutation's response to each delivery (p50,
// p99, max) and the server's RSS per idle connection. N = 1,000 and 5,000 by default
// (BENCH_FANOUT="1000,5000,10000" to choose).
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { benchWithService, gql, percentile, processStats, Service } from './support';

const SIZES = (process.env.BENCH_FANOUT ?? '1000,5000').split(',').map(Number);
const KEY = 'fanout.banner';
const SUBSCRIBE = `subscription ($context: JSON!, $keys: [String!]) {
  evaluationsChanged(context: $context, keys: $keys) { revision results { value } } }`;
const UPDATE = `mutation ($input: UpdateConfigInput!) { updateConfig(input: $input) { config { version } } }`;

interface Subscriber {
  client: Client;
  /** When its second message (the change) arrived, in ms on the bench's clock. */
  changedAt?: number;
}

/** Opens one connection and subscription; resolves once its first (full) message arrived. */
function connect(baseUrl: string, token: string, index: number): Promise<Subscriber> {
  const client = createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const subscriber: Subscriber = { client };
  let messages = 0;
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: SUBSCRIBE, variables: { context: { user: { id: `user-${index}` } }, keys: [KEY] } },
      {
        next: () => {
          messages += 1;
          if (messages === 1) resolve(subscriber);
          else if (messages === 2) subscriber.changedAt = performance.now();
        },
        error: reject,
        complete: () => undefined,
      },
    );
  });
}

async function connectAll(baseUrl: string, token: string, count: number): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start) }, (_, i) =>
      connect(baseUrl, token, start + i),
    );
    subscribers.push(...(await Promise.all(batch)));
  }
  return subscribers;
}

async function round(service: Service, token: string, count: number, version: number) {
  const idleBefore = processStats(service.child.pid!).rssMb;
  const subscribers = await connectAll(service.baseUrl, token, count);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the server settle
  const idleAfter = processStats(service.child.pid!).rssMb;
  const sentAt = performance.now();
  await gql(service.baseUrl, UPDATE, {
    input: { environment: 'production', key: KEY, expectedVersion: version, value: `v${version}` },
  });
  const respondedAt = performance.now();
  const deadline = Date.now() + 60_000;
  while (subscribers.some((s) => s.changedAt === undefined) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const missing = subscribers.filter((s) => s.changedAt === undefined).length;
  const arrivals = subscribers
    .filter((s) => s.changedAt !== undefined)
    .map((s) => s.changedAt!)
    .sort((a, b) => a - b);
  // Deliveries can precede the response (the instance pushes before it answers): those count 0.
  const latencies = arrivals.map((at) => Math.max(0, at - respondedAt));
  const sinceRequest = arrivals.map((at) => at - sentAt);
  const perConnectionKb = ((idleAfter - idleBefore) * 1024) / count;
  console.log(
    `${String(count).padStart(6)} subscribers: delivery after the response p50 ${percentile(latencies, 50).toFixed(0)} ms   ` +
      `p99 ${percentile(latencies, 99).toFixed(0)} ms   max ${latencies[latencies.length - 1].toFixed(0)} ms   ` +
      `(since the request: p50 ${percentile(sinceRequest, 50).toFixed(0)}, p99 ${percentile(sinceRequest, 99).toFixed(0)}, ` +
      `max ${sinceRequest[sinceRequest.length - 1].toFixed(0)} ms; mutation took ${(respondedAt - sentAt).toFixed(0)} ms)   ` +
      `idle RSS ${perConnectionKb.toFixed(1)} KB per connection (server ${idleAfter.toFixed(0)} MB)` +
      (missing ? `   MISSING ${missing}` : ''),
  );
  await Promise.all(subscribers.map((s) => s.client.dispose()));
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

benchWithService('bc_bench_fanout', 4815, async (service) => {
  await gql(
    service.baseUrl,
    'mutation ($input: CreateConfigInput!) { createConfig(input: $input) { config { id } } }',
    {
      input: {
        environment: 'production',
        key: KEY,
        valueType: 'STRING',
        value: 'v0',
        defaultValue: 'off',
      },
    },
  );
  const { createApiKey } = await gql<{ createApiKey: { token: string } }>(
    service.baseUrl,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
    { input: { name: 'bench fanout', roles: ['SDK'], environment: 'production' } },
  );
  console.log(`bench:fanout — one api instance, PostgreSQL + Redis, node ${process.version}`);
  let version = 1;
  for (const size of SIZES) {
    await round(service, createApiKey.token, size, version);
    version += 1;
  }
});
