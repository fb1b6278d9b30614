import type { StorageErrorKind } from '../engine.js';
import { errorText, StorageUnavailableError } from '../engine-health.js';

/** The socket-level failures of reaching a server (Node's error codes, and the client's own timeout). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);
const UNREACHABLE_TEXT = /socket hang up|Timeout error|connect E[A-Z]+|other side closed/i;

/**
 * ClickHouse exception codes that mean the server cannot store or serve now, whatever the
 * statement: disk, memory, its own network, load and credentials. Everything else (parse errors,
 * type errors, out-of-range values, a cancelled or timed-out query…) is about the statement.
 */
const STORAGE_CODES = new Map<number, string>([
  [74, 'I/O error'], // CANNOT_READ_FROM_FILE_DESCRIPTOR
  [75, 'I/O error'], // CANNOT_WRITE_TO_FILE_DESCRIPTOR
  [76, 'I/O error'], // CANNOT_OPEN_FILE
  [173, 'out of memory'], // CANNOT_ALLOCATE_MEMORY
  [241, 'out of memory'], // MEMORY_LIMIT_EXCEEDED
  [243, 'disk full'], // NOT_ENOUGH_SPACE
  [242, 'table read-only'], // TABLE_IS_READ_ONLY
  [202, 'server overloaded'], // TOO_MANY_SIMULTANEOUS_QUERIES
  [252, 'server overloaded'], // TOO_MANY_PARTS
  [209, 'unreachable'], // SOCKET_TIMEOUT
  [210, 'unreachable'], // NETWORK_ERROR
  [279, 'unreachable'], // ALL_CONNECTION_TRIES_FAILED
  [225, 'coordination unavailable'], // NO_ZOOKEEPER
  [999, 'coordination unavailable'], // KEEPER_EXCEPTION
  [192, 'credentials refused'], // UNKNOWN_USER
  [193, 'credentials refused'], // WRONG_PASSWORD
  [516, 'credentials refused'], // AUTHENTICATION_FAILED
]);
const OUT_OF_MEMORY_CODES = new Set([173, 241]);

/** The exception code: @clickhouse/client's ClickHouseError has it as `code`; chDB only in the text. */
function exceptionCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  const match = /\bCode: (\d+)\./.exec(errorText(error));
  return match ? Number(match[1]) : null;
}

function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  }
  return UNREACHABLE_TEXT.test(errorText(error));
}

/** `storage` when ClickHouse is out of reach or cannot store, `data` when the statement was at fault. */
export function classifyStorageError(error: unknown): StorageErrorKind {
  if (error instanceof StorageUnavailableError) return 'storage';
  const code = exceptionCode(error);
  if (code !== null) return STORAGE_CODES.has(code) ? 'storage' : 'data';
  return isUnreachable(error) ? 'storage' : 'data';
}

/** A few words on a storage failure, safe to show anyone (the full message goes to the log). */
export function storageFailureReason(error: unknown): string {
  const code = exceptionCode(error);
  if (code !== null) return STORAGE_CODES.get(code) ?? 'storage failure';
  return isUnreachable(error) ? 'unreachable' : 'storage failure';
}

/** A read over the memory limit asked too much of it; the server still works for everyone else. */
export function isOutOfMemory(error: unknown): boolean {
  const code = exceptionCode(error);
  return code !== null && OUT_OF_MEMORY_CODES.has(code);
}
