/** A value a query may carry; it always travels as a parameter, never pasted into SQL text. */
export type SqlValue = string | number | boolean | null;

/**
 * SQL text with its values kept apart. Build it with the `sql` tag; engines turn it into
 * their parameter syntax (DuckDB `$1`) or, where a server has no parameters, into literals
 * through their one escaping function.
 */
export class SqlFragment {
  constructor(
    readonly parts: readonly string[],
    readonly values: readonly SqlValue[],
  ) {}

  /** Renders with `placeholder(i)` (0-based) at each value. */
  render(placeholder: (index: number, value: SqlValue) => string): string {
    let text = this.parts[0] ?? '';
    for (let i = 0; i < this.values.length; i++) {
      text += placeholder(i, this.values[i] as SqlValue) + (this.parts[i + 1] ?? '');
    }
    return text;
  }
}

/** Tagged template: `sql\`... WHERE project_id = ${id}\``. Nested fragments are spliced in. */
export function sql(strings: TemplateStringsArray, ...values: Array<SqlValue | SqlFragment>): SqlFragment {
  const parts: string[] = [strings[0] ?? ''];
  const flat: SqlValue[] = [];
  values.forEach((value, i) => {
    const next = strings[i + 1] ?? '';
    if (value instanceof SqlFragment) {
      parts[parts.length - 1] += value.parts[0] ?? '';
      for (let j = 0; j < value.values.length; j++) {
        flat.push(value.values[j] as SqlValue);
        parts.push(value.parts[j + 1] ?? '');
      }
      parts[parts.length - 1] += next;
    } else {
      flat.push(value);
      parts.push(next);
    }
  });
  return new SqlFragment(parts, flat);
}

/** Trusted SQL text (identifiers and keywords chosen by code, never by a user). */
export function raw(text: string): SqlFragment {
  return new SqlFragment([text], []);
}

/** Joins fragments with a separator, e.g. for IN lists. */
export function join(fragments: readonly SqlFragment[], separator = ', '): SqlFragment {
  // Built in one pass: nesting `sql` templates would copy the growing list once per element.
  const parts: string[] = [''];
  const values: SqlValue[] = [];
  fragments.forEach((f, i) => {
    parts[parts.length - 1] += (i > 0 ? separator : '') + (f.parts[0] ?? '');
    for (let j = 0; j < f.values.length; j++) {
      values.push(f.values[j] as SqlValue);
      parts.push(f.parts[j + 1] ?? '');
    }
  });
  return new SqlFragment(parts, values);
}

/** `expr IN ($1, $2, …)` with each value as a parameter. */
export function inList(expr: SqlFragment, values: readonly string[]): SqlFragment {
  // `1 = 0`, not FALSE: ClickHouse 18.16 has no boolean literals.
  if (values.length === 0) return raw('1 = 0');
  return sql`${expr} IN (${join(values.map((value) => sql`${value}`))})`;
}
