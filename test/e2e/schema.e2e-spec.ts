import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { startTestApp } from '../support/test-app';

describe('schema.gql', () => {
  it('is the schema the running api serves', async () => {
    const app = await startTestApp();
    try {
      const served = printSchema(
        lexicographicSortSchema(app.running.app.get(GraphQLSchemaHost).schema),
      );
      const committed = readFileSync(join(__dirname, '..', '..', 'schema.gql'), 'utf8');
      expect(`${served}\n`).toBe(committed);
    } finally {
      await app.close();
    }
  });
});
