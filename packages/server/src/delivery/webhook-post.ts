import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressProblem, deliveryUrlProblem, type WebhookTargetPolicy } from './webhook-target.js';

/** The answer body is not used; at most this much is read so the connection can close cleanly. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** The error code of a target refused by policy (not retried: it would be refused again). */
const TARGET_REFUSED = 'ERR_WEBHOOK_TARGET_REFUSED';

export type AttemptResult =
  | { outcome: 'delivered'; status: number }
  /** Worth another attempt later: an error answer (3xx included), a timeout, a network error. */
  | { outcome: 'failed'; reason: string }
  /** Refused before connecting (policy): another attempt cannot succeed. */
  | { outcome: 'refused'; reason: string };

export interface PostOptions extends WebhookTargetPolicy {
  timeoutMs: number;
  /** Aborts the attempt (the dispatcher stopping). */
  signal?: AbortSignal;
}

class TargetRefused extends Error {
  readonly code = TARGET_REFUSED;
}

/**
 * A DNS lookup for net.connect that resolves every address of the name, refuses the connection
 * if any of them is not public, and hands the checked addresses to the connect itself: the
 * socket connects to exactly what was checked, so a DNS answer that changes between a check and
 * the connect (rebinding) cannot redirect it.
 */
export function checkedLookup(policy: WebhookTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(
      hostname,
      { family: options.family ?? 0, hints: options.hints ?? 0, all: true },
      (error, found) => {
        const addresses = found as unknown as LookupAddress[];
        if (error) return callback(error, '', 0);
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
        if (!policy.allowPrivateTargets) {
          for (const { address } of addresses) {
            const problem = addressProblem(address);
            if (problem) return callback(new TargetRefused(`${hostname} resolves to ${problem}`), '', 0);
          }
        }
        // net.connect asks for every address when it may try several (autoSelectFamily).
        if (options.all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        const first = addresses[0]!;
        return callback(null, first.address, first.family);
      },
    );
  };
}

/**
 * One webhook attempt: POSTs `body` with node:http(s). Redirects are never followed (node:http
 * does not); a 3xx is a failed attempt like any other non-2xx. The whole attempt, from DNS to the
 * end of the answer, has `timeoutMs`.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<AttemptResult> {
  const problem = deliveryUrlProblem(url, options);
  if (problem) return { outcome: 'refused', reason: `url ${problem}` };
  if (options.signal?.aborted) return { outcome: 'failed', reason: 'stopped' };
  // One controller per attempt, aborted by its timeout or by the dispatcher stopping.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onStop = () => controller.abort();
  options.signal?.addEventListener('abort', onStop, { once: true });
  try {
    const result = await send(new URL(url), body, headers, options, controller.signal);
    return timedOut && result.outcome === 'failed'
      ? { outcome: 'failed', reason: `no answer in ${options.timeoutMs} ms` }
      : result;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onStop);
  }
}

function send(
  target: URL,
  body: string,
  headers: Record<string, string>,
  policy: WebhookTargetPolicy,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: checkedLookup(policy),
        // A fresh connection per attempt: never a pooled socket chosen by an earlier lookup.
        agent: false,
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        void drainAnswer(res).then(() =>
          resolve(
            status >= 200 && status < 300
              ? { outcome: 'delivered', status }
              : { outcome: 'failed', reason: `answered ${status}` },
          ),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === TARGET_REFUSED) resolve({ outcome: 'refused', reason: error.message });
      else resolve({ outcome: 'failed', reason: error.message || String(error.code) });
    });
    req.end(body);
  });
}

/** Reads (and discards) a bounded part of the answer, then lets the connection go. */
function drainAnswer(res: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    let bytes = 0;
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_ANSWER_BYTES) res.destroy();
    });
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', () => resolve());
  });
}
