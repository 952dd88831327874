// Console output as rrweb/console@1 records (docs/protocol.md, "Telemetry
// events"). Not rrweb's console plugin: that one adds its own error handlers,
// lets long strings through whole and serialises DOM nodes as outerHTML.
// Each console method is wrapped once per console; the original still runs,
// with its own `this` and result, and a console call made while recording
// one (by a getter, by our own code) is not recorded again.
import { scrubText } from '../scrub.js';
import { cut, serialize } from './serialize.js';

export const PLUGIN = 'rrweb/console@1';
export const LEVELS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'assert', 'dir', 'table', 'group', 'groupCollapsed', 'count', 'timeLog'];
const TRACED = ['error', 'trace', 'assert'];
export const CAP_NOTICE = 'session-replay: console record cap reached';

/** @typedef {{level: string, payload: string[], trace: string[]}} ConsoleRecord */
/** @typedef {{maxRecords: number, maxChars: number, patterns: RegExp[]}} ConsoleOptions */
/** @typedef {{sink: ((level: string, args: unknown[]) => void) | null, busy: boolean}} Hook */

/** @type {WeakMap<object, Hook>} */
const hooks = new WeakMap();

/**
 * @param {any} con
 * @returns {Hook}
 */
function hook(con) {
  let h = hooks.get(con);
  if (h) return h;
  /** @type {Hook} */
  const state = { sink: null, busy: false };
  hooks.set(con, state);
  for (const level of LEVELS) {
    const original = con[level];
    if (typeof original !== 'function') continue;
    con[level] = function (/** @type {unknown[]} */ ...args) {
      if (state.sink && !state.busy) {
        state.busy = true;
        try {
          state.sink(level, args);
        } catch (e) {
          /* never into the page */
        }
        state.busy = false;
      }
      return original.apply(this, args);
    };
  }
  return state;
}

/** The caller's stack frames, without ours (this function, the sink, the wrapper). */
function frames() {
  const lines = String(new Error().stack || '').split('\n');
  return lines
    .map((l) => l.trim())
    .filter((l) => l && l !== 'Error')
    .slice(3)
    .map((l) => cut(l, 500));
}

/**
 * @param {any} con the page's console
 * @param {ConsoleOptions} opts
 * @param {(r: ConsoleRecord) => void} send
 */
export function watchConsole(con, opts, send) {
  const max = opts.maxChars;
  let count = 0;
  /** @param {unknown} a */
  const text = (a) => {
    const s = serialize(a, max);
    return cut(scrubText(s.length > max + 100 ? s.slice(0, max + 100) : s, opts.patterns), max);
  };
  const h = hook(con);
  /**
   * @param {string} level
   * @param {unknown[]} args
   */
  const sink = (level, args) => {
    if (level === 'assert') {
      if (args[0]) return;
      args = args.slice(1);
    }
    if (count > opts.maxRecords) return;
    if (count++ === opts.maxRecords) return send({ level: 'warn', payload: [CAP_NOTICE], trace: [] });
    send({ level, payload: args.map(text), trace: TRACED.includes(level) ? frames() : [] });
  };
  h.sink = sink;
  return {
    stop() {
      if (h.sink === sink) h.sink = null;
    },
    navigated() {
      count = 0;
    },
  };
}
