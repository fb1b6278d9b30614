import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkedLookup } from '../../src/delivery/webhook-post.js';
import {
  addressProblem,
  deliveryUrlProblem,
  webhookTargetPolicyFromEnv,
  webhookUrlProblem,
} from '../../src/delivery/webhook-target.js';

const strict = { allowPrivateTargets: false };

describe('webhook target checks', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.254', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['169.254.169.254', /link-local/],
    ['169.254.0.1', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['192.0.2.1', /reserved/],
    ['240.0.0.1', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['fc00::1', /unique local/],
    ['fdff:ffff::1', /unique local/],
    ['ff02::1', /multicast/],
    // IPv4-mapped IPv6 is judged as the IPv4 address inside it.
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:169.254.169.254', /link-local/],
    ['::ffff:100.64.0.1', /carrier-grade NAT/],
    // Forms that embed an IPv4 address some other way, and documentation space.
    ['::7f00:1', /outside public IPv6 space/],
    ['64:ff9b::7f00:1', /special-purpose/],
    ['2002:7f00:1::1', /special-purpose/],
    ['2001:db8::1', /reserved/],
  ])('refuses %s', (address, reason) => {
    expect(addressProblem(address)).toMatch(reason);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '::ffff:8.8.8.8', '2606:4700::1111'])(
    'allows the public address %s',
    (address) => {
      expect(addressProblem(address)).toBeNull();
    },
  );

  it.each([
    ['http://127.1/', /127\.0\.0\.1 is a loopback/],
    ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.0.0.1:8080/x', /127\.0\.0\.1 is a loopback/],
    ['http://[::1]:9000/', /::1 is a loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[0:0:0:0:0:ffff:a00:1]/', /private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://0/', /unspecified/],
    ['http://localhost:8080/', /localhost is this machine/],
    ['http://LOCALHOST./', /is this machine/],
    ['http://api.localhost/', /api\.localhost is this machine/],
    ['ftp://example.com/', /http\(s\)/],
    ['file:///etc/passwd', /http\(s\)/],
    ['gopher://example.com/', /http\(s\)/],
    ['http://user:pw@example.com/', /credentials/],
    ['not a url', /not a valid URL/],
  ])('refuses the URL %s when set', (url, reason) => {
    expect(webhookUrlProblem(url, strict)).toMatch(reason);
  });

  it('allows public URLs, and everything http(s) with the operator flag', () => {
    expect(webhookUrlProblem('https://hooks.example.com/sightline?x=1', strict)).toBeNull();
    expect(webhookUrlProblem('http://8.8.8.8:8080/', strict)).toBeNull();
    const open = { allowPrivateTargets: true };
    expect(webhookUrlProblem('http://127.0.0.1:9/', open)).toBeNull();
    expect(webhookUrlProblem('http://localhost/', open)).toBeNull();
    expect(webhookUrlProblem('ftp://127.0.0.1/', open)).toMatch(/http\(s\)/);
  });

  it('leaves names to the DNS check at delivery, but never IP literals', () => {
    expect(deliveryUrlProblem('http://localhost:8080/', strict)).toBeNull();
    expect(deliveryUrlProblem('http://[::1]/', strict)).toMatch(/loopback/);
    expect(deliveryUrlProblem('http://169.254.169.254/', strict)).toMatch(/link-local/);
  });

  it('reads SIGHTLINE_WEBHOOK_ALLOW_PRIVATE', () => {
    expect(webhookTargetPolicyFromEnv({})).toEqual({ allowPrivateTargets: false });
    expect(webhookTargetPolicyFromEnv({ SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: '0' })).toEqual({
      allowPrivateTargets: false,
    });
    expect(webhookTargetPolicyFromEnv({ SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: '1' })).toEqual({
      allowPrivateTargets: true,
    });
    expect(() => webhookTargetPolicyFromEnv({ SIGHTLINE_WEBHOOK_ALLOW_PRIVATE: 'yes please' })).toThrow(
      /SIGHTLINE_WEBHOOK_ALLOW_PRIVATE/,
    );
  });
});

describe('the lookup a delivery connects with', () => {
  const lookupAll = (policy: { allowPrivateTargets: boolean }, name: string) =>
    new Promise<LookupAddress[]>((resolve, reject) =>
      checkedLookup(policy)(name, { all: true }, (error, addresses) =>
        error ? reject(error) : resolve(addresses as unknown as LookupAddress[]),
      ),
    );

  it('resolves a name (real DNS: localhost) and refuses it when any address is not public', async () => {
    await expect(lookupAll(strict, 'localhost')).rejects.toThrow(/localhost resolves to .* loopback/);
  });

  it('hands the connect exactly the addresses it checked', async () => {
    const addresses = await lookupAll({ allowPrivateTargets: true }, 'localhost');
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect(addressProblem(a.address)).toMatch(/loopback/);
  });
});
