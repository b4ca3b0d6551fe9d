import { graphql } from './gql';

// Every operation the console sends; `npm run codegen` types them from schema.gql.

export const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      roles
      tokenPrefix
      environment {
        key
        name
      }
    }
  }
`);

export const EnvironmentsQuery = graphql(`
  query Environments {
    environments {
      id
      key
      name
      revision
      createdAt
      updatedAt
    }
  }
`);

export const CreateEnvironmentMutation = graphql(`
  mutation CreateEnvironment($input: CreateEnvironmentInput!) {
    createEnvironment(input: $input) {
      environment {
        id
        key
        name
        revision
        createdAt
        updatedAt
      }
    }
  }
`);

export const UpdateEnvironmentMutation = graphql(`
  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {
    updateEnvironment(input: $input) {
      environment {
        id
        key
        name
        revision
        createdAt
        updatedAt
      }
    }
  }
`);

export const ConfigsQuery = graphql(`
  query Configs(
    $environment: String!
    $filter: ConfigFilter
    $orderBy: ConfigOrder
    $first: Int!
    $after: String
  ) {
    configs(
      environment: $environment
      filter: $filter
      orderBy: $orderBy
      first: $first
      after: $after
    ) {
      edges {
        cursor
        node {
          id
          key
          description
          valueType
          version
          updatedAt
          updatedBy
          archivedAt
          rolloutPercentage
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const ConfigChangedSubscription = graphql(`
  subscription ConfigChanged($environment: String!) {
    configChanged(environment: $environment) {
      action
      configId
      key
      revision
      version
      config {
        id
        key
        description
        valueType
        version
        updatedAt
        updatedBy
        archivedAt
        rolloutPercentage
      }
    }
  }
`);

export const ConfigQuery = graphql(`
  query Config($environment: String!, $key: String!) {
    config(environment: $environment, key: $key) {
      id
      key
      description
      valueType
      value
      defaultValue
      rolloutPercentage
      stickiness
      targetingRules
      minValue
      maxValue
      minLength
      maxLength
      pattern
      allowedValues
      validationSchema
      deploymentStrategy
      deploymentConfig
      version
      updatedAt
      updatedBy
      archivedAt
    }
  }
`);

export const CreateConfigMutation = graphql(`
  mutation CreateConfig($input: CreateConfigInput!) {
    createConfig(input: $input) {
      config {
        id
        key
        version
      }
    }
  }
`);

export const UpdateConfigMutation = graphql(`
  mutation UpdateConfig($input: UpdateConfigInput!) {
    updateConfig(input: $input) {
      config {
        id
        key
        version
      }
    }
  }
`);

export const ArchiveConfigMutation = graphql(`
  mutation ArchiveConfig($input: ArchiveConfigInput!) {
    archiveConfig(input: $input) {
      config {
        id
        version
        archivedAt
      }
    }
  }
`);

export const UnarchiveConfigMutation = graphql(`
  mutation UnarchiveConfig($input: UnarchiveConfigInput!) {
    unarchiveConfig(input: $input) {
      config {
        id
        version
        archivedAt
      }
    }
  }
`);

export const ValidateConfigQuery = graphql(`
  query ValidateConfig($input: ValidateConfigInput!) {
    validateConfig(input: $input) {
      valid
      validationErrors {
        path
        rule
        message
      }
    }
  }
`);

/** What an explained evaluation shows: the result and every step (preview, explainServed). */
export const ExplainedResultFragments = graphql(`
  fragment EvaluationResultFields on EvaluationResult {
    key
    value
    reason
    ruleId
    variant
    errorCode
    version
  }
  fragment ExplainStepFields on ExplainStep {
    kind
    path
    ruleId
    variant
    attribute
    operator
    actual
    outcome
    detail
  }
`);

export const PreviewEvaluationQuery = graphql(`
  query PreviewEvaluation($input: PreviewEvaluationInput!) {
    previewEvaluation(input: $input) {
      context
      result {
        ...EvaluationResultFields
      }
      explain {
        ...ExplainStepFields
      }
    }
  }
`);

export const ConfigChangesQuery = graphql(`
  query ConfigChanges(
    $environment: String!
    $filter: ConfigChangeFilter
    $first: Int!
    $after: String
  ) {
    configChanges(environment: $environment, filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          action
          actor {
            id
            kind
            name
          }
          comment
          configKey
          configVersion
          createdAt
          before
          after
          diff
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const VerifyChangeHistoryQuery = graphql(`
  query VerifyChangeHistory($environment: String!) {
    verifyChangeHistory(environment: $environment) {
      valid
      checkedEntries
      firstBrokenEntryId
      missingEntries
      problem
    }
  }
`);

export const RollbackConfigMutation = graphql(`
  mutation RollbackConfig($input: RollbackConfigInput!) {
    rollbackConfig(input: $input) {
      config {
        id
        version
      }
    }
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys($first: Int!, $after: String) {
    apiKeys(first: $first, after: $after) {
      edges {
        node {
          id
          name
          roles
          tokenPrefix
          createdAt
          lastUsedAt
          revokedAt
          environment {
            key
          }
          owner {
            name
            email
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const SetApiKeyOwnerMutation = graphql(`
  mutation SetApiKeyOwner($input: SetApiKeyOwnerInput!) {
    setApiKeyOwner(input: $input) {
      apiKey {
        id
        owner {
          name
          email
        }
      }
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      token
      apiKey {
        id
        name
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) {
      apiKey {
        id
        revokedAt
      }
    }
  }
`);
