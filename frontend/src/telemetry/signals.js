// Dead clicks and a thrashing cursor, watched here because only the page sees
// every mutation and mouse move as they happen (the server would have to
// decode every batch whole). Each becomes a session-replay/signal@1 record;
// the server's Signals processor finds rage clicks, error clicks and quick
// backs from the timeline itself (timeline/signals.py).
//
// Dead click: a click on a button, a link or a button-like input that is
// followed by no DOM mutation, scroll, input, navigation or network request
// for `deadClickMs` (Sentry's and PostHog's rule; text fields are left out:
// clicking into one changes nothing until the visitor types).
// Thrashing: `thrashingChanges` reversals of the cursor's horizontal or
// vertical direction within `thrashingWindowMs`.

export const SIGNAL = 'session-replay/signal@1';
export const MAX_SIGNALS = 100; // per page view
const ACTIONABLE = 'a[href], button, [role=button], [role=link], summary, input[type=button], input[type=submit], input[type=reset], input[type=image], input[type=checkbox], input[type=radio]';
const INCREMENTAL = 3; // rrweb EventType.IncrementalSnapshot
const META = 4;
const FULL_SNAPSHOT = 2;
const PLUGIN = 6;
// rrweb IncrementalSource: Mutation, Scroll, Input, MediaInteraction, StyleSheetRule, CanvasMutation, Font, StyleDeclaration, AdoptedStyleSheet
const REACTIONS = [0, 3, 5, 7, 8, 9, 10, 13, 15];
const STEP = 4; // px a move must cover before its direction counts

/** @typedef {{deadClickMs: number, thrashingChanges: number, thrashingWindowMs: number}} SignalOptions */
/** @typedef {(target: Element, x: number, y: number) => Record<string, unknown>} Describe */

/**
 * Whether an rrweb event (or one of our plugin records) shows the page reacting.
 * @param {any} ev
 */
export function isReaction(ev) {
  if (!ev) return false;
  if (ev.type === INCREMENTAL) return !!ev.data && REACTIONS.indexOf(ev.data.source) >= 0;
  if (ev.type === META || ev.type === FULL_SNAPSHOT) return true;
  return ev.type === PLUGIN && !!ev.data && ev.data.plugin === 'rrweb/network@1';
}

/**
 * Counts reversals of a moving point along one axis.
 */
class Axis {
  constructor() {
    this.anchor = NaN;
    this.sign = 0;
  }

  /**
   * @param {number} v the coordinate now
   * @returns {boolean} whether the direction just reversed
   */
  move(v) {
    if (isNaN(this.anchor)) {
      this.anchor = v;
      return false;
    }
    const d = v - this.anchor;
    if (Math.abs(d) < STEP) return false;
    this.anchor = v;
    const sign = d > 0 ? 1 : -1;
    const reversed = this.sign !== 0 && sign !== this.sign;
    this.sign = sign;
    return reversed;
  }
}

/**
 * @param {any} win
 * @param {SignalOptions} opts
 * @param {Describe} describe a click target as the click record describes it (clicks.js)
 * @param {(payload: Record<string, unknown>) => void} emit
 */
export function watchSignals(win, opts, describe, emit) {
  const doc = win.document;
  /** @type {{at: number, timer: any, target: Element, x: number, y: number}[]} */
  let pending = [];
  let sent = 0;
  /** @type {number[]} */
  let reversals = [];
  let quietUntil = 0;
  const axes = [new Axis(), new Axis()];

  /** @param {Record<string, unknown>} payload */
  const signal = (payload) => {
    if (sent >= MAX_SIGNALS) return;
    sent++;
    emit(payload);
  };

  const clear = () => {
    for (const p of pending) clearTimeout(p.timer);
    pending = [];
  };

  /** @param {any} e */
  const onClick = (e) => {
    try {
      let t = typeof e.composedPath === 'function' ? e.composedPath()[0] : e.target;
      if (t && t.nodeType === 3) t = t.parentElement;
      const el = t && t.nodeType === 1 && t.closest ? t.closest(ACTIONABLE) : null;
      if (!el) return;
      const at = Date.now();
      const x = Math.round(e.clientX) || 0;
      const y = Math.round(e.clientY) || 0;
      const entry = { at, timer: 0, target: el, x, y };
      entry.timer = setTimeout(() => {
        pending = pending.filter((p) => p !== entry);
        try {
          signal({ kind: 'dead_click', at, ...describe(el, x, y) });
        } catch (x) {
          /* never into the page */
        }
      }, opts.deadClickMs);
      pending.push(entry);
    } catch (x) {
      /* never into the page */
    }
  };

  /** @param {any} e */
  const onMove = (e) => {
    try {
      const now = Date.now();
      let turned = false;
      if (axes[0].move(e.clientX)) turned = true;
      if (axes[1].move(e.clientY)) turned = true;
      if (!turned || now < quietUntil) return;
      reversals.push(now);
      while (reversals.length && reversals[0] < now - opts.thrashingWindowMs) reversals.shift();
      if (reversals.length >= opts.thrashingChanges) {
        signal({ kind: 'thrashing', at: reversals[0], x: Math.round(e.clientX) || 0, y: Math.round(e.clientY) || 0, changes: reversals.length });
        reversals = [];
        quietUntil = now + opts.thrashingWindowMs; // one signal per spell of thrashing
      }
    } catch (x) {
      /* never into the page */
    }
  };

  doc.addEventListener('click', onClick, true);
  doc.addEventListener('mousemove', onMove, { capture: true, passive: true });
  return {
    /**
     * Every event the recorder emits passes here: a reaction clears the clicks before it.
     * @param {any} ev
     */
    saw(ev) {
      if (!pending.length || !isReaction(ev)) return;
      const ts = typeof ev.timestamp === 'number' ? ev.timestamp : Date.now();
      const left = [];
      for (const p of pending) {
        if (p.at <= ts) clearTimeout(p.timer);
        else left.push(p);
      }
      pending = left;
    },
    /** A request started (network.js): a reaction, now. */
    reacted() {
      this.saw({ type: META, timestamp: Date.now() });
    },
    stop() {
      clear();
      doc.removeEventListener('click', onClick, true);
      doc.removeEventListener('mousemove', onMove, { capture: true });
    },
    navigated() {
      clear(); // a navigation is the click's reaction
      sent = 0;
    },
  };
}
