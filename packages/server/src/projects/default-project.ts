import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageEngine } from '../storage/engine.js';
import { generateKey, hashSecret, maskKey, PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX } from './keys.js';

export const DEFAULT_PROJECT_ID = 'default';

export interface ProjectKeys {
  publicKey: string;
  secretKey: string;
}

/** The default project's keys as the server started with them. */
export interface DefaultProjectKeys extends ProjectKeys {
  /** This start generated the secret key (the first start): the only time a banner prints it in full. */
  generated: boolean;
  /** Where they are kept (mode 0600), for anyone who needs the secret again. */
  keysFile: string;
}

export const KEYS_FILE = 'keys.json';
/** Owner read/write only: the file holds the secret key in plain text. */
const KEYS_FILE_MODE = 0o600;

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
 * else generated once and kept in <data-dir>/keys.json (mode 0600, also enforced on a file an
 * older version left readable) so every start uses the same.
 */
export async function ensureDefaultProject(
  engine: StorageEngine,
  dataDir: string,
  fixed: Partial<ProjectKeys>,
): Promise<DefaultProjectKeys> {
  const keysFile = join(dataDir, KEYS_FILE);
  const stored = await readKeysFile(dataDir);
  const publicKey = fixed.publicKey || stored?.publicKey;
  const secretKey = fixed.secretKey || stored?.secretKey;
  const keys: DefaultProjectKeys = {
    publicKey: publicKey ?? generateKey(PUBLIC_KEY_PREFIX),
    secretKey: secretKey ?? generateKey(SECRET_KEY_PREFIX),
    generated: !secretKey,
    keysFile,
  };
  if (!stored || stored.publicKey !== keys.publicKey || stored.secretKey !== keys.secretKey) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const text = `${JSON.stringify({ publicKey: keys.publicKey, secretKey: keys.secretKey }, null, 2)}\n`;
    await writeFile(keysFile, text, { mode: KEYS_FILE_MODE });
  }
  // writeFile's mode applies only when it creates the file.
  await chmod(keysFile, KEYS_FILE_MODE);
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
  // A new secret key (rotated, perhaps because the old one leaked) ends every dashboard sign-in
  // made with the old one.
  if (existing && existing.secret_key_hash !== secretHash)
    await engine.revokeSignInSessions(DEFAULT_PROJECT_ID, Date.now());
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

/** The secret key where a start banner prints it: the key line, the dashboard link, the curl example. */
export interface BannerSecret {
  /** After "secret key:". */
  shown: string;
  /** Appended to the dashboard URL (`#key=…` signs in at once; empty: sign in by hand). */
  link: string;
  /** After "Bearer " in the export example. */
  bearer: string;
}

/**
 * The secret as a start banner prints it: in full only at the start that generated it, masked
 * afterwards, with where it is kept: start logs are kept and shipped, and a key printed at every
 * start ends up in all of them.
 */
export function bannerSecret(keys: DefaultProjectKeys): BannerSecret {
  if (keys.generated)
    return { shown: keys.secretKey, link: `#key=${keys.secretKey}`, bearer: keys.secretKey };
  return {
    shown: `${maskKey(keys.secretKey)}  (in full: ${keys.keysFile})`,
    link: '',
    bearer: '<secret key>',
  };
}
