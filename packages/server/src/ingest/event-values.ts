import type { EventCut } from './json-scan.js';

/**
 * Values JSON can carry but an event cannot keep as sent, so they are refused with a reason
 * instead of being changed silently on the way to storage:
 * - numbers that are not finite (`1e400` parses to Infinity and would be stored as `null`);
 * - the key `__proto__` (object spreads and schema validation drop it without a word);
 * - strings with a lone UTF-16 surrogate (`"\ud800"`: UTF-8 cannot encode it, so it would be
 *   stored as U+FFFD and no longer match what was sent).
 * The walk is iterative (hostile nesting cannot overflow the stack) and runs after json-scan.ts
 * has bounded the number of values, so its cost is bounded too.
 */
export function unstorableValue(value: unknown): EventCut | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) return refuse('a number is too large to store (not finite)');
    } else if (typeof node === 'string') {
      if (!isWellFormed(node)) return refuse('a string holds a lone UTF-16 surrogate');
    } else if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        if (key === '__proto__') return refuse('the property key "__proto__" is not accepted');
        if (!isWellFormed(key)) return refuse('a property key holds a lone UTF-16 surrogate');
        stack.push((node as Record<string, unknown>)[key]);
      }
    }
  }
  return null;
}

/** String.prototype.isWellFormed (Node ≥ 20; newer than the TypeScript lib this project targets). */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

const refuse = (error: string): EventCut => ({ code: 'invalid_value', error });
