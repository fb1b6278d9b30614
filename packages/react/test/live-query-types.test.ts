import type { FunnelResult, OverviewResult, QueryResult } from '@sightline/schema';
import { describe, expectTypeOf, it } from 'vitest';
import { useLiveQuery } from '../src/index.js';

// Type-level only: these calls are checked by the typecheck (tsconfig.tests.json), never run.
describe('useLiveQuery types', () => {
  it('returns the result type of the query it names', () => {
    expectTypeOf(useLiveQuery<'funnel'>).returns.toEqualTypeOf<FunnelResult | undefined>();
    expectTypeOf(useLiveQuery<'overview'>).returns.toEqualTypeOf<OverviewResult | undefined>();
    expectTypeOf(useLiveQuery<'sessions'>).returns.toEqualTypeOf<QueryResult<'sessions'> | undefined>();
  });

  it('accepts the arguments of that query only', () => {
    expectTypeOf(useLiveQuery<'funnel'>).toBeCallableWith('funnel', { steps: ['a', 'b'], unit: 'user' });
    expectTypeOf(useLiveQuery<'overview'>).toBeCallableWith('overview');
    expectTypeOf(useLiveQuery<'session_timeline'>).toBeCallableWith('session_timeline', { session_id: 's1' });
    const never = (): void => {
      // @ts-expect-error not a query of the map
      useLiveQuery('no_such_query');
      // @ts-expect-error the funnel has no `interval`
      useLiveQuery('funnel', { interval: 'hour' });
      // @ts-expect-error a session timeline needs its session_id
      useLiveQuery('session_timeline');
    };
    expectTypeOf(never).toBeFunction();
  });
});
