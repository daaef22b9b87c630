/** Orders tables so that every table comes after the tables its foreign keys reference. */

/**
 * Topological order of `tables` by their dependencies (Kahn's algorithm, ties broken by name so the
 * order is stable). Tables in a cycle are appended in name order and reported in `cycle`.
 */
export function orderByDependencies(
  tables: readonly string[],
  dependsOn: (table: string) => readonly string[],
): { order: string[]; cycle: string[] } {
  const known = new Set(tables);
  const remaining = new Map<string, Set<string>>();
  for (const table of tables) {
    remaining.set(table, new Set(dependsOn(table).filter((d) => d !== table && known.has(d))));
  }
  const order: string[] = [];
  for (;;) {
    const ready = [...remaining.entries()]
      .filter(([, deps]) => deps.size === 0)
      .map(([t]) => t)
      .sort();
    if (!ready.length) break;
    for (const table of ready) {
      order.push(table);
      remaining.delete(table);
      for (const deps of remaining.values()) deps.delete(table);
    }
  }
  const cycle = [...remaining.keys()].sort();
  return { order: [...order, ...cycle], cycle };
}
