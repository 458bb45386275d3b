import { isKeelError, type JsonValue } from '@keel/contract';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { KeelServerContext } from './server-context.js';
import { parseInput } from './server-error.js';

const ParamsSchema = z
  .object({ name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,199}$/, 'not an RPC method name') })
  .strict();

const BodySchema = z
  .object({
    payload: z.json().optional(),
    /** Bounded so an API caller cannot park a handler for minutes. */
    timeoutMs: z.number().int().min(1).max(30_000).optional(),
  })
  .strict();

/** `POST /api/rpc/:name` → `host.rpc.call` as caller `api`; RPC error codes pass through with a status. */
export function registerRpcRoutes(app: FastifyInstance, ctx: KeelServerContext): void {
  app.post('/api/rpc/:name', async (request) => {
    const { name } = parseInput(ParamsSchema, request.params, 'params');
    const body = parseInput(BodySchema, request.body ?? {}, 'body');
    try {
      const result = await ctx.host.rpc.call(name, body.payload as JsonValue | undefined, {
        timeoutMs: body.timeoutMs ?? 5_000,
      });
      ctx.metrics.countRpc('ok');
      return { result };
    } catch (error) {
      ctx.metrics.countRpc(isKeelError(error) ? error.code : 'INTERNAL');
      throw error;
    }
  });
}
