import { createRng, generateSession, type SimEvent } from '../../packages/server/src/simulate/index.js';

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];

const MINUTE_MS = 60_000;

/**
 * The traffic simulator's demo-app sessions (packages/server/src/simulate), one after another,
 * each starting in the last hour but at least 15 minutes ago (so no event is in the future):
 * what a fleet of browsers running the SDK sends, friction included. A batch of consecutive
 * events is mostly one session's, as the SDK's batches are.
 */
export function* simulatedEvents(seed: number, now = Date.now()): Generator<SimEvent> {
  const rng = createRng(seed);
  for (;;) {
    const start = now - 60 * MINUTE_MS + Math.floor(rng.next() * 45 * MINUTE_MS);
    yield* generateSession(rng, start, { origin: 'https://video.example.com' }).events;
  }
}

/** `n` as `width` hex digits. */
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

/**
 * Batches for the load generator, fast enough to pre-build a million events: a pool of simulated
 * events is serialised once, and each pass over the pool gets fresh uuids and session ids (the
 * session id gains `-<pass>`), so every event is new to the server and sessions never mix.
 * Deterministic: the same key, seed and `now` give the same bodies byte for byte, so the ingest
 * bench sends Sightline and the durable reference exactly the same requests. uuids are the seed
 * and a counter (v4-shaped), so two generators with different seeds never collide.
 */
export class BatchFactory {
  /** Each event's JSON split around its uuid and session id: [head, between, tail]. */
  private readonly templates: Array<[string, string, string, string]> = [];
  private next = 0;
  private pass = 0;
  private made = 0;
  private readonly prefix: string;

  constructor(
    private readonly apiKey: string,
    seed: number,
    /** The clock the sessions (and `sent_at`) are placed against; fixed so bodies repeat exactly. */
    private readonly now = Date.now(),
    poolSize = 20_000,
  ) {
    this.prefix = `${hex(seed >>> 0, 8)}-${hex(Math.floor(now / 1000) & 0xffff, 4)}-4000-8`;
    const events = simulatedEvents(seed, now);
    for (let i = 0; i < poolSize; i++) {
      const event = events.next().value as SimEvent;
      const json = JSON.stringify({ ...event, uuid: '\u0000', session_id: '\u0001' });
      const [head = '', rest = ''] = json.split('"\\u0000"');
      const [between = '', tail = ''] = rest.split('"\\u0001"');
      this.templates.push([head, between, tail, event.session_id]);
    }
  }

  /** A `POST /v1/events` body of the next `size` events. */
  body(size: number): string {
    const parts: string[] = [];
    for (let i = 0; i < size; i++) {
      const [head, between, tail, session] = this.templates[this.next] as [string, string, string, string];
      const n = this.made++;
      const uuid = `${this.prefix}${hex(Math.floor(n / 2 ** 48), 3)}-${hex(n % 2 ** 48, 12)}`;
      parts.push(`${head}"${uuid}"${between}"${session}-${this.pass}"${tail}`);
      if (++this.next === this.templates.length) {
        this.next = 0;
        this.pass++;
      }
    }
    return `{"api_key":${JSON.stringify(this.apiKey)},"sent_at":${this.now},"batch":[${parts.join(',')}]}`;
  }
}
