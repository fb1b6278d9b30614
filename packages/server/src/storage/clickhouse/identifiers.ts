/**
 * Database and table names come from configuration, not from users; they are still checked so a
 * name can be pasted into DDL without quoting rules (ClickHouse 18.16 and 26.x agree on these).
 */
export function literalIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name))
    throw new Error(`ClickHouse name "${name}" must be letters, digits and _ (not starting with a digit)`);
  return name;
}
