import { resolveConfig } from '../config.js';
import { createProject } from '../projects/default-project.js';
import { openEngine } from '../storage/open-engine.js';

/** `sightline project create <id>`: a new project with its own keys (run while the server is stopped). */
export async function runProjectCreate(
  id: string,
  flags: { dataDir?: string; name?: string },
): Promise<void> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) throw new Error('project id: 1-64 of a-z, 0-9, _ and -');
  const engine = await openEngine(resolveConfig(flags.dataDir ? { dataDir: flags.dataDir } : {}));
  try {
    const keys = await createProject(engine, id, flags.name ?? id);
    process.stdout.write(
      `project ${id} created\n  public key:  ${keys.publicKey}\n  secret key:  ${keys.secretKey}   (shown once: store it now)\n`,
    );
  } finally {
    await engine.close();
  }
}

export async function runProjectList(flags: { dataDir?: string }): Promise<void> {
  const engine = await openEngine(resolveConfig(flags.dataDir ? { dataDir: flags.dataDir } : {}));
  try {
    for (const p of await engine.listProjects())
      process.stdout.write(`${p.id}\t${p.name}\t${p.public_key}\n`);
  } finally {
    await engine.close();
  }
}
