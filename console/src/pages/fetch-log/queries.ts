import { graphql } from '../../api/gql';

export const ConfigFetchLogQuery = graphql(`
  query ConfigFetchLog(
    $environment: String!
    $filter: ConfigFetchLogFilter
    $first: Int!
    $after: String
  ) {
    configFetchLog(environment: $environment, filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          configKey
          userId
          deviceId
          appVersion
          reason
          errorCode
          ruleId
          variant
          configVersion
          revision
          channel
          valueHash
          fetchedAt
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const FetchLogSettingsQuery = graphql(`
  query FetchLogSettings($key: String!) {
    environment(key: $key) {
      id
      key
      fetchLogSampleRate
      fetchLogRetentionDays
    }
  }
`);

export const UpdateFetchLogSettingsMutation = graphql(`
  mutation UpdateFetchLogSettings($input: UpdateEnvironmentInput!) {
    updateEnvironment(input: $input) {
      environment {
        id
        key
        fetchLogSampleRate
        fetchLogRetentionDays
      }
    }
  }
`);
