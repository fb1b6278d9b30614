import { definedOnly, positiveIntegerFromEnv } from '../env.js';

/**
 * Intervention streams (`GET /v1/interventions`, SSE) one client (an IPv4 address or IPv6 /64)
 * may hold. The public key that opens them is in every web page, so without it one machine could
 * hold every stream. A tab holds one: 128 covers an office of that many people behind one NAT
 * address, and stays a quarter of the per-client connection cap.
 */
export const DEFAULT_MAX_STREAMS_PER_CLIENT = 128;

/**
 * Streams one project may hold: anyone with its public key can open them, so one project's
 * visitors (or someone replaying its key) fill at most two thirds of the total.
 */
export const DEFAULT_MAX_STREAMS_PER_PROJECT = 2_048;

/**
 * Streams in all: three quarters of the server's 4,096 sockets (connection-limits.ts), so capture,
 * queries and the dashboard always find the last quarter free.
 */
export const DEFAULT_MAX_STREAMS = 3_072;

/**
 * Bytes a stream may have waiting to be written. Frames are small (a few hundred bytes per
 * intervention, a heartbeat every 15 s), so a stream this far behind has a peer that stopped
 * reading: it is closed rather than held in memory (a browser's EventSource reconnects).
 */
export const DEFAULT_MAX_STREAM_BUFFER_BYTES = 64 * 1024;

/**
 * A comment line this often keeps proxies from closing an idle stream, and finds peers that went
 * away: writing to a closed connection fails and the stream is dropped.
 */
export const SSE_HEARTBEAT_MS = 15_000;

export interface StreamLimits {
  maxPerClient: number;
  maxPerProject: number;
  maxTotal: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = {
  maxPerClient: DEFAULT_MAX_STREAMS_PER_CLIENT,
  maxPerProject: DEFAULT_MAX_STREAMS_PER_PROJECT,
  maxTotal: DEFAULT_MAX_STREAMS,
  maxBufferedBytes: DEFAULT_MAX_STREAM_BUFFER_BYTES,
  heartbeatMs: SSE_HEARTBEAT_MS,
};

/**
 * The operator's overrides: SIGHTLINE_MAX_SSE_STREAMS, SIGHTLINE_MAX_SSE_STREAMS_PER_IP,
 * SIGHTLINE_MAX_SSE_STREAMS_PER_PROJECT (positive integers).
 */
export function streamLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<StreamLimits> {
  return definedOnly({
    maxTotal: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_SSE_STREAMS'),
    maxPerClient: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_SSE_STREAMS_PER_IP'),
    maxPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_SSE_STREAMS_PER_PROJECT'),
    maxBufferedBytes: undefined,
    heartbeatMs: undefined,
  });
}

/** Share of the server's sockets that streams may hold at most: the rest stays for capture and queries. */
export const STREAM_SHARE_OF_CONNECTIONS = 0.75;

/**
 * The stream limits in force: the defaults with the given overrides, the total lowered to three
 * quarters of the connection cap actually in force (lower than the default when the open-file
 * limit is), so streams can never take every socket.
 */
export function fitStreamsToConnections(limits: Partial<StreamLimits>, maxConnections: number): StreamLimits {
  const wanted = { ...DEFAULT_STREAM_LIMITS, ...limits };
  const maxTotal = Math.min(wanted.maxTotal, Math.floor(maxConnections * STREAM_SHARE_OF_CONNECTIONS));
  return {
    ...wanted,
    maxTotal,
    maxPerProject: Math.min(wanted.maxPerProject, maxTotal),
    maxPerClient: Math.min(wanted.maxPerClient, maxTotal),
  };
}
