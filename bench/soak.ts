/**
 * Soak (docs/ARCHITECTURE.md, Budgets: lag p95 ≤ 250 ms every minute, RSS flat and ≤ 1 GiB):
 * one DuckDB server takes the fixed-rate load (20k events/s, lib/background-load.ts) for
 * `minutes` with the stream processor running and a few Overview dashboards subscribed over
 * /v1/live. /healthz and the server's RSS are sampled every 100 ms; each minute gets its
 * loader and processor lag p95, RSS max, events appended per second and live results pushed.
 */
import { startSightline } from '../e2e/support/sightline.js';
import { fixedRateLoad, startLoadGenerator } from './lib/background-load.js';
import { BUDGETS, loadShortfall, verdict } from './lib/budgets.js';
import { type DashboardConnection, openOverviewDashboard } from './lib/dashboard-subscriptions.js';
import { type HealthSample, sampleHealth, summarizeLag } from './lib/health-sampler.js';
import { rssMiB } from './lib/server.js';
import { fmt } from './lib/stats.js';

export interface SoakOptions {
  minutes: number;
  /** Overview dashboards kept open (each: one connection, three subscriptions). */
  dashboards: number;
}

const MINUTE_MS = 60_000;

interface MinuteRow {
  minute: number;
  appendedPerSecond: number;
  loaderP95: number;
  processorP95: number;
  processorMax: number;
  rssMax: number;
  liveResults: number;
  missing: number;
}

function minuteRows(samples: HealthSample[], resultTimes: number[], startedAt: number, minutes: number) {
  const rows: MinuteRow[] = [];
  for (let m = 0; m < minutes; m++) {
    const inMinute = samples.filter((s) => s.at >= m * MINUTE_MS && s.at < (m + 1) * MINUTE_MS);
    const lag = summarizeLag(inMinute);
    const logged = inMinute.filter((s) => s.log);
    const first = logged[0];
    const last = logged[logged.length - 1];
    const appendedPerSecond =
      first && last && last.at > first.at
        ? ((last.log!.appended_events - first.log!.appended_events) * 1000) / (last.at - first.at)
        : Number.NaN;
    const from = startedAt + m * MINUTE_MS;
    rows.push({
      minute: m + 1,
      appendedPerSecond,
      loaderP95: lag.loader.p95,
      processorP95: lag.processor.p95,
      processorMax: lag.processor.max,
      rssMax: lag.rssMax,
      liveResults: resultTimes.filter((t) => t >= from && t < from + MINUTE_MS).length,
      missing: lag.missing,
    });
  }
  return rows;
}

export async function benchSoak(options: SoakOptions): Promise<string[]> {
  const server = await startSightline();
  const pid = server.child.pid!;
  const dashboards: DashboardConnection[] = [];
  try {
    for (let i = 0; i < options.dashboards; i++)
      dashboards.push(await openOverviewDashboard(server.url, server.secretKey));
    const running = startLoadGenerator(server, fixedRateLoad(options.minutes * 60));
    await running.started;
    const startedAt = performance.now();
    const sampler = sampleHealth(server.url, pid);
    const load = await running.done.finally(() => sampler.stop());
    const samples = await sampler.stop();
    const peak = rssMiB(pid).peak;
    const rows = minuteRows(
      samples,
      dashboards.flatMap((d) => d.results),
      startedAt,
      options.minutes,
    );
    const lagOk = rows.every((r) => r.loaderP95 <= BUDGETS.lagP95Ms && r.processorP95 <= BUDGETS.lagP95Ms);
    const rssOk = peak <= BUDGETS.soakRssMiB;
    const errors = dashboards.flatMap((d) => d.errors);
    for (const r of rows)
      process.stderr.write(
        `  soak minute ${r.minute}: loader p95 ${fmt(r.loaderP95)} ms, processor p95 ${fmt(r.processorP95)} ms, RSS ${fmt(r.rssMax)} MiB\n`,
      );
    return [
      '',
      `## Soak: ${fmt(BUDGETS.loadEventsPerSecond)} events/s paced (${fmt(load.eventsPerSecond)} acknowledged) for ${options.minutes} min, processor running, ${options.dashboards} Overview dashboards live (/healthz + RSS every 100 ms)`,
      '',
      '| minute | events/s appended | loader lag p95 ms | processor lag p95 ms | processor lag max ms | server RSS max MiB | live results pushed | samples without event log |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.minute} | ${fmt(r.appendedPerSecond)} | ${fmt(r.loaderP95)} | ${fmt(r.processorP95)} | ${fmt(r.processorMax)} | ${fmt(r.rssMax)} | ${r.liveResults} | ${r.missing} |`,
      ),
      '',
      `Load: ${fmt(load.eventsPerSecond)} events/s acknowledged (${fmt(load.acked)} events), ack p99 ${fmt(load.p99, 1)} ms, 503: ${load.unavailable}, other non-200: ${load.failed}. ` +
        `Live errors: ${errors.length}${errors.length > 0 ? ` (first: ${errors[0]})` : ''}.`,
      '',
      `Verdicts: lag p95 ≤ ${BUDGETS.lagP95Ms} ms every minute (loader and processor): ${verdict(lagOk)}; ` +
        `server RSS ≤ ${fmt(BUDGETS.soakRssMiB)} MiB throughout (peak ${fmt(peak)} MiB): ${verdict(rssOk)}.`,
      ...loadShortfall(load.eventsPerSecond),
    ];
  } finally {
    for (const d of dashboards) d.close();
    await server.stop();
  }
}
