import { GraphQLResponse, TestApp } from '../support/test-app';

export const DEPLOYMENT_FIELDS = `id configId configKey fromVersion candidate strategy parameters
  steps { percentage holdSeconds } currentStep currentPercentage status nextStepAt onGuardTrip
  startedBy pausedBy resumedBy rolledBackBy reason comment startedAt pausedAt endedAt`;

export interface DeploymentView {
  id: string;
  configKey: string;
  fromVersion: number;
  candidate: Record<string, unknown>;
  strategy: string;
  steps: { percentage: number; holdSeconds: number }[];
  currentStep: number;
  currentPercentage: number;
  status: string;
  nextStepAt: string | null;
  reason: string | null;
  [field: string]: unknown;
}

/** A startDeployment input: three steps an hour apart (nothing moves unless told). */
export function deploymentInput(
  config: { key: string; version: number },
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    environment: 'development',
    key: config.key,
    expectedVersion: config.version,
    candidate: { value: 'candidate' },
    strategy: 'LINEAR',
    parameters: { percentages: [10, 40, 100], intervalSeconds: 3600 },
    ...overrides,
  };
}

export function startDeployment(
  app: TestApp,
  input: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<{ startDeployment: { deployment: DeploymentView } }>> {
  return app.gql(
    `mutation ($input: StartDeploymentInput!) {
      startDeployment(input: $input) { deployment { ${DEPLOYMENT_FIELDS} } } }`,
    { input },
    token,
  );
}

/** pauseDeployment, resumeDeployment, advanceDeployment or rollbackDeployment. */
export function moveDeployment(
  app: TestApp,
  mutation: 'pause' | 'resume' | 'advance' | 'rollback',
  input: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<Record<string, { deployment: DeploymentView }>>> {
  const name = `${mutation}Deployment`;
  const type = `${mutation[0].toUpperCase()}${mutation.slice(1)}DeploymentInput`;
  return app.gql(
    `mutation ($input: ${type}!) { ${name}(input: $input) { deployment { ${DEPLOYMENT_FIELDS} } } }`,
    { input },
    token,
  );
}
