import { useEffect, useMemo } from 'react';
import { useQuery } from 'urql';
import type { NotificationDeliveryStatus } from '../../api/gql/graphql';
import { pollDelay } from './notifications';
import {
  EmailRecipientsQuery,
  NotificationDeliveriesQuery,
  WebhookEndpointsQuery,
} from './queries';

/**
 * The whole list in one page: an environment has at most 50 endpoints and 50 recipients
 * (the API's limit), and the API's largest page is 100.
 */
const ALL = 100;

// A list that was empty holds no node of its type, so urql's cache would not know that a
// mutation returning one (a creation) changes it; naming the type links them.
const ENDPOINTS = { additionalTypenames: ['WebhookEndpoint'] };
const RECIPIENTS = { additionalTypenames: ['EmailRecipient'] };
const DELIVERIES = { additionalTypenames: ['NotificationDelivery'] };

export function useWebhookEndpoints(environment: string) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WebhookEndpointsQuery,
    variables: { environment, first: ALL },
    context: ENDPOINTS,
  });
  const endpoints = useMemo(
    () => data?.webhookEndpoints.edges.map((edge) => edge.node) ?? [],
    [data],
  );
  return {
    endpoints,
    loaded: data !== undefined,
    fetching,
    error,
    refetch: () => refetch({ requestPolicy: 'network-only' }),
  };
}

export function useEmailRecipients(environment: string) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: EmailRecipientsQuery,
    variables: { environment, first: ALL },
    context: RECIPIENTS,
  });
  const recipients = useMemo(
    () => data?.emailRecipients.edges.map((edge) => edge.node) ?? [],
    [data],
  );
  return {
    recipients,
    loaded: data !== undefined,
    fetching,
    error,
    refetch: () => refetch({ requestPolicy: 'network-only' }),
  };
}

export interface DeliveryFilter {
  endpointId?: string;
  recipientId?: string;
  status?: NotificationDeliveryStatus;
}

/** Deliveries per page of the log. */
export const DELIVERY_PAGE_SIZE = 25;

/**
 * One page of the delivery log, newest first. While a delivery on it is pending, the page
 * asks again by itself (quickly while an attempt is due soon), so outcomes show up unasked.
 */
export function useDeliveries(environment: string, filter: DeliveryFilter, after: string | null) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: NotificationDeliveriesQuery,
    variables: { environment, ...filter, first: DELIVERY_PAGE_SIZE, after },
    context: DELIVERIES,
  });
  const connection = data?.notificationDeliveries;
  const deliveries = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const delay = pollDelay(deliveries);
  useEffect(() => {
    if (delay === null) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), delay);
    return () => clearInterval(timer);
  }, [delay, refetch]);
  return {
    deliveries,
    loaded: data !== undefined,
    pageInfo: connection?.pageInfo,
    fetching,
    error,
    refetch: () => refetch({ requestPolicy: 'network-only' }),
  };
}
