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
import { Endpoint, ENV_REFERENCE } from './endpoint-schema.ts';

export type {
  CsvEndpoint,
  EndpointSpec,
  FileEndpoint,
  JsonlEndpoint,
  MysqlEndpoint,
  PostgresEndpoint,
  ServerEndpoint,
  SqliteEndpoint,
} from './endpoint-schema.ts';

const strict = { additionalProperties: false } as const;

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
    partitionThreads: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], {
        default: 'auto',
        description:
          'Where partitions run: on worker threads, one per partition running at a time, each with its own connections (on), or all on the main thread (off). auto: on when a partition holds at least 20,000 rows (estimated). Only PostgreSQL and MySQL targets take several writers: SQLite and file targets always load on the main thread.',
      }),
    ),
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
