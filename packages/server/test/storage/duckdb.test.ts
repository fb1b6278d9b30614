import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { storageConformance } from './conformance.js';

storageConformance('duckdb', {
  async create() {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-duckdb-')), 'test.duckdb');
    return { engine: await openDuckDbEngine({ path }), reopen: () => openDuckDbEngine({ path }) };
  },
});
