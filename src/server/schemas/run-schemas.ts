/** Schemas of the run routes. */
import Type from 'typebox';
import { AnyObjectSchema } from './common.ts';

const STATUS = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('stopping'),
    Type.Literal('paused'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
    Type.Literal('interrupted'),
  ],
  {
    description:
      'interrupted: its process, or the service running it, crashed or was killed (resumable; the error starts with "interrupted:" when the run stopped by itself).',
  },
);

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const summaryFields = {
  id: Type.String(),
  migrationId: Nullable(Type.String()),
  specName: Type.String(),
  status: STATUS,
  resumable: Type.Boolean(),
  attempt: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  error: Nullable(Type.String()),
};

export const RunSummarySchema = Type.Object(summaryFields, { additionalProperties: false });

export const RunListSchema = Type.Object(
  { runs: Type.Array(RunSummarySchema) },
  { additionalProperties: false },
);

export const RunListQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    migrationId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const COUNTS = {
  extracted: Type.Integer(),
  loaded: Type.Integer(),
  rejected: Type.Integer(),
  filtered: Type.Integer(),
};

export const RunSchema = Type.Object(
  {
    ...summaryFields,
    currentPhase: Nullable(Type.String()),
    activePhases: Type.Array(Type.String()),
    phases: Type.Array(
      Type.Object(
        {
          phase: Type.String(),
          startedAt: Type.String(),
          finishedAt: Nullable(Type.String()),
          durationMs: Nullable(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
    tables: Type.Array(
      Type.Object(
        {
          table: Type.String(),
          estimatedRows: Type.Integer(),
          ...COUNTS,
          partitions: Type.Integer(),
          partitionsDone: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    totals: Type.Object(COUNTS, { additionalProperties: false }),
    rowsPerSecond: Type.Number(),
    etaSeconds: Nullable(Type.Number()),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const StartedRunSchema = Type.Object(
  { runId: Type.String(), status: STATUS },
  { additionalProperties: false },
);

export const RejectsQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    afterId: Type.Optional(
      Type.Integer({ minimum: 0, description: 'The nextAfterId of the previous page.' }),
    ),
    table: Type.Optional(Type.String({ minLength: 1 })),
    rule: Type.Optional(Type.String({ minLength: 1 })),
    column: Type.Optional(Type.String({ minLength: 1 })),
    severity: Type.Optional(
      Type.Union([
        Type.Literal('critical'),
        Type.Literal('major'),
        Type.Literal('minor'),
        Type.Literal('warning'),
      ]),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('jsonl')], {
        description:
          'json: one page; csv and jsonl: every matching row, streamed (limit and afterId do not apply).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RejectSchema = Type.Object(
  {
    id: Type.Integer(),
    table: Type.String(),
    partition: Type.Integer(),
    key: Type.String(),
    values: AnyObjectSchema,
    reasons: Type.Array(
      Type.Object(
        {
          rule: Type.String(),
          column: Nullable(Type.String()),
          severity: Type.String(),
          message: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const RejectPageSchema = Type.Object(
  {
    total: Type.Integer({ description: 'Rows matching the filter.' }),
    rows: Type.Array(RejectSchema),
    nextAfterId: Nullable(Type.Integer({ description: 'afterId of the next page; null on the last one.' })),
  },
  { additionalProperties: false },
);

export const ReportSchema = Type.Object(
  {},
  { additionalProperties: true, description: 'The run report (see RunReport), quality per table included.' },
);
