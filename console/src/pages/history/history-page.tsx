import { Title } from '@mantine/core';

export function HistoryPage() {
  return (
    <Title order={1} size="h2">
      HistoryPage
    </Title>
  );
}
