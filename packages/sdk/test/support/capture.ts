import { gunzipSync } from 'node:zlib';
import { vi } from 'vitest';
import {
  type CapturedEvent,
  createSightline,
  type Sightline,
  type SightlineOptions,
} from '../../src/index.js';

export interface SentBatch {
  url: string;
  init: RequestInit;
  gzip: boolean;
  body: { api_key: string; batch: CapturedEvent[]; sent_at: number };
}

/** Answer of the fake server for one request: a status, or an Error for a network failure. */
export type Respond = (request: SentBatch, index: number) => number | Error;

/** Replaces fetch with a recorder of the batches sent; the answer comes from `respond`. */
export function stubFetch(respond: Respond = () => 200) {
  const requests: SentBatch[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    const raw = init.body as string | Uint8Array;
    const bytes = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw);
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const request = { url, init, gzip, body: JSON.parse((gzip ? gunzipSync(bytes) : bytes).toString()) };
    requests.push(request);
    const answer = respond(request, requests.length - 1);
    if (answer instanceof Error) throw answer;
    const body =
      answer === 200 ? { accepted: request.body.batch.length, duplicates: 0, rejected: [] } : { error: 'x' };
    return new Response(JSON.stringify(body), {
      status: answer,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  // happy-dom's sendBeacon would really fetch: record beacons instead.
  const beacons: SentBatch['body'][] = [];
  vi.spyOn(navigator, 'sendBeacon').mockImplementation(
    (_url, body) => beacons.push(JSON.parse(String(body))) > 0,
  );
  return {
    requests,
    fetchMock,
    beacons,
    beaconed: () => beacons.flatMap((body) => body.batch),
    events: () => requests.flatMap((request) => request.body.batch),
    named: (name: string) =>
      requests.flatMap((request) => request.body.batch).filter((event) => event.event === name),
  };
}

/** Every automatic plugin off, so a test sees only the events it causes. */
export const PLUGINS_OFF = {
  pageViews: false,
  performance: false,
  engagement: false,
  scrollDepth: false,
  clicks: false,
  rageClicks: false,
  deadClicks: false,
  visibility: false,
  errors: false,
} satisfies Partial<SightlineOptions>;

export const TEST_OPTIONS: SightlineOptions = {
  key: 'pk_test',
  host: 'https://sightline.test/',
  compression: false,
  ...PLUGINS_OFF,
};

const started: Sightline[] = [];

/** A client with every plugin off unless switched on; shut down by `shutdownClients`. */
export function startClient(options: Partial<SightlineOptions> = {}): Sightline {
  const client = createSightline().init({ ...TEST_OPTIONS, ...options });
  started.push(client);
  return client;
}

export function shutdownClients(): void {
  for (const client of started.splice(0)) client.shutdown();
}

/** The events waiting in the persisted offline queue of the test key. */
export const persistedQueue = (key = 'pk_test'): CapturedEvent[] =>
  JSON.parse(localStorage.getItem(`sl_${key}_queue`) ?? '[]');
