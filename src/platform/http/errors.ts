// The error catalogue's building block: a domain error with a stable code, turned into an RFC 9457
// problem document by the one error handler. Services throw these, never HTTP types.

export const PROBLEM_BASE = 'https://bookedbarber.com/problems/';

export interface FieldError {
  /** JSON pointer-ish location of the bad field, e.g. `/body/email`. */
  readonly field: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly errors: readonly FieldError[] | undefined;
  /** Extra members of the problem document (e.g. `retry_after`). */
  readonly extra: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    spec: ErrorSpec,
    detail?: string,
    options: {
      errors?: FieldError[];
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail ?? spec.title);
    this.code = spec.code;
    this.status = spec.status;
    this.title = spec.title;
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly title: string;
}

/** Every code declared by any module, for the error reference in the docs and its test. */
export const errorCatalogue = new Map<string, ErrorSpec>();

/**
 * Declares one error of the catalogue. Returns a factory: `throw SlotUnavailable('…why…')`.
 */
export function defineError(code: string, status: number, title: string) {
  const existing = errorCatalogue.get(code);
  if (existing && (existing.status !== status || existing.title !== title)) {
    throw new Error(`error code "${code}" declared twice with different meanings`);
  }
  const spec: ErrorSpec = Object.freeze({ code, status, title });
  errorCatalogue.set(code, spec);
  const make = (detail?: string, options?: ConstructorParameters<typeof AppError>[2]) =>
    new AppError(spec, detail, options);
  /** Whether `error` is one of these. */
  const is = (error: unknown): error is AppError => error instanceof AppError && error.code === code;
  return Object.assign(make, { spec, is });
}

// Errors of the HTTP pipeline itself; modules declare their own in `<module>.errors.ts`.
export const BadRequest = defineError('bad-request', 400, 'Bad request');
export const MalformedJson = defineError('malformed-json', 400, 'Malformed JSON body');
export const Unauthenticated = defineError('unauthenticated', 401, 'Authentication required');
export const Forbidden = defineError('forbidden', 403, 'Not allowed');
export const CsrfFailed = defineError('csrf-failed', 403, 'CSRF token missing or invalid');
export const NotFound = defineError('not-found', 404, 'Not found');
export const RouteNotFound = defineError('route-not-found', 404, 'No such route');
export const MethodNotAllowed = defineError('method-not-allowed', 405, 'Method not allowed');
export const PayloadTooLarge = defineError('payload-too-large', 413, 'Request body too large');
export const UnsupportedMediaType = defineError('unsupported-media-type', 415, 'Unsupported media type');
export const ValidationFailed = defineError('validation-failed', 422, 'Request validation failed');
export const RateLimited = defineError('rate-limited', 429, 'Too many requests');
export const InternalError = defineError('internal', 500, 'Internal server error');
export const DatabaseUnavailable = defineError('database-unavailable', 503, 'Database unavailable');
export const Overloaded = defineError('overloaded', 503, 'Server overloaded');
