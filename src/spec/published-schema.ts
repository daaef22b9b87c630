/**
 * The spec's JSON Schema as published to editors and used for validation: generated from the TypeBox
 * definition (spec-schema.ts) by `npm run schema:generate`, so runs need not load TypeBox.
 */
import schema from './migration-spec.schema.json' with { type: 'json' };

export const MIGRATION_SPEC_JSON_SCHEMA: Record<string, unknown> = schema;

/** The endpoint types a spec may name, in the order the schema lists them. */
export const ENDPOINT_TYPES: readonly string[] = schema.properties.source.oneOf.map(
  (branch) => branch.properties.type.const,
);
