import type { RiskFactor } from '../friction/catalogue.js';
import type { Rng } from './prng.js';
import { FILE_NAMES, pickDevice, REFERRERS, VIDEO_FILES, webVitals } from './profiles.js';
import { type SimEvent, Timeline } from './timeline.js';

/** Shares of sessions (0..1) that meet each kind of friction; drawn independently per session. */
export interface FrictionOptions {
  /** Three clicks on one spot within 1 s (on the upload button or the analysis panel). */
  rageClicks: number;
  /** A JavaScript error; during an upload also a failed upload (HTTP 500) and a retry or exit. */
  errors: number;
  /** One silence of 11–20 s between two upload_progress events (stall detector: > 10 s). */
  stalls: number;
  /** Leaves the funnel early; half of them walk away for 35–70 s first (long-gap detector: > 30 s). */
  abandon: number;
}

export const DEFAULT_FRICTION: FrictionOptions = {
  rageClicks: 0.1,
  errors: 0.05,
  stalls: 0.05,
  abandon: 0.3,
};

export interface SessionOptions {
  friction?: Partial<FrictionOptions>;
  /** Origin the simulated page is on; `page_view`s say `${origin}/demo/`. */
  origin?: string;
  /**
   * The visitor does not leave early, whatever was drawn (the rest of the session is the same).
   * Replaying a session's seed with this gives the events of a visitor an intervention kept: equal
   * to the original up to where it would have left (rescue.ts).
   */
  staysToTheEnd?: boolean;
}

export type FunnelStage = 'landing' | 'file_selected' | 'uploading' | 'analysing';

export interface SimulatedSession {
  sessionId: string;
  distinctId: string;
  device: 'desktop' | 'mobile' | 'tablet';
  startMs: number;
  endMs: number;
  /** In time order. */
  events: SimEvent[];
  /** The risk factors the stream processor should find in this session (none for a clean one). */
  factors: RiskFactor[];
  outcome: 'analysed' | 'abandoned';
  abandonedAt?: FunnelStage;
}

const UPLOAD = 'video_upload';
const ANALYSIS = 'video_analysis';
/** Clean pacing stays inside every detector's limits: clicks ≥ 1.2 s apart, progress ≤ 6 s apart, pauses < 30 s. */
const CALM_CLICK_GAP: [number, number] = [1200, 6000];
/** A tenth of an upload takes at most this (± 20 %): clean uploads never pause 10 s. */
const MAX_TENTH_MS = 5000;

/**
 * One visit to the demo app, as the SDK in a browser would report it: landing, picking a video,
 * uploading it with progress every 10 %, the analysis, and leaving, with the friction drawn from
 * `options.friction`. Pure: the same rng state and start time give the same events.
 */
export function generateSession(rng: Rng, startMs: number, options: SessionOptions = {}): SimulatedSession {
  const friction = { ...DEFAULT_FRICTION, ...options.friction };
  const device = pickDevice(rng);
  const origin = options.origin ?? 'http://127.0.0.1:8787';
  const sessionId = `sim-${rng.hex(8)}-${rng.hex(4)}`;
  const distinctId = `visitor-${rng.hex(10)}`;
  const tl = new Timeline(rng, startMs, sessionId, distinctId, device, {
    url: `${origin}/demo/`,
    path: '/demo/',
    referrer: rng.weighted(REFERRERS),
  });
  const factors = new Set<RiskFactor>();
  const rage = rng.chance(friction.rageClicks);
  const error = rng.chance(friction.errors);
  const stall = rng.chance(friction.stalls);
  // Both draws are always made, so `staysToTheEnd` changes nothing else about the session.
  const leaves = rng.chance(friction.abandon);
  const leavingStage = rng.weighted<FunnelStage>([
    ['landing', 30],
    ['file_selected', 30],
    ['uploading', 25],
    ['analysing', 15],
  ]);
  const abandonAt: FunnelStage | null = leaves && !options.staysToTheEnd ? leavingStage : null;
  // Where the rage clicks and the error happen.
  const rageDuring = rng.pick(['before_upload', 'analysis'] as const);
  const errorDuring = rng.pick(['upload', 'analysis'] as const);
  const width = device.screenWidth;
  const height = device.screenHeight;

  const click = (id: string, x: number, y: number) =>
    tl.emit('user_click', {
      element_tag: 'button',
      element_id: id,
      element_class: 'btn',
      selector: `#${id}`,
      click_x: Math.round(x),
      click_y: Math.round(y),
    });
  const calmClicks = (count: number) => {
    for (let i = 0; i < count; i++) {
      tl.wait(...CALM_CLICK_GAP);
      click('content', rng.int(10, width - 10), rng.int(10, height - 10));
    }
  };
  const rageClicks = (id: string) => {
    const x = rng.int(40, width - 40);
    const y = rng.int(40, height - 40);
    tl.wait(...CALM_CLICK_GAP);
    // Three: a fourth within 1 s would also be rapid clicking, a different factor.
    for (let i = 0; i < 3; i++) {
      if (i > 0) tl.wait(120, 400);
      click(id, x + rng.int(-8, 8), y + rng.int(-8, 8));
    }
    // The SDK's rage-click plugin reports it too.
    tl.emit('rage_click', { click_count: 3, x, y, selector: `#${id}` });
    factors.add('rage_click');
  };
  const jsError = (message: string) => {
    tl.emit('error', {
      message,
      stack: `${message}\n    at analyse (${origin}/demo/assets/index.js:1:4242)`,
      source: 'window.onerror',
      filename: `${origin}/demo/assets/index.js`,
      lineno: 1,
      colno: 4242,
    });
    factors.add('error_encountered');
  };
  const leave = (stage?: FunnelStage) => {
    for (const name of tl.activeJourneys()) tl.abandon(name, 'page_exit');
    tl.emit('engagement_summary', {
      mouse_movements: rng.int(5, 400),
      scroll_events: rng.int(0, 30),
      click_events: tl.events.filter((e) => e.event === 'user_click').length,
      time_on_page: tl.t - startMs,
    });
    tl.emit('web_vitals', webVitals(rng, device.kind === 'mobile'));
    return finish(stage);
  };
  const finish = (stage?: FunnelStage): SimulatedSession => ({
    sessionId,
    distinctId,
    device: device.kind,
    startMs,
    endMs: tl.t,
    events: tl.events,
    factors: [...factors].sort(),
    outcome: stage ? 'abandoned' : 'analysed',
    ...(stage ? { abandonedAt: stage } : {}),
  });
  /** Walks away (no events) long enough for the long-gap detector, when a journey is active. */
  const walkAway = () => {
    tl.wait(35_000, 70_000);
    if (tl.activeJourneys().length > 0) factors.add('potential_abandonment');
  };

  // Landing.
  tl.emit('page_view', { title: 'Video analysis — Sightline demo' });
  tl.wait(5, 60);
  const load = rng.int(device.kind === 'mobile' ? 700 : 300, 3400);
  tl.emit('page_performance', {
    page_load_time: load,
    dom_ready_time: Math.round(load * 0.7),
    time_to_interactive: Math.round(load * 0.8),
    ttfb: rng.int(20, 400),
    fcp: Math.round(load * 0.5),
    page_type: 'video_analysis',
  });
  calmClicks(rng.int(0, 2));
  if (rng.chance(0.4)) {
    tl.wait(500, 3000);
    tl.emit('scroll_depth', { scroll_percent: 25 });
  }
  if (abandonAt === 'landing') {
    tl.wait(2000, 15_000);
    return leave('landing');
  }

  // Picking a file (the browser's file dialog takes a while).
  const file = rng.weighted(VIDEO_FILES);
  const size = rng.int(...file.size);
  const fileProps = {
    file_size: size,
    file_type: file.type,
    file_name: `${rng.pick(FILE_NAMES)}.${file.ext}`.slice(0, 20),
  };
  tl.wait(1500, 6000);
  click('choose-file', width / 2, height * 0.4);
  tl.wait(1500, 8000);
  let uploadNo = 0;
  const uploadId = () => `up-${sessionId}-${uploadNo}`;
  const selectFile = () => {
    uploadNo++;
    tl.startJourney(UPLOAD, 'file_selected', { file_type: file.type });
    tl.emit('file_selected', { ...fileProps, upload_id: uploadId() });
  };
  selectFile();
  if (abandonAt === 'file_selected') {
    if (rng.chance(0.5)) walkAway();
    else tl.wait(2000, 10_000);
    return leave('file_selected');
  }
  if (rage && rageDuring === 'before_upload') rageClicks('upload-button');

  // Uploading, with progress every 10 % as XMLHttpRequest reports it.
  const bandwidth = rng.int(...device.uploadBytesPerSecond);
  const tenth = Math.min(MAX_TENTH_MS, Math.max(250, (size / bandwidth / 10) * 1000));
  const stallAt = stall ? rng.int(2, 8) * 10 : -1;
  const failAt = error && errorDuring === 'upload' ? rng.int(2, 8) * 10 : -1;
  const cancelTenth = rng.int(1, 6); // drawn either way (see staysToTheEnd)
  const cancelAt = abandonAt === 'uploading' ? cancelTenth * 10 : -1;
  for (let attempt = 0; ; attempt++) {
    tl.wait(800, 3000);
    click('upload-button', width / 2, height * 0.55);
    const startedAt = tl.t;
    tl.emit('upload_started', { ...fileProps, upload_id: uploadId() });
    tl.step(UPLOAD, 'upload_started');
    let failed = false;
    for (let p = 10; p <= 100; p += 10) {
      tl.wait(Math.round(tenth * 0.6), Math.round(tenth * 1.2));
      // Only the first attempt meets the friction: a retry goes through.
      if (attempt === 0 && p === stallAt) {
        tl.wait(11_000, 20_000);
        factors.add('upload_stall');
      }
      if (attempt === 0 && p === failAt) {
        tl.emit('upload_failed', {
          error: 'http_500',
          status: 500,
          upload_duration: tl.t - startedAt,
          upload_id: uploadId(),
        });
        jsError('Upload failed: the server answered 500');
        tl.abandon(UPLOAD, 'upload_error');
        failed = true;
        break;
      }
      if (p === cancelAt) {
        tl.emit('upload_failed', {
          error: 'aborted',
          status: 0,
          upload_duration: tl.t - startedAt,
          upload_id: uploadId(),
        });
        tl.abandon(UPLOAD, 'upload_cancelled');
        tl.wait(1000, 5000);
        return leave('uploading');
      }
      const elapsed = tl.t - startedAt;
      tl.emit('upload_progress', {
        progress_percent: p,
        elapsed_time: elapsed,
        estimated_remaining: Math.round((elapsed / p) * (100 - p)),
        bytes_loaded: Math.round((size * p) / 100),
        bytes_total: size,
        upload_id: uploadId(),
      });
    }
    if (!failed) {
      tl.emit('upload_complete', { upload_duration: tl.t - startedAt, status: 200, upload_id: uploadId() });
      tl.step(UPLOAD, 'upload_complete');
      tl.complete(UPLOAD);
      break;
    }
    // After a failed upload, most people press "Try again".
    if (rng.chance(0.35)) {
      tl.wait(2000, 8000);
      return leave('uploading');
    }
    tl.wait(1500, 5000);
    selectFile();
  }

  // The analysis of the uploaded video.
  tl.wait(100, 600);
  tl.startJourney(ANALYSIS, 'analysis_started', { upload_id: uploadId() });
  tl.emit('analysis_started', { upload_id: uploadId(), file_type: file.type });
  const analysisStart = tl.t;
  if (rage && rageDuring === 'analysis') rageClicks('analysis-panel');
  if (error && errorDuring === 'analysis') {
    tl.wait(300, 2000);
    jsError("TypeError: Cannot read properties of undefined (reading 'duration')");
  }
  if (abandonAt === 'analysing') {
    tl.wait(1000, 4000);
    return leave('analysing');
  }
  tl.wait(1500, 8000);
  tl.emit('analysis_complete', {
    upload_id: uploadId(),
    duration_ms: tl.t - analysisStart,
    format: file.ext,
    video_duration_s: Math.round(size / 1_000_000) * rng.int(3, 8),
  });
  tl.step(ANALYSIS, 'analysis_complete');
  tl.complete(ANALYSIS);

  // Reading the results.
  calmClicks(rng.int(0, 3));
  if (rng.chance(0.6)) {
    tl.wait(1000, 5000);
    tl.emit('scroll_depth', { scroll_percent: 50 });
  }
  tl.wait(2000, 12_000);
  return leave();
}
