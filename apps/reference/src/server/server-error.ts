import { isKeelError, KeelError, type KeelErrorOptions } from '@keel/contract';
import type { z } from 'zod';

export type ServerErrorCode =
  | 'NOT_FOUND'
  | 'PANEL_NOT_FOUND'
  | 'PLUGIN_NOT_FOUND'
  | 'INVALID_REQUEST'
  | 'HOST_NOT_ALLOWED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'CROSS_SITE_REQUEST'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'SERVER_INVALID_OPTION'
  | 'INTERNAL';

/** Errors the HTTP API answers with; `status` is the HTTP status, the JSON body is `{ code, message, field? }`. */
export class ServerError extends KeelError<ServerErrorCode> {
  readonly status: number;

  constructor(code: ServerErrorCode, status: number, message: string, options: KeelErrorOptions = {}) {
    super(code, message, options);
    this.status = status;
  }
}

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** Host failures (RPC, scheduler, bus) keep the host's codes; only the status says whose fault it was. */
const RPC_STATUS: Record<string, number> = {
  RPC_UNKNOWN_METHOD: 404,
  RPC_TIMEOUT: 504,
  RPC_HANDLER_FAILED: 502,
  RPC_ABORTED: 503,
  RPC_INVALID_NAME: 400,
  RPC_INVALID_PAYLOAD: 400,
  RPC_INVALID_OPTION: 400,
  SCHEDULER_UNKNOWN_JOB: 404,
  SCHEDULER_JOB_BUSY: 409,
  BUS_INVALID_TYPE: 400,
  BUS_NOT_JSON_SAFE: 400,
};

/**
 * Maps anything thrown in a handler to a status and a body. Keel errors keep their code and
 * one-line message (they never carry secrets by contract); anything else becomes a bare `INTERNAL`
 * so a stack, a path or a credential in a foreign message never reaches the client.
 */
export function toErrorResponse(thrown: unknown): { status: number; body: ErrorBody } {
  if (thrown instanceof ServerError) return { status: thrown.status, body: bodyOf(thrown) };
  if (isKeelError(thrown)) {
    const status = RPC_STATUS[thrown.code] ?? 500;
    return { status, body: bodyOf(thrown) };
  }
  const fastify = thrown as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const code =
      fastify.statusCode === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : fastify.statusCode === 413
          ? 'PAYLOAD_TOO_LARGE'
          : fastify.statusCode === 404
            ? 'NOT_FOUND'
            : 'INVALID_REQUEST';
    // Fixed texts: a parser's message can quote the request body back.
    return { status: fastify.statusCode, body: { code, message: FASTIFY_MESSAGES[code] ?? code } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal server error' } };
}

const FASTIFY_MESSAGES: Record<string, string> = {
  UNSUPPORTED_MEDIA_TYPE: 'content-type: only application/json is accepted',
  PAYLOAD_TOO_LARGE: 'body: larger than the server accepts',
  NOT_FOUND: 'not found',
  INVALID_REQUEST: 'body: not a valid JSON request',
};

function bodyOf(error: KeelError): ErrorBody {
  return {
    code: error.code,
    message: oneLine(error.message),
    ...(error.field === undefined ? {} : { field: error.field }),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * Validates request input with zod; the first issue becomes an `INVALID_REQUEST` naming the field
 * (`query.limit`, `body.payload`, ...) so a client can point at what it sent wrong.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = [where, ...(issue?.path ?? []).map(String)].join('.');
  throw new ServerError('INVALID_REQUEST', 400, `${field}: ${issue?.message ?? 'invalid'}`, { field });
}
