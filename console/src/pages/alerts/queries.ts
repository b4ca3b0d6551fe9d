import { graphql } from '../../api/gql';

// The alerts page's operations; `npm run codegen` types them from schema.gql.

export const AlertFieldsFragment = graphql(`
  fragment AlertFields on ConfigAlert {
    id
    configKey
    name
    condition
    operator
    threshold
    windowMinutes
    minimumSample
    cooldownMinutes
    severity
    enabled
    guardsDeployments
    webhookEndpointIds
    emailRecipientIds
    lastEvaluatedAt
    lastValue
    lastSample
    updatedAt
    updatedBy
    unresolvedEvent {
      id
      status
    }
  }
`);

export const AlertEventFieldsFragment = graphql(`
  fragment AlertEventFields on ConfigAlertEvent {
    id
    alertId
    alertName
    configKey
    condition
    operator
    severity
    value
    threshold
    windowMinutes
    sample
    status
    openedAt
    acknowledgedAt
    acknowledgedBy
    comment
    resolvedAt
    resolvedBy
    deploymentId
    guardResult
  }
`);

export const AlertsQuery = graphql(`
  query Alerts($environment: String!, $first: Int!, $after: String) {
    alerts(environment: $environment, first: $first, after: $after) {
      edges {
        node {
          ...AlertFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const AlertQuery = graphql(`
  query Alert($id: ID!) {
    alert(id: $id) {
      ...AlertFields
      environment {
        key
      }
    }
  }
`);

export const AlertEventsQuery = graphql(`
  query AlertEvents(
    $environment: String!
    $alertId: ID
    $status: AlertEventStatus
    $first: Int!
    $after: String
  ) {
    alertEvents(
      environment: $environment
      alertId: $alertId
      status: $status
      first: $first
      after: $after
    ) {
      edges {
        node {
          ...AlertEventFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The environment's channels a rule may notify (editors read them). */
export const AlertChannelsQuery = graphql(`
  query AlertChannels($environment: String!) {
    webhookEndpoints(environment: $environment, first: 50) {
      edges {
        node {
          id
          url
          description
          enabled
        }
      }
    }
    emailRecipients(environment: $environment, first: 50) {
      edges {
        node {
          id
          address
          name
          enabled
        }
      }
    }
  }
`);

export const AlertMetricSeriesQuery = graphql(`
  query AlertMetricSeries(
    $environment: String!
    $key: String
    $condition: AlertCondition!
    $windowMinutes: Int!
    $operator: AlertOperator
    $threshold: Float
    $minimumSample: Int
  ) {
    alertMetricSeries(
      environment: $environment
      key: $key
      condition: $condition
      windowMinutes: $windowMinutes
      operator: $operator
      threshold: $threshold
      minimumSample: $minimumSample
    ) {
      condition
      windowMinutes
      stepMinutes
      points {
        at
        value
        sample
        crossing
      }
    }
  }
`);

export const CreateAlertMutation = graphql(`
  mutation CreateAlert($input: CreateAlertInput!) {
    createAlert(input: $input) {
      alert {
        ...AlertFields
      }
    }
  }
`);

export const UpdateAlertMutation = graphql(`
  mutation UpdateAlert($input: UpdateAlertInput!) {
    updateAlert(input: $input) {
      alert {
        ...AlertFields
      }
    }
  }
`);

export const DeleteAlertMutation = graphql(`
  mutation DeleteAlert($input: DeleteAlertInput!) {
    deleteAlert(input: $input) {
      id
    }
  }
`);

export const AcknowledgeAlertEventMutation = graphql(`
  mutation AcknowledgeAlertEvent($input: AcknowledgeAlertEventInput!) {
    acknowledgeAlertEvent(input: $input) {
      event {
        ...AlertEventFields
      }
    }
  }
`);

export const AlertTriggeredSubscription = graphql(`
  subscription AlertTriggered($environment: String!) {
    alertTriggered(environment: $environment) {
      ...AlertEventFields
    }
  }
`);
