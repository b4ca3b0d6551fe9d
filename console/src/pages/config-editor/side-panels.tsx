import { Anchor, Table, Tabs, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { PageSkeleton } from '../../components/page-skeleton';
import { ScrollTable } from '../../components/scroll-table';
import { routes } from '../../routes';
import { DeploymentHeader, DeploymentRows } from '../deployments/deployment-rows';
import type { Deployment } from '../deployments/use-deployments';
import { ExplainServedForm } from '../explain-served/explain-served-form';
import type { ConfigDraft } from './draft';
import { PreviewPanel } from './preview-panel';

// The usage chart's library loads when the tab is first opened.
const UsagePanel = lazy(() =>
  import('../analytics/usage-panel').then((m) => ({ default: m.UsagePanel })),
);

/**
 * Beside the editor: the draft tested against a context, and for a stored config the
 * question "why did this subject get this value?", its usage of the last 7 days and its
 * recent deployments.
 */
export function SidePanels({
  environment,
  configKey,
  draft,
  deployments,
}: {
  environment: string;
  configKey: string | null;
  draft: ConfigDraft;
  deployments: readonly Deployment[];
}) {
  if (!configKey) return <PreviewPanel environment={environment} draft={draft} />;
  return (
    <Tabs defaultValue="test" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="test">Test the draft</Tabs.Tab>
        <Tabs.Tab value="why">Why this value?</Tabs.Tab>
        <Tabs.Tab value="usage">Usage</Tabs.Tab>
        <Tabs.Tab value="deployments">Deployments</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="test" pt="sm">
        <PreviewPanel environment={environment} draft={draft} />
      </Tabs.Panel>
      <Tabs.Panel value="why" pt="sm">
        <Text size="sm" c="dimmed" mb="sm">
          What a subject was served by the saved config at a time, and why (the draft is not used).
        </Text>
        <ExplainServedForm environment={environment} configKey={configKey} />
      </Tabs.Panel>
      <Tabs.Panel value="usage" pt="sm">
        <Suspense fallback={<PageSkeleton rows={3} />}>
          <UsagePanel environment={environment} configKey={configKey} />
        </Suspense>
      </Tabs.Panel>
      <Tabs.Panel value="deployments" pt="sm">
        {deployments.length === 0 ? (
          <Text size="sm">No deployment of this config yet.</Text>
        ) : (
          <ScrollTable label={`Deployments of ${configKey}`} minWidth={640}>
            <Table striped aria-label={`Deployments of ${configKey}`} fz="sm">
              <DeploymentHeader withConfig={false} />
              <Table.Tbody>
                <DeploymentRows
                  environment={environment}
                  deployments={deployments}
                  withConfig={false}
                />
              </Table.Tbody>
            </Table>
          </ScrollTable>
        )}
        <Anchor component={Link} to={routes.deployments(environment, configKey)} size="sm">
          All deployments of {configKey}
        </Anchor>
      </Tabs.Panel>
    </Tabs>
  );
}
