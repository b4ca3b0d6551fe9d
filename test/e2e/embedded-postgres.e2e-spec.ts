import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  EMBEDDED_SETTINGS,
  EmbeddedPostgres,
  TEMPLATE_DIR,
} from '../../src/core/database/embedded-postgres';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('the embedded database', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bc-embedded-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a new DATA_DIR from the initdb template, sized for one session', async () => {
    const embedded = await EmbeddedPostgres.start(dataDir);
    try {
      expect(existsSync(join(TEMPLATE_DIR, 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);
      const [settings] = await query<Record<string, string>>(
        embedded.url,
        `SELECT current_setting('shared_buffers') AS shared_buffers,
                current_setting('max_connections') AS max_connections,
                current_setting('maintenance_work_mem') AS maintenance_work_mem`,
      );
      expect(settings).toEqual(EMBEDDED_SETTINGS);
    } finally {
      await embedded.stop();
    }
  }, 120_000);

  it('keeps its data across a restart', async () => {
    const first = await EmbeddedPostgres.start(dataDir);
    await query(first.url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$here$$)');
    await first.stop();
    const second = await EmbeddedPostgres.start(dataDir);
    try {
      expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'here' }]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
