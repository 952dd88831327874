// Browser telemetry next to the DOM recording: console, JS errors, network,
// page lifecycle, Core Web Vitals, clicks and form-field focus, each on only when the server's config
// says so (recorder.py renders it; config.js reads it). Every record is an
// rrweb plugin event (type 6) handed to the recorder's emit, which batches it
// with rrweb's own events. docs/protocol.md, "Telemetry events".
import { maskingOptions } from '../masking.js';
import { blockSelector } from '../options.js';
import { scrubPatterns, scrubUrl, scrubWords } from '../scrub.js';
import { CLICK, FOCUS, describeClick, watchInteractions } from './clicks.js';
import { PLUGIN as CONSOLE, watchConsole } from './console.js';
import { PLUGIN as ERROR, watchErrors } from './errors.js';
import { PLUGIN as NETWORK, watchNetwork } from './network.js';
import { PLUGIN as PAGE, watchPage } from './performance.js';
import { SIGNAL, watchSignals } from './signals.js';
import { watchVitals } from './vitals.js';

const PLUGIN_EVENT = 6; // rrweb EventType.Plugin

/** @typedef {import('../config.js').RecorderConfig} RecorderConfig */
/** @typedef {{type: number, data: {plugin: string, payload: unknown}, timestamp: number}} PluginEvent */
/** @typedef {{stop(): void, navigated?(): void, flush?(): void}} Part */

/**
 * @param {string} plugin
 * @param {unknown} payload
 * @returns {PluginEvent}
 */
export const pluginEvent = (plugin, payload) => ({ type: PLUGIN_EVENT, data: { plugin, payload }, timestamp: Date.now() });

let starts = 0;

/**
 * Starts what the config turns on; the recorder calls `stop` when recording stops.
 * @param {RecorderConfig} cfg
 * @param {(ev: any) => void} emit
 * @param {string[]} own absolute URL prefixes of the recorder's own traffic (never recorded)
 * @param {any} [win]
 * @returns {{stop(): void, navigated(): void, saw(ev: any): void, flush(): void}}
 */
export function startTelemetry(cfg, emit, own, win = window) {
  const words = scrubWords(cfg.scrubQueryParameters);
  const patterns = scrubPatterns(cfg.scrubPatterns);
  const url = () => scrubUrl(win.location.href, words);
  /** @param {string} plugin */
  const to = (plugin) => (/** @type {any} */ payload) => emit(pluginEvent(plugin, payload));
  /** @type {Part[]} */
  const parts = [];
  const { console: con, errors, network, performance, interactions } = cfg;
  /** @type {ReturnType<typeof watchSignals> | null} dead clicks and thrashing (signals.js) */
  let signals = null;
  if (interactions && interactions.enabled) {
    // Masked as recordOptions masks the page (options.js), so a click's text is the recording's.
    const masking = maskingOptions(cfg.privacy, cfg.maskTextSelector, blockSelector(cfg), cfg.maskClass);
    parts.push(watchInteractions(win, masking, to(CLICK), to(FOCUS)));
    if (interactions.signals) {
      const describe = (/** @type {Element} */ el, /** @type {number} */ x, /** @type {number} */ y) => describeClick(masking, el, x, y);
      parts.push((signals = watchSignals(win, interactions.signals, describe, to(SIGNAL))));
    }
  }
  if (con && con.enabled && win.console) parts.push(watchConsole(win.console, { ...con, patterns }, to(CONSOLE)));
  if (errors && errors.enabled) parts.push(watchErrors(win, { words, patterns }, to(ERROR)));
  if (network && network.enabled) {
    const redact = network.redactHeaders.map((n) => n.toLowerCase());
    const started = () => signals && signals.reacted();
    parts.push(watchNetwork(win, { ...network, redact, words, patterns, own, started }, to(NETWORK)));
  }
  if (performance && performance.enabled) {
    parts.push(watchPage(win, url, to(PAGE), !starts));
    const page = to(PAGE);
    const first = url(); // web-vitals measures the page load, whatever SPA views came after
    parts.push(watchVitals((v) => page({ ...v, url: first })));
  }
  starts++;
  let view = url();
  return {
    stop() {
      for (const p of parts) {
        try {
          p.stop();
        } catch (e) {
          /* the others still stop */
        }
      }
    },
    /** The page is going away: what a part still holds back is emitted now. */
    flush() {
      for (const p of parts) {
        try {
          if (p.flush) p.flush();
        } catch (e) {
          /* the others still flush */
        }
      }
    },
    /**
     * Every event the recorder emits: the dead-click watch waits for the page's reaction.
     * @param {any} ev
     */
    saw(ev) {
      if (signals) signals.saw(ev);
    },
    /** A navigation: a new page view when the URL changed. */
    navigated() {
      const u = url();
      if (u === view) return;
      view = u;
      for (const p of parts) if (p.navigated) p.navigated();
    },
  };
}
