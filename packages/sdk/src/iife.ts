// Entry of the script-tag bundle: replaces the inline stub on window.sightline with the client and
// replays the calls the stub queued (see README), keeping the time each track call was made.
import { createSightline, type Sightline } from './client.js';

type QueuedCall = [method: keyof Sightline, args: unknown[], calledAt?: number];

const client = createSightline();
const stub = (window as unknown as { sightline?: QueuedCall[] }).sightline;
(window as unknown as { sightline: Sightline }).sightline = client;

if (Array.isArray(stub))
  for (const [method, args, calledAt] of stub) {
    if (method === 'track') client.track(args[0] as string, args[1] as never, { timestamp: calledAt });
    else (client[method] as (...a: unknown[]) => unknown)?.(...args);
  }
