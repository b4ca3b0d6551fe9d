import { lazy, Suspense, type ComponentType } from 'react';
import { Navigate, createBrowserRouter } from 'react-router';
import { Layout, EnvironmentRedirect } from './layout';
import { ConfigsPage } from './pages/configs/configs-page';
import { PageSkeleton } from './components/page-skeleton';

/**
 * A page whose code loads when it is first opened, with a skeleton meanwhile. Every page but the
 * configs list (the first screen) is one: the initial JavaScript stays small and quick to parse.
 */
function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
  rows?: number,
): ComponentType<P> {
  const Page = lazy(() => load().then((component) => ({ default: component })));
  return function LazyPage(props: P) {
    return (
      <Suspense fallback={<PageSkeleton rows={rows} />}>
        <Page {...props} />
      </Suspense>
    );
  };
}

const ConfigEditorPage = lazyPage(
  () => import('./pages/config-editor/config-editor-page').then((m) => m.ConfigEditorPage),
  10,
);
const HistoryPage = lazyPage(() =>
  import('./pages/history/history-page').then((m) => m.HistoryPage),
);
const ExplainServedPage = lazyPage(() =>
  import('./pages/explain-served/explain-served-page').then((m) => m.ExplainServedPage),
);
const ApiKeysPage = lazyPage(() =>
  import('./pages/api-keys/api-keys-page').then((m) => m.ApiKeysPage),
);
const EnvironmentsPage = lazyPage(() =>
  import('./pages/environments/environments-page').then((m) => m.EnvironmentsPage),
);
const FetchLogPage = lazyPage(() =>
  import('./pages/fetch-log/fetch-log-page').then((m) => m.FetchLogPage),
);
const StaleConfigsPage = lazyPage(() =>
  import('./pages/stale-configs/stale-configs-page').then((m) => m.StaleConfigsPage),
);
// Analytics holds the chart library.
const AnalyticsPage = lazyPage(
  () => import('./pages/analytics/analytics-page').then((m) => m.AnalyticsPage),
  10,
);

const DeploymentsPage = lazyPage(() =>
  import('./pages/deployments/deployments-page').then((m) => m.DeploymentsPage),
);
const ApprovalsPage = lazyPage(() =>
  import('./pages/approvals/approvals-page').then((m) => m.ApprovalsPage),
);
const ApprovalPage = lazyPage(
  () => import('./pages/approvals/approval-page').then((m) => m.ApprovalPage),
  8,
);
const ApprovalPoliciesPage = lazyPage(() =>
  import('./pages/approvals/approval-policies-page').then((m) => m.ApprovalPoliciesPage),
);

const ExperimentsPage = lazyPage(() =>
  import('./pages/experiments/experiments-page').then((m) => m.ExperimentsPage),
);
const ExperimentFormPage = lazyPage(
  () => import('./pages/experiments/experiment-form-page').then((m) => m.ExperimentFormPage),
  10,
);
const ExperimentPage = lazyPage(
  () => import('./pages/experiments/experiment-page').then((m) => m.ExperimentPage),
  10,
);

const WebhookEndpointsPage = lazyPage(() =>
  import('./pages/notifications/webhook-endpoints-page').then((m) => m.WebhookEndpointsPage),
);
const WebhookEndpointPage = lazyPage(() =>
  import('./pages/notifications/webhook-endpoint-page').then((m) => m.WebhookEndpointPage),
);
const DeliveriesPage = lazyPage(() =>
  import('./pages/notifications/deliveries-page').then((m) => m.DeliveriesPage),
);
const EmailRecipientsPage = lazyPage(() =>
  import('./pages/notifications/email-recipients-page').then((m) => m.EmailRecipientsPage),
);

const notifications = (env: string) => `/envs/${encodeURIComponent(env)}/notifications`;

const AlertsPage = lazyPage(() => import('./pages/alerts/alerts-page').then((m) => m.AlertsPage));
// The rule form holds the chart library.
const AlertFormPage = lazyPage(
  () => import('./pages/alerts/alert-form-page').then((m) => m.AlertFormPage),
  10,
);

export const routes = {
  configs: (env: string) => `/envs/${encodeURIComponent(env)}/configs`,
  newConfig: (env: string) => `/envs/${encodeURIComponent(env)}/configs/new`,
  config: (env: string, key: string) =>
    `/envs/${encodeURIComponent(env)}/configs/${encodeURIComponent(key)}`,
  history: (env: string, key?: string) =>
    `/envs/${encodeURIComponent(env)}/history${key ? `?config=${encodeURIComponent(key)}` : ''}`,
  explainServed: (env: string, key?: string) =>
    `/envs/${encodeURIComponent(env)}/explain-served${key ? `?config=${encodeURIComponent(key)}` : ''}`,
  fetchLog: (env: string, key?: string) =>
    `/envs/${encodeURIComponent(env)}/fetch-log${key ? `?config=${encodeURIComponent(key)}` : ''}`,
  analytics: (env: string, key?: string) =>
    `/envs/${encodeURIComponent(env)}/analytics${key ? `?config=${encodeURIComponent(key)}` : ''}`,
  experiments: (env: string, config?: string) =>
    `/envs/${encodeURIComponent(env)}/experiments${config ? `?config=${encodeURIComponent(config)}` : ''}`,
  newExperiment: (env: string, config?: string) =>
    `/envs/${encodeURIComponent(env)}/experiments/new${config ? `?config=${encodeURIComponent(config)}` : ''}`,
  experiment: (env: string, key: string) =>
    `/envs/${encodeURIComponent(env)}/experiments/${encodeURIComponent(key)}`,
  editExperiment: (env: string, key: string) =>
    `/envs/${encodeURIComponent(env)}/experiments/${encodeURIComponent(key)}/edit`,
  deployments: (env: string, config?: string) =>
    `/envs/${encodeURIComponent(env)}/deployments${config ? `?config=${encodeURIComponent(config)}` : ''}`,
  staleConfigs: (env: string) => `/envs/${encodeURIComponent(env)}/stale-configs`,
  notifications,
  webhookEndpoints: (env: string) => `${notifications(env)}/webhooks`,
  webhookEndpoint: (env: string, id: string) =>
    `${notifications(env)}/webhooks/${encodeURIComponent(id)}`,
  notificationDeliveries: (env: string, filter: { endpoint?: string; recipient?: string } = {}) => {
    const search = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])),
    ).toString();
    return `${notifications(env)}/deliveries${search ? `?${search}` : ''}`;
  },
  emailRecipients: (env: string) => `${notifications(env)}/email`,
  alerts: (env: string) => `/envs/${encodeURIComponent(env)}/alerts`,
  newAlert: (env: string) => `/envs/${encodeURIComponent(env)}/alerts/new`,
  alert: (env: string, id: string) =>
    `/envs/${encodeURIComponent(env)}/alerts/${encodeURIComponent(id)}`,
  approvals: (env: string) => `/envs/${encodeURIComponent(env)}/approvals`,
  approval: (env: string, id: string) =>
    `/envs/${encodeURIComponent(env)}/approvals/${encodeURIComponent(id)}`,
  approvalPolicies: (env: string) => `/envs/${encodeURIComponent(env)}/approval-policies`,
  apiKeys: '/api-keys',
  environments: '/environments',
};

export const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <EnvironmentRedirect /> },
        { path: 'envs/:env', element: <Navigate to="configs" replace /> },
        { path: 'envs/:env/configs', element: <ConfigsPage /> },
        { path: 'envs/:env/configs/new', element: <ConfigEditorPage isNew /> },
        { path: 'envs/:env/configs/:key', element: <ConfigEditorPage /> },
        { path: 'envs/:env/history', element: <HistoryPage /> },
        { path: 'envs/:env/explain-served', element: <ExplainServedPage /> },
        { path: 'envs/:env/fetch-log', element: <FetchLogPage /> },
        { path: 'envs/:env/analytics', element: <AnalyticsPage /> },
        { path: 'envs/:env/stale-configs', element: <StaleConfigsPage /> },
        { path: 'envs/:env/experiments', element: <ExperimentsPage /> },
        { path: 'envs/:env/deployments', element: <DeploymentsPage /> },
        { path: 'envs/:env/experiments/new', element: <ExperimentFormPage /> },
        { path: 'envs/:env/experiments/:key', element: <ExperimentPage /> },
        { path: 'envs/:env/experiments/:key/edit', element: <ExperimentFormPage /> },
        { path: 'envs/:env/notifications', element: <Navigate to="webhooks" replace /> },
        { path: 'envs/:env/notifications/webhooks', element: <WebhookEndpointsPage /> },
        { path: 'envs/:env/notifications/webhooks/:id', element: <WebhookEndpointPage /> },
        { path: 'envs/:env/notifications/deliveries', element: <DeliveriesPage /> },
        { path: 'envs/:env/notifications/email', element: <EmailRecipientsPage /> },
        { path: 'envs/:env/alerts', element: <AlertsPage /> },
        { path: 'envs/:env/alerts/new', element: <AlertFormPage /> },
        { path: 'envs/:env/alerts/:id', element: <AlertFormPage /> },
        { path: 'envs/:env/approvals', element: <ApprovalsPage /> },
        { path: 'envs/:env/approvals/:id', element: <ApprovalPage /> },
        { path: 'envs/:env/approval-policies', element: <ApprovalPoliciesPage /> },
        { path: 'api-keys', element: <ApiKeysPage /> },
        { path: 'environments', element: <EnvironmentsPage /> },
        { path: '*', element: <EnvironmentRedirect /> },
      ],
    },
  ],
  { basename: '/console' },
);
