import '@fontsource/be-vietnam-pro/vietnamese-400.css';
import '@fontsource/be-vietnam-pro/vietnamese-600.css';
import '@fontsource/be-vietnam-pro/vietnamese-700.css';
import '@fontsource/be-vietnam-pro/latin-400.css';
import '@fontsource/be-vietnam-pro/latin-600.css';
import '@fontsource/be-vietnam-pro/latin-700.css';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app.css';
import './i18n/i18n.js';
import { Badge, createTheme, localStorageColorSchemeManager, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { queryClient } from './api/queries.js';
import { App } from './app.js';

const theme = createTheme({
  fontFamily: '"Be Vietnam Pro", system-ui, sans-serif',
  headings: { fontFamily: '"Be Vietnam Pro", system-ui, sans-serif' },
  primaryColor: 'blue',
  defaultRadius: 'sm',
  // Users who ask the OS for less motion get no modal/transition animations.
  respectReducedMotion: true,
  // Capitals strip the reading aid of Vietnamese diacritics' shapes: badges keep the text's own case.
  components: { Badge: Badge.extend({ styles: { root: { textTransform: 'none' } } }) },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <MantineProvider theme={theme} defaultColorScheme="dark" colorSchemeManager={localStorageColorSchemeManager({ key: 'socdrill.scheme' })}>
        {/* Bottom left: on the right they would cover the triage dock under the alert detail. */}
        <Notifications position="bottom-left" limit={2} />
        <App />
      </MantineProvider>
    </QueryClientProvider>
  </StrictMode>,
);
