import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { resolveConfig } from '../config.js';
import { eventToNdjson, parseExportRange } from '../export/ndjson.js';
import { DEFAULT_PROJECT_ID } from '../projects/default-project.js';
import { openEngine } from '../storage/open-engine.js';

export interface ExportFlags {
  dataDir?: string;
  out?: string;
  project?: string;
  from?: string;
  to?: string;
}

/** `sightline export`: the same NDJSON as GET /v1/export, read straight from a stopped server's data dir. */
export async function runExport(flags: ExportFlags): Promise<void> {
  const config = resolveConfig({ ...(flags.dataDir ? { dataDir: flags.dataDir } : {}) });
  // The same bounds as GET /v1/export: finite, inside the export window, from <= to.
  const range = parseExportRange(flags.from ?? null, flags.to ?? null);
  if ('error' in range) throw new Error(`--from/--to: ${range.error}`);
  const engine = await openEngine(config);
  const out: Writable = flags.out ? createWriteStream(flags.out) : process.stdout;
  // The bar goes to stderr so stdout stays pure NDJSON.
  const bar = new SingleBar({
    format: 'exporting [{bar}] {percentage}% | {value}/{total} events | {duration_formatted}',
    stream: process.stderr,
    noTTYOutput: Boolean(flags.out),
    notTTYSchedule: 2000,
  });
  try {
    const projectId = flags.project ?? DEFAULT_PROJECT_ID;
    bar.start(await engine.countEvents(projectId, range), 0);
    for await (const chunk of engine.exportEvents(projectId, range)) {
      if (!out.write(chunk.map(eventToNdjson).join(''))) await once(out, 'drain');
      bar.increment(chunk.length);
    }
  } finally {
    bar.stop();
    await engine.close();
  }
  if (flags.out) {
    out.end();
    await once(out, 'finish');
  }
}
