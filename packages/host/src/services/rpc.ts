import {
  checkJsonSafe,
  formatValue,
  type JsonValue,
  type Rpc,
  type RpcCallOptions,
  type RpcHandler,
  type Unsubscribe,
} from '@keel/contract';
import { describeThrown, RpcError } from './errors.js';
import { frozenJsonCopy } from './json-copy.js';

export interface RpcRegistryOptions {
  /** Timeout of a call that sets none (default 30 000 ms). */
  defaultTimeoutMs?: number;
}

export interface RpcMethodInfo {
  readonly name: string;
  readonly owner: string;
}

export interface RpcStats {
  readonly calls: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
}

/** All RPC methods of one host; plugins and the API use it through `forCaller` views. */
export interface RpcRegistry {
  /** The contract `Rpc` for one caller: registers as its owner, calls as it. */
  forCaller(callerId: string): Rpc;
  /** Every registered method and its owner, sorted by name. */
  methods(): RpcMethodInfo[];
  /** Unregisters every method `owner` registered (plugin unload); returns how many. */
  unregisterAll(owner: string): number;
  stats(): RpcStats;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 2_147_483_647;
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$/;

interface Method {
  readonly name: string;
  readonly owner: string;
  readonly handler: RpcHandler;
}

/**
 * Creates the request/response registry. One owner per name; a call rejects with an `RpcError`
 * whose code tells an unknown name (`RPC_UNKNOWN_METHOD`), a timeout (`RPC_TIMEOUT`, the handler's
 * signal is aborted) and a handler failure (`RPC_HANDLER_FAILED`, also for a non-JSON-safe result)
 * apart. Payloads and results are JSON-checked and copied, so caller and handler share no objects.
 */
export function createRpcRegistry(options: RpcRegistryOptions = {}): RpcRegistry {
  const defaultTimeoutMs = checkTimeout(options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, 'defaultTimeoutMs');
  const methods = new Map<string, Method>();
  let calls = 0;
  let succeeded = 0;
  let failed = 0;
  let timedOut = 0;

  function register(owner: string, name: string, handler: RpcHandler): Unsubscribe {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      throw new RpcError(
        'RPC_INVALID_NAME',
        `rpc name ${formatValue(name)} must match ${NAME_PATTERN.source}`,
        {
          field: 'name',
          value: name,
        },
      );
    }
    if (typeof handler !== 'function') {
      throw new RpcError('RPC_INVALID_NAME', `rpc ${name}: handler must be a function`, {
        field: 'handler',
        value: handler,
      });
    }
    const taken = methods.get(name);
    if (taken !== undefined) {
      throw new RpcError('RPC_NAME_TAKEN', `rpc ${name} is already registered by ${taken.owner}`, {
        field: 'name',
        value: name,
        hint: 'namespace method names with the plugin id, e.g. `my-plugin.status`',
      });
    }
    const method: Method = { name, owner, handler };
    methods.set(name, method);
    return () => {
      if (methods.get(name) === method) methods.delete(name);
    };
  }

  function call<T extends JsonValue>(
    caller: string,
    name: string,
    payload: JsonValue = null,
    callOptions: RpcCallOptions = {},
  ): Promise<T> {
    calls++;
    const method = methods.get(name);
    if (method === undefined) {
      failed++;
      return Promise.reject(
        new RpcError('RPC_UNKNOWN_METHOD', `rpc ${formatValue(name)} is not registered`, {
          field: 'name',
          value: name,
        }),
      );
    }
    const check = checkJsonSafe(payload, { root: 'payload' });
    if (!check.ok) {
      failed++;
      return Promise.reject(
        new RpcError('RPC_INVALID_PAYLOAD', `rpc ${name}: ${check.path} ${check.reason}`, {
          field: check.path,
          value: name,
        }),
      );
    }
    let timeoutMs: number;
    try {
      timeoutMs = checkTimeout(callOptions.timeoutMs ?? defaultTimeoutMs, 'timeoutMs');
    } catch (error) {
      failed++;
      return Promise.reject(error);
    }
    const external = callOptions.signal;
    if (external?.aborted) {
      failed++;
      return Promise.reject(
        new RpcError('RPC_ABORTED', `rpc ${name}: aborted by the caller before it started`, {
          field: 'signal',
        }),
      );
    }

    return new Promise<T>((resolve, reject) => {
      const controller = new AbortController();
      let settled = false;
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        external?.removeEventListener('abort', onAbort);
        return true;
      };
      const fail = (error: RpcError): void => {
        if (!finish()) return;
        failed++;
        if (error.code === 'RPC_TIMEOUT') timedOut++;
        if (error.code === 'RPC_TIMEOUT' || error.code === 'RPC_ABORTED') controller.abort(error);
        reject(error);
      };
      const onAbort = (): void => {
        fail(new RpcError('RPC_ABORTED', `rpc ${name}: aborted by the caller`, { field: 'signal' }));
      };
      const timer = setTimeout(() => {
        fail(
          new RpcError('RPC_TIMEOUT', `rpc ${name}: no answer within ${timeoutMs} ms`, {
            field: 'timeoutMs',
            value: timeoutMs,
            hint: `the handler of ${method.owner} was aborted; raise timeoutMs if it is legitimately slow`,
          }),
        );
      }, timeoutMs);
      external?.addEventListener('abort', onAbort, { once: true });

      const handlerFailed = (thrown: unknown): void => {
        fail(
          new RpcError(
            'RPC_HANDLER_FAILED',
            `rpc ${name}: handler of ${method.owner} failed: ${describeThrown(thrown)}`,
            {
              field: 'name',
              value: name,
              cause: thrown,
            },
          ),
        );
      };
      let result: JsonValue | Promise<JsonValue>;
      try {
        result = method.handler(frozenJsonCopy(payload), { caller, signal: controller.signal });
      } catch (thrown) {
        handlerFailed(thrown);
        return;
      }
      Promise.resolve(result).then((value) => {
        if (settled) return;
        const out = checkJsonSafe(value, { root: 'result' });
        if (!out.ok) {
          handlerFailed(new Error(`returned a value that is not JSON-safe: ${out.path} ${out.reason}`));
          return;
        }
        finish();
        succeeded++;
        resolve(frozenJsonCopy(value) as T);
      }, handlerFailed);
    });
  }

  return {
    forCaller(callerId: string): Rpc {
      return Object.freeze({
        register: (name: string, handler: RpcHandler) => register(callerId, name, handler),
        call: <T extends JsonValue = JsonValue>(
          name: string,
          payload?: JsonValue,
          callOptions?: RpcCallOptions,
        ) => call<T>(callerId, name, payload, callOptions),
      });
    },
    methods: () =>
      [...methods.values()]
        .map((m) => ({ name: m.name, owner: m.owner }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    unregisterAll(owner: string): number {
      let removed = 0;
      for (const [name, m] of methods) {
        if (m.owner === owner) {
          methods.delete(name);
          removed++;
        }
      }
      return removed;
    },
    stats: () => ({ calls, succeeded, failed, timedOut }),
  };
}

function checkTimeout(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new RpcError(
      'RPC_INVALID_OPTION',
      `${field} must be a positive integer of ms, got ${formatValue(value)}`,
      {
        field,
        value,
      },
    );
  }
  return value;
}
