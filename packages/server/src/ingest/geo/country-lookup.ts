/**
 * IP address → ISO 3166-1 alpha-2 country, offline, from the database the `geoip-country` package
 * ships (MaxMind's GeoLite2 Country, IPv4 and IPv6, refreshed with each package release). The
 * package reads its files synchronously when first imported (about 17 MB of memory, tens of ms),
 * so the server imports it once at start (loadCountryLookup) rather than on a request.
 */

/** Looks up one address; '' when the address is not an IP or its range is unknown (private, loopback). */
export type CountryLookup = (ip: string) => string;

/** ISO 3166-1 alpha-2: what the `country` column holds (besides '' for unknown). */
const COUNTRY_CODE = /^[A-Z]{2}$/;

export async function loadCountryLookup(): Promise<CountryLookup> {
  const { default: geoip } = await import('geoip-country');
  return (ip) => {
    let code: string | undefined;
    try {
      code = geoip.lookup(ip)?.country;
    } catch {
      // Text that is not an address (a proxy's header can hold anything) is an unknown country.
      return '';
    }
    return code !== undefined && COUNTRY_CODE.test(code) ? code : '';
  };
}
