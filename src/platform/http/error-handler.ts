// The one place where any failure becomes an RFC 9457 problem document. Unknown errors are logged
// with their stack and answered 500 with no detail.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isBadInput, isDatabaseUnavailable } from '../db/errors.js';
import {
  AppError,
  BadRequest,
  DatabaseUnavailable,
  type FieldError,
  InternalError,
  MalformedJson,
  MethodNotAllowed,
  PayloadTooLarge,
  PROBLEM_BASE,
  RouteNotFound,
  UnsupportedMediaType,
  ValidationFailed,
} from './errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: readonly FieldError[];
  [extra: string]: unknown;
}

export function problemOf(error: AppError, requestId: string): ProblemDocument {
  return {
    ...error.extra,
    type: PROBLEM_BASE + error.code,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    request_id: requestId,
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

function validationErrors(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
    const pointer = v.instancePath + (missing ? `/${missing}` : '');
    return { field: `/${context}${pointer}`, message: v.message ?? 'is invalid' };
  });
}

/** Maps anything thrown in the pipeline onto the catalogue. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) {
    const errors = validationErrors(fastifyError);
    const first = errors[0];
    return ValidationFailed(first ? `${first.field} ${first.message}` : 'invalid request', { errors });
  }
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return MalformedJson('the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return MalformedJson('the body is empty but Content-Type is application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return PayloadTooLarge('request bodies are limited to 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return UnsupportedMediaType('send application/json');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return MalformedJson('the body is not valid JSON');
  }
  if (isDatabaseUnavailable(error)) {
    return DatabaseUnavailable('the database is unreachable; retry shortly', {
      headers: { 'retry-after': '2' },
    });
  }
  if (isBadInput(error)) return ValidationFailed('a value is out of range or malformed');
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 404) return RouteNotFound(fastifyError.message);
    if (status === 405) return MethodNotAllowed(fastifyError.message);
    if (status === 413) return PayloadTooLarge('request bodies are limited to 1 MiB');
    if (status === 415) return UnsupportedMediaType(fastifyError.message);
    return BadRequest(fastifyError.message);
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply
    .code(error.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemOf(error, String(reply.request.id))));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toAppError(error);
    if (known) {
      if (known.status >= 500) request.log.warn({ err: error }, known.message);
      return sendProblem(reply, known);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, InternalError('an unexpected error occurred; quote the request id'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, RouteNotFound(`no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
