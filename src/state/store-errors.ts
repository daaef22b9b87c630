/**
 * Constraint violations as the store's callers see them, whatever the backend: a unique key already
 * taken, or a reference to a row that does not exist. The service maps both to HTTP 409.
 */

/** `unique`: the key or name is taken; `missing-reference`: the row referred to does not exist. */
export type StoreConflictKind = 'unique' | 'missing-reference';

/** A write refused by a unique or foreign-key constraint (never a raw driver error). */
export class StoreConflictError extends Error {
  readonly kind: StoreConflictKind;

  constructor(kind: StoreConflictKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreConflictError';
    this.kind = kind;
  }
}

/** What to say for each kind of violation a write may meet. */
export interface ConflictMessages {
  /** A message, or one made from the column whose value is taken (when the driver says which). */
  unique?: string | ((column: string | undefined) => string);
  reference?: string;
}

/** Which constraint a driver error reports, if any (SQLite result codes, PostgreSQL SQLSTATEs). */
export function constraintKind(error: unknown): StoreConflictKind | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case '23505':
      return 'unique';
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
    case '23503':
      return 'missing-reference';
    default:
      return undefined;
  }
}

/**
 * Runs a write and turns a unique or foreign-key violation it meets into a {@link StoreConflictError}
 * with the matching message (a generic one if none is given); other errors pass unchanged.
 */
export async function withConflicts<T>(messages: ConflictMessages, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const kind = constraintKind(error);
    if (kind === 'unique') {
      const { unique = 'the row already exists' } = messages;
      const message = typeof unique === 'string' ? unique : unique(uniqueColumn(error));
      throw new StoreConflictError(kind, message, { cause: error });
    }
    if (kind === 'missing-reference') {
      throw new StoreConflictError(kind, messages.reference ?? 'a row it refers to does not exist', {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The column a unique violation is about, if it is one column: SQLite says `UNIQUE constraint
 * failed: users.username`, PostgreSQL's detail `Key (name)=(…) already exists.`
 */
function uniqueColumn(error: unknown): string | undefined {
  const { message = '', detail = '' } = error as { message?: string; detail?: string };
  return (
    /constraint failed: \w+\.(\w+)$/.exec(message)?.[1] ?? /^Key \((\w+)\)=/.exec(detail)?.[1] ?? undefined
  );
}
