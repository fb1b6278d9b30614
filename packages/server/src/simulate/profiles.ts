import type { Rng } from './prng.js';

/** A visitor's device: the User-Agent the server parses and the viewport clicks land in. */
export interface DeviceProfile {
  kind: 'desktop' | 'mobile' | 'tablet';
  userAgent: string;
  screenWidth: number;
  screenHeight: number;
  /** Upload bandwidth in bytes/s (a phone on mobile data uploads slower than an office desktop). */
  uploadBytesPerSecond: [number, number];
}

/** Roughly the browser mix of a consumer web app; weights are shares. */
export const DEVICES: ReadonlyArray<readonly [DeviceProfile, number]> = [
  [
    {
      kind: 'desktop',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      screenWidth: 1920,
      screenHeight: 1080,
      uploadBytesPerSecond: [2_000_000, 12_000_000],
    },
    34,
  ],
  [
    {
      kind: 'desktop',
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      screenWidth: 1440,
      screenHeight: 900,
      uploadBytesPerSecond: [2_000_000, 10_000_000],
    },
    14,
  ],
  [
    {
      kind: 'desktop',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
      screenWidth: 1680,
      screenHeight: 1050,
      uploadBytesPerSecond: [1_500_000, 8_000_000],
    },
    7,
  ],
  [
    {
      kind: 'desktop',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
      screenWidth: 1536,
      screenHeight: 864,
      uploadBytesPerSecond: [1_500_000, 8_000_000],
    },
    8,
  ],
  [
    {
      kind: 'mobile',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      screenWidth: 390,
      screenHeight: 844,
      uploadBytesPerSecond: [400_000, 4_000_000],
    },
    20,
  ],
  [
    {
      kind: 'mobile',
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
      screenWidth: 412,
      screenHeight: 915,
      uploadBytesPerSecond: [300_000, 3_000_000],
    },
    12,
  ],
  [
    {
      kind: 'tablet',
      userAgent:
        'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      screenWidth: 820,
      screenHeight: 1180,
      uploadBytesPerSecond: [800_000, 6_000_000],
    },
    5,
  ],
];

export const REFERRERS: ReadonlyArray<readonly [string, number]> = [
  ['', 40],
  ['https://www.google.com/', 30],
  ['https://news.ycombinator.com/', 8],
  ['https://twitter.com/', 7],
  ['https://www.youtube.com/', 10],
  ['https://duckduckgo.com/', 5],
];

/** Video files people pick: MIME type, extension, size range in bytes. */
export const VIDEO_FILES: ReadonlyArray<
  readonly [{ type: string; ext: string; size: [number, number] }, number]
> = [
  [{ type: 'video/mp4', ext: 'mp4', size: [2_000_000, 180_000_000] }, 62],
  [{ type: 'video/quicktime', ext: 'mov', size: [5_000_000, 190_000_000] }, 20],
  [{ type: 'video/webm', ext: 'webm', size: [1_000_000, 80_000_000] }, 12],
  [{ type: 'video/x-matroska', ext: 'mkv', size: [10_000_000, 190_000_000] }, 6],
];

export const FILE_NAMES = ['holiday', 'demo-take', 'IMG_4021', 'screen-recording', 'interview', 'gameplay'];

export function pickDevice(rng: Rng): DeviceProfile {
  return rng.weighted(DEVICES);
}

/** The `web_vitals` the SDK sends when the page is left; phones paint later. */
export function webVitals(rng: Rng, mobile: boolean): Record<string, number> {
  return {
    lcp: rng.int(mobile ? 900 : 400, 2400),
    inp: rng.int(40, 180),
    cls: rng.int(0, 8) / 100,
    fcp: rng.int(300, 1600),
    ttfb: rng.int(20, 400),
  };
}
