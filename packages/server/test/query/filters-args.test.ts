import { dropOffsArgs, funnelArgs, MAX_FILTERS, QUERY_NAMES } from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import { keyFunnelSchema } from '../../src/projects/key-settings.js';
import { QUERIES } from '../../src/query/index.js';

/** What the arguments of the older queries accept now that they take filters and step objects. */
describe('filters and step filters in query arguments', () => {
  const pricing = { event: 'page_view', filters: [{ property: 'path', op: 'eq', value: '/pricing' }] };

  it('every query but session_timeline and bots takes the common filters', () => {
    const filters = [{ property: 'properties.plan', op: 'in', value: ['pro'] }];
    const without: string[] = [];
    for (const name of QUERY_NAMES) {
      const definition = QUERIES.get(name);
      const extra = name === 'session_timeline' ? { session_id: 's' } : {};
      const parsed = definition?.args.safeParse({ ...extra, filters });
      if (!parsed?.success || !('filters' in (parsed.data as object))) without.push(name);
    }
    expect(without.sort()).toEqual(['bots', 'session_timeline']);
  });

  it('funnel and drop_offs steps mix event names and { event, filters }', () => {
    expect(funnelArgs.parse({ steps: ['page_view', pricing, 'signup'] }).steps).toEqual([
      'page_view',
      pricing,
      'signup',
    ]);
    expect(dropOffsArgs.parse({ steps: [pricing, { event: 'signup' }] }).steps).toEqual([
      pricing,
      { event: 'signup' },
    ]);
  });

  it('refuses malformed step objects, naming the field', () => {
    const refused = (step: unknown) => {
      const result = funnelArgs.safeParse({ steps: ['page_view', step] });
      return result.success ? null : result.error.issues.map((i) => i.path.join('.'));
    };
    expect(refused({ event: '' })).toContainEqual(expect.stringMatching(/^steps\.1/));
    expect(refused({ event: 'x', filters: [{ property: 'nope', op: 'eq', value: 'a' }] })).toContainEqual(
      expect.stringMatching(/^steps\.1/),
    );
    expect(refused({ event: 'x', filters: [{ property: 'path', op: 'in', value: 'a' }] })).toContainEqual(
      expect.stringMatching(/^steps\.1/),
    );
    const tooMany = Array.from({ length: MAX_FILTERS + 1 }, () => ({
      property: 'path',
      op: 'eq',
      value: '/',
    }));
    expect(refused({ event: 'x', filters: tooMany })).toContainEqual(expect.stringMatching(/^steps\.1/));
  });

  it("keeps a project's key funnel to event names", () => {
    const funnel = { steps: ['page_view', 'signup'], unit: 'session', window_ms: 1000 };
    expect(keyFunnelSchema.safeParse(funnel).success).toBe(true);
    expect(keyFunnelSchema.safeParse({ ...funnel, steps: ['page_view', pricing] }).success).toBe(false);
  });
});
