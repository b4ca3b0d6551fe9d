// First: starts the first screen's queries before the rest of the bundle evaluates.
import './first-screen';
import '@mantine/core/styles.css';
import './theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
