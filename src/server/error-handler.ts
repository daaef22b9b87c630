/**
 * Every error becomes `{ error, problems: [{ path, message }] }` with its status: validation errors
 * name the field (`body.username`), a bad spec names its spec path (`spec.tables[0].name`), and an
 * unexpected error says nothing about its inside (it is logged instead).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { InputError, type InputProblem } from '../core/errors.ts';
import { StoreConflictError } from '../state/store-errors.ts';
import { ApiError } from './http-errors.ts';
import { apiHint } from './next-step-hint.ts';
import { problemsFromAjv } from './validation.ts';

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  problems: InputProblem[];
}

function send(reply: FastifyReply, status: number, error: string, problems: InputProblem[] = []) {
  return reply.status(status).send({ error, problems } satisfies ErrorBody);
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ApiError) {
    if (error.statusCode === 401 || error.statusCode === 429) reply.header('cache-control', 'no-store');
    return send(reply, error.statusCode, error.message, error.problems);
  }
  if (error.validation) {
    const part = error.validationContext ?? 'body';
    return send(
      reply,
      400,
      'the request is invalid',
      problemsFromAjv(error.validation as unknown as ErrorObject[], part),
    );
  }
  if (error instanceof InputError) {
    // What to do next comes last, in the API's words (the engine names the step, not a command).
    const next = error.nextStep ? [{ path: '', message: apiHint(error.nextStep, error.runId) }] : [];
    return send(reply, 400, 'the input is invalid', [...error.problems, ...next]);
  }
  if (error instanceof StoreConflictError) return send(reply, 409, error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return send(reply, 400, 'the request body is not valid JSON', [
        { path: 'body', message: 'is not valid JSON; send a JSON document.' },
      ]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(reply, 400, 'the request body is empty', [
        {
          path: 'body',
          message: 'is empty although the content type says JSON; send a JSON document or no content type.',
        },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(reply, 415, 'send the body as application/json');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return send(reply, status, error.message);
  request.log.error({ err: error }, 'request failed');
  return send(reply, 500, 'internal error; the service log has the details');
}
