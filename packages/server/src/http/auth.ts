import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';
import type { ProjectDirectory } from '../projects/directory.js';
import { PUBLIC_KEY_PREFIX } from '../projects/keys.js';
import type { Project } from '../storage/engine.js';

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}

/** The user of `Authorization: Basic base64(user:password)`: Segment sends its write key there. */
export function basicAuthUser(req: IncomingMessage): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const user = decoded.split(':')[0];
  return user ? user : undefined;
}

/** Capture: the project's public key, from the body's api_key or a Bearer header. */
export function projectForCapture(projects: ProjectDirectory, key: string | undefined): Project {
  if (!key)
    throw new ApiError('missing_api_key', 'send the project public key as api_key or Authorization: Bearer');
  const project = projects.byPublicKey(key);
  if (project) return project;
  if (projects.bySecretKey(key)) {
    throw new ApiError(
      'invalid_api_key',
      'that is a secret key; capture takes the public key (keep the secret private)',
    );
  }
  throw new ApiError('invalid_api_key', 'unknown api key');
}

/** Reading data: only the secret key, only as a Bearer header (never in URLs, where it would be logged). */
export function projectForRead(projects: ProjectDirectory, req: IncomingMessage): Project {
  const key = bearerToken(req);
  if (!key)
    throw new ApiError('missing_secret_key', 'send the project secret key as Authorization: Bearer <secret>');
  const project = projects.bySecretKey(key);
  if (project) return project;
  if (key.startsWith(PUBLIC_KEY_PREFIX) || projects.byPublicKey(key)) {
    throw new ApiError('invalid_secret_key', 'the public key cannot read data; use the secret key');
  }
  throw new ApiError('invalid_secret_key', 'unknown secret key');
}
