import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  NavLink,
  Select,
  Text,
  Title,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { readLastEnvironment, storeLastEnvironment } from './api/session';
import { useSession } from './api/session-context';
import { useEnvironments } from './api/use-environments';
import { PageSkeleton } from './components/page-skeleton';
import { ProblemAlert } from './components/problem-alert';
import { pageInEnvironment } from './environment-page';
import { routes } from './routes';

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon
      variant="default"
      size="lg"
      aria-label={`Switch to ${next} theme`}
      onClick={() => setColorScheme(next)}
    >
      <span aria-hidden="true">{scheme === 'dark' ? '☀' : '☾'}</span>
    </ActionIcon>
  );
}

function EnvironmentSwitcher() {
  const { env } = useParams();
  const { environments } = useEnvironments();
  const navigate = useNavigate();
  const location = useLocation();
  if (!env) return null;
  return (
    <Select
      aria-label="Environment"
      size="sm"
      w={180}
      allowDeselect={false}
      value={env}
      data={environments.map((e) => ({ value: e.key, label: `${e.name} (rev ${e.revision})` }))}
      onChange={(next) => {
        if (!next || next === env) return;
        navigate(pageInEnvironment(location.pathname, next));
      }}
    />
  );
}

/**
 * Where the console's root goes: the key's own environment when scoped, else the one this tab
 * last showed (known without asking, so the first-screen prefetch asks for its list at once),
 * else the first listed.
 */
export function EnvironmentRedirect() {
  const { me } = useSession();
  const { environments, fetching, error, refetch } = useEnvironments();
  const last = readLastEnvironment();
  if (me.environment) return <Navigate to={routes.configs(me.environment.key)} replace />;
  if (last) return <Navigate to={routes.configs(last)} replace />;
  if (error) return <ProblemAlert error={error} onRetry={refetch} />;
  if (fetching) return <PageSkeleton />;
  if (environments.length === 0) return <Navigate to={routes.environments} replace />;
  return <Navigate to={routes.configs(environments[0].key)} replace />;
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, signOut, canEdit } = useSession();
  const { env } = useParams();
  const { environments } = useEnvironments();
  const location = useLocation();
  const currentEnv = env ?? me.environment?.key ?? environments[0]?.key;
  // Only an environment the server listed: a mistyped address never becomes the root's target.
  const known = env !== undefined && environments.some((e) => e.key === env);
  useEffect(() => {
    if (known) storeLastEnvironment(env);
  }, [known, env]);
  const nav = [
    ...(currentEnv
      ? [
          { label: 'Configs', to: routes.configs(currentEnv) },
          { label: 'History', to: routes.history(currentEnv) },
          { label: 'Approvals', to: routes.approvals(currentEnv) },
          { label: 'Why this value?', to: routes.explainServed(currentEnv) },
          { label: 'Fetch log', to: routes.fetchLog(currentEnv) },
          { label: 'Analytics', to: routes.analytics(currentEnv) },
          { label: 'Experiments', to: routes.experiments(currentEnv) },
          { label: 'Deployments', to: routes.deployments(currentEnv) },
          { label: 'Alerts', to: routes.alerts(currentEnv) },
          { label: 'Stale configs', to: routes.staleConfigs(currentEnv) },
          // The API gives notifications to editors and admins only.
          ...(canEdit ? [{ label: 'Notifications', to: routes.notifications(currentEnv) }] : []),
        ]
      : []),
    { label: 'API keys', to: routes.apiKeys },
    { label: 'Environments', to: routes.environments },
  ];
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap" gap="sm">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={2} size="h4" visibleFrom="xs">
              Business Config
            </Title>
            <EnvironmentSwitcher />
          </Group>
          <Group wrap="nowrap" gap="xs">
            <Group gap={4} visibleFrom="md" role="group" aria-label="Signed in as">
              <Text size="sm" fw={500}>
                {me.name}
              </Text>
              {me.roles.map((role) => (
                <Badge key={role} size="sm">
                  {role.toLowerCase()}
                </Badge>
              ))}
              <Badge variant="outline" size="sm">
                {me.environment ? `only ${me.environment.key}` : 'all environments'}
              </Badge>
            </Group>
            <ThemeToggle />
            <Button variant="default" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main">
        {nav.map((item) => (
          <NavLink
            key={item.label}
            component={Link}
            to={item.to}
            label={item.label}
            onClick={close}
            active={location.pathname.startsWith(item.to.split('?')[0])}
          />
        ))}
        <Text size="xs" c="dimmed" mt="auto" hiddenFrom="md">
          {me.name} · {me.roles.map((r) => r.toLowerCase()).join(', ')} ·{' '}
          {me.environment ? `only ${me.environment.key}` : 'all environments'}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
