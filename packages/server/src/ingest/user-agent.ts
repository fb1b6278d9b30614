import { UAParser } from 'ua-parser-js';

export interface ClientInfo {
  browser: string;
  os: string;
  device: string;
}

const CACHE_LIMIT = 2000;
const cache = new Map<string, ClientInfo>();
const EMPTY: ClientInfo = { browser: '', os: '', device: '' };

/** Browser, OS and device class from a User-Agent. Cached: a site's traffic repeats a few UAs. */
export function parseUserAgent(ua: string): ClientInfo {
  if (!ua) return EMPTY;
  const hit = cache.get(ua);
  if (hit) return hit;
  const result = new UAParser(ua).getResult();
  const info: ClientInfo = {
    browser: result.browser.name ?? '',
    os: result.os.name ?? '',
    device: result.device.type ?? (result.browser.name ? 'desktop' : ''),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(ua, info);
  return info;
}
