/**
 * The endpoints of a migration spec (see spec-schema.ts): files (SQLite, CSV, JSON Lines) and servers
 * (PostgreSQL, MySQL/MariaDB), each with its options, defined once with TypeBox.
 */
import Type from 'typebox';

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
export const ENV_REFERENCE = '^\\$\\{ENV:[A-Za-z_][A-Za-z0-9_]*\\}$';

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

/** Any endpoint: a source or a target. */
export const Endpoint = Type.Union([
  SqliteEndpointSchema,
  CsvEndpointSchema,
  JsonlEndpointSchema,
  PostgresEndpointSchema,
  MysqlEndpointSchema,
]);

export type SqliteEndpoint = Type.Static<typeof SqliteEndpointSchema>;
export type CsvEndpoint = Type.Static<typeof CsvEndpointSchema>;
export type JsonlEndpoint = Type.Static<typeof JsonlEndpointSchema>;
export type PostgresEndpoint = Type.Static<typeof PostgresEndpointSchema>;
export type MysqlEndpoint = Type.Static<typeof MysqlEndpointSchema>;
export type FileEndpoint = SqliteEndpoint | CsvEndpoint | JsonlEndpoint;
export type ServerEndpoint = PostgresEndpoint | MysqlEndpoint;
export type EndpointSpec = FileEndpoint | ServerEndpoint;
