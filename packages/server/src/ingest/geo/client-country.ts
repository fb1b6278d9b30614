import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { type CountryLookup, loadCountryLookup } from './country-lookup.js';

/**
 * The country of the client that sent a capture request, from its address: the socket's peer, or,
 * when that peer is a trusted proxy, the address the proxies name in X-Forwarded-For (read from
 * the right, skipping trusted proxies: the first hop no trusted proxy vouches for is the client;
 * `proxy-addr`, the rules Express uses). The address is only looked up, never kept or stored.
 */
export interface GeoOptions {
  /**
   * Addresses or CIDR ranges of reverse proxies in front of Sightline, or `loopback`, `linklocal`,
   * `uniquelocal` (private ranges). Default none: X-Forwarded-For is ignored, since any client can
   * send one and pick its own country.
   */
  trustedProxies: readonly string[];
}

export const DEFAULT_GEO: GeoOptions = { trustedProxies: [] };

/** SIGHTLINE_TRUSTED_PROXIES: a comma-separated list as in GeoOptions.trustedProxies. */
export function geoOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<GeoOptions> {
  const text = env['SIGHTLINE_TRUSTED_PROXIES']?.trim();
  if (!text) return {};
  return {
    trustedProxies: text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  };
}

export class ClientCountry {
  private constructor(
    private readonly lookup: CountryLookup,
    private readonly trusted: (address: string, hop: number) => boolean,
  ) {}

  /** Loads the country database; throws on an entry of trustedProxies that is not an address or range. */
  static async load(options: GeoOptions = DEFAULT_GEO): Promise<ClientCountry> {
    let trusted: (address: string, hop: number) => boolean;
    try {
      trusted = proxyAddr.compile([...options.trustedProxies]);
    } catch (error) {
      throw new Error(`SIGHTLINE_TRUSTED_PROXIES: ${(error as Error).message}`);
    }
    return new ClientCountry(await loadCountryLookup(), trusted);
  }

  /** The request's client address by the trusted-proxy rules ('' when the socket has none). */
  clientAddress(req: IncomingMessage): string {
    if (!req.socket.remoteAddress) return '';
    return proxyAddr(req, this.trusted);
  }

  /** ISO 3166-1 alpha-2 code of the request's client, '' when unknown. */
  countryOf(req: IncomingMessage): string {
    const address = this.clientAddress(req);
    return address ? this.lookup(address) : '';
  }
}
