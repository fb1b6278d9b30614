import { LIMITS, type RejectedEventCode } from '@sightline/schema';
import { ApiError } from '../errors.js';

/**
 * A pre-parse pass over a capture body's bytes that bounds the work `JSON.parse` and everything
 * after it may do. Measured on Node 20: `JSON.parse` of one 16 MB event with 10⁶ properties takes
 * 1.1 s of the event loop, and merely enumerating its keys another 0.4 s — checking limits after
 * parsing is too late. This scan costs a few ms per MB and stops counting an event as soon as it is
 * over a limit.
 *
 * The events are the elements of the body's event array: the root itself when it is an array, else
 * the value of the root object's `batch` key. An event over a limit is cut out of the text (replaced
 * by `null`) before parsing and reported by its index, so the rest of its batch is still stored.
 * Outside the event array (the envelope, or a body that is a single event) the same limits refuse
 * the whole request: nothing else is in it.
 */

export interface ScanLimits {
  /** Values (scalars, objects, arrays, object members) in one event. */
  maxEventNodes: number;
  /** Nesting of one event, counting the event object itself. */
  maxEventDepth: number;
  /** Nesting of the whole body (envelope plus event). */
  maxBodyDepth: number;
  /** Values outside the event array (the envelope). */
  maxEnvelopeNodes: number;
}

export const CAPTURE_SCAN_LIMITS: ScanLimits = {
  maxEventNodes: LIMITS.maxEventNodes,
  // The event object and the containers around properties (`properties`, Segment's `context.page`).
  maxEventDepth: LIMITS.maxPropertyDepth + 4,
  maxBodyDepth: LIMITS.maxPropertyDepth + 8,
  maxEnvelopeNodes: LIMITS.maxEventNodes,
};

export interface EventCut {
  code: RejectedEventCode;
  error: string;
}

export interface ScannedBody {
  /** The body to parse: the input, or a copy with each cut event replaced by `null`. */
  bytes: Buffer;
  /** Events cut out, by their index in the event array. */
  cut: Map<number, EventCut>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const BATCH_KEY = Buffer.from('"batch"');

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index of the closing quote of the string that opens at `start`, or -1 when unterminated. */
function stringEnd(bytes: Buffer, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, at);
    if (quote < 0) return -1;
    let slashes = 0;
    for (let k = quote - 1; k > start && bytes[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

const overNodes = (limit: number): EventCut => ({
  code: 'too_complex',
  error: `event has more than ${limit} values (properties, array items and object members)`,
});

/**
 * Scans `bytes` (UTF-8 JSON) and cuts out the events over `limits`. Malformed JSON is not judged
 * here (JSON.parse does that afterwards); for well-formed JSON the cut ranges are exact.
 */
export function scanCaptureBody(bytes: Buffer, limits: ScanLimits = CAPTURE_SCAN_LIMITS): ScannedBody {
  const cut = new Map<number, EventCut>();
  const ranges: Array<[number, number]> = [];
  /** Per open container: object (true) or array (false), and whether an object expects a key next. */
  const isObject: boolean[] = [];
  const expectKey: boolean[] = [];
  let depth = 0;
  /** Depth inside the event array, where its elements start (0: not found yet; -1: closed). */
  let eventsAt = 0;
  let batchKeySeen = false;
  let eventIndex = -1;
  let eventStart = -1;
  let eventNodes = 0;
  let eventOver: EventCut | null = null;
  let envelopeNodes = 0;

  const count = () => {
    if (eventStart >= 0) {
      if (eventOver === null && ++eventNodes > limits.maxEventNodes)
        eventOver = overNodes(limits.maxEventNodes);
    } else if (++envelopeNodes > limits.maxEnvelopeNodes) {
      throw new ApiError(
        'too_complex',
        `body has more than ${limits.maxEnvelopeNodes} values outside its events`,
      );
    }
  };
  /** A value (scalar or container) begins at `at`, at the current depth. */
  const begin = (at: number) => {
    if (eventStart < 0 && eventsAt > 0 && depth === eventsAt) {
      eventIndex++;
      eventStart = at;
      eventNodes = 0;
      eventOver = null;
    }
    count();
  };
  /** A value ended just before `end`; back at the event array's depth, an event ended. */
  const finish = (end: number) => {
    if (eventStart < 0 || depth !== eventsAt) return;
    if (eventOver) {
      cut.set(eventIndex, eventOver);
      ranges.push([eventStart, end]);
    }
    eventStart = -1;
  };

  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (isWhitespace(c)) {
      i++;
    } else if (c === COMMA) {
      if (depth > 0 && isObject[depth - 1]) expectKey[depth - 1] = true;
      i++;
    } else if (c === COLON) {
      if (depth > 0) expectKey[depth - 1] = false;
      i++;
    } else if (c === QUOTE) {
      const close = stringEnd(bytes, i);
      const end = close < 0 ? n : close + 1;
      if (depth > 0 && isObject[depth - 1] && expectKey[depth - 1]) {
        count(); // an object member counts as a value of its own
        batchKeySeen = depth === 1 && eventsAt === 0 && bytes.subarray(i, end).equals(BATCH_KEY);
      } else {
        begin(i);
        finish(end);
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const opensEvents = c === OPEN_ARRAY && eventsAt === 0 && (depth === 0 || batchKeySeen);
      begin(i);
      batchKeySeen = false;
      isObject[depth] = c === OPEN_OBJECT;
      expectKey[depth] = c === OPEN_OBJECT;
      depth++;
      if (opensEvents) eventsAt = depth;
      if (eventStart >= 0) {
        if (eventOver === null && depth - eventsAt > limits.maxEventDepth) {
          eventOver = {
            code: 'too_complex',
            error: `event nests deeper than ${limits.maxEventDepth} levels`,
          };
        }
      } else if (depth > limits.maxBodyDepth) {
        throw new ApiError('too_complex', `body nests deeper than ${limits.maxBodyDepth} levels`);
      }
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
      if (eventsAt > 0 && depth < eventsAt)
        eventsAt = -1; // the event array itself closed
      else finish(i + 1);
      i++;
    } else {
      // A number, true, false or null runs to the next delimiter.
      begin(i);
      let j = i + 1;
      while (j < n) {
        const d = bytes[j]!;
        if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || isWhitespace(d)) break;
        j++;
      }
      finish(j);
      i = j;
    }
  }
  if (ranges.length === 0) return { bytes, cut };
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of ranges) {
    parts.push(bytes.subarray(from, start), NULL_BYTES);
    from = end;
  }
  parts.push(bytes.subarray(from));
  return { bytes: Buffer.concat(parts), cut };
}

const NULL_BYTES = Buffer.from('null');
