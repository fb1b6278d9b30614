import { readFileSync } from 'node:fs';
import { definedOnly, positiveIntegerFromEnv } from '../env.js';

/**
 * Open sockets the HTTP server keeps at once (SSE streams, live WebSockets and keep-alive
 * connections included). Each is a file descriptor: past the process's limit, accept() fails and
 * the server is unreachable for everyone. 4,096 holds the SSE streams (3,072 at most,
 * intervention-hub) with a quarter left for capture and queries; it is lowered to fit the
 * open-file limit when that is smaller (see fitToOpenFiles).
 */
export const DEFAULT_MAX_CONNECTIONS = 4_096;

/**
 * Open sockets per client (an IPv4 address or IPv6 /64, client-address.ts). A browser tab holds
 * about two (a keep-alive capture connection and the intervention stream), so 512 lets an office
 * or campus of ~250 people share one NAT address, while one address can take an eighth of the
 * server at most.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 512;

/**
 * Refused sockets that may linger while their short error answer is written. Past it, new
 * sockets over the caps are closed without an answer: under a flood, even answering costs.
 */
export const DEFAULT_MAX_REFUSING = 64;

/** How long a refused socket may take to read its answer before it is closed. */
export const REFUSAL_LINGER_MS = 2_000;

/**
 * File descriptors kept free for everything that is not a client socket: the database and its
 * WAL and spill files, worker threads, ClickHouse and webhook sockets, demo uploads, refused
 * sockets lingering, stdio.
 */
export const FD_RESERVE = 256;

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerClient: number;
  maxRefusing: number;
}

export const DEFAULT_CONNECTION_LIMITS: Readonly<ConnectionLimits> = {
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  maxConnectionsPerClient: DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
  maxRefusing: DEFAULT_MAX_REFUSING,
};

/** The operator's overrides: SIGHTLINE_MAX_CONNECTIONS, SIGHTLINE_MAX_CONNECTIONS_PER_IP (positive integers). */
export function connectionLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<ConnectionLimits> {
  return definedOnly({
    maxConnections: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_CONNECTIONS'),
    maxConnectionsPerClient: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_CONNECTIONS_PER_IP'),
    maxRefusing: undefined,
  });
}

/**
 * The limits in force: the defaults with the given overrides, the total lowered to what the
 * open-file limit allows (Node raises the soft limit to the hard one at start, so that is the
 * real ceiling), and the per-client cap never above the total.
 */
export function fitToOpenFiles(
  limits: Partial<ConnectionLimits>,
  openFiles: number | undefined = openFileLimit(),
): ConnectionLimits {
  const wanted = { ...DEFAULT_CONNECTION_LIMITS, ...limits };
  let maxConnections = wanted.maxConnections;
  if (openFiles !== undefined) {
    const room = Math.max(Math.floor(openFiles / 2), openFiles - FD_RESERVE);
    if (room < maxConnections) {
      console.warn(
        `[sightline] connection cap lowered from ${maxConnections} to ${room}: the open-file limit is ${openFiles} (ulimit -n)`,
      );
      maxConnections = room;
    }
  }
  return {
    ...wanted,
    maxConnections,
    maxConnectionsPerClient: Math.min(wanted.maxConnectionsPerClient, maxConnections),
  };
}

/** This process's open-file limit where the OS tells (Linux /proc); undefined elsewhere or unlimited. */
export function openFileLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}
