/** Schemas of the migration routes. */
import Type from 'typebox';
import { AnyObjectSchema, ProblemSchema } from './common.ts';

const NAME = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_. -]*$',
  description: "Unique; default: the spec's name.",
});

const SPEC = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'A migration spec as `jivs plan` reads it (see `jivs schema`). A password is an environment reference, or (with JIVS_SECRET_KEY on the server) the password itself, stored encrypted; `"***"` keeps the stored one.',
  },
);

export const MigrationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    spec: Type.Object({}, { additionalProperties: true, description: 'Passwords shown as "***".' }),
    createdBy: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { additionalProperties: false },
);

export const MigrationListSchema = Type.Object(
  { migrations: Type.Array(MigrationSchema) },
  { additionalProperties: false },
);

export const CreateMigrationBodySchema = Type.Object(
  { name: Type.Optional(NAME), spec: SPEC },
  { additionalProperties: false },
);

export const PatchMigrationBodySchema = Type.Object(
  { name: Type.Optional(NAME), spec: Type.Optional(SPEC) },
  { additionalProperties: false, minProperties: 1 },
);

export const ValidationResultSchema = Type.Object(
  { valid: Type.Boolean(), problems: Type.Array(ProblemSchema) },
  { additionalProperties: false },
);

export const PlanSchema = Type.Object(
  { migrationId: Type.String(), plan: AnyObjectSchema },
  { additionalProperties: false },
);
