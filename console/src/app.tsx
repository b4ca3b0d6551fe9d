import { Badge, MantineProvider, createTheme } from '@mantine/core';
import { RouterProvider } from 'react-router';
import { AuthGate } from './api/auth-gate';
import { router } from './routes';

const theme = createTheme({
  primaryColor: 'indigo',
  // Darker default shades keep text on filled buttons above 4.5:1 contrast.
  primaryShade: { light: 7, dark: 8 },
  autoContrast: true,
  // People who ask their system for less motion get modals and menus without transitions.
  respectReducedMotion: true,
  components: {
    // Filled badges keep their small text readable (light ones fall under 4.5:1).
    Badge: Badge.extend({ defaultProps: { variant: 'filled' } }),
  },
});

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <AuthGate>
        <RouterProvider router={router} />
      </AuthGate>
    </MantineProvider>
  );
}
