/** Converts a JSON Pointer (`/tables/2/columns/email`) to the spec path users read (`tables[2].columns.email`). */
export function specPathFromPointer(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) path += path ? `.${part}` : part;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

/** Joins a spec path and a key: `join('tables[0]', 'name')` → `tables[0].name`. */
export function joinSpecPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
