import { randomUUID } from 'node:crypto';

/** One hostile request and what the server must answer. */
export interface Poison {
  name: string;
  /** Sent in the first round only (expensive to build or send). */
  once?: boolean;
  request(): {
    path: string;
    body: string | Buffer;
    headers: Record<string, string>;
    /** Valid events sent beside the poison: they must be stored exactly once. */
    goodUuids?: string[];
  };
  expect: { status: number; error?: string; rejected: string[] };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Every poison the issue reported (and a few neighbours), as native, PostHog and Segment requests. */
export function poisons(publicKey: string): Poison[] {
  const basic = { ...JSON_TYPE, authorization: `Basic ${Buffer.from(`${publicKey}:`).toString('base64')}` };
  const native =
    (poisonJson: string, extra = '') =>
    () => {
      const good = randomUUID();
      const goodEvent = JSON.stringify({
        uuid: good,
        event: 'beside',
        distinct_id: 'h',
        timestamp: Date.now(),
      });
      return {
        path: '/v1/events',
        body: `{"api_key":"${publicKey}"${extra},"batch":[${poisonJson},${goodEvent}]}`,
        headers: JSON_TYPE,
        goodUuids: [good],
      };
    };
  const nativeAlone =
    (poisonJson: string, extra = '') =>
    () => ({
      path: '/v1/events',
      body: `{"api_key":"${publicKey}"${extra},"batch":[${poisonJson}]}`,
      headers: JSON_TYPE,
    });
  const ev = (fields: string) => `{"uuid":"${randomUUID()}","event":"poison","distinct_id":"p",${fields}}`;
  const posthogGood = () => {
    const uuid = randomUUID();
    return { uuid, json: JSON.stringify({ uuid, event: '$pageview', properties: { distinct_id: 'h' } }) };
  };
  const posthogBatch =
    (poisonJson: string, query = '') =>
    () => {
      const good = posthogGood();
      return {
        path: `/batch/${query}`,
        body: `{"api_key":"${publicKey}","batch":[${poisonJson},${good.json}]}`,
        headers: JSON_TYPE,
        goodUuids: [good.uuid],
      };
    };
  const segmentGood = () => {
    const uuid = randomUUID();
    return { uuid, json: JSON.stringify({ type: 'track', event: 'ok', userId: 'h', messageId: uuid }) };
  };
  const segmentBatch =
    (poisonJson: string, extra = '') =>
    () => {
      const good = segmentGood();
      return {
        path: '/v1/batch',
        body: `{"batch":[${poisonJson},${good.json}]${extra}}`,
        headers: basic,
        goodUuids: [good.uuid],
      };
    };
  const refusedBeside = (code: string) => ({ status: 200, rejected: [code] });
  const stored = { status: 200, rejected: [] };

  return [
    {
      name: 'timestamp 1e19',
      request: native(ev('"timestamp":1e19')),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'timestamp 1e19 alone',
      request: nativeAlone(ev('"timestamp":1e19')),
      expect: { status: 400, error: 'all_events_invalid', rejected: ['invalid_timestamp'] },
    },
    {
      name: 'timestamp 1e308',
      request: native(ev('"timestamp":1e308')),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'sent_at 1e300 (ignored: no skew correction)',
      request: native(ev(`"timestamp":${Date.now()}`), ',"sent_at":1e300'),
      expect: stored,
    },
    {
      name: 'sent_at 1e300 and timestamp 1e19',
      request: native(ev('"timestamp":1e19'), ',"sent_at":1e300'),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'year 0',
      request: native(ev('"timestamp":"0000-01-01T00:00:00Z"')),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'timestamp 0 with a future sent_at',
      request: native(ev('"timestamp":0'), `,"sent_at":${Date.now() + 1e11}`),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'negative timestamp',
      request: native(ev('"timestamp":-1')),
      expect: refusedBeside('invalid_event'),
    },
    {
      name: 'seconds, not ms',
      request: native(ev('"timestamp":1700000000')),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'a number past double range in properties',
      request: native(ev('"properties":{"n":1e400}')),
      expect: refusedBeside('invalid_value'),
    },
    {
      name: 'a __proto__ property key',
      request: native(ev('"properties":{"__proto__":{"admin":true}}')),
      expect: refusedBeside('invalid_value'),
    },
    {
      name: 'a lone surrogate',
      request: native(ev('"properties":{"s":"\\ud800"}')),
      expect: refusedBeside('invalid_value'),
    },
    {
      name: 'properties nested 100,000 deep',
      request: native(ev(`"properties":${deep(100_000)}`)),
      expect: refusedBeside('too_complex'),
    },
    {
      name: 'a 12 MB event with a million properties',
      once: true,
      request: () => {
        const parts: string[] = [];
        for (let i = 0; i < 1_000_000; i++) parts.push(`"p${i}":${i}`);
        return nativeAlone(ev(`"properties":{${parts.join(',')}}`))();
      },
      expect: { status: 400, error: 'all_events_invalid', rejected: ['too_complex'] },
    },
    {
      name: 'PostHog offset -1e300',
      request: posthogBatch('{"event":"x","offset":-1e300,"properties":{"distinct_id":"p"}}'),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'PostHog timestamp 1e19',
      request: posthogBatch('{"event":"x","timestamp":1e19,"properties":{"distinct_id":"p"}}'),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'PostHog ?_=1e300 (ignored)',
      request: posthogBatch(
        `{"event":"x","timestamp":${Date.now()},"properties":{"distinct_id":"p"}}`,
        '?_=1e300',
      ),
      expect: stored,
    },
    {
      name: 'PostHog event without uuid nested 100,000 deep',
      request: posthogBatch(`{"event":"x","properties":${deep(100_000)}}`),
      expect: refusedBeside('too_complex'),
    },
    {
      name: 'PostHog v1 with PostHog-Request-Timestamp 1e300 (ignored)',
      request: () => {
        const good = posthogGood();
        return {
          path: '/i/v1/analytics/events',
          body: `{"created_at":"2026-01-01T00:00:00Z","batch":[${good.json}]}`,
          headers: {
            ...JSON_TYPE,
            authorization: `Bearer ${publicKey}`,
            'posthog-request-timestamp': '1e300',
          },
          goodUuids: [good.uuid],
        };
      },
      expect: stored,
    },
    {
      name: 'Segment sentAt 1e300 and timestamp 1e19',
      request: segmentBatch('{"type":"track","event":"x","userId":"p","timestamp":1e19}', ',"sentAt":1e300'),
      expect: refusedBeside('invalid_timestamp'),
    },
    {
      name: 'Segment message without messageId nested 100,000 deep',
      request: segmentBatch(`{"type":"track","event":"x","userId":"p","properties":${deep(100_000)}}`),
      expect: refusedBeside('too_complex'),
    },
    {
      name: 'Segment track in year 0',
      request: () => ({
        path: '/v1/track',
        body: '{"event":"x","userId":"p","timestamp":"0000-01-01T00:00:00Z"}',
        headers: basic,
      }),
      expect: { status: 400, error: 'all_events_invalid', rejected: ['invalid_timestamp'] },
    },
  ];
}
