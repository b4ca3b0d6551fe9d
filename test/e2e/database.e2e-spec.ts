import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startTestApp } from '../support/test-app';

/** Two starts of an on-disk embedded database (created and migrated by the first). */
const TWO_EMBEDDED_STARTS_TIMEOUT_MS = 300_000;

describe('database', () => {
  it('has migrations that agree with the entities (generating a migration yields nothing)', async () => {
    const app = await startTestApp();
    try {
      const dataSource = app.running.app.get(DataSource);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it(
    'keeps embedded data across a restart',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bc-embedded-'));
      const env = { DATABASE_URL: undefined, DATA_DIR: dataDir };
      try {
        const first = await startTestApp({ env });
        const created = await first.gql(
          `mutation { createEnvironment(input: { key: "persisted", name: "Persisted" }) { environment { id } } }`,
        );
        expect(created.errors).toBeUndefined();
        await first.close();

        const second = await startTestApp({ env: { ...env, ADMIN_TOKEN: first.adminToken } });
        try {
          const read = await second.gql<{ environment: { name: string } }>(
            '{ environment(key: "persisted") { name } }',
          );
          expect(read.data?.environment.name).toBe('Persisted');
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TWO_EMBEDDED_STARTS_TIMEOUT_MS,
  );

  it(
    'generates an admin token on a first start without ADMIN_TOKEN, and only then',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'bc-bootstrap-'));
      const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, ADMIN_TOKEN: undefined };
      const printed: string[] = [];
      const spy = jest
        .spyOn(process.stdout, 'write')
        .mockImplementation((chunk: string | Uint8Array) => {
          printed.push(String(chunk));
          return true;
        });
      try {
        const first = await startTestApp({ env });
        await first.close();
        const token = /(bc_[A-Za-z0-9_-]{43})/.exec(printed.join(''))?.[1];
        expect(token).toBeDefined();

        printed.length = 0;
        const second = await startTestApp({ env });
        try {
          expect(printed.join('')).not.toContain('admin token');
          const me = await second.gql<{ me: { roles: string[] } }>('{ me { roles } }', {}, token);
          expect(me.data?.me.roles).toEqual(['ADMIN']);
        } finally {
          await second.close();
        }
      } finally {
        spy.mockRestore();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    TWO_EMBEDDED_STARTS_TIMEOUT_MS,
  );
});
