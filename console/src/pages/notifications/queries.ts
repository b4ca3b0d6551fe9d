import { graphql } from '../../api/gql';

// The notifications pages' operations; `npm run codegen` types them from schema.gql.

export const WebhookEndpointFieldsFragment = graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    description
    eventTypes
    enabled
    disabledReason
    failingSince
    previousSecretExpiresAt
    createdAt
    updatedAt
  }
`);

export const NotificationDeliveryFieldsFragment = graphql(`
  fragment NotificationDeliveryFields on NotificationDelivery {
    id
    eventId
    eventType
    channel
    endpointId
    recipientId
    status
    attempts
    responseCode
    latencyMs
    lastError
    nextAttemptAt
    deliveredAt
    createdAt
    payload
  }
`);

export const EmailRecipientFieldsFragment = graphql(`
  fragment EmailRecipientFields on EmailRecipient {
    id
    address
    name
    eventTypes
    enabled
    createdAt
  }
`);

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints($environment: String!, $first: Int!) {
    webhookEndpoints(environment: $environment, first: $first) {
      edges {
        node {
          ...WebhookEndpointFields
        }
      }
    }
  }
`);

export const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      webhookEndpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

export const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      webhookEndpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

export const RotateWebhookSecretMutation = graphql(`
  mutation RotateWebhookSecret($input: RotateWebhookSecretInput!) {
    rotateWebhookSecret(input: $input) {
      secret
      webhookEndpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

export const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($input: DeleteWebhookEndpointInput!) {
    deleteWebhookEndpoint(input: $input) {
      id
    }
  }
`);

export const SendTestWebhookMutation = graphql(`
  mutation SendTestWebhook($input: SendTestWebhookInput!) {
    sendTestWebhook(input: $input) {
      delivery {
        ...NotificationDeliveryFields
      }
    }
  }
`);

export const NotificationDeliveriesQuery = graphql(`
  query NotificationDeliveries(
    $environment: String!
    $endpointId: ID
    $recipientId: ID
    $status: NotificationDeliveryStatus
    $first: Int!
    $after: String
  ) {
    notificationDeliveries(
      environment: $environment
      endpointId: $endpointId
      recipientId: $recipientId
      status: $status
      first: $first
      after: $after
    ) {
      edges {
        node {
          ...NotificationDeliveryFields
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const RedeliverNotificationMutation = graphql(`
  mutation RedeliverNotification($input: RedeliverNotificationInput!) {
    redeliverNotification(input: $input) {
      delivery {
        ...NotificationDeliveryFields
      }
    }
  }
`);

export const EmailRecipientsQuery = graphql(`
  query EmailRecipients($environment: String!, $first: Int!) {
    emailRecipients(environment: $environment, first: $first) {
      edges {
        node {
          ...EmailRecipientFields
        }
      }
    }
  }
`);

export const CreateEmailRecipientMutation = graphql(`
  mutation CreateEmailRecipient($input: CreateEmailRecipientInput!) {
    createEmailRecipient(input: $input) {
      emailRecipient {
        ...EmailRecipientFields
      }
    }
  }
`);

export const UpdateEmailRecipientMutation = graphql(`
  mutation UpdateEmailRecipient($input: UpdateEmailRecipientInput!) {
    updateEmailRecipient(input: $input) {
      emailRecipient {
        ...EmailRecipientFields
      }
    }
  }
`);

export const DeleteEmailRecipientMutation = graphql(`
  mutation DeleteEmailRecipient($input: DeleteEmailRecipientInput!) {
    deleteEmailRecipient(input: $input) {
      id
    }
  }
`);
