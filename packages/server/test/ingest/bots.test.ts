import { randomUUID } from 'node:crypto';
import { isbot } from 'isbot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { botCountDay } from '../../src/storage/engine.js';
import { eventBatch, exportAll, postEvents, startTestApp } from '../support/app.js';

/**
 * isbot ships its patterns, not sample User-Agents, so these are real ones of known crawlers, AI
 * crawlers and headless browsers; each is checked against isbot below, so the sample can only
 * hold what the library itself recognises.
 */
const BROWSER_SHAPED_BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/120.0.6099.199 Safari/537.36',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; GPTBot/1.2; +https://openai.com/gptbot',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)',
  'Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
];
/** Crawlers that run no scripts: only a server relaying its visitor's User-Agent in the event names them. */
const PLAIN_BOTS = [
  'CCBot/2.0 (https://commoncrawl.org/faq/)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
  'Twitterbot/1.0',
];
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** Programs that send events on a site's behalf: isbot lists them, but they say nothing about a visitor. */
const SERVER_SENDERS = ['posthog-node/4.2.1', 'analytics-node-next/latest', 'node', 'curl/8.5.0'];

const event = (properties: Record<string, unknown> = {}) => ({
  uuid: randomUUID(),
  event: 'page_view',
  distinct_id: 'visitor',
  session_id: 'session',
  properties: { url: 'https://site.test/', ...properties },
});

describe('bots at ingest', () => {
  let app: RunningSightline;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const botsDropped = async () => (await call('POST', '/v1/query/bots', { time_range: '24h' })).body;
  const send = (events: unknown[], userAgent: string) =>
    postEvents(app, eventBatch(app.keys.publicKey, events), {
      'content-type': 'application/json',
      'user-agent': userAgent,
    });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('the sample holds only User-Agents isbot recognises, and browsers and server senders it does not judge as bots', () => {
    for (const ua of [...BROWSER_SHAPED_BOTS, ...PLAIN_BOTS]) expect(isbot(ua), ua).toBe(true);
    expect(isbot(CHROME)).toBe(false);
  });

  it('drops bot events by default, answers them as accepted, stores the rest and counts the drops per day', async () => {
    const before = Date.now();
    const fromHeader = BROWSER_SHAPED_BOTS.map(() => event());
    for (const [i, ua] of BROWSER_SHAPED_BOTS.entries()) {
      // Indistinguishable from a stored event's answer: a bot is not told it was recognised.
      expect(await send([fromHeader[i]], ua)).toEqual({
        status: 200,
        body: { accepted: 1, duplicates: 0, rejected: [] },
      });
    }
    // User-Agents the events name (a server relaying its visitors'), beside a real browser's.
    const named = [...BROWSER_SHAPED_BOTS, ...PLAIN_BOTS].map((ua) => event({ user_agent: ua }));
    const human = event({ user_agent: CHROME });
    expect(await send([...named, human], 'posthog-node/4.2.1')).toEqual({
      status: 200,
      body: { accepted: named.length + 1, duplicates: 0, rejected: [] },
    });
    // Requests of server-side senders whose events name no User-Agent are stored.
    const relayed = SERVER_SENDERS.map(() => event());
    for (const [i, ua] of SERVER_SENDERS.entries()) await send([relayed[i]], ua);

    const stored = new Set((await exportAll(app)).map((e) => e['uuid']));
    for (const e of [...fromHeader, ...named]) expect(stored.has(e.uuid), JSON.stringify(e)).toBe(false);
    for (const e of [human, ...relayed]) expect(stored.has(e.uuid)).toBe(true);
    const dropped = fromHeader.length + named.length;
    const day = botCountDay(before);
    expect(botCountDay(Date.now()), 'the test ran across midnight UTC').toBe(day);
    expect(await botsDropped()).toEqual({ days: [{ day, dropped }], total_dropped: dropped });
  });

  it('drops bot events of PostHog and Segment clients too', async () => {
    const { total_dropped: before } = (await botsDropped()) as { total_dropped: number };
    const posthog = {
      uuid: randomUUID(),
      event: '$pageview',
      properties: { distinct_id: 'ph', $raw_user_agent: BROWSER_SHAPED_BOTS[3] },
    };
    const ph = await fetch(`${app.url}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: app.keys.publicKey, batch: [posthog] }),
    });
    expect(await ph.json()).toMatchObject({ accepted: 1, rejected: [] });
    const segment = {
      type: 'track',
      event: 'Signed Up',
      userId: 'seg',
      messageId: randomUUID(),
      context: { userAgent: BROWSER_SHAPED_BOTS[12] },
    };
    const seg = await fetch(`${app.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey: app.keys.publicKey, batch: [segment] }),
    });
    expect(await seg.json()).toMatchObject({ success: true, accepted: 1, rejected: [] });
    const stored = new Set((await exportAll(app)).map((e) => e['uuid']));
    expect(stored.has(posthog.uuid) || stored.has(segment.messageId)).toBe(false);
    expect(await botsDropped()).toMatchObject({ total_dropped: before + 2 });
  });

  it('with `bots: "flag"` stores bot events marked `$bot: true`, and goes back to dropping on null', async () => {
    const { total_dropped: before } = (await botsDropped()) as { total_dropped: number };
    expect(await call('PUT', '/v1/settings', { bots: 'flag' })).toMatchObject({
      status: 200,
      body: { bots: 'flag' },
    });
    expect((await call('GET', '/v1/settings')).body).toMatchObject({ bots: 'flag' });
    const bot = event({ $bot: false, plan: 'pro' });
    const human = event();
    await send([bot], BROWSER_SHAPED_BOTS[0]!);
    await send([human], CHROME);
    const exported = new Map((await exportAll(app)).map((e) => [e['uuid'], e]));
    expect(exported.get(bot.uuid)?.['properties']).toEqual({
      url: 'https://site.test/',
      $bot: true,
      plan: 'pro',
    });
    expect(exported.get(human.uuid)?.['properties']).toEqual({ url: 'https://site.test/' });
    expect(await botsDropped()).toMatchObject({ total_dropped: before });

    const reset = await call('PUT', '/v1/settings', { bots: null });
    expect(reset.status).toBe(200);
    expect(reset.body).not.toHaveProperty('bots');
    const later = event();
    await send([later], BROWSER_SHAPED_BOTS[0]!);
    expect((await exportAll(app)).some((e) => e['uuid'] === later.uuid)).toBe(false);
    expect(await botsDropped()).toMatchObject({ total_dropped: before + 1 });
  });

  it('refuses a bot setting it does not know', async () => {
    const refused = await call('PUT', '/v1/settings', { bots: 'keep' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_arguments' });
    expect(String(refused.body['message'])).toContain('bots');
  });
});
