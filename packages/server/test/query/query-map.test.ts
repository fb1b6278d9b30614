import {
  FRICTION_FACTOR_IDS,
  type FrictionFactorId,
  type ParsedQueryArgs,
  QUERY_NAMES,
  type QueryResult,
} from '@sightline/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { RISK_FACTORS, type RiskFactor } from '../../src/friction/catalogue.js';
import { funnelQuery } from '../../src/query/funnel/index.js';
import { QUERIES } from '../../src/query/index.js';

/**
 * The server's registry and the query map of @sightline/schema (which types the clients) name the
 * same queries, and the ids results carry are the server's. The typing of each query against the
 * map is done by defineQuery: a query whose result drifts from the map does not compile.
 */
describe('the query map of @sightline/schema', () => {
  it('names exactly the queries the server registers, each under its own name', () => {
    expect([...QUERIES.keys()].sort()).toEqual([...QUERY_NAMES].sort());
    for (const [name, definition] of QUERIES) expect(definition.name).toBe(name);
  });

  it('lists the friction catalogue factor ids, in catalogue order', () => {
    expect([...FRICTION_FACTOR_IDS]).toEqual([...RISK_FACTORS]);
    expectTypeOf<RiskFactor>().toEqualTypeOf<FrictionFactorId>();
  });

  it('types a registered query by its entry in the map', () => {
    expectTypeOf(funnelQuery.name).toEqualTypeOf<'funnel'>();
    expectTypeOf(funnelQuery.run).returns.toEqualTypeOf<Promise<QueryResult<'funnel'>>>();
    expectTypeOf(funnelQuery.run).parameter(1).toEqualTypeOf<ParsedQueryArgs<'funnel'>>();
  });
});
