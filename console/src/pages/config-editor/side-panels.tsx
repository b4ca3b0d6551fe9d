import { Tabs, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { PageSkeleton } from '../../components/page-skeleton';
import { ExplainServedForm } from '../explain-served/explain-served-form';
import type { ConfigDraft } from './draft';
import { PreviewPanel } from './preview-panel';

// The usage chart's library loads when the tab is first opened.
const UsagePanel = lazy(() =>
  import('../analytics/usage-panel').then((m) => ({ default: m.UsagePanel })),
);

/**
 * Beside the editor: the draft tested against a context, and for a stored config the
 * question "why did this subject get this value?" and its usage of the last 7 days.
 */
export function SidePanels({
  environment,
  configKey,
  draft,
}: {
  environment: string;
  configKey: string | null;
  draft: ConfigDraft;
}) {
  if (!configKey) return <PreviewPanel environment={environment} draft={draft} />;
  return (
    <Tabs defaultValue="test" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="test">Test the draft</Tabs.Tab>
        <Tabs.Tab value="why">Why this value?</Tabs.Tab>
        <Tabs.Tab value="usage">Usage</Tabs.Tab>
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
    </Tabs>
  );
}
