import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type FunnelResult,
  funnelArgs,
  type ParsedQueryArgs,
  QUERY_NAMES,
  type QueryArgs,
  type QueryMap,
  type QueryName,
  type QueryResult,
  sessionTimelineArgs,
  type TimeRange,
} from '../src/index.js';

describe('QueryMap', () => {
  it('has one entry per name of QUERY_NAMES, and no other', () => {
    expectTypeOf<(typeof QUERY_NAMES)[number]>().toEqualTypeOf<QueryName>();
    expect(new Set(QUERY_NAMES).size).toBe(QUERY_NAMES.length);
  });

  it('gives callers the input type (defaults optional) and the server the parsed one', () => {
    expectTypeOf<QueryResult<'funnel'>>().toEqualTypeOf<FunnelResult>();
    expectTypeOf<QueryArgs<'funnel'>>().toEqualTypeOf<QueryMap['funnel']['args']>();
    expectTypeOf<QueryArgs<'funnel'>['time_range']>().toEqualTypeOf<TimeRange | undefined>();
    expectTypeOf<ParsedQueryArgs<'funnel'>['time_range']>().toEqualTypeOf<TimeRange>();
    // A caller may leave every defaulted argument out; the parsed value has them all.
    const parsed: ParsedQueryArgs<'funnel'> = funnelArgs.parse({} satisfies QueryArgs<'funnel'>);
    expect(parsed.unit).toBe('session');
    expect(parsed.steps.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps required arguments required', () => {
    // @ts-expect-error a session timeline needs its session_id
    const none: QueryArgs<'session_timeline'> = {};
    expect(sessionTimelineArgs.safeParse(none).success).toBe(false);
    expect(
      sessionTimelineArgs.safeParse({ session_id: 's1' } satisfies QueryArgs<'session_timeline'>).success,
    ).toBe(true);
  });
});
