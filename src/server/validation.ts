/**
 * Request validation: Ajv in strict mode, every error reported, unknown fields rejected (never
 * silently removed). Bodies are taken as sent (a string is not a number); path parameters and query
 * strings, which are text by nature, are coerced to the schema's types.
 */
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { InputProblem } from '../core/errors.ts';
import { specPathFromPointer as pathFromPointer } from '../spec/spec-path.ts';

function newAjv(options: Options): Ajv {
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    // error.schema, so a union of literals can say which values it allows.
    verbose: true,
    // Fastify's own schema keywords, which are not validation keywords.
    keywords: ['example'],
    ...options,
  });
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  return ajv;
}

const bodyAjv = newAjv({ coerceTypes: false });
const textAjv = newAjv({ coerceTypes: 'array' });

/** Fastify's validator compiler: the body without coercion, everything else with. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as ReturnType<
    FastifySchemaCompiler<unknown>
  >;

function join(part: string, path: string): string {
  if (!path) return part;
  if (!part) return path;
  return path.startsWith('[') ? `${part}${path}` : `${part}.${path}`;
}

/** One problem per Ajv error, naming the field as `body.name`, `querystring.limit`, `params.id`. */
export function problemsFromAjv(errors: readonly ErrorObject[], part: string): InputProblem[] {
  const problems = errors.map((error): InputProblem => {
    const at = pathFromPointer(error.instancePath);
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty);
        return { path: join(part, join(at, key)), message: `unknown field "${key}"; remove it.` };
      }
      case 'required': {
        const key = String(error.params.missingProperty);
        return { path: join(part, join(at, key)), message: 'is required but missing.' };
      }
      case 'type':
        return { path: join(part, at), message: `must be ${String(error.params.type)}.` };
      case 'enum':
        return {
          path: join(part, at),
          message: `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`,
        };
      case 'anyOf': {
        const branches = (Array.isArray(error.schema) ? error.schema : []) as { const?: unknown }[];
        const values = branches.map((b) => b.const).filter((v) => v !== undefined);
        if (values.length && values.length === branches.length) {
          return {
            path: join(part, at),
            message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}.`,
          };
        }
        return { path: join(part, at), message: 'does not match any of the allowed shapes.' };
      }
      default:
        return { path: join(part, at), message: `${error.message ?? 'is invalid'}.` };
    }
  });
  // An anyOf of literals fails once per branch, then once more as a whole: keep the whole.
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const kept = problems.filter(
    (_p, i) =>
      errors[i]!.keyword === 'anyOf' ||
      !(unions.has(errors[i]!.instancePath) && errors[i]!.schemaPath.includes('/anyOf/')),
  );
  return [...new Map(kept.map((p) => [`${p.path}|${p.message}`, p])).values()];
}
