/**
 * The migration spec, defined once with TypeBox. The same definition gives the TypeScript types, the
 * runtime validation (Ajv, see validate-spec.ts) and the JSON Schema for editors (`jivs schema`).
 */
import Type from 'typebox';
import {
  ColumnRuleSchema,
  ComputedColumnSchema,
  MaskSchema,
  TableRuleSchema,
  TransformStepSchema,
} from './rules-schema.ts';

const strict = { additionalProperties: false } as const;

const FilePath = Type.String({ minLength: 1, description: 'A file or directory path; may use ${ENV:NAME}.' });

const KeyColumns = Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true });

/** The primary key of file tables, which files cannot declare themselves. */
const FilePrimaryKey = Type.Union([KeyColumns, Type.Record(Type.String({ minLength: 1 }), KeyColumns)], {
  description:
    "Key columns (sources only): a list for every table of the source, or a mapping from table name to its list. The target's primary key, the key of rejected rows and of verification; a NULL or repeated key rejects the row.",
});

/** What a source's text with invalid bytes becomes (see src/connectors/invalid-text.ts). */
const InvalidText = Type.Union([Type.Literal('reject'), Type.Literal('replace'), Type.Literal('null')], {
  // No schema default: defaults are filled into every endpoint, and a target must not carry this option.
  description:
    'Text with bytes its encoding cannot decode (source): reject the row (the default), naming the column and the bytes in hex; replace each invalid sequence by U+FFFD; or load NULL. Replacements are counted in the quality report.',
});

export const SqliteEndpointSchema = Type.Object(
  {
    type: Type.Literal('sqlite'),
    path: Type.String({
      minLength: 1,
      description: 'Path of the SQLite database file; may use ${ENV:NAME}.',
    }),
    invalidText: Type.Optional(InvalidText),
  },
  { ...strict, description: 'An embedded SQLite database file.' },
);

export const CsvEndpointSchema = Type.Object(
  {
    type: Type.Literal('csv'),
    path: FilePath,
    header: Type.Optional(Type.Boolean({ default: true, description: 'The first line holds column names.' })),
    skipLines: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 0,
        description:
          'Lines to skip at the start of each file, before the header (titles, export notes); line numbers in messages still count them.',
      }),
    ),
    delimiter: Type.Optional(Type.String({ minLength: 1, maxLength: 1, default: ',' })),
    quote: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 1 }), Type.Literal(false)], {
        default: '"',
        description:
          'The quote character, or false for files without quoting (quote characters are then data; sources only).',
      }),
    ),
    escape: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1,
        description:
          'The character that escapes a quote (or itself) inside a quoted field, e.g. a backslash: "a \\"b\\"" reads as a "b"; before any other character it rejects the record. Default: the quote, doubled (RFC 4180).',
      }),
    ),
    trim: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('unquoted')], {
        default: 'none',
        description:
          'unquoted: drop blanks around each field, outside quotes (a quoted " x " keeps its blanks); sources only.',
      }),
    ),
    raggedRows: Type.Optional(
      Type.Union([Type.Literal('reject'), Type.Literal('pad'), Type.Literal('truncate')], {
        default: 'reject',
        description:
          'A row with too few or too many fields: reject it; pad: fill missing fields with NULL; truncate: drop extra fields. pad and truncate count each row they change in the quality report and reject the other kind; sources only.',
      }),
    ),
    encoding: Type.Optional(
      Type.String({
        minLength: 1,
        default: 'utf8',
        description: 'Any encoding iconv-lite knows, e.g. latin1.',
      }),
    ),
    nullValue: Type.Optional(
      Type.String({
        default: '',
        description: 'An unquoted field equal to this is NULL; a quoted empty field stays an empty string.',
      }),
    ),
    columns: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Column names: the expected header (checked), or the names when header is false.',
      }),
    ),
    primaryKey: Type.Optional(FilePrimaryKey),
    invalidText: Type.Optional(InvalidText),
  },
  {
    ...strict,
    description: 'CSV files: one file is one table (named after the file), or a directory of them.',
  },
);

export const JsonlEndpointSchema = Type.Object(
  {
    type: Type.Literal('jsonl'),
    path: FilePath,
    encoding: Type.Optional(Type.String({ minLength: 1, default: 'utf8' })),
    primaryKey: Type.Optional(FilePrimaryKey),
    invalidText: Type.Optional(InvalidText),
  },
  { ...strict, description: 'JSON Lines files: one object per line; one file is one table.' },
);

/** A password is only ever an environment reference, so a spec can be shared and printed safely. */
/** A whole value that is one environment reference: how secrets are written in a spec. */
const ENV_REFERENCE = '^\\$\\{ENV:[A-Za-z_][A-Za-z0-9_]*\\}$';

const Password = Type.String({
  pattern: ENV_REFERENCE,
  description: 'An environment reference such as ${ENV:PGPASSWORD}; never the password itself.',
});

const serverFields = {
  host: Type.Optional(
    Type.String({ minLength: 1, default: '127.0.0.1', description: 'May use ${ENV:NAME}.' }),
  ),
  user: Type.Optional(Type.String({ minLength: 1, description: 'May use ${ENV:NAME}.' })),
  password: Type.Optional(Password),
  database: Type.String({ minLength: 1, description: 'May use ${ENV:NAME}.' }),
  poolSize: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'Connections kept open at most.' }),
  ),
};

export const PostgresEndpointSchema = Type.Object(
  {
    type: Type.Literal('postgres'),
    ...serverFields,
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 5432 })),
    user: Type.Optional(
      Type.String({ minLength: 1, default: 'postgres', description: 'May use ${ENV:NAME}.' }),
    ),
    schema: Type.Optional(
      Type.String({
        minLength: 1,
        default: 'public',
        description: 'Schema to read from or create tables in.',
      }),
    ),
    ssl: Type.Optional(Type.Boolean({ default: false, description: 'Connect with TLS.' })),
    enums: Type.Optional(
      Type.Union([Type.Literal('check'), Type.Literal('enum-type')], {
        default: 'check',
        description:
          'Columns with a fixed set of values (MySQL ENUM) become text with a CHECK constraint, or an enum type (target).',
      }),
    ),
    fullTextIndexes: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('gin')], {
        default: 'none',
        description:
          "Source FULLTEXT indexes: not migrated (listed by the plan), or a GIN index over to_tsvector('simple', …) of their columns (target).",
      }),
    ),
  },
  { ...strict, description: 'A PostgreSQL database.' },
);

export const MysqlEndpointSchema = Type.Object(
  {
    type: Type.Literal('mysql'),
    ...serverFields,
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 3306 })),
    user: Type.Optional(Type.String({ minLength: 1, default: 'root', description: 'May use ${ENV:NAME}.' })),
    tinyint1AsBoolean: Type.Optional(
      Type.Boolean({ default: true, description: 'Read tinyint(1) columns as boolean (source).' }),
    ),
    zeroDates: Type.Optional(
      Type.Union([Type.Literal('null'), Type.Literal('reject')], {
        default: 'null',
        description: "What a zero date ('0000-00-00') becomes: NULL, or a rejected row (source).",
      }),
    ),
  },
  { ...strict, description: 'A MySQL or MariaDB database.' },
);

const Endpoint = Type.Union([
  SqliteEndpointSchema,
  CsvEndpointSchema,
  JsonlEndpointSchema,
  PostgresEndpointSchema,
  MysqlEndpointSchema,
]);

export const TableModeSchema = Type.Union(
  [Type.Literal('create'), Type.Literal('truncate'), Type.Literal('append'), Type.Literal('fail-if-exists')],
  {
    description:
      'create: drop and recreate; truncate: empty it (create if missing); append: add rows (create if missing); fail-if-exists: stop before any data moves if it exists.',
  },
);

/** How the quarantine stores the values of masked columns of rejected rows. */
export const QuarantineSchema = Type.Union([Type.Literal('masked'), Type.Literal('raw')], {
  description:
    "A table's setting overrides the spec's; default masked. masked: rejected rows keep masked columns masked, as the target does (the raw values stay in the run's key index, for a replay); raw: the quarantine also keeps their raw values, which only engineers and admins see in the service.",
});

export const ColumnEntrySchema = Type.Object(
  {
    rename: Type.Optional(
      Type.String({ minLength: 1, description: 'Target column name (naming rule not applied).' }),
    ),
    type: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Portable target type, e.g. text, varchar(80), decimal(12,2), date.',
      }),
    ),
    skip: Type.Optional(Type.Boolean({ description: 'Leave this column out of the target.' })),
    transform: Type.Optional(
      Type.Array(TransformStepSchema, {
        description: 'Steps applied in order to the source value, before the cast to the target type.',
      }),
    ),
    personal: Type.Optional(
      Type.Boolean({ description: 'Personal data (listed by the plan); implied by mask.' }),
    ),
    mask: Type.Optional(MaskSchema),
    rules: Type.Optional(Type.Array(ColumnRuleSchema, { description: 'Validation rules on the value.' })),
  },
  strict,
);

export const ErrorPolicySchema = Type.Object(
  {
    strict: Type.Optional(
      Type.Boolean({ description: 'Fail the run on the first critical rule failure (default false).' }),
    ),
    maxRejects: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Fail the run once more rows than this were rejected.' }),
    ),
    maxRejectRate: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          'Fail the run once rejected/extracted exceeds this share (checked from 1,000 rows on, and at the end of each table or run whatever its size).',
      }),
    ),
  },
  strict,
);

export const TableEntrySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Source table name (exact).' }),
    target: Type.Optional(
      Type.String({ minLength: 1, description: 'Target table name (naming rule not applied).' }),
    ),
    mode: Type.Optional(TableModeSchema),
    columns: Type.Optional(Type.Record(Type.String(), ColumnEntrySchema)),
    computed: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), ComputedColumnSchema, {
        description: 'New target columns, keyed by their name, appended after the source columns.',
      }),
    ),
    filter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description:
          'A CEL expression over the source row; rows where it is false are filtered out (counted).',
      }),
    ),
    rules: Type.Optional(Type.Array(TableRuleSchema, { description: 'Rules over the whole row.' })),
    errors: Type.Optional(ErrorPolicySchema),
    quarantine: Type.Optional(QuarantineSchema),
  },
  strict,
);

export const RetrySchema = Type.Object(
  {
    attempts: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        default: 8,
        description: 'Tries per partition, the first included.',
      }),
    ),
    initialDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60000, default: 250 })),
    maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600000, default: 15000 })),
  },
  {
    ...strict,
    description:
      'Transient faults (a dropped connection, a restarting server, a deadlock) are retried with exponential backoff; each retry continues from the last checkpoint.',
  },
);

export const VerifySchema = Type.Object(
  {
    content: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'Compare a content hash per key range of what the run meant to load with what the target holds, and list the keys that differ.',
      }),
    ),
    sourceCounts: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'Count the source rows again and compare with loaded + rejected + filtered.',
      }),
    ),
  },
  { ...strict, description: 'What Verification checks beyond row counts.' },
);

export const MigrationSpecSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1, { description: 'Spec format version.' }),
    name: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' })),
    source: Endpoint,
    target: Endpoint,
    include: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Glob patterns of source tables to migrate.',
      }),
    ),
    exclude: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Glob patterns of source tables to leave out.',
      }),
    ),
    tables: Type.Optional(
      Type.Array(TableEntrySchema, {
        description:
          'Per-table settings. Without include, exactly these tables are migrated; without either, all tables.',
      }),
    ),
    naming: Type.Optional(
      Type.Union([Type.Literal('keep'), Type.Literal('snake_case'), Type.Literal('lower')], {
        default: 'keep',
        description: 'How target table and column names are derived from source names.',
      }),
    ),
    mode: Type.Optional(TableModeSchema),
    batchSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100000,
        default: 1000,
        description:
          'Rows per batch: one write transaction each. Memory grows with batchSize × parallelism × row width.',
      }),
    ),
    parallelism: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, default: 2 })),
    partitionRows: Type.Optional(
      Type.Integer({ minimum: 1000, default: 250000, description: 'Tables larger than this are split.' }),
    ),
    errors: Type.Optional(ErrorPolicySchema),
    quarantine: Type.Optional(QuarantineSchema),
    checkpoints: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'Commit a checkpoint with every batch, so a crashed, stopped or failed run resumes where it stopped. Off: a resume loads every table again.',
      }),
    ),
    retry: Type.Optional(RetrySchema),
    verify: Type.Optional(VerifySchema),
    rollback: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'When the run fails, drop the tables it created and empty those it truncated (appended rows stay); the run can then not be resumed.',
      }),
    ),
    masking: Type.Optional(
      Type.Object(
        {
          salt: Type.String({
            pattern: ENV_REFERENCE,
            description:
              'Secret key of the hash and tokenize masks, as an environment reference such as ${ENV:JIVS_MASK_SALT}.',
          }),
        },
        { ...strict, description: 'Settings of the PII masks.' },
      ),
    ),
  },
  { ...strict, title: 'JiVS Migrate migration spec' },
);

export type SqliteEndpoint = Type.Static<typeof SqliteEndpointSchema>;
export type CsvEndpoint = Type.Static<typeof CsvEndpointSchema>;
export type JsonlEndpoint = Type.Static<typeof JsonlEndpointSchema>;
export type PostgresEndpoint = Type.Static<typeof PostgresEndpointSchema>;
export type MysqlEndpoint = Type.Static<typeof MysqlEndpointSchema>;
export type FileEndpoint = SqliteEndpoint | CsvEndpoint | JsonlEndpoint;
export type ServerEndpoint = PostgresEndpoint | MysqlEndpoint;
export type EndpointSpec = FileEndpoint | ServerEndpoint;
export type TableEntry = Type.Static<typeof TableEntrySchema>;
export type ColumnEntry = Type.Static<typeof ColumnEntrySchema>;
export type RawMigrationSpec = Type.Static<typeof MigrationSpecSchema>;

/** A spec after validation, with every default filled in. */
export interface MigrationSpec extends RawMigrationSpec {
  name: string;
  naming: 'keep' | 'snake_case' | 'lower';
  mode: Type.Static<typeof TableModeSchema>;
  batchSize: number;
  parallelism: number;
  partitionRows: number;
  tables: TableEntry[];
  errors: ErrorPolicySpec;
  checkpoints: boolean;
  retry: Required<Type.Static<typeof RetrySchema>>;
  verify: Required<Type.Static<typeof VerifySchema>>;
  rollback: boolean;
}

export type ErrorPolicySpec = Type.Static<typeof ErrorPolicySchema>;

/**
 * The JSON Schema published for editors. Source and target carry a discriminator on `type` so that
 * validators (and editors) pick the one matching branch instead of reporting every branch's errors.
 */
export function migrationSpecJsonSchema(): Record<string, unknown> {
  const withDiscriminator = (union: typeof Endpoint) => ({
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: union.anyOf,
  });
  const schema = structuredClone(MigrationSpecSchema) as unknown as {
    properties: Record<string, unknown>;
  } & Record<string, unknown>;
  schema.properties.source = { ...withDiscriminator(Endpoint), description: 'Where the data comes from.' };
  schema.properties.target = { ...withDiscriminator(Endpoint), description: 'Where the data goes.' };
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...schema };
}
