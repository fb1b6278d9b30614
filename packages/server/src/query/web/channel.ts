import type { Channel } from '@sightline/schema';
import type { SqlDialect } from '../../sql/dialect.js';
import { inList, join, type SqlFragment, sql } from '../../sql/sql.js';
import { type KnownReferrers, knownReferrers } from './known-referrers.js';

/**
 * The channel rules: where a session came from, by its entry event's referrer host (the site's
 * own host counts as none) and its utm_source / utm_medium, compared lower-case. The first rule
 * that matches decides; the tag lists follow Google Analytics 4's default channel groups, the
 * host and site-name lists are known-referrers.ts's.
 *
 * 1. paid — utm_medium contains `cp` (cpc, cpm, cpv…) or starts with `paid`, or is `ppc` or
 *    `retargeting`; or the referrer is a known ad server.
 * 2. email — utm_source or utm_medium is `email`, `e-mail`, `e_mail`, `e mail` or `newsletter`;
 *    or the referrer is a known webmail site, or utm_source names one.
 * 3. social — utm_medium is `social`, `social-network`, `social-media`, `sm`, `social network` or
 *    `social media`; or the referrer is a known social site, or utm_source names one.
 * 4. organic_search — utm_medium is `organic`; or the referrer is a known search engine, or
 *    utm_source names one.
 * 5. referral — any other referrer, or utm_medium `referral`, `app` or `link`.
 * 6. direct — no referrer, no utm_source and no utm_medium.
 * 7. other — tagged (utm_source or utm_medium) but matched by no rule above.
 */
export const CHANNEL_TAGS = {
  /** LIKE patterns of paid utm_medium values (GA4: `^(.*cp.*|ppc|retargeting|paid.*)$`). */
  paidMediumPatterns: ['%cp%', 'paid%'],
  paidMediums: ['ppc', 'retargeting'],
  /** utm_source or utm_medium values that mean email. */
  emailTags: ['email', 'e-mail', 'e_mail', 'e mail', 'newsletter'],
  socialMediums: ['social', 'social-network', 'social-media', 'sm', 'social network', 'social media'],
  searchMediums: ['organic'],
  referralMediums: ['referral', 'app', 'link'],
} as const;

/** Column expressions the rules read, each on the entry event: lower-case source and medium. */
export interface ChannelInputs {
  /** The referrer's host without `www.`, '' for none or for the site's own host. */
  domain: SqlFragment;
  /** utm_source, lower-case. */
  source: SqlFragment;
  /** utm_medium, lower-case. */
  medium: SqlFragment;
}

/** The channel (a Channel name) of the row, by the rules above. */
export function channelSql(
  dialect: SqlDialect,
  { domain, source, medium }: ChannelInputs,
  known: KnownReferrers = knownReferrers(),
): SqlFragment {
  const { hosts, sources } = known;
  const either = (a: SqlFragment, b: SqlFragment) => sql`(${a} OR ${b})`;
  const rules: Array<[Channel, SqlFragment]> = [
    [
      'paid',
      join(
        [
          ...CHANNEL_TAGS.paidMediumPatterns.map((pattern) => sql`${medium} LIKE ${pattern}`),
          inList(medium, CHANNEL_TAGS.paidMediums),
          dialect.inSet(domain, hosts.paid),
        ],
        ' OR ',
      ),
    ],
    [
      'email',
      join(
        [
          inList(source, CHANNEL_TAGS.emailTags),
          inList(medium, CHANNEL_TAGS.emailTags),
          either(dialect.inSet(domain, hosts.email), dialect.inSet(source, sources.email)),
        ],
        ' OR ',
      ),
    ],
    [
      'social',
      join(
        [
          inList(medium, CHANNEL_TAGS.socialMediums),
          either(dialect.inSet(domain, hosts.social), dialect.inSet(source, sources.social)),
        ],
        ' OR ',
      ),
    ],
    [
      'organic_search',
      join(
        [
          inList(medium, CHANNEL_TAGS.searchMediums),
          either(dialect.inSet(domain, hosts.organic_search), dialect.inSet(source, sources.organic_search)),
        ],
        ' OR ',
      ),
    ],
    ['referral', sql`${domain} <> '' OR ${inList(medium, CHANNEL_TAGS.referralMediums)}`],
    ['direct', sql`${source} = '' AND ${medium} = ''`],
  ];
  const other: Channel = 'other';
  return sql`(CASE ${join(
    rules.map(([channel, condition]) => sql`WHEN ${condition} THEN ${channel}`),
    ' ',
  )} ELSE ${other} END)`;
}
