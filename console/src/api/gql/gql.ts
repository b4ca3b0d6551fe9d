/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  query Me {\n    me {\n      id\n      name\n      roles\n      tokenPrefix\n      environment {\n        key\n        name\n      }\n    }\n  }\n': typeof types.MeDocument;
  '\n  query Environments {\n    environments {\n      id\n      key\n      name\n      revision\n      createdAt\n      updatedAt\n    }\n  }\n': typeof types.EnvironmentsDocument;
  '\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n': typeof types.CreateEnvironmentDocument;
  '\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n': typeof types.UpdateEnvironmentDocument;
  '\n  query Configs(\n    $environment: String!\n    $filter: ConfigFilter\n    $orderBy: ConfigOrder\n    $first: Int!\n    $after: String\n  ) {\n    configs(\n      environment: $environment\n      filter: $filter\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      edges {\n        cursor\n        node {\n          id\n          key\n          description\n          valueType\n          version\n          updatedAt\n          updatedBy\n          archivedAt\n          rolloutPercentage\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.ConfigsDocument;
  '\n  subscription ConfigChanged($environment: String!) {\n    configChanged(environment: $environment) {\n      action\n      configId\n      key\n      revision\n      version\n      config {\n        id\n        key\n        description\n        valueType\n        version\n        updatedAt\n        updatedBy\n        archivedAt\n        rolloutPercentage\n      }\n    }\n  }\n': typeof types.ConfigChangedDocument;
  '\n  query Config($environment: String!, $key: String!) {\n    config(environment: $environment, key: $key) {\n      id\n      key\n      description\n      valueType\n      value\n      defaultValue\n      rolloutPercentage\n      stickiness\n      targetingRules\n      minValue\n      maxValue\n      minLength\n      maxLength\n      pattern\n      allowedValues\n      validationSchema\n      version\n      updatedAt\n      updatedBy\n      archivedAt\n    }\n  }\n': typeof types.ConfigDocument;
  '\n  mutation CreateConfig($input: CreateConfigInput!) {\n    createConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n': typeof types.CreateConfigDocument;
  '\n  mutation UpdateConfig($input: UpdateConfigInput!) {\n    updateConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n': typeof types.UpdateConfigDocument;
  '\n  mutation ArchiveConfig($input: ArchiveConfigInput!) {\n    archiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n': typeof types.ArchiveConfigDocument;
  '\n  mutation UnarchiveConfig($input: UnarchiveConfigInput!) {\n    unarchiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n': typeof types.UnarchiveConfigDocument;
  '\n  query ValidateConfig($input: ValidateConfigInput!) {\n    validateConfig(input: $input) {\n      valid\n      validationErrors {\n        path\n        rule\n        message\n      }\n    }\n  }\n': typeof types.ValidateConfigDocument;
  '\n  fragment EvaluationResultFields on EvaluationResult {\n    key\n    value\n    reason\n    ruleId\n    errorCode\n    version\n  }\n  fragment ExplainStepFields on ExplainStep {\n    kind\n    path\n    ruleId\n    attribute\n    operator\n    actual\n    outcome\n    detail\n  }\n': typeof types.EvaluationResultFieldsFragmentDoc;
  '\n  query PreviewEvaluation($input: PreviewEvaluationInput!) {\n    previewEvaluation(input: $input) {\n      context\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n    }\n  }\n': typeof types.PreviewEvaluationDocument;
  '\n  query ConfigChanges(\n    $environment: String!\n    $filter: ConfigChangeFilter\n    $first: Int!\n    $after: String\n  ) {\n    configChanges(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            id\n            kind\n            name\n          }\n          comment\n          configKey\n          configVersion\n          createdAt\n          before\n          after\n          diff\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.ConfigChangesDocument;
  '\n  query VerifyChangeHistory($environment: String!) {\n    verifyChangeHistory(environment: $environment) {\n      valid\n      checkedEntries\n      firstBrokenEntryId\n      missingEntries\n      problem\n    }\n  }\n': typeof types.VerifyChangeHistoryDocument;
  '\n  mutation RollbackConfig($input: RollbackConfigInput!) {\n    rollbackConfig(input: $input) {\n      config {\n        id\n        version\n      }\n    }\n  }\n': typeof types.RollbackConfigDocument;
  '\n  query ApiKeys($first: Int!, $after: String) {\n    apiKeys(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          roles\n          tokenPrefix\n          createdAt\n          lastUsedAt\n          revokedAt\n          environment {\n            key\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.ApiKeysDocument;
  '\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n': typeof types.CreateApiKeyDocument;
  '\n  mutation RevokeApiKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) {\n      apiKey {\n        id\n        revokedAt\n      }\n    }\n  }\n': typeof types.RevokeApiKeyDocument;
  '\n  query ConfigAnalytics(\n    $environment: String!\n    $keys: [String!]\n    $from: DateTime!\n    $to: DateTime!\n    $granularity: AnalyticsGranularity!\n    $timezone: String!\n  ) {\n    configAnalytics(\n      environment: $environment\n      keys: $keys\n      from: $from\n      to: $to\n      granularity: $granularity\n      timezone: $timezone\n    ) {\n      from\n      to\n      granularity\n      timezone\n      approximated\n      environmentSeries {\n        ...AnalyticsSeriesFields\n      }\n      configs {\n        ...AnalyticsSeriesFields\n      }\n      topByEvaluations {\n        ...AnalyticsTopConfigFields\n      }\n      topByErrors {\n        ...AnalyticsTopConfigFields\n      }\n    }\n  }\n\n  fragment AnalyticsTopConfigFields on AnalyticsTopConfig {\n    key\n    evaluations\n    errors\n    errorRate\n  }\n\n  fragment AnalyticsSeriesFields on AnalyticsSeries {\n    key\n    points {\n      periodStart\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n    }\n    totals {\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n      uniqueUsers\n      uniqueDevices\n    }\n  }\n': typeof types.ConfigAnalyticsDocument;
  '\n  query StaleConfigs($environment: String!, $days: Int!) {\n    staleConfigs(environment: $environment, days: $days) {\n      key\n      reasons\n      lastEvaluatedAt\n      lastChangedAt\n    }\n  }\n': typeof types.StaleConfigsDocument;
  '\n  query ExplainServed($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {\n    explainServed(environment: $environment, key: $key, context: $context, at: $at) {\n      key\n      at\n      configState\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n      change {\n        id\n        action\n        configVersion\n        createdAt\n        comment\n        actor {\n          id\n          name\n          kind\n        }\n      }\n      fetchLogRecords\n    }\n  }\n': typeof types.ExplainServedDocument;
  '\n  query ConfigFetchLog(\n    $environment: String!\n    $filter: ConfigFetchLogFilter\n    $first: Int!\n    $after: String\n  ) {\n    configFetchLog(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          configKey\n          userId\n          deviceId\n          appVersion\n          reason\n          errorCode\n          ruleId\n          variant\n          configVersion\n          revision\n          channel\n          valueHash\n          fetchedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.ConfigFetchLogDocument;
  '\n  query FetchLogSettings($key: String!) {\n    environment(key: $key) {\n      id\n      key\n      fetchLogSampleRate\n      fetchLogRetentionDays\n    }\n  }\n': typeof types.FetchLogSettingsDocument;
  '\n  mutation UpdateFetchLogSettings($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        fetchLogSampleRate\n        fetchLogRetentionDays\n      }\n    }\n  }\n': typeof types.UpdateFetchLogSettingsDocument;
};
const documents: Documents = {
  '\n  query Me {\n    me {\n      id\n      name\n      roles\n      tokenPrefix\n      environment {\n        key\n        name\n      }\n    }\n  }\n':
    types.MeDocument,
  '\n  query Environments {\n    environments {\n      id\n      key\n      name\n      revision\n      createdAt\n      updatedAt\n    }\n  }\n':
    types.EnvironmentsDocument,
  '\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n':
    types.CreateEnvironmentDocument,
  '\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n':
    types.UpdateEnvironmentDocument,
  '\n  query Configs(\n    $environment: String!\n    $filter: ConfigFilter\n    $orderBy: ConfigOrder\n    $first: Int!\n    $after: String\n  ) {\n    configs(\n      environment: $environment\n      filter: $filter\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      edges {\n        cursor\n        node {\n          id\n          key\n          description\n          valueType\n          version\n          updatedAt\n          updatedBy\n          archivedAt\n          rolloutPercentage\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.ConfigsDocument,
  '\n  subscription ConfigChanged($environment: String!) {\n    configChanged(environment: $environment) {\n      action\n      configId\n      key\n      revision\n      version\n      config {\n        id\n        key\n        description\n        valueType\n        version\n        updatedAt\n        updatedBy\n        archivedAt\n        rolloutPercentage\n      }\n    }\n  }\n':
    types.ConfigChangedDocument,
  '\n  query Config($environment: String!, $key: String!) {\n    config(environment: $environment, key: $key) {\n      id\n      key\n      description\n      valueType\n      value\n      defaultValue\n      rolloutPercentage\n      stickiness\n      targetingRules\n      minValue\n      maxValue\n      minLength\n      maxLength\n      pattern\n      allowedValues\n      validationSchema\n      version\n      updatedAt\n      updatedBy\n      archivedAt\n    }\n  }\n':
    types.ConfigDocument,
  '\n  mutation CreateConfig($input: CreateConfigInput!) {\n    createConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n':
    types.CreateConfigDocument,
  '\n  mutation UpdateConfig($input: UpdateConfigInput!) {\n    updateConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n':
    types.UpdateConfigDocument,
  '\n  mutation ArchiveConfig($input: ArchiveConfigInput!) {\n    archiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n':
    types.ArchiveConfigDocument,
  '\n  mutation UnarchiveConfig($input: UnarchiveConfigInput!) {\n    unarchiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n':
    types.UnarchiveConfigDocument,
  '\n  query ValidateConfig($input: ValidateConfigInput!) {\n    validateConfig(input: $input) {\n      valid\n      validationErrors {\n        path\n        rule\n        message\n      }\n    }\n  }\n':
    types.ValidateConfigDocument,
  '\n  fragment EvaluationResultFields on EvaluationResult {\n    key\n    value\n    reason\n    ruleId\n    errorCode\n    version\n  }\n  fragment ExplainStepFields on ExplainStep {\n    kind\n    path\n    ruleId\n    attribute\n    operator\n    actual\n    outcome\n    detail\n  }\n':
    types.EvaluationResultFieldsFragmentDoc,
  '\n  query PreviewEvaluation($input: PreviewEvaluationInput!) {\n    previewEvaluation(input: $input) {\n      context\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n    }\n  }\n':
    types.PreviewEvaluationDocument,
  '\n  query ConfigChanges(\n    $environment: String!\n    $filter: ConfigChangeFilter\n    $first: Int!\n    $after: String\n  ) {\n    configChanges(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            id\n            kind\n            name\n          }\n          comment\n          configKey\n          configVersion\n          createdAt\n          before\n          after\n          diff\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.ConfigChangesDocument,
  '\n  query VerifyChangeHistory($environment: String!) {\n    verifyChangeHistory(environment: $environment) {\n      valid\n      checkedEntries\n      firstBrokenEntryId\n      missingEntries\n      problem\n    }\n  }\n':
    types.VerifyChangeHistoryDocument,
  '\n  mutation RollbackConfig($input: RollbackConfigInput!) {\n    rollbackConfig(input: $input) {\n      config {\n        id\n        version\n      }\n    }\n  }\n':
    types.RollbackConfigDocument,
  '\n  query ApiKeys($first: Int!, $after: String) {\n    apiKeys(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          roles\n          tokenPrefix\n          createdAt\n          lastUsedAt\n          revokedAt\n          environment {\n            key\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.ApiKeysDocument,
  '\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n':
    types.CreateApiKeyDocument,
  '\n  mutation RevokeApiKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) {\n      apiKey {\n        id\n        revokedAt\n      }\n    }\n  }\n':
    types.RevokeApiKeyDocument,
  '\n  query ConfigAnalytics(\n    $environment: String!\n    $keys: [String!]\n    $from: DateTime!\n    $to: DateTime!\n    $granularity: AnalyticsGranularity!\n    $timezone: String!\n  ) {\n    configAnalytics(\n      environment: $environment\n      keys: $keys\n      from: $from\n      to: $to\n      granularity: $granularity\n      timezone: $timezone\n    ) {\n      from\n      to\n      granularity\n      timezone\n      approximated\n      environmentSeries {\n        ...AnalyticsSeriesFields\n      }\n      configs {\n        ...AnalyticsSeriesFields\n      }\n      topByEvaluations {\n        ...AnalyticsTopConfigFields\n      }\n      topByErrors {\n        ...AnalyticsTopConfigFields\n      }\n    }\n  }\n\n  fragment AnalyticsTopConfigFields on AnalyticsTopConfig {\n    key\n    evaluations\n    errors\n    errorRate\n  }\n\n  fragment AnalyticsSeriesFields on AnalyticsSeries {\n    key\n    points {\n      periodStart\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n    }\n    totals {\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n      uniqueUsers\n      uniqueDevices\n    }\n  }\n':
    types.ConfigAnalyticsDocument,
  '\n  query StaleConfigs($environment: String!, $days: Int!) {\n    staleConfigs(environment: $environment, days: $days) {\n      key\n      reasons\n      lastEvaluatedAt\n      lastChangedAt\n    }\n  }\n':
    types.StaleConfigsDocument,
  '\n  query ExplainServed($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {\n    explainServed(environment: $environment, key: $key, context: $context, at: $at) {\n      key\n      at\n      configState\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n      change {\n        id\n        action\n        configVersion\n        createdAt\n        comment\n        actor {\n          id\n          name\n          kind\n        }\n      }\n      fetchLogRecords\n    }\n  }\n':
    types.ExplainServedDocument,
  '\n  query ConfigFetchLog(\n    $environment: String!\n    $filter: ConfigFetchLogFilter\n    $first: Int!\n    $after: String\n  ) {\n    configFetchLog(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          configKey\n          userId\n          deviceId\n          appVersion\n          reason\n          errorCode\n          ruleId\n          variant\n          configVersion\n          revision\n          channel\n          valueHash\n          fetchedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.ConfigFetchLogDocument,
  '\n  query FetchLogSettings($key: String!) {\n    environment(key: $key) {\n      id\n      key\n      fetchLogSampleRate\n      fetchLogRetentionDays\n    }\n  }\n':
    types.FetchLogSettingsDocument,
  '\n  mutation UpdateFetchLogSettings($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        fetchLogSampleRate\n        fetchLogRetentionDays\n      }\n    }\n  }\n':
    types.UpdateFetchLogSettingsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Me {\n    me {\n      id\n      name\n      roles\n      tokenPrefix\n      environment {\n        key\n        name\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Me {\n    me {\n      id\n      name\n      roles\n      tokenPrefix\n      environment {\n        key\n        name\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Environments {\n    environments {\n      id\n      key\n      name\n      revision\n      createdAt\n      updatedAt\n    }\n  }\n',
): (typeof documents)['\n  query Environments {\n    environments {\n      id\n      key\n      name\n      revision\n      createdAt\n      updatedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateEnvironment($input: CreateEnvironmentInput!) {\n    createEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateEnvironment($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        name\n        revision\n        createdAt\n        updatedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Configs(\n    $environment: String!\n    $filter: ConfigFilter\n    $orderBy: ConfigOrder\n    $first: Int!\n    $after: String\n  ) {\n    configs(\n      environment: $environment\n      filter: $filter\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      edges {\n        cursor\n        node {\n          id\n          key\n          description\n          valueType\n          version\n          updatedAt\n          updatedBy\n          archivedAt\n          rolloutPercentage\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Configs(\n    $environment: String!\n    $filter: ConfigFilter\n    $orderBy: ConfigOrder\n    $first: Int!\n    $after: String\n  ) {\n    configs(\n      environment: $environment\n      filter: $filter\n      orderBy: $orderBy\n      first: $first\n      after: $after\n    ) {\n      edges {\n        cursor\n        node {\n          id\n          key\n          description\n          valueType\n          version\n          updatedAt\n          updatedBy\n          archivedAt\n          rolloutPercentage\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription ConfigChanged($environment: String!) {\n    configChanged(environment: $environment) {\n      action\n      configId\n      key\n      revision\n      version\n      config {\n        id\n        key\n        description\n        valueType\n        version\n        updatedAt\n        updatedBy\n        archivedAt\n        rolloutPercentage\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription ConfigChanged($environment: String!) {\n    configChanged(environment: $environment) {\n      action\n      configId\n      key\n      revision\n      version\n      config {\n        id\n        key\n        description\n        valueType\n        version\n        updatedAt\n        updatedBy\n        archivedAt\n        rolloutPercentage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Config($environment: String!, $key: String!) {\n    config(environment: $environment, key: $key) {\n      id\n      key\n      description\n      valueType\n      value\n      defaultValue\n      rolloutPercentage\n      stickiness\n      targetingRules\n      minValue\n      maxValue\n      minLength\n      maxLength\n      pattern\n      allowedValues\n      validationSchema\n      version\n      updatedAt\n      updatedBy\n      archivedAt\n    }\n  }\n',
): (typeof documents)['\n  query Config($environment: String!, $key: String!) {\n    config(environment: $environment, key: $key) {\n      id\n      key\n      description\n      valueType\n      value\n      defaultValue\n      rolloutPercentage\n      stickiness\n      targetingRules\n      minValue\n      maxValue\n      minLength\n      maxLength\n      pattern\n      allowedValues\n      validationSchema\n      version\n      updatedAt\n      updatedBy\n      archivedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateConfig($input: CreateConfigInput!) {\n    createConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateConfig($input: CreateConfigInput!) {\n    createConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateConfig($input: UpdateConfigInput!) {\n    updateConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateConfig($input: UpdateConfigInput!) {\n    updateConfig(input: $input) {\n      config {\n        id\n        key\n        version\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ArchiveConfig($input: ArchiveConfigInput!) {\n    archiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation ArchiveConfig($input: ArchiveConfigInput!) {\n    archiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UnarchiveConfig($input: UnarchiveConfigInput!) {\n    unarchiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation UnarchiveConfig($input: UnarchiveConfigInput!) {\n    unarchiveConfig(input: $input) {\n      config {\n        id\n        version\n        archivedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ValidateConfig($input: ValidateConfigInput!) {\n    validateConfig(input: $input) {\n      valid\n      validationErrors {\n        path\n        rule\n        message\n      }\n    }\n  }\n',
): (typeof documents)['\n  query ValidateConfig($input: ValidateConfigInput!) {\n    validateConfig(input: $input) {\n      valid\n      validationErrors {\n        path\n        rule\n        message\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment EvaluationResultFields on EvaluationResult {\n    key\n    value\n    reason\n    ruleId\n    errorCode\n    version\n  }\n  fragment ExplainStepFields on ExplainStep {\n    kind\n    path\n    ruleId\n    attribute\n    operator\n    actual\n    outcome\n    detail\n  }\n',
): (typeof documents)['\n  fragment EvaluationResultFields on EvaluationResult {\n    key\n    value\n    reason\n    ruleId\n    errorCode\n    version\n  }\n  fragment ExplainStepFields on ExplainStep {\n    kind\n    path\n    ruleId\n    attribute\n    operator\n    actual\n    outcome\n    detail\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query PreviewEvaluation($input: PreviewEvaluationInput!) {\n    previewEvaluation(input: $input) {\n      context\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n    }\n  }\n',
): (typeof documents)['\n  query PreviewEvaluation($input: PreviewEvaluationInput!) {\n    previewEvaluation(input: $input) {\n      context\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ConfigChanges(\n    $environment: String!\n    $filter: ConfigChangeFilter\n    $first: Int!\n    $after: String\n  ) {\n    configChanges(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            id\n            kind\n            name\n          }\n          comment\n          configKey\n          configVersion\n          createdAt\n          before\n          after\n          diff\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query ConfigChanges(\n    $environment: String!\n    $filter: ConfigChangeFilter\n    $first: Int!\n    $after: String\n  ) {\n    configChanges(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        node {\n          id\n          action\n          actor {\n            id\n            kind\n            name\n          }\n          comment\n          configKey\n          configVersion\n          createdAt\n          before\n          after\n          diff\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query VerifyChangeHistory($environment: String!) {\n    verifyChangeHistory(environment: $environment) {\n      valid\n      checkedEntries\n      firstBrokenEntryId\n      missingEntries\n      problem\n    }\n  }\n',
): (typeof documents)['\n  query VerifyChangeHistory($environment: String!) {\n    verifyChangeHistory(environment: $environment) {\n      valid\n      checkedEntries\n      firstBrokenEntryId\n      missingEntries\n      problem\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RollbackConfig($input: RollbackConfigInput!) {\n    rollbackConfig(input: $input) {\n      config {\n        id\n        version\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation RollbackConfig($input: RollbackConfigInput!) {\n    rollbackConfig(input: $input) {\n      config {\n        id\n        version\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ApiKeys($first: Int!, $after: String) {\n    apiKeys(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          roles\n          tokenPrefix\n          createdAt\n          lastUsedAt\n          revokedAt\n          environment {\n            key\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query ApiKeys($first: Int!, $after: String) {\n    apiKeys(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          roles\n          tokenPrefix\n          createdAt\n          lastUsedAt\n          revokedAt\n          environment {\n            key\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RevokeApiKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) {\n      apiKey {\n        id\n        revokedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation RevokeApiKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) {\n      apiKey {\n        id\n        revokedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ConfigAnalytics(\n    $environment: String!\n    $keys: [String!]\n    $from: DateTime!\n    $to: DateTime!\n    $granularity: AnalyticsGranularity!\n    $timezone: String!\n  ) {\n    configAnalytics(\n      environment: $environment\n      keys: $keys\n      from: $from\n      to: $to\n      granularity: $granularity\n      timezone: $timezone\n    ) {\n      from\n      to\n      granularity\n      timezone\n      approximated\n      environmentSeries {\n        ...AnalyticsSeriesFields\n      }\n      configs {\n        ...AnalyticsSeriesFields\n      }\n      topByEvaluations {\n        ...AnalyticsTopConfigFields\n      }\n      topByErrors {\n        ...AnalyticsTopConfigFields\n      }\n    }\n  }\n\n  fragment AnalyticsTopConfigFields on AnalyticsTopConfig {\n    key\n    evaluations\n    errors\n    errorRate\n  }\n\n  fragment AnalyticsSeriesFields on AnalyticsSeries {\n    key\n    points {\n      periodStart\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n    }\n    totals {\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n      uniqueUsers\n      uniqueDevices\n    }\n  }\n',
): (typeof documents)['\n  query ConfigAnalytics(\n    $environment: String!\n    $keys: [String!]\n    $from: DateTime!\n    $to: DateTime!\n    $granularity: AnalyticsGranularity!\n    $timezone: String!\n  ) {\n    configAnalytics(\n      environment: $environment\n      keys: $keys\n      from: $from\n      to: $to\n      granularity: $granularity\n      timezone: $timezone\n    ) {\n      from\n      to\n      granularity\n      timezone\n      approximated\n      environmentSeries {\n        ...AnalyticsSeriesFields\n      }\n      configs {\n        ...AnalyticsSeriesFields\n      }\n      topByEvaluations {\n        ...AnalyticsTopConfigFields\n      }\n      topByErrors {\n        ...AnalyticsTopConfigFields\n      }\n    }\n  }\n\n  fragment AnalyticsTopConfigFields on AnalyticsTopConfig {\n    key\n    evaluations\n    errors\n    errorRate\n  }\n\n  fragment AnalyticsSeriesFields on AnalyticsSeries {\n    key\n    points {\n      periodStart\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n    }\n    totals {\n      evaluations\n      errors\n      errorRate\n      targetingMatchRate\n      rolloutReceiveRate\n      cacheHitRate\n      uniqueUsers\n      uniqueDevices\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StaleConfigs($environment: String!, $days: Int!) {\n    staleConfigs(environment: $environment, days: $days) {\n      key\n      reasons\n      lastEvaluatedAt\n      lastChangedAt\n    }\n  }\n',
): (typeof documents)['\n  query StaleConfigs($environment: String!, $days: Int!) {\n    staleConfigs(environment: $environment, days: $days) {\n      key\n      reasons\n      lastEvaluatedAt\n      lastChangedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ExplainServed($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {\n    explainServed(environment: $environment, key: $key, context: $context, at: $at) {\n      key\n      at\n      configState\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n      change {\n        id\n        action\n        configVersion\n        createdAt\n        comment\n        actor {\n          id\n          name\n          kind\n        }\n      }\n      fetchLogRecords\n    }\n  }\n',
): (typeof documents)['\n  query ExplainServed($environment: String!, $key: String!, $context: JSON!, $at: DateTime!) {\n    explainServed(environment: $environment, key: $key, context: $context, at: $at) {\n      key\n      at\n      configState\n      result {\n        ...EvaluationResultFields\n      }\n      explain {\n        ...ExplainStepFields\n      }\n      change {\n        id\n        action\n        configVersion\n        createdAt\n        comment\n        actor {\n          id\n          name\n          kind\n        }\n      }\n      fetchLogRecords\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ConfigFetchLog(\n    $environment: String!\n    $filter: ConfigFetchLogFilter\n    $first: Int!\n    $after: String\n  ) {\n    configFetchLog(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          configKey\n          userId\n          deviceId\n          appVersion\n          reason\n          errorCode\n          ruleId\n          variant\n          configVersion\n          revision\n          channel\n          valueHash\n          fetchedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query ConfigFetchLog(\n    $environment: String!\n    $filter: ConfigFetchLogFilter\n    $first: Int!\n    $after: String\n  ) {\n    configFetchLog(environment: $environment, filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          configKey\n          userId\n          deviceId\n          appVersion\n          reason\n          errorCode\n          ruleId\n          variant\n          configVersion\n          revision\n          channel\n          valueHash\n          fetchedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query FetchLogSettings($key: String!) {\n    environment(key: $key) {\n      id\n      key\n      fetchLogSampleRate\n      fetchLogRetentionDays\n    }\n  }\n',
): (typeof documents)['\n  query FetchLogSettings($key: String!) {\n    environment(key: $key) {\n      id\n      key\n      fetchLogSampleRate\n      fetchLogRetentionDays\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateFetchLogSettings($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        fetchLogSampleRate\n        fetchLogRetentionDays\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateFetchLogSettings($input: UpdateEnvironmentInput!) {\n    updateEnvironment(input: $input) {\n      environment {\n        id\n        key\n        fetchLogSampleRate\n        fetchLogRetentionDays\n      }\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
