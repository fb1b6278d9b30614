import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'tsconfig.base.json'),
    '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext" } }',
  );
  return dir;
}

async function cruise(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(DEPCRUISE, ['--config', CONFIG, 'packages'], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('npm run check:imports enforces the import rules of docs/ARCHITECTURE.md', () => {
  it('fails when a browser package imports server code or the server imports a driver outside storage/<engine>/', async () => {
    const dir = tree({
      'packages/server/src/ingest/thing.ts': 'export const thing = 1;\n',
      'packages/server/src/ingest/uses-driver.ts':
        "import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\n",
      'packages/sdk/src/index.ts':
        "import { thing } from '../../server/src/ingest/thing.js';\nexport const y = thing;\n",
    });
    const { code, output } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(output).toContain('browser-imports-server');
    expect(output).toMatch(/engine-driver(-module)?-outside-storage-engine-folder/);
  });

  it('fails when storage imports the query layer, sql/ imports the server, or server modules import each other in a cycle', async () => {
    const dir = tree({
      'packages/server/src/query/scope.ts': 'export const scope = 1;\n',
      'packages/server/src/storage/engine.ts':
        "import { scope } from '../query/scope.js';\nexport const engine = scope;\n",
      'packages/server/src/errors.ts': 'export const code = 1;\n',
      'packages/server/src/sql/sql.ts': "import { code } from '../errors.js';\nexport const s = code;\n",
      'packages/server/src/query/funnel/index.ts':
        "import type { Chain } from './chain.js';\nexport type Spec = { chain?: Chain };\n",
      'packages/server/src/query/funnel/chain.ts':
        "import type { Spec } from './index.js';\nexport type Chain = { spec?: Spec };\n",
    });
    const { code, output } = await cruise(dir);
    expect(code).not.toBe(0);
    expect(output).toContain('storage-imports-upper-layer');
    expect(output).toContain('sql-imports-server');
    expect(output).toContain('server-circular');
  });

  it('passes a tree that follows the rules', async () => {
    const dir = tree({
      'packages/server/src/storage/duckdb/store.ts':
        "import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\n",
      'packages/schema/src/index.ts': 'export const s = 1;\n',
    });
    const { code, output } = await cruise(dir);
    expect(output).not.toContain('error');
    expect(code).toBe(0);
  });
});
