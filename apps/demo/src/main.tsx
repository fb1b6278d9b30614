import { SightlineProvider } from '@sightline/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

interface DemoConfig {
  key: string;
  host: string;
}

const root = createRoot(document.getElementById('root')!);

/** The server that serves the demo tells it its public key and origin (GET /demo/config.json). */
async function boot(): Promise<void> {
  const res = await fetch(`${import.meta.env.BASE_URL}config.json`);
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  const config = (await res.json()) as DemoConfig;
  root.render(
    <StrictMode>
      <SightlineProvider
        options={{ key: config.key, host: config.host, interventions: true, flushInterval: 500 }}
      >
        <App />
      </SightlineProvider>
    </StrictMode>,
  );
}

boot().catch((error: Error) => {
  root.render(
    <main className="page">
      <p className="alert" role="alert">
        The demo could not start: {error.message}. Is the Sightline server running?
      </p>
    </main>,
  );
});
