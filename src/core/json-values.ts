/**
 * JSON for values that plain JSON.stringify refuses or mangles: bigint becomes a decimal string and
 * a Buffer becomes `{ "$base64": "…" }`, so rejected rows and reports can always be stored.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (
      v !== null &&
      typeof v === 'object' &&
      (v as { type?: unknown }).type === 'Buffer' &&
      Array.isArray((v as { data?: unknown }).data)
    ) {
      return { $base64: Buffer.from((v as { data: number[] }).data).toString('base64') };
    }
    return v;
  });
}
