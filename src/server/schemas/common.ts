/** Schemas shared by the routes: the error body, identifiers, and the error responses of a route. */
import Type from 'typebox';

export const ProblemSchema = Type.Object(
  {
    path: Type.String({
      description: 'The field, e.g. `body.username` or `spec.tables[0].name`; empty for the whole request.',
    }),
    message: Type.String({ description: 'What is wrong and what to do about it.' }),
  },
  { additionalProperties: false },
);

export const ErrorSchema = Type.Object(
  {
    error: Type.String(),
    problems: Type.Array(ProblemSchema),
  },
  { additionalProperties: false, description: 'The body of every error response.' },
);

/** The error responses a route can give, for its schema (and so the OpenAPI document). */
export function errorResponses(...codes: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(codes.map((c) => [c, ErrorSchema]));
}

/** Errors every authenticated route can give. */
export const AUTH_ERRORS = [400, 401, 403] as const;

export const IdParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** Any JSON object (specs, reports, plans): passed through as it is. */
export const AnyObjectSchema = Type.Object({}, { additionalProperties: true });

export const OkSchema = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });

export const ROLE_SCHEMA = Type.Union(
  [Type.Literal('admin'), Type.Literal('engineer'), Type.Literal('viewer'), Type.Literal('auditor')],
  {
    description:
      'admin: users and everything; engineer: define and run migrations; viewer: read; auditor: read and the audit log.',
  },
);
