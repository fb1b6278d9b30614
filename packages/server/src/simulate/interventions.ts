import { pageContext } from './exit.js';
import { type Rng, uuidv7 } from './prng.js';
import type { SimEvent } from './timeline.js';

export interface ReceivedIntervention {
  id: string;
  action: string;
  message?: string;
}

/**
 * Listens on `GET /v1/interventions` for one session, as the SDK's EventSource does (the public
 * key in the URL). Returns a function that closes the stream.
 */
export function listenForInterventions(
  url: string,
  key: string,
  sessionId: string,
  onIntervention: (intervention: ReceivedIntervention) => void,
): () => void {
  const controller = new AbortController();
  const query = new URLSearchParams({ session_id: sessionId, api_key: key });
  void (async () => {
    try {
      const res = await fetch(`${url}/v1/interventions?${query}`, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (!res.ok || !res.body) return;
      const decoder = new TextDecoder();
      let buffered = '';
      // A reader loop, not `for await`: the DOM typings of the test build lack the stream iterator.
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const lines = frame.split('\n');
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (lines.includes('event: intervention') && data)
            onIntervention(JSON.parse(data) as ReceivedIntervention);
        }
      }
    } catch {
      // Closed by us, or the server went away: a simulated visitor just carries on.
    }
  })();
  return () => controller.abort();
}

/**
 * How a visitor answers an intervention the page showed: `$intervention_shown` within a second,
 * then accepted (60 %) or dismissed a few seconds later, as the demo page's banner reports them.
 */
export function interventionReaction(
  rng: Rng,
  last: SimEvent,
  intervention: ReceivedIntervention,
  now: number,
): SimEvent[] {
  const base = { distinct_id: last.distinct_id, session_id: last.session_id };
  const context = pageContext(last);
  const shownAt = now + rng.int(200, 900);
  const resultAt = shownAt + rng.int(1500, 6000);
  return [
    {
      ...base,
      uuid: uuidv7(rng, shownAt),
      event: '$intervention_shown',
      timestamp: shownAt,
      properties: { ...context, intervention_id: intervention.id, action: intervention.action },
    },
    {
      ...base,
      uuid: uuidv7(rng, resultAt),
      event: '$intervention_result',
      timestamp: resultAt,
      properties: {
        ...context,
        intervention_id: intervention.id,
        action: intervention.action,
        result: rng.chance(0.6) ? 'accepted' : 'dismissed',
      },
    },
  ];
}
