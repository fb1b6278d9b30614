import type { RunningSightline } from '../app.js';
import type { SightlineConfig } from '../config.js';
import { DEMO_TRAFFIC_RATE } from '../demo/traffic.js';
import { bannerSecret } from '../projects/default-project.js';

export interface BannerOptions {
  /** Whether simulated demo traffic is being sent (`--no-demo-traffic` turns it off). */
  demoTraffic?: boolean;
}

function demoLines(app: RunningSightline, options: BannerOptions): string[] {
  return [
    `  demo app:    ${app.url}/demo/`,
    options.demoTraffic
      ? `  demo traffic: on (~${DEMO_TRAFFIC_RATE} simulated events/s on average; --no-demo-traffic or SIGHTLINE_DEMO_TRAFFIC=0 turns it off)`
      : '  demo traffic: off',
  ];
}

/** What a newcomer needs after `npm start`: where it runs and which key goes where. */
export function startBanner(
  app: RunningSightline,
  config: SightlineConfig,
  options: BannerOptions = {},
): string {
  // The secret is printed in full only at the start that generated it; later starts mask it.
  const secret = bannerSecret(app.keys);
  return [
    '',
    `Sightline listening on ${app.url}`,
    // The key sits in the fragment: browsers never send it to the server or in a Referer.
    `  dashboard:   ${app.url}/${secret.link}`,
    // The demo is off unless asked for (--demo): then its lines say where it is.
    ...(config.demo ? demoLines(app, options) : []),
    `  engine:      ${config.engine} (data in ${config.dataDir})`,
    `  public key:  ${app.keys.publicKey}   (capture: safe to embed in web pages)`,
    `  secret key:  ${secret.shown}   (queries and export: keep it private)`,
    '',
    '  send an event:',
    `    curl -s ${app.url}/v1/events -H 'content-type: application/json' \\`,
    `      -d '{"api_key":"${app.keys.publicKey}","batch":[{"uuid":"'$(cat /proc/sys/kernel/random/uuid)'","event":"hello","distinct_id":"me"}]}'`,
    '  read it back:',
    `    curl -s ${app.url}/v1/export -H 'authorization: Bearer ${secret.bearer}'`,
    '  simulate more traffic:',
    `    npx sightline simulate --url ${app.url} --rate 50 --duration 60`,
    '',
  ].join('\n');
}
