// Core Web Vitals (LCP, CLS, INP, FCP, TTFB) from the web-vitals package, as
// session-replay/page@1 "vital" records. web-vitals cannot be stopped, so it
// is started once per page and reports to whichever recording runs.
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';

/** @typedef {{kind: 'vital', name: string, value: number, rating: string}} Vital */

/** @type {((v: Vital) => void) | null} */
let sink = null;
let started = false;

/**
 * @param {(v: Vital) => void} send
 * @returns {{stop(): void}}
 */
export function watchVitals(send) {
  sink = send;
  if (!started) {
    started = true;
    /** @param {{name: string, value: number, rating: string}} m */
    const report = (m) => {
      try {
        if (sink) sink({ kind: 'vital', name: m.name, value: m.value, rating: m.rating });
      } catch (e) {
        /* never into the page */
      }
    };
    for (const on of [onLCP, onCLS, onINP, onFCP, onTTFB]) {
      try {
        on(report);
      } catch (e) {
        /* a browser without this metric */
      }
    }
  }
  return {
    stop() {
      if (sink === send) sink = null;
    },
  };
}
