import { KeelError } from '@keel/contract';

/** Every code `@keel/python` raises or records, with what it means. Codes are permanent. */
export const PYTHON_ERROR_CODES = {
  PYTHON_INVALID_OPTIONS: 'pythonPlugin() options (or a config entry) do not match the schema',
  PYTHON_INTERPRETER_NOT_FOUND: 'the Python interpreter could not be started',
  PYTHON_FILE_NOT_FOUND: 'the plugin file does not exist',
  PYTHON_SYNTAX_ERROR: 'the plugin module has a syntax error',
  PYTHON_IMPORT_ERROR: 'importing the plugin module raised (a missing dependency, an error at import time)',
  PYTHON_PANDAS_MISSING: 'an SMK sensor plugin needs pandas and the interpreter has none',
  PYTHON_CLASS_NOT_FOUND: 'the module has no class of that name',
  PYTHON_UNKNOWN_DIALECT: 'the class is none of the SMKPlugin, OptiFIRE Plugin or PrismR service dialects',
  PYTHON_INSPECT_FAILED: 'the interpreter did not describe the plugin (crashed or printed no answer)',
  PYTHON_START_FAILED: 'the plugin process did not become ready',
  PYTHON_PROCESS_EXITED: 'the plugin process exited, crashed or was killed while it had work',
  PYTHON_PROTOCOL: 'the plugin process broke the line protocol (oversized or malformed line)',
  PYTHON_PLUGIN_ERROR: 'the plugin raised an exception',
  PYTHON_MISSING_DEPENDENCY:
    'an OptiFIRE plan() dependency is not an output of any loaded plugin or data source',
  PYTHON_CANCELLED: 'the call was cancelled (budget exceeded or the plugin is unloading)',
} as const;

export type PythonErrorCode = keyof typeof PYTHON_ERROR_CODES;

/** Errors raised by `@keel/python`: one line, naming the field or file, with a `hint` where the user can act. */
export class PythonError extends KeelError<PythonErrorCode> {}
