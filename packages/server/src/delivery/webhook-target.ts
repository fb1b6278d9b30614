import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { booleanFromEnv } from '../env.js';

/**
 * Which webhook targets are allowed. A webhook is set with a project's secret key, but it makes
 * the server send requests from inside the operator's network: without these checks a key holder
 * could reach loopback services, the LAN or a cloud metadata endpoint (169.254.169.254).
 */
export interface WebhookTargetPolicy {
  /**
   * Also allow loopback, private and other non-public addresses (env SIGHTLINE_WEBHOOK_ALLOW_PRIVATE=1):
   * for a receiver on the same machine or LAN, and for tests. Off by default.
   */
  allowPrivateTargets: boolean;
}

export const DEFAULT_WEBHOOK_TARGET_POLICY: WebhookTargetPolicy = { allowPrivateTargets: false };

/** Reads SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: `1`/`true`/`on`/`yes` allows private targets; unset or an off word does not. */
export function webhookTargetPolicyFromEnv(env: NodeJS.ProcessEnv): WebhookTargetPolicy {
  return { allowPrivateTargets: booleanFromEnv(env, 'SIGHTLINE_WEBHOOK_ALLOW_PRIVATE') ?? false };
}

/** What each non-public ipaddr.js range is, in the words of an error message. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  linkLocal: 'a link-local address (where cloud metadata endpoints live)',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  uniqueLocal: 'a unique local address (fc00::/7)',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

/**
 * Why a literal IP address may not be a webhook target, or null when it is public. Only global
 * unicast passes: IPv4-mapped IPv6 is judged as the IPv4 address it carries, and IPv6 must also be
 * in 2000::/3 (where every public IPv6 address is), which leaves out the deprecated IPv4-compatible
 * form (::127.0.0.1) and anything ipaddr.js does not name.
 */
export function addressProblem(address: string): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  const ip = ipaddr.process(address);
  const range = ip.range();
  const globalUnicast =
    range === 'unicast' && (ip.kind() === 'ipv4' || ip.match(ipaddr.parseCIDR('2000::/3')));
  if (globalUnicast) return null;
  const what =
    RANGE_NAMES[range] ??
    (range === 'unicast' ? 'outside public IPv6 space (2000::/3)' : `a special-purpose address (${range})`);
  return `${address} is ${what}`;
}

/** Hosts that name this machine whatever DNS says (RFC 6761: `localhost` and `*.localhost`). */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Why a webhook URL may not be set, or null: the scheme, no credentials, and a host that is not
 * a non-public IP literal or `localhost` (what can be told without DNS). Names are checked again
 * on every delivery, after DNS resolution (`checkedLookup` in webhook-post.ts).
 */
export function webhookUrlProblem(url: string, policy: WebhookTargetPolicy): string | null {
  return urlProblem(url, policy, true);
}

/**
 * The check before each delivery attempt: as `webhookUrlProblem`, but a name is left to the DNS
 * check (it covers `localhost` too, and a URL stored before these checks existed). IP literals
 * must be checked here: the connect does not look them up.
 */
export function deliveryUrlProblem(url: string, policy: WebhookTargetPolicy): string | null {
  return urlProblem(url, policy, false);
}

function urlProblem(url: string, policy: WebhookTargetPolicy, checkNames: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http(s) URL';
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials';
  if (policy.allowPrivateTargets) return null;
  // The URL parser already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) {
    const problem = addressProblem(host);
    return problem ? `${problem}; webhooks must reach a public address` : null;
  }
  if (checkNames && isLocalhostName(host))
    return `${host} is this machine; webhooks must reach a public address`;
  return null;
}
