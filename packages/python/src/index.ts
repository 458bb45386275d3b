export type { PythonErrorCode } from './errors.js';
export { PYTHON_ERROR_CODES, PythonError } from './errors.js';
export type { PythonPluginOptions } from './options.js';
export { PythonPluginOptionsSchema, parseShorthand } from './options.js';
export type { PythonPluginCheck } from './python-plugin.js';
export { checkPythonPlugin, pythonPlugin } from './python-plugin.js';
export type { PythonConfigEntry } from './config-entry.js';
export { isPythonConfigEntry, PythonConfigEntrySchema, pythonPluginFromConfig } from './config-entry.js';
export { HOST_OUTPUTS } from './dialects/scheduled.js';
