import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSightline, startSightline } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { ClientCountry, geoOptionsFromEnv } from '../../src/ingest/geo/client-country.js';
import { eventBatch, exportAll, postEvents } from '../support/app.js';

/** Addresses whose country has been stable for years in every GeoLite2 release. */
const GB = '81.2.69.142';
const US = '8.8.8.8';
const NL_V6 = '2001:67c:2e8:22::c100:68b';

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): Buffer[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [readFileSync(path)];
  });
}

const pageView = () => ({
  uuid: randomUUID(),
  event: 'page_view',
  distinct_id: 'visitor',
  session_id: 'session',
});

/** Posts one event with these request headers; answers its stored `country`. */
async function countryOf(app: RunningSightline, headers: Record<string, string>): Promise<unknown> {
  const e = pageView();
  const res = await postEvents(app, eventBatch(app.keys.publicKey, [e]), {
    'content-type': 'application/json',
    ...headers,
  });
  expect(res.status).toBe(200);
  return (await exportAll(app)).find((x) => x['uuid'] === e.uuid)?.['country'];
}

const start = (dataDir: string, trustedProxies?: string[]) =>
  startSightline(
    resolveConfig({ port: '0', host: '127.0.0.1', dataDir }, {}),
    trustedProxies ? { geo: { trustedProxies } } : {},
  );

describe('country at ingest', () => {
  const behindProxyDir = mkdtempSync(join(tmpdir(), 'sightline-geo-'));
  let direct: RunningSightline;
  let behindProxy: RunningSightline;
  beforeAll(async () => {
    direct = await start(mkdtempSync(join(tmpdir(), 'sightline-geo-')));
    // Sightline behind a proxy on this machine, which itself sits behind the office's 10.x proxy.
    behindProxy = await start(behindProxyDir, ['loopback', '10.0.0.0/8']);
  });
  afterAll(async () => {
    await direct?.close();
    await behindProxy?.close();
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    // Anyone can send the header: believing it would let a client pick its country.
    expect(await countryOf(direct, { 'x-forwarded-for': GB })).toBe('');
    // The socket's own address (loopback) has no country.
    expect(await countryOf(direct, {})).toBe('');
  });

  it('reads the client from X-Forwarded-For behind a trusted proxy, right to left past trusted hops', async () => {
    expect(await countryOf(behindProxy, { 'x-forwarded-for': GB })).toBe('GB');
    expect(await countryOf(behindProxy, { 'x-forwarded-for': NL_V6 })).toBe('NL');
    // The 10.x hop is a trusted proxy: the address it received the request from is the client.
    expect(await countryOf(behindProxy, { 'x-forwarded-for': `${GB}, 10.1.2.3` })).toBe('GB');
    // What the client itself put first is not believed: the last untrusted hop is the client.
    expect(await countryOf(behindProxy, { 'x-forwarded-for': `${US}, ${GB}` })).toBe('GB');
    // A header repeated (one per proxy) is one list, in order.
    const e = pageView();
    const repeated = await fetch(`${behindProxy.url}/v1/events`, {
      method: 'POST',
      headers: [
        ['content-type', 'application/json'],
        ['x-forwarded-for', US],
        ['x-forwarded-for', '10.9.9.9'],
      ],
      body: eventBatch(behindProxy.keys.publicKey, [e]),
    });
    expect(repeated.status).toBe(200);
    expect((await exportAll(behindProxy)).find((x) => x['uuid'] === e.uuid)?.['country']).toBe('US');
    expect(await countryOf(behindProxy, { 'x-forwarded-for': 'not-an-address' })).toBe('');
    expect(await countryOf(behindProxy, { 'x-forwarded-for': '192.168.1.20' })).toBe('');
    expect(await countryOf(behindProxy, {})).toBe('');
  });

  it('gives events of PostHog and Segment clients their country too', async () => {
    const posthog = { uuid: randomUUID(), event: '$pageview', properties: { distinct_id: 'ph' } };
    const ph = await fetch(`${behindProxy.url}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': US },
      body: JSON.stringify({ api_key: behindProxy.keys.publicKey, batch: [posthog] }),
    });
    expect(ph.status).toBe(200);
    const segment = { type: 'track', event: 'Signed Up', userId: 'seg', messageId: randomUUID() };
    const seg = await fetch(`${behindProxy.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': NL_V6 },
      body: JSON.stringify({ writeKey: behindProxy.keys.publicKey, batch: [segment] }),
    });
    expect(seg.status).toBe(200);
    const stored = new Map((await exportAll(behindProxy)).map((e) => [e['uuid'], e['country']]));
    expect(stored.get(posthog.uuid)).toBe('US');
    expect(stored.get(segment.messageId)).toBe('NL');
  });

  it('never stores the address: not in the export, not in any file of the data dir', async () => {
    const addresses = [GB, US, NL_V6, '10.1.2.3', '10.9.9.9', '192.168.1.20'];
    for (const address of addresses) await countryOf(behindProxy, { 'x-forwarded-for': address });
    const res = await fetch(`${behindProxy.url}/v1/export`, {
      headers: { authorization: `Bearer ${behindProxy.keys.secretKey}` },
    });
    const text = await res.text();
    expect(text).toContain('"country":"GB"');
    for (const address of addresses) expect(text, address).not.toContain(address);
    await behindProxy.close();
    // DuckDB may compress what it stores, so this alone proves little; it does catch plain copies.
    for (const file of filesUnder(behindProxyDir))
      for (const address of addresses) expect(file.includes(address), address).toBe(false);
  });
});

describe('trusted proxies setting', () => {
  it('reads SIGHTLINE_TRUSTED_PROXIES as a comma-separated list', () => {
    expect(geoOptionsFromEnv({})).toEqual({});
    expect(geoOptionsFromEnv({ SIGHTLINE_TRUSTED_PROXIES: ' loopback, 10.0.0.0/8 ,,fd00::/8 ' })).toEqual({
      trustedProxies: ['loopback', '10.0.0.0/8', 'fd00::/8'],
    });
  });

  it('refuses an entry that is neither an address, a range nor a known name', async () => {
    await expect(ClientCountry.load({ trustedProxies: ['10.0.0.0/40'] })).rejects.toThrow(
      /SIGHTLINE_TRUSTED_PROXIES/,
    );
    await expect(ClientCountry.load({ trustedProxies: ['office'] })).rejects.toThrow(
      /SIGHTLINE_TRUSTED_PROXIES/,
    );
  });
});
