import { ApiError } from '../../errors.js';
import { isObject, stringOr, timeMs } from '../wire-values.js';

export const SEGMENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export interface SegmentEnvelope {
  /** `writeKey` from the body (the Basic-auth user is preferred by the route). */
  writeKey: string | undefined;
  messages: unknown[];
  sentAt: number | undefined;
}

/**
 * `/v1/batch` takes `{ batch: [...], writeKey?, sentAt? }`, each message naming its `type`;
 * `/v1/<type>` takes one message whose type is the route's.
 */
export function parseSegmentBody(body: unknown, routeType: SegmentType | 'batch'): SegmentEnvelope {
  if (!isObject(body)) throw new ApiError('invalid_batch', 'body must be a JSON object (a Segment message)');
  const writeKey = stringOr(body['writeKey']);
  const sentAt = timeMs(body['sentAt']);
  if (routeType !== 'batch') return { writeKey, messages: [{ ...body, type: routeType }], sentAt };
  if (!Array.isArray(body['batch']))
    throw new ApiError('invalid_batch', 'body is not a batch: batch must be an array of messages');
  return { writeKey, messages: body['batch'], sentAt };
}
