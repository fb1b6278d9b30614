/**
 * What an open Overview page subscribes to over `/v1/live` (apps/dashboard/src/views/overview*):
 * the overview tiles, events over time and top events for the default 24 h range. The soak keeps
 * a few of these open so live re-runs compete with the loader and the processor as in production.
 */
import WebSocket from 'ws';

const OVERVIEW_SUBSCRIPTIONS = [
  { id: 'overview', query: 'overview', args: { time_range: '24h' } },
  { id: 'timeseries', query: 'timeseries', args: { time_range: '24h', interval: 'hour' } },
  { id: 'top_events', query: 'top_events', args: { time_range: '24h', limit: 10 } },
];

export interface DashboardConnection {
  /** performance.now() of every pushed result. */
  results: number[];
  /** Error messages the server pushed (a failed re-run, a refused subscription). */
  errors: string[];
  close(): void;
}

/** One dashboard tab: a `/v1/live` connection authenticated with the secret key, Overview's subscriptions. */
export async function openOverviewDashboard(url: string, secretKey: string): Promise<DashboardConnection> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/live`);
  const connection: DashboardConnection = { results: [], errors: [], close: () => ws.close() };
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string; message?: string };
    if (message.type === 'result') connection.results.push(performance.now());
    else if (message.type === 'error') connection.errors.push(`${message.id ?? ''}: ${message.message}`);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', key: secretKey }));
  for (const s of OVERVIEW_SUBSCRIPTIONS) ws.send(JSON.stringify({ type: 'subscribe', ...s }));
  return connection;
}
