import { graphql } from '../../api/gql';

// The deployments' operations (docs/deployments.md); `npm run codegen` types them from schema.gql.

export const DeploymentFieldsFragment = graphql(`
  fragment DeploymentFields on ConfigDeployment {
    id
    configKey
    fromVersion
    candidate
    strategy
    parameters
    steps {
      percentage
      holdSeconds
    }
    currentStep
    currentPercentage
    status
    nextStepAt
    onGuardTrip
    startedBy
    pausedBy
    resumedBy
    rolledBackBy
    reason
    comment
    startedAt
    pausedAt
    endedAt
    createdAt
    updatedAt
  }
`);

export const DeploymentsQuery = graphql(`
  query Deployments(
    $environment: String!
    $key: String
    $status: DeploymentStatus
    $first: Int!
    $after: String
  ) {
    deployments(
      environment: $environment
      key: $key
      status: $status
      first: $first
      after: $after
    ) {
      edges {
        cursor
        node {
          ...DeploymentFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const DeploymentUpdatedSubscription = graphql(`
  subscription DeploymentUpdated($environment: String!, $keys: [String!]) {
    deploymentUpdated(environment: $environment, keys: $keys) {
      deploymentId
      configKey
      action
      status
      deployment {
        ...DeploymentFields
      }
    }
  }
`);

export const StartDeploymentMutation = graphql(`
  mutation StartDeployment($input: StartDeploymentInput!) {
    startDeployment(input: $input) {
      deployment {
        ...DeploymentFields
      }
    }
  }
`);

export const PauseDeploymentMutation = graphql(`
  mutation PauseDeployment($input: PauseDeploymentInput!) {
    pauseDeployment(input: $input) {
      deployment {
        ...DeploymentFields
      }
    }
  }
`);

export const ResumeDeploymentMutation = graphql(`
  mutation ResumeDeployment($input: ResumeDeploymentInput!) {
    resumeDeployment(input: $input) {
      deployment {
        ...DeploymentFields
      }
    }
  }
`);

export const AdvanceDeploymentMutation = graphql(`
  mutation AdvanceDeployment($input: AdvanceDeploymentInput!) {
    advanceDeployment(input: $input) {
      deployment {
        ...DeploymentFields
      }
    }
  }
`);

export const RollbackDeploymentMutation = graphql(`
  mutation RollbackDeployment($input: RollbackDeploymentInput!) {
    rollbackDeployment(input: $input) {
      deployment {
        ...DeploymentFields
      }
    }
  }
`);
