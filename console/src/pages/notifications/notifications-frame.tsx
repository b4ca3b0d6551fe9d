import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useSession } from '../../api/session-context';
import { routes } from '../../routes';

const SECTIONS = [
  { label: 'Webhook endpoints', to: routes.webhookEndpoints },
  { label: 'Delivery log', to: (env: string) => routes.notificationDeliveries(env) },
  { label: 'Email recipients', to: routes.emailRecipients },
];

/**
 * The notifications pages' frame: their title, the links between them and, for keys without
 * the editor role (the API refuses them every notifications field), a note instead.
 */
export function NotificationsFrame({ children }: { children: ReactNode }) {
  const { env = '' } = useParams();
  const { canEdit } = useSession();
  const { pathname } = useLocation();
  return (
    <Stack maw={1200}>
      <div>
        <Title order={1} size="h2">
          Notifications
        </Title>
        <Text size="sm" c="dimmed">
          Signed webhooks and emails about this environment&apos;s changes, with the log of every
          delivery.
        </Text>
      </div>
      <Group gap="xs" component="nav" aria-label="Notifications">
        {SECTIONS.map((section) => {
          const to = section.to(env);
          const current = pathname.startsWith(to.split('?')[0]);
          return (
            <Button
              key={section.label}
              component={Link}
              to={to}
              size="xs"
              variant={current ? 'filled' : 'default'}
              aria-current={current ? 'page' : undefined}
            >
              {section.label}
            </Button>
          );
        })}
      </Group>
      {canEdit ? (
        children
      ) : (
        <Alert color="gray" title="Editors only">
          Webhook endpoints, email recipients and the delivery log need a key with the editor or
          admin role.
        </Alert>
      )}
    </Stack>
  );
}
