export { read, show, strText, type SExpr } from './sexpr.js';
export { parseScript, type Command, type Located } from './script.js';
export { parseValue, toJs, mismatch, camelCase, type WastValue } from './values.js';
export { engineName, getEngine, load, assemble, type Engine, type EngineName } from './engine.js';
export { Runner, runScript, type CommandResult, type RunOptions } from './runner.js';
export { runFileIsolated, runSpec, summarize, type FileResult, type SpecReport } from './spec.js';
export { startChromiumHost, type ChromiumHost } from './browser.js';
