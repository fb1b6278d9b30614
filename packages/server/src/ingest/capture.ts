import type { BotPolicy, CaptureResponse, RejectedEvent } from '@sightline/schema';
import { ApiError } from '../errors.js';
import { type BotCount, botCountDay, type Project } from '../storage/engine.js';
import type { GroupCommitter } from './group-commit.js';
import type { EventCut } from './json-scan.js';
import { assertBatchSize, type CandidateEvent, validateCandidates } from './native-batch.js';

/** One batch to capture, whatever source and transport it came from. */
export interface CaptureCommand {
  /** The project the batch's public key names (the caller authenticated it). */
  project: Project;
  candidates: readonly CandidateEvent[];
  /** The batch's send time (ms), for clock-skew correction. */
  sentAt: number | undefined;
  /** Server clock when the batch arrived (ms). */
  receivedAt: number;
  /** Events refused while the body was scanned, by index (json-scan.ts). */
  cut?: ReadonlyMap<number, EventCut> | undefined;
  /** The sender's User-Agent string ('' when none), for device and browser columns. */
  userAgent: string;
  /** The sending client's country (ISO 3166-1 alpha-2, '' unknown); its address is not passed on. */
  country: string;
  /** The project's bot setting: drop (count only) or flag (store with `$bot: true`). */
  bots: BotPolicy;
  /**
   * A batch without one valid event: `error` fails the whole batch (native, PostHog v0, Segment:
   * none of their clients retries such a refusal); `answer` still succeeds (PostHog v1 reads
   * per-event drops from the answer).
   */
  allInvalid?: 'error' | 'answer';
}

/** Stores events; the group committer in the server, anything with the same contract elsewhere. */
export type EventCommitter = Pick<GroupCommitter, 'submit'>;

/**
 * What became of a batch. A failure is a refusal of every event in it, listed in `rejected`.
 * Refusals of the request as a whole (too many events, the store unable to take writes) are
 * thrown as ApiError instead, as everywhere else.
 */
export type CaptureResult =
  | { ok: true; response: CaptureResponse }
  | { ok: false; error: ApiError; rejected: RejectedEvent[] };

/**
 * The capture path every source shares: validate and normalise each event on its own, commit the
 * valid ones through the committer, and report only once the rows are durable.
 */
export async function captureBatch(
  command: CaptureCommand,
  committer: EventCommitter,
): Promise<CaptureResult> {
  assertBatchSize(command.candidates.length);
  const { rows, indexes, rejected, droppedBots } = validateCandidates(command.candidates, {
    projectId: command.project.id,
    receivedAt: command.receivedAt,
    sentAt: command.sentAt,
    userAgent: command.userAgent,
    country: command.country,
    bots: command.bots,
    ...(command.cut ? { cut: command.cut } : {}),
  });
  if (rows.length === 0 && droppedBots === 0 && rejected.length > 0 && command.allInvalid !== 'answer') {
    return { ok: false, error: allInvalidError(rejected), rejected };
  }
  const bots: BotCount[] =
    droppedBots > 0
      ? [{ project_id: command.project.id, day: botCountDay(command.receivedAt), dropped: droppedBots }]
      : [];
  const outcome = await committer.submit(rows, bots);
  for (const { row, error } of outcome.refused) {
    rejected.push({ index: indexes[row]!, code: 'storage_rejected', error: `not stored: ${error}` });
  }
  if (outcome.refused.length > 0) rejected.sort((a, b) => a.index - b.index);
  // A dropped bot event is answered as accepted: a bot is not told it was recognised.
  const accepted = rows.length + droppedBots - outcome.refused.length;
  return { ok: true, response: { accepted, duplicates: outcome.duplicates, rejected } };
}

/** An oversized event names the batch's failure (the client must split it); otherwise the first refusal. */
function allInvalidError(rejected: readonly RejectedEvent[]): ApiError {
  const tooLarge = rejected.find((r) => r.code === 'event_too_large');
  if (tooLarge) return new ApiError('event_too_large', `event ${tooLarge.index}: ${tooLarge.error}`);
  const first = rejected[0]!;
  return new ApiError(
    'all_events_invalid',
    `no valid event in the batch; event ${first.index}: ${first.error}`,
  );
}
