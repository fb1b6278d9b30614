import { type Browser, chromium } from 'playwright-core';

/**
 * A desktop Chrome's User-Agent: headless Chromium says `HeadlessChrome`, which Sightline's ingest
 * recognises as a bot and drops by default, as it would a real headless crawler.
 */
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Debian's Chromium, headless, without background traffic (the machines have no network), as a
 * desktop Chrome (a later `--user-agent` in `extraArgs` wins).
 */
export const launchChromium = (extraArgs: readonly string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--user-agent=${DESKTOP_CHROME_UA}`,
      ...extraArgs,
    ],
  });
