// npm run schema:generate | schema:check — prints the code-first GraphQL schema from every
// `*.resolver.js` in the build and writes it to schema.gql, or fails when schema.gql is stale.
import 'reflect-metadata';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';

const root = join(__dirname, '..', '..');
const schemaFile = join(root, 'schema.gql');

function findResolvers(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findResolvers(path);
    return name.endsWith('.resolver.js') ? [path] : [];
  });
}

export async function buildSchemaSdl(): Promise<string> {
  const modules = await Promise.all(
    findResolvers(join(__dirname, '..', 'src')).map(
      (file) => import(file) as Promise<Record<string, unknown>>,
    ),
  );
  const resolvers = modules
    .flatMap((exports) => Object.values(exports))
    .filter((value) => typeof value === 'function') as Parameters<
    GraphQLSchemaFactory['create']
  >[0];
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  const schema = await app.get(GraphQLSchemaFactory).create(resolvers);
  await app.close();
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}

async function main(): Promise<void> {
  const sdl = await buildSchemaSdl();
  if (process.argv.includes('--write')) {
    writeFileSync(schemaFile, sdl);
    console.log(`Wrote ${schemaFile}`);
    return;
  }
  const committed = readFileSync(schemaFile, 'utf8');
  if (committed !== sdl) {
    console.error('schema.gql is stale: run `npm run schema:generate` and commit it.');
    process.exit(1);
  }
  console.log('schema.gql is up to date');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
