// Where this recorder runs, for iframes (docs/recording.md, "Iframes").
//
// rrweb records a same-origin iframe from its parent page, in place; a
// cross-origin one only when both pages record with recordCrossOriginIframes:
// then the frame's rrweb posts its events to the parent (window.postMessage),
// which stores them with its own. The frame opens no socket of its own.

/** The message a recording parent sends its frames after each full snapshot. */
export const SNAPSHOT_REQUEST = 'session-replay-snapshot';
// A frame answers at most this often, whatever the page framing it asks.
export const SNAPSHOT_REQUEST_MIN_MS = 2000;

/**
 * - 'top': record and send (a top page, or a frame nobody records from above)
 * - 'inside': do nothing, the same-origin parent's recorder records this frame
 * - 'child': record, and hand the events to the cross-origin parent
 * @param {Window} win
 * @param {string} configId the id of the recorder's config element
 * @param {boolean} crossOrigin recordCrossOriginIframes
 * @returns {'top' | 'inside' | 'child'}
 */
export function frameRole(win, configId, crossOrigin) {
  if (!win.parent || win.parent === win) return 'top';
  /** @type {Document | null} */
  let parentDocument = null;
  try {
    parentDocument = win.parent.document;
  } catch (e) {
    /* another origin */
  }
  // The parent's config element is parsed before any frame of its body loads.
  if (parentDocument) return parentDocument.getElementById(configId) ? 'inside' : 'top';
  return crossOrigin ? 'child' : 'top';
}

/**
 * Asks every iframe of the page for a full snapshot. The parent's rrweb ignores
 * a frame's events until it has seen the frame in one of its own snapshots, and
 * each of its snapshots replaces what the frame showed: so after each, ask.
 * @param {Document} doc
 */
export function askFramesForSnapshots(doc) {
  for (const frame of Array.from(doc.querySelectorAll('iframe'))) {
    try {
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: SNAPSHOT_REQUEST }, '*');
    } catch (e) {
      /* a frame being torn down */
    }
  }
}

/**
 * In a child frame: take a full snapshot when the parent asks (and not more
 * often than SNAPSHOT_REQUEST_MIN_MS).
 * @param {Window} win
 * @param {() => void} snapshot
 * @param {() => number} [now]
 */
export function answerSnapshotRequests(win, snapshot, now = Date.now) {
  let last = -Infinity;
  win.addEventListener('message', (e) => {
    if (e.source !== win.parent || !e.data || e.data.type !== SNAPSHOT_REQUEST) return;
    const t = now();
    if (t - last < SNAPSHOT_REQUEST_MIN_MS) return;
    try {
      snapshot();
      last = t;
    } catch (err) {
      /* not recording (yet): the next request counts */
    }
  });
}
