/**
 * Errors the routes throw, each with its HTTP status; the error handler (error-handler.ts) turns them
 * into the one error body every failure has: `{ error, problems: [{ path, message }] }`.
 */
import type { InputProblem } from '../core/errors.ts';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems: InputProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, problems: InputProblem[] = []) =>
  new ApiError(400, message, problems);
export const unauthorized = (message: string) => new ApiError(401, message);
export const forbidden = (message: string) => new ApiError(403, message);
export const notFound = (what: string) => new ApiError(404, `${what} does not exist.`);
export const conflict = (message: string) => new ApiError(409, message);
