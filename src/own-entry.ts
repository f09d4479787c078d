// Names from a config, a model file or a data file meet our tables here. A plain object answers
// `constructor`, `__proto__`, `valueOf` and `toString` with Object.prototype's members; a lookup through
// this function answers only with the table's own entries, so such a name is simply unknown.

/** `table[key]` when the table itself holds `key`, else undefined. */
export function ownEntry<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
