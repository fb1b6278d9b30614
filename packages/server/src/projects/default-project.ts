import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageEngine } from '../storage/engine.js';
import { generateKey, hashSecret, PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX } from './keys.js';

export const DEFAULT_PROJECT_ID = 'default';

export interface ProjectKeys {
  publicKey: string;
  secretKey: string;
}

const KEYS_FILE = 'keys.json';

async function readKeysFile(dataDir: string): Promise<ProjectKeys | null> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, KEYS_FILE), 'utf8')) as Partial<ProjectKeys>;
    if (typeof parsed.publicKey === 'string' && typeof parsed.secretKey === 'string') {
      return { publicKey: parsed.publicKey, secretKey: parsed.secretKey };
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * The default project's keys: from SIGHTLINE_PUBLIC_KEY / SIGHTLINE_SECRET_KEY when given,
 * else generated once and kept in <data-dir>/keys.json (mode 0600) so every start prints the same.
 */
export async function ensureDefaultProject(
  engine: StorageEngine,
  dataDir: string,
  fixed: Partial<ProjectKeys>,
): Promise<ProjectKeys> {
  const stored = await readKeysFile(dataDir);
  const keys: ProjectKeys = {
    publicKey: fixed.publicKey || stored?.publicKey || generateKey(PUBLIC_KEY_PREFIX),
    secretKey: fixed.secretKey || stored?.secretKey || generateKey(SECRET_KEY_PREFIX),
  };
  if (!stored || stored.publicKey !== keys.publicKey || stored.secretKey !== keys.secretKey) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, KEYS_FILE), `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  const existing = (await engine.listProjects()).find((p) => p.id === DEFAULT_PROJECT_ID);
  const secretHash = hashSecret(keys.secretKey);
  if (!existing || existing.public_key !== keys.publicKey || existing.secret_key_hash !== secretHash) {
    await engine.upsertProject({
      id: DEFAULT_PROJECT_ID,
      name: existing?.name ?? 'Default project',
      public_key: keys.publicKey,
      secret_key_hash: secretHash,
      created_at: existing?.created_at ?? Date.now(),
    });
  }
  return keys;
}

/** Creates another project with fresh keys; the secret is returned once and only its hash is stored. */
export async function createProject(engine: StorageEngine, id: string, name: string): Promise<ProjectKeys> {
  if ((await engine.listProjects()).some((p) => p.id === id))
    throw new Error(`project "${id}" already exists`);
  const keys = { publicKey: generateKey(PUBLIC_KEY_PREFIX), secretKey: generateKey(SECRET_KEY_PREFIX) };
  await engine.upsertProject({
    id,
    name,
    public_key: keys.publicKey,
    secret_key_hash: hashSecret(keys.secretKey),
    created_at: Date.now(),
  });
  return keys;
}
