import { lazy, Suspense } from 'react';
import { Navigate, createBrowserRouter } from 'react-router';
import { Layout, EnvironmentRedirect } from './layout';
import { ConfigsPage } from './pages/configs/configs-page';
import { PageSkeleton } from './components/page-skeleton';
import { HistoryPage } from './pages/history/history-page';
import { ApiKeysPage } from './pages/api-keys/api-keys-page';
import { EnvironmentsPage } from './pages/environments/environments-page';
import { ExplainServedPage } from './pages/explain-served/explain-served-page';
import { FetchLogPage } from './pages/fetch-log/fetch-log-page';
import { StaleConfigsPage } from './pages/stale-configs/stale-configs-page';

// The editor (rule builder, drag and drop, date pickers) loads when first opened, keeping the
// initial JavaScript of every other page small.
const LazyConfigEditorPage = lazy(() =>
  import('./pages/config-editor/config-editor-page').then((m) => ({ default: m.ConfigEditorPage })),
);

// Analytics (with its chart library) loads when first opened.
const LazyAnalyticsPage = lazy(() =>
  import('./pages/analytics/analytics-page').then((m) => ({ default: m.AnalyticsPage })),
);

function AnalyticsPage() {
  return (
    <Suspense fallback={<PageSkeleton rows={10} />}>
      <LazyAnalyticsPage />
    </Suspense>
  );
}

function ConfigEditorPage({ isNew }: { isNew?: boolean }) {
  return (
    <Suspense fallback={<PageSkeleton rows={10} />}>
      <LazyConfigEditorPage isNew={isNew} />
    </Suspense>
  );
}

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
  staleConfigs: (env: string) => `/envs/${encodeURIComponent(env)}/stale-configs`,
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
        { path: 'api-keys', element: <ApiKeysPage /> },
        { path: 'environments', element: <EnvironmentsPage /> },
        { path: '*', element: <EnvironmentRedirect /> },
      ],
    },
  ],
  { basename: '/console' },
);
