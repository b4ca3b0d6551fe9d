// npm run bench:events — experiment events under load: BENCH_CLIENTS (20) clients each send
// `trackEvents` batches of BENCH_EVENTS (500), one after the other, for BENCH_SECONDS (30),
// against the service on the real PostgreSQL. Every BENCH_DUPLICATE_EVERY-th (10) batch
// repeats the client's previous batch on purpose. Prints accepted events/s and latency, then
// checks that the stored events equal those sent minus the duplicates. Target: 25,000 events/s.
import { Client } from 'pg';
import { benchWithService, gql, percentile, processStats } from './support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const DUPLICATE_EVERY = Number(process.env.BENCH_DUPLICATE_EVERY ?? 10);

const TRACK = `mutation ($input: TrackEventsInput!) { trackEvents(input: $input) { accepted duplicates } }`;

async function storedEvents(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM experiment_event',
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

benchWithService('bc_bench_events', 4819, async (service) => {
  const key = await gql<{ createApiKey: { token: string } }>(
    service.baseUrl,
    'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { token } }',
    { input: { name: 'bench sdk', roles: ['SDK'], environment: 'production' } },
  );
  const token = key.createApiKey.token;
  console.log(
    `bench:events — ${CLIENTS} clients, trackEvents batches of ${EVENTS}, every ${DUPLICATE_EVERY}th a repeat, ` +
      `${SECONDS} s, node ${process.version}`,
  );
  let sent = 0;
  let duplicatesSent = 0;
  let accepted = 0;
  let duplicatesSeen = 0;
  let failures = 0;
  const latencies: number[] = [];
  const before = processStats(service.child.pid!);
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      let sequence = 0;
      let previous: unknown[] = [];
      while (Date.now() < deadline) {
        sequence += 1;
        const repeat = sequence % DUPLICATE_EVERY === 0 && previous.length > 0;
        const occurredAt = new Date(Date.now() - 1000).toISOString();
        const events = repeat
          ? previous
          : Array.from({ length: EVENTS }, (_, i) => ({
              id: `bench-${client}-${sequence}-${i}`,
              eventName: i % 3 === 0 ? 'purchase' : 'click',
              subject: `user-${(client * 7919 + sequence * 31 + i) % 100_000}`,
              ...(i % 3 === 0 ? { value: (i % 50) + 0.5 } : {}),
              occurredAt,
            }));
        const started = process.hrtime.bigint();
        const response = await fetch(`${service.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: TRACK, variables: { input: { events } } }),
        });
        const answer = (await response.json()) as {
          data?: { trackEvents: { accepted: number; duplicates: number } };
        };
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (!answer.data) {
          failures += 1;
          continue;
        }
        sent += events.length;
        if (repeat) duplicatesSent += events.length;
        accepted += answer.data.trackEvents.accepted;
        duplicatesSeen += answer.data.trackEvents.duplicates;
        previous = events;
      }
    }),
  );
  const after = processStats(service.child.pid!);
  latencies.sort((a, b) => a - b);
  console.log(
    `${(accepted / SECONDS).toFixed(0)} accepted events/s   ` +
      `p50 ${percentile(latencies, 50).toFixed(0)} ms   p99 ${percentile(latencies, 99).toFixed(0)} ms   ` +
      `server CPU ${(((after.cpuSeconds - before.cpuSeconds) / SECONDS) * 100).toFixed(0)}%` +
      (failures ? `   FAILED ${failures}` : ''),
  );
  const stored = await storedEvents(service.env.DATABASE_URL);
  const matches = stored === sent - duplicatesSent && duplicatesSeen === duplicatesSent;
  console.log(
    `count check: sent ${sent}, of them duplicates ${duplicatesSent} (answered as duplicates ${duplicatesSeen}); ` +
      `stored ${stored} → ${matches ? 'equal' : 'NOT EQUAL'}`,
  );
  if (!matches || failures > 0) process.exitCode = 1;
});
