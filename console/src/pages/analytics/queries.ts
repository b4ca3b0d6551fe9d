import { graphql } from '../../api/gql';

export const ConfigAnalyticsQuery = graphql(`
  query ConfigAnalytics(
    $environment: String!
    $keys: [String!]
    $from: DateTime!
    $to: DateTime!
    $granularity: AnalyticsGranularity!
    $timezone: String!
  ) {
    configAnalytics(
      environment: $environment
      keys: $keys
      from: $from
      to: $to
      granularity: $granularity
      timezone: $timezone
    ) {
      from
      to
      granularity
      timezone
      approximated
      environmentSeries {
        ...AnalyticsSeriesFields
      }
      configs {
        ...AnalyticsSeriesFields
      }
      topByEvaluations {
        ...AnalyticsTopConfigFields
      }
      topByErrors {
        ...AnalyticsTopConfigFields
      }
    }
  }

  fragment AnalyticsTopConfigFields on AnalyticsTopConfig {
    key
    evaluations
    errors
    errorRate
  }

  fragment AnalyticsSeriesFields on AnalyticsSeries {
    key
    points {
      periodStart
      evaluations
      errors
      errorRate
      targetingMatchRate
      rolloutReceiveRate
      cacheHitRate
    }
    totals {
      evaluations
      errors
      errorRate
      targetingMatchRate
      rolloutReceiveRate
      cacheHitRate
      uniqueUsers
      uniqueDevices
    }
  }
`);

export const StaleConfigsQuery = graphql(`
  query StaleConfigs($environment: String!, $days: Int!) {
    staleConfigs(environment: $environment, days: $days) {
      key
      reasons
      lastEvaluatedAt
      lastChangedAt
    }
  }
`);
