// Uncaught errors and unhandled promise rejections as session-replay/error@1
// records. A failed <img>/<script> load also fires `error` (on the element,
// seen here in the capture phase): that is no JS error and the network
// records have it.
import { scrubText, scrubUrl } from '../scrub.js';
import { cut, serialize } from './serialize.js';

export const PLUGIN = 'session-replay/error@1';
export const MAX_RECORDS = 100; // per page view
const MAX_MESSAGE = 5000;
const MAX_STACK = 10000;

/**
 * @typedef {{kind: 'error' | 'unhandledrejection', name: string, message: string, source: string,
 *   line: number, column: number, stack: string}} ErrorRecord
 */

/**
 * @param {any} win
 * @param {{words: string[], patterns: RegExp[]}} opts
 * @param {(r: ErrorRecord) => void} send
 */
export function watchErrors(win, opts, send) {
  let count = 0;
  /**
   * @param {ErrorRecord['kind']} kind
   * @param {any} err the thrown value
   * @param {string} [message] the event's own message
   * @param {any} [e] the ErrorEvent
   */
  const record = (kind, err, message, e) => {
    if (count >= MAX_RECORDS) return;
    count++;
    const isError = err instanceof Error || (err && typeof err === 'object' && typeof err.message === 'string');
    const text = isError ? String(err.message) : message || serialize(err, MAX_MESSAGE);
    send({
      kind,
      name: isError ? String(err.name || 'Error') : kind === 'error' ? 'Error' : 'UnhandledRejection',
      message: cut(scrubText(cut(text, MAX_MESSAGE), opts.patterns), MAX_MESSAGE),
      source: scrubUrl(String((e && e.filename) || ''), opts.words),
      line: (e && e.lineno) | 0,
      column: (e && e.colno) | 0,
      stack: cut(scrubText(cut(String((isError && err.stack) || ''), MAX_STACK), opts.patterns), MAX_STACK),
    });
  };
  /** @param {any} e */
  const onError = (e) => {
    try {
      const t = e.target;
      if (t && t !== win && typeof t.nodeType === 'number') return; // a resource that did not load
      record('error', e.error, String(e.message || ''), e);
    } catch (x) {
      /* never into the page */
    }
  };
  /** @param {any} e */
  const onRejection = (e) => {
    try {
      record('unhandledrejection', e.reason);
    } catch (x) {
      /* never into the page */
    }
  };
  win.addEventListener('error', onError, true);
  win.addEventListener('unhandledrejection', onRejection);
  return {
    stop() {
      win.removeEventListener('error', onError, true);
      win.removeEventListener('unhandledrejection', onRejection);
    },
    navigated() {
      count = 0;
    },
  };
}
