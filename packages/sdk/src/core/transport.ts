import type { CapturedEvent } from '../types.js';

/** Browsers refuse keepalive requests (and beacons) whose in-flight bodies exceed 64 KiB in total. */
export const KEEPALIVE_MAX_BYTES = 65_536;

export type Outcome = 'ok' | 'retry' | 'drop' | 'too_large';

export interface Delivery {
  outcome: Outcome;
  status: number;
  /** From a Retry-After header, in ms. */
  retryAfter: number;
}

/** 2xx acknowledged; network errors, 429 and 5xx are worth another try; other answers would fail again. */
export function classifyStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 0 || status === 429 || status >= 500) return 'retry';
  return status === 413 ? 'too_large' : 'drop';
}

export const envelope = (apiKey: string, batch: CapturedEvent[]): string =>
  JSON.stringify({ api_key: apiKey, batch, sent_at: Date.now() });

export const byteLength = (body: string): number => new Blob([body]).size;

async function gzip(body: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * POSTs one batch. text/plain keeps the request "simple" (no CORS preflight); the server recognises
 * gzip by its magic bytes. keepalive lets the request outlive the page when the body fits the quota.
 */
export async function post(url: string, body: string, compress: boolean): Promise<Delivery> {
  try {
    const payload = compress && typeof CompressionStream === 'function' ? await gzip(body) : body;
    const size = typeof payload === 'string' ? byteLength(payload) : payload.byteLength;
    const response = await fetch(url, {
      method: 'POST',
      body: payload,
      headers: { 'Content-Type': 'text/plain' },
      credentials: 'omit',
      keepalive: size <= KEEPALIVE_MAX_BYTES,
    });
    const answer: { rejected?: unknown[] } | undefined = response.ok
      ? await response.json().catch(() => undefined)
      : undefined;
    if (answer?.rejected?.length) console.warn('[sightline] events rejected by the server', answer.rejected);
    return {
      outcome: classifyStatus(response.status),
      status: response.status,
      retryAfter: Number(response.headers.get('Retry-After')) * 1000 || 0,
    };
  } catch {
    return { outcome: 'retry', status: 0, retryAfter: 0 };
  }
}

/** Hands batches to the browser for delivery after the page is gone; halves them until each fits the quota. */
export function beacon(url: string, apiKey: string, batch: CapturedEvent[]): boolean {
  if (!batch.length) return true;
  const body = envelope(apiKey, batch);
  if (byteLength(body) > KEEPALIVE_MAX_BYTES && batch.length > 1) {
    const half = batch.length >> 1;
    return beacon(url, apiKey, batch.slice(0, half)) && beacon(url, apiKey, batch.slice(half));
  }
  try {
    return navigator.sendBeacon(url, body);
  } catch {
    return false;
  }
}
