/**
 * The data-quality part of the spec: transform steps, PII masks, validation rules and computed columns
 * (TypeBox). Objects that stand for one of several kinds (a step, a rule) list every kind's key as
 * optional; validate-spec.ts checks that exactly one kind is given, so a typo gets "unknown key … did you
 * mean" instead of a wall of union errors.
 */
import Type from 'typebox';

const strict = { additionalProperties: false } as const;

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/** What a value map or lookup does with a value it has no entry for. */
const Otherwise = Type.Union([Type.Literal('keep'), Type.Literal('null'), Type.Literal('reject')], {
  default: 'keep',
  description: 'A value without an entry: keep it, make it NULL, or reject the row.',
});

export const TransformStepObjectSchema = Type.Object(
  {
    default: Type.Optional(
      Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
        description: 'The value a NULL becomes.',
      }),
    ),
    map: Type.Optional(
      Type.Object(
        {
          values: Type.Record(Type.String(), Scalar, {
            description: 'Old value → new value (null for NULL).',
          }),
          otherwise: Type.Optional(Otherwise),
          ignoreCase: Type.Optional(Type.Boolean({ default: false })),
        },
        { ...strict, description: 'Replace values through an inline table.' },
      ),
    ),
    lookup: Type.Optional(
      Type.Object(
        {
          table: Type.Optional(
            Type.String({ minLength: 1, description: 'A source table holding the pairs.' }),
          ),
          file: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'A CSV (with header) or JSONL file holding the pairs.',
            }),
          ),
          key: Type.String({ minLength: 1, description: 'Column holding the old values.' }),
          value: Type.String({ minLength: 1, description: 'Column holding the new values.' }),
          otherwise: Type.Optional(Otherwise),
        },
        {
          ...strict,
          description: 'Replace values through a lookup table: a source table or a file (one of them).',
        },
      ),
    ),
    replace: Type.Optional(
      Type.Object(
        {
          pattern: Type.String({ minLength: 1, maxLength: 1000, description: 'A regular expression.' }),
          with: Type.String({ description: 'The replacement; $1 … refer to groups.' }),
          flags: Type.Optional(
            Type.String({ pattern: '^[imsu]*$', description: 'Regex flags (i, m, s, u); always global.' }),
          ),
        },
        { ...strict, description: 'Regular-expression replace.' },
      ),
    ),
    parseDate: Type.Optional(
      Type.Object(
        {
          formats: Type.Array(Type.String({ minLength: 1 }), {
            minItems: 1,
            description: 'Luxon formats tried in order, e.g. dd.MM.yyyy, yyyyMMdd.',
          }),
          timeZone: Type.Optional(
            Type.String({ minLength: 1, description: 'IANA zone of the text (default UTC).' }),
          ),
          toTimeZone: Type.Optional(
            Type.String({ minLength: 1, description: 'Zone a timestamp without offset is written in.' }),
          ),
          locale: Type.Optional(
            Type.String({ minLength: 1, description: 'Locale of month names (default en-US).' }),
          ),
          lenient: Type.Optional(
            Type.Boolean({
              default: false,
              description:
                'MM, dd, HH, hh, mm and ss between separators also read one digit (2006-5-12 under yyyy-MM-dd); yyyyMMdd stays exact.',
            }),
          ),
        },
        { ...strict, description: "Parse text with explicit formats into the column's date/time type." },
      ),
    ),
    split: Type.Optional(
      Type.Object(
        {
          separator: Type.String({ minLength: 1 }),
          index: Type.Integer({ description: 'Which piece to keep: 0 the first, -1 the last.' }),
        },
        { ...strict, description: 'Split text and keep one piece (missing piece → NULL).' },
      ),
    ),
    expr: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'A CEL expression computing the new value from `value` and the columns of the row.',
      }),
    ),
  },
  { ...strict, description: 'One transform step: exactly one of the keys.' },
);

export const TransformStepSchema = Type.Union([
  Type.Union([
    Type.Literal('trim'),
    Type.Literal('upper'),
    Type.Literal('lower'),
    Type.Literal('nullIfEmpty'),
  ]),
  TransformStepObjectSchema,
]);

/** PII masks: what a personal column becomes in the target. */
export const MaskSchema = Type.Union([
  Type.Union([Type.Literal('hash'), Type.Literal('redact'), Type.Literal('email'), Type.Literal('tokenize')]),
  Type.Object(
    {
      hash: Type.Optional(Type.Boolean()),
      tokenize: Type.Optional(Type.Boolean()),
      email: Type.Optional(Type.Boolean()),
      redact: Type.Optional(
        Type.Object({ with: Type.String({ description: 'The text that replaces the value.' }) }, strict),
      ),
      partial: Type.Optional(
        Type.Object(
          {
            keepFirst: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
            keepLast: Type.Optional(Type.Integer({ minimum: 0, default: 4 })),
            char: Type.Optional(Type.String({ minLength: 1, maxLength: 1, default: '*' })),
          },
          { ...strict, description: 'Mask letters and digits except the first/last few; separators stay.' },
        ),
      ),
    },
    { ...strict, description: 'One mask: exactly one of the keys.' },
  ),
]);

export const SeveritySchema = Type.Union(
  [Type.Literal('critical'), Type.Literal('major'), Type.Literal('minor'), Type.Literal('warning')],
  {
    default: 'major',
    description: 'critical and major reject the row; minor and warning only count in the quality report.',
  },
);

const ruleFields = {
  severity: Type.Optional(SeveritySchema),
  name: Type.Optional(
    Type.String({ minLength: 1, description: 'Names the rule in rejects and the quality report.' }),
  ),
  message: Type.Optional(
    Type.String({ minLength: 1, description: 'The reject reason shown for a failing row.' }),
  ),
};

/** Rules on one column, evaluated on its transformed value. NULL passes every rule but notNull and completeness. */
export const ColumnRuleSchema = Type.Object(
  {
    notNull: Type.Optional(Type.Literal(true)),
    parses: Type.Optional(
      Type.String({ minLength: 1, description: 'The value must cast to this portable type.' }),
    ),
    min: Type.Optional(
      Type.Union([Type.Number(), Type.String()], { description: 'Smallest allowed value.' }),
    ),
    max: Type.Optional(Type.Union([Type.Number(), Type.String()], { description: 'Largest allowed value.' })),
    length: Type.Optional(
      Type.Object(
        {
          min: Type.Optional(Type.Integer({ minimum: 0 })),
          max: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { ...strict, description: 'Length in characters.' },
      ),
    ),
    pattern: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        description: 'A regular expression the text must match.',
      }),
    ),
    in: Type.Optional(Type.Array(Scalar, { minItems: 1, description: 'The allowed values.' })),
    format: Type.Optional(
      Type.Union(
        [
          Type.Literal('email'),
          Type.Literal('iban'),
          Type.Literal('phone'),
          Type.Literal('isoDate'),
          Type.Literal('uuid'),
        ],
        { description: 'A well-known format.' },
      ),
    ),
    country: Type.Optional(
      Type.String({
        pattern: '^[A-Z]{2}$',
        description: 'Default country of phone numbers (ISO 3166 alpha-2).',
      }),
    ),
    unique: Type.Optional(Type.Literal(true, { description: 'No two loaded rows share a value.' })),
    references: Type.Optional(
      Type.Object(
        {
          table: Type.String({
            minLength: 1,
            description: 'The parent source table (migrated in this run).',
          }),
          column: Type.String({ minLength: 1, description: 'Its column holding the key.' }),
        },
        { ...strict, description: 'The value exists among the loaded rows of the parent table.' },
      ),
    ),
    completeness: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Share of non-empty values the column must reach over the table (checked at its end).',
      }),
    ),
    ...ruleFields,
  },
  {
    ...strict,
    description: 'One rule: one kind (min and max may go together) plus severity, name, message.',
  },
);

/** Rules over a whole row. */
export const TableRuleSchema = Type.Object(
  {
    unique: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Source columns whose combination no two loaded rows share.',
      }),
    ),
    check: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'A CEL expression over the row that must be true.',
      }),
    ),
    ...ruleFields,
  },
  { ...strict, description: 'One rule: unique or check, plus severity, name, message.' },
);

/** A column the source does not have: a constant, a concatenation or an expression. */
export const ComputedColumnSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'Portable type of the new column.' }),
    value: Type.Optional(
      Type.Union([Type.String(), Type.Number(), Type.Boolean()], { description: 'A constant.' }),
    ),
    concat: Type.Optional(
      Type.Object(
        {
          columns: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
          separator: Type.Optional(Type.String({ default: '' })),
        },
        { ...strict, description: 'The text of these columns joined (NULLs left out).' },
      ),
    ),
    expr: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'A CEL expression over the row.' }),
    ),
    personal: Type.Optional(Type.Boolean()),
    mask: Type.Optional(MaskSchema),
    rules: Type.Optional(Type.Array(ColumnRuleSchema)),
  },
  { ...strict, description: 'A computed column: exactly one of value, concat, expr.' },
);

export type TransformStepSpec = Type.Static<typeof TransformStepSchema>;
export type MaskSpec = Type.Static<typeof MaskSchema>;
export type Severity = Type.Static<typeof SeveritySchema>;
export type ColumnRuleSpec = Type.Static<typeof ColumnRuleSchema>;
export type TableRuleSpec = Type.Static<typeof TableRuleSchema>;
export type ComputedColumnSpec = Type.Static<typeof ComputedColumnSchema>;
