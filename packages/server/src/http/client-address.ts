import ipaddr from 'ipaddr.js';

/**
 * The "client" that per-client limits count: an IPv4 address, or an IPv6 /64. One IPv6 host is
 * usually handed a whole /64, so counting single IPv6 addresses would let it be thousands of
 * clients. IPv4-mapped IPv6 (::ffff:1.2.3.4, what a dual-stack listener reports) is the IPv4 address.
 * Behind a reverse proxy every connection is the proxy's: raise the per-client limits there.
 */
export function clientKey(remoteAddress: string | undefined): string {
  if (!remoteAddress || !ipaddr.isValid(remoteAddress)) return 'unknown';
  const ip = ipaddr.process(remoteAddress);
  if (ip.kind() === 'ipv4') return ip.toString();
  const prefix = (ip as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}
