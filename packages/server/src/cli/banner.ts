import type { RunningSightline } from '../app.js';
import type { SightlineConfig } from '../config.js';

/** What a newcomer needs after `npm start`: where it runs and which key goes where. */
export function startBanner(app: RunningSightline, config: SightlineConfig): string {
  return [
    '',
    `Sightline listening on ${app.url}`,
    `  engine:      ${config.engine} (data in ${config.dataDir})`,
    `  public key:  ${app.keys.publicKey}   (capture: safe to embed in web pages)`,
    `  secret key:  ${app.keys.secretKey}   (queries and export: keep it private)`,
    '',
    '  send an event:',
    `    curl -s ${app.url}/v1/events -H 'content-type: application/json' \\`,
    `      -d '{"api_key":"${app.keys.publicKey}","batch":[{"uuid":"'$(uuidgen)'","event":"hello","distinct_id":"me"}]}'`,
    '  read it back:',
    `    curl -s ${app.url}/v1/export -H 'authorization: Bearer ${app.keys.secretKey}'`,
    '',
  ].join('\n');
}
