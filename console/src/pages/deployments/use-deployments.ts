import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import type {
  DeploymentFieldsFragment,
  DeploymentStatus,
  DeploymentUpdatedSubscription as DeploymentEvent,
} from '../../api/gql/graphql';
import { isActive, newerDeployment } from './lifecycle';
import { DeploymentsQuery, DeploymentUpdatedSubscription } from './queries';

export type Deployment = DeploymentFieldsFragment;
export type DeploymentUpdate = DeploymentEvent['deploymentUpdated'];

/**
 * Queries that list deployments depend on the type even when they are empty (a start must
 * refetch an empty list), and a deployment event refetches them: urql's document cache
 * invalidates by type name on mutations, and on subscriptions only for the names given here.
 */
const DEPLOYMENT_TYPENAMES = { additionalTypenames: ['ConfigDeployment'] };

/**
 * Keeps the lists of an environment's deployments current: every start, step, pause, resume,
 * rollback and completion (made here or anywhere) refetches them. `keys` narrows to configs.
 */
export function useDeploymentEvents(
  environment: string,
  keys: string[] | null,
  onEvent?: (event: DeploymentUpdate) => void,
  pause = false,
) {
  const listener = useRef(onEvent);
  useEffect(() => {
    listener.current = onEvent;
  });
  const keysKey = keys ? JSON.stringify(keys) : null;
  const variables = useMemo(
    () => ({ environment, keys: keysKey ? (JSON.parse(keysKey) as string[]) : null }),
    [environment, keysKey],
  );
  useSubscription(
    { query: DeploymentUpdatedSubscription, variables, context: DEPLOYMENT_TYPENAMES, pause },
    (_, event) => {
      listener.current?.(event.deploymentUpdated);
      return event;
    },
  );
}

/** One page of an environment's deployments, newest first, kept current by the events. */
export function useDeploymentsPage(
  variables: {
    environment: string;
    key?: string | null;
    status?: DeploymentStatus | null;
    first: number;
    after?: string | null;
  },
  pause = false,
) {
  return useQuery({ query: DeploymentsQuery, variables, context: DEPLOYMENT_TYPENAMES, pause });
}

/**
 * A config's deployments for its editor page: its recent ones, and the latest with what each
 * event says about it at once (a step shows without waiting for the refetch). `onEvent` hears
 * every event of the config, e.g. a completion that made the candidate its new version. A new
 * config (`key` null) has none.
 */
export function useConfigDeployments(
  environment: string,
  key: string | null,
  first: number,
  onEvent?: (event: DeploymentUpdate) => void,
) {
  const [result, refetch] = useDeploymentsPage({ environment, key: key ?? '', first }, !key);
  const [live, setLive] = useState<Deployment | null>(null);
  useDeploymentEvents(
    environment,
    [key ?? ''],
    (event) => {
      const deployment = event.deployment;
      if (deployment) setLive((current) => newerDeployment(current, deployment));
      onEvent?.(event);
    },
    !key,
  );
  const recent = result.data?.deployments.edges.map((edge) => edge.node) ?? [];
  const latest = newerDeployment(recent[0] ?? null, live);
  return {
    ...result,
    refetch,
    recent,
    latest,
    active: latest && isActive(latest.status) ? latest : null,
    /** A deployment this page started or moved: shown at once, before any event. */
    show: (deployment: Deployment) => setLive((current) => newerDeployment(current, deployment)),
  };
}
