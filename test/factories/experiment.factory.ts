import { GraphQLResponse, TestApp } from '../support/test-app';
import { uniqueKey } from './config.factory';

/** A draft experiment on the config (two variants, half each); returns its key. */
export async function createExperiment(app: TestApp, configKey: string): Promise<string> {
  const key = uniqueKey('exp');
  const created = await app.gql(
    `mutation ($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { key } } }`,
    {
      input: {
        environment: 'development',
        configKey,
        key,
        variants: [
          { key: 'a', value: 'a', weight: 50, control: true },
          { key: 'b', value: 'b', weight: 50 },
        ],
        primaryMetric: { event: 'buy', kind: 'CONVERSION' },
      },
    },
  );
  if (created.errors) throw new Error(`createExperiment failed: ${JSON.stringify(created.errors)}`);
  return key;
}

/** startExperiment, pauseExperiment, resumeExperiment or completeExperiment by key. */
export function moveExperiment(app: TestApp, name: string, key: string): Promise<GraphQLResponse> {
  return app.gql(
    `mutation ($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) {
      ${name}(input: $input) { experiment { key status } } }`,
    { input: { environment: 'development', key } },
  );
}
