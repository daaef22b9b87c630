/**
 * Structural validation of a parsed spec against the JSON Schema, with messages that name the spec
 * path and say what to do. Checks that need the source (tables, columns) happen in planning.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { InputError, type InputProblem } from '../core/errors.ts';
import { LOGICAL_TYPE_NAMES, parseLogicalType } from '../core/logical-type.ts';
import { ENDPOINT_TYPES, MIGRATION_SPEC_JSON_SCHEMA } from '../spec/published-schema.ts';
import type { MigrationSpec, RawMigrationSpec } from '../spec/spec-schema.ts';
import { specPathFromPointer } from '../spec/spec-path.ts';
import { didYouMean } from '../core/suggest.ts';
import { tableQualityProblems } from './validate-rules.ts';

const ajv = new Ajv({ allErrors: true, useDefaults: true, discriminator: true, strict: false });
const validateSchema = ajv.compile(MIGRATION_SPEC_JSON_SCHEMA);

/** Resolves a JSON Pointer within the schema-validated document to the sub-schema it names, if any. */
function schemaAt(schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = MIGRATION_SPEC_JSON_SCHEMA;
  for (const part of schemaPath.replace(/^#/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[decodeURIComponent(part)];
  }
  return node as Record<string, unknown> | undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The spec path of `keys` below `pointer`, quoting keys that are not plain names (`columns["first name"]`). */
function pathBelow(pointer: string, ...keys: (string | number)[]): string {
  const escaped = keys.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`);
  return specPathFromPointer(pointer + escaped.join(''));
}

/** How a JSON Schema type reads in YAML terms. */
function typeName(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  if (type === 'boolean') return 'a boolean (true or false)';
  return article(type);
}

/** Extra advice for a few mistakes that are common enough to recognise. */
function hintFor(path: string, keyword: string, got: unknown): string {
  if (/^tables(\[\d+\])?$/.test(path) && keyword === 'type') {
    return ' Write one list entry per table, e.g. "- name: customers".';
  }
  if (keyword === 'type' && got === null) {
    return ' In YAML an empty value, ~ and null/Null/NULL mean null: fill in the value, or quote it ("NULL") if you mean that text.';
  }
  if (path.endsWith('.maxRejectRate') && keyword === 'maximum' && typeof got === 'number' && got <= 100) {
    return ` It is a share between 0 and 1: for ${got}% write ${got / 100}.`;
  }
  return '';
}

function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Unions whose branches are not word lists, said in words: the spec paths they sit at, and what to write. */
const ANY_OF_MESSAGES: [RegExp, string][] = [
  [
    /^(source|target)\.quote$/,
    "must be a single character such as '\"', or false for a file without quoting",
  ],
  [
    /^(source|target)\.primaryKey$/,
    'must list the key columns, each once (e.g. [id]), or map each table name to such a list (e.g. { orders: [id] })',
  ],
];

function problemFromAjv(error: ErrorObject, document: unknown): InputProblem | null {
  const path = specPathFromPointer(error.instancePath);
  const got = valueAt(document, error.instancePath);
  const where = path || 'the spec';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const parent = schemaAt(error.schemaPath.replace(/\/additionalProperties$/, ''));
      const allowed = Object.keys((parent?.properties as Record<string, unknown>) ?? {});
      return {
        path: pathBelow(error.instancePath, key),
        message: `unknown key "${key}".${didYouMean(key, allowed)} Allowed keys here: ${allowed.join(', ')}.`,
      };
    }
    case 'required':
      return {
        path: pathBelow(error.instancePath, String(error.params.missingProperty)),
        message: `is required in ${where} but missing; add it.`,
      };
    case 'type':
      return {
        path: where,
        message: `must be ${typeName(String(error.params.type))}, got ${describe(got)}.${hintFor(path, 'type', got)}`,
      };
    case 'const':
      return {
        path: where,
        message: `must be ${JSON.stringify(error.params.allowedValue)}, got ${describe(got)}.`,
      };
    case 'anyOf': {
      const own = ANY_OF_MESSAGES.find(([pattern]) => pattern.test(path));
      if (own) return { path: where, message: `${own[1]}; got ${describe(got)}.` };
      // A union of a word list and a mapping (a transform step, a mask): the words are one level down.
      const branches = schemaAt(error.schemaPath) as unknown as
        { const?: unknown; anyOf?: { const?: unknown }[] }[] | undefined;
      const options = branches
        ?.flatMap((o) => (o.anyOf ? o.anyOf.map((inner) => inner.const) : [o.const]))
        .filter((c) => c !== undefined);
      if (!options?.length) return { path: where, message: `has an invalid value (${describe(got)}).` };
      const hint = typeof got === 'string' ? didYouMean(got, options.map(String)) : '';
      return {
        path: where,
        message: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${describe(got)}.${hint}`,
      };
    }
    case 'discriminator': {
      const tag = String(error.params.tag);
      const types = ENDPOINT_TYPES;
      const value = (got as Record<string, unknown> | undefined)?.[tag];
      if (value === undefined) {
        return {
          path: pathBelow(error.instancePath, tag),
          message: `is required: say which kind of endpoint this is (one of ${types.join(', ')}).`,
        };
      }
      return {
        path: pathBelow(error.instancePath, tag),
        message: `must be one of ${types.join(', ')}, got ${describe(value)}.${typeof value === 'string' ? didYouMean(value, types) : ''}`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path: where,
        message: `must be ${error.params.comparison} ${error.params.limit}, got ${describe(got)}.${hintFor(path, error.keyword, got)}`,
      };
    case 'minLength':
      return { path: where, message: `must not be empty.` };
    case 'maxLength':
      return {
        path: where,
        message: `must be ${error.params.limit === 1 ? 'a single character' : `at most ${error.params.limit} characters`}, got ${describe(got)}.`,
      };
    case 'uniqueItems': {
      const twice = Array.isArray(got) ? got[Number(error.params.i)] : undefined;
      return { path: where, message: `lists ${JSON.stringify(twice)} twice; list each item once.` };
    }
    case 'minItems':
      return { path: where, message: `must list at least ${error.params.limit} item(s).` };
    case 'pattern':
      if (path.endsWith('.password') || path.endsWith('.salt')) {
        // Never echo what was written there: it may be the password itself.
        return {
          path: where,
          message:
            'must be an environment reference such as ${ENV:PGPASSWORD}, never the password itself; export the password in that variable.',
        };
      }
      if (path.endsWith('.country'))
        return {
          path: where,
          message: `must be a two-letter country code such as DE, got ${describe(got)}.`,
        };
      if (path.endsWith('.flags'))
        return { path: where, message: `may only hold the regex flags i, m, s and u, got ${describe(got)}.` };
      return {
        path: where,
        message: `must start with a letter or digit and use only letters, digits, "_", "." and "-"; got ${describe(got)}.`,
      };
    case 'oneOf':
    case 'if':
      return null; // the branch errors say more
    default:
      return { path: where, message: error.message ?? 'is invalid.' };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Checks that need more than the schema but not the source: type names, duplicate entries. `given` is
 * the document as written, before the schema's defaults were filled in.
 */
function semanticProblems(spec: RawMigrationSpec, given: RawMigrationSpec): InputProblem[] {
  const problems: InputProblem[] = [];
  const seen = new Map<string, number>();
  (spec.tables ?? []).forEach((table, index) => {
    const pointer = `/tables/${index}`;
    const earlier = seen.get(table.name);
    if (earlier !== undefined) {
      problems.push({
        path: pathBelow(pointer, 'name'),
        message: `table "${table.name}" is already configured at tables[${earlier}]; merge the two entries.`,
      });
    }
    seen.set(table.name, index);
    for (const [column, entry] of Object.entries(table.columns ?? {})) {
      if (entry.type !== undefined && parseLogicalType(entry.type) === null) {
        problems.push({
          path: pathBelow(pointer, 'columns', column, 'type'),
          message: `"${entry.type}" is not a portable type.${didYouMean(entry.type.replace(/\(.*$/, ''), LOGICAL_TYPE_NAMES)} Use one of: ${LOGICAL_TYPE_NAMES.join(', ')} (with (n) for varchar, (p,s) for decimal).`,
        });
      }
      if (entry.skip && (entry.rename !== undefined || entry.type !== undefined)) {
        problems.push({
          path: pathBelow(pointer, 'columns', column),
          message: 'a skipped column cannot also be renamed or retyped; remove "skip" or the other keys.',
        });
      }
    }
    problems.push(
      ...tableQualityProblems(table, index, spec, (column) => pathBelow(pointer, 'columns', column)),
    );
  });
  if ('invalidText' in given.target && given.target.invalidText !== undefined) {
    problems.push({
      path: 'target.invalidText',
      message:
        "says what a source's text with invalid bytes becomes; a target is written, not read: remove it.",
    });
  }
  if (!spec.include && spec.exclude && spec.tables?.length) {
    problems.push({
      path: 'exclude',
      message:
        'has no effect without include: with a tables list, exactly the listed tables are migrated. Remove exclude and the unwanted table entries, or add include patterns for exclude to narrow.',
    });
  }
  return problems;
}

/**
 * Validates a parsed document and returns it with defaults filled in.
 * @throws InputError listing every problem found.
 */
export function validateSpec(document: unknown): MigrationSpec {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new InputError([
      {
        path: '',
        message: `the spec must be a mapping of keys (version, source, target, …), got ${describe(document)}.`,
      },
    ]);
  }
  const copy = structuredClone(document) as Record<string, unknown>;
  if (!validateSchema(copy)) {
    const errors = validateSchema.errors ?? [];
    // An anyOf of literals is reported once, as "must be one of …", not once per branch; a const
    // says more than the type error beside it; a missing endpoint type is reported by the discriminator.
    const pathsWith = (keyword: string) =>
      errors.filter((e) => e.keyword === keyword).map((e) => e.instancePath);
    const anyOfPaths = pathsWith('anyOf');
    const constPaths = pathsWith('const');
    const discriminatorPaths = pathsWith('discriminator');
    // A step or mask is a word or a mapping: for a mapping, report the mapping branch's own errors.
    const objectBranch = (e: ErrorObject) => {
      const value = valueAt(copy, e.instancePath);
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    };
    const hasObjectBranch = (e: ErrorObject) =>
      (schemaAt(e.schemaPath) as unknown as { type?: string }[] | undefined)?.[1]?.type === 'object';
    const objectAnyOf = errors.filter((e) => e.keyword === 'anyOf' && objectBranch(e) && hasObjectBranch(e));
    // The word-list branch of such a union says nothing useful about a mapping.
    const wordBranchErrors = new Set(
      objectAnyOf.flatMap((anyOf) =>
        errors.filter((e) => e !== anyOf && e.schemaPath.startsWith(`${anyOf.schemaPath}/0/`)),
      ),
    );
    const keptBranchErrors = new Set(
      objectAnyOf.flatMap((anyOf) =>
        errors.filter(
          (e) =>
            e !== anyOf &&
            e.instancePath.startsWith(anyOf.instancePath) &&
            e.schemaPath.startsWith(`${anyOf.schemaPath}/1/`),
        ),
      ),
    );
    const problems = errors
      .filter((e) => !objectAnyOf.includes(e) && !wordBranchErrors.has(e))
      .filter(
        (e) =>
          keptBranchErrors.has(e) ||
          !(e.schemaPath.includes('/anyOf/') && anyOfPaths.includes(e.instancePath)),
      )
      .filter((e) => !(e.keyword === 'type' && constPaths.includes(e.instancePath)))
      .filter(
        (e) =>
          !(
            e.keyword === 'required' &&
            e.params.missingProperty === 'type' &&
            discriminatorPaths.includes(e.instancePath)
          ),
      )
      .map((e) => problemFromAjv(e, copy))
      .filter((p): p is InputProblem => p !== null);
    const unique = [...new Map(problems.map((p) => [`${p.path}|${p.message}`, p])).values()];
    throw new InputError(unique);
  }
  const raw = copy as unknown as RawMigrationSpec;
  const problems = semanticProblems(raw, document as RawMigrationSpec);
  if (problems.length) throw new InputError(problems);
  return {
    ...raw,
    name: raw.name ?? 'migration',
    naming: raw.naming ?? 'keep',
    mode: raw.mode ?? 'create',
    batchSize: raw.batchSize ?? 1000,
    parallelism: raw.parallelism ?? 2,
    partitionRows: raw.partitionRows ?? 250000,
    tables: raw.tables ?? [],
    errors: raw.errors ?? {},
    checkpoints: raw.checkpoints ?? true,
    retry: { attempts: 8, initialDelayMs: 250, maxDelayMs: 15000, ...raw.retry },
    verify: { content: true, sourceCounts: true, ...raw.verify },
    rollback: raw.rollback ?? false,
  };
}
