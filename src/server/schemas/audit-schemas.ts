/** Schemas of the audit log route. */
import Type from 'typebox';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const AuditQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    beforeId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The nextBeforeId of the previous page.' }),
    ),
    actor: Type.Optional(Type.String({ minLength: 1 })),
    action: Type.Optional(Type.String({ minLength: 1 })),
    outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
  },
  { additionalProperties: false },
);

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String(),
    actor: Nullable(Type.String()),
    action: Type.String(),
    target: Nullable(Type.String()),
    outcome: Type.String(),
    detail: Type.Unknown(),
    ip: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const AuditPageSchema = Type.Object(
  { entries: Type.Array(AuditEntrySchema), nextBeforeId: Nullable(Type.Integer()) },
  { additionalProperties: false },
);
