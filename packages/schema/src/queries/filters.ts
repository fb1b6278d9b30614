import { z } from 'zod';
import {
  FILTER_CUSTOM_PREFIX,
  FILTER_IN_MAX_VALUES,
  FILTER_OPS,
  FILTER_PROPERTIES,
  FILTER_PROPERTY_KEY_PATTERN,
  FILTER_VALUE_MAX_LENGTH,
  MAX_FILTERS,
  type QueryFilter,
} from './filter-vocabulary.js';

/**
 * The `filters` argument's zod schema (every web-analytics query takes it); the vocabulary and
 * limits it enforces are in filter-vocabulary.ts, which the browser imports without zod.
 */

const filterValueSchema = z.string().max(FILTER_VALUE_MAX_LENGTH);

const customPropertySchema = z
  .string()
  .refine(
    (p): p is `properties.${string}` =>
      p.startsWith(FILTER_CUSTOM_PREFIX) &&
      FILTER_PROPERTY_KEY_PATTERN.test(p.slice(FILTER_CUSTOM_PREFIX.length)),
    {
      message: `a custom property is ${FILTER_CUSTOM_PREFIX}<key>, key matching ${FILTER_PROPERTY_KEY_PATTERN.source}`,
    },
  );

export const filterSchema = z
  .object({
    property: z.union([z.enum(FILTER_PROPERTIES), customPropertySchema]),
    op: z.enum(FILTER_OPS),
    value: z.union([filterValueSchema, z.array(filterValueSchema).min(1).max(FILTER_IN_MAX_VALUES)]),
  })
  .refine((f) => (f.op === 'in') === Array.isArray(f.value), {
    message: '`in` takes a list of values; eq, neq and contains take one value',
    path: ['value'],
  }) satisfies z.ZodType<QueryFilter>;

/** The `filters` argument: at most MAX_FILTERS conditions, all of which an event must meet. */
export const filtersSchema = z.array(filterSchema).max(MAX_FILTERS).optional();
