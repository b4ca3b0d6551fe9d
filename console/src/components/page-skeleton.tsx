import { Skeleton, Stack } from '@mantine/core';

/** Placeholder rows while a page or a part of it loads; a named status, so axe accepts its label. */
export function PageSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <Stack gap="sm" p="md" role="status" aria-busy="true" aria-label="Loading">
      <Skeleton height={28} width="40%" />
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={36} />
      ))}
    </Stack>
  );
}
