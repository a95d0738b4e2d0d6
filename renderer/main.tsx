/** Entry point of the renderer: mounts the app inside the error boundary. */
import '@xyflow/react/dist/style.css';
import './styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/App.js';
import { ErrorBoundary } from './app/ErrorBoundary.js';

const container = document.getElementById('root');
if (container === null) {
  throw new Error('The page has no #root element; renderer/index.html must provide it.');
}

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
