// The replay page's keyboard shortcuts (listed in the template's dialog).
// Keys typed into a field, a select or a button's own activation are left
// alone: Space on a focused button presses that button, not play.

/**
 * @typedef {Object} KeyActions
 * @property {() => void} toggle
 * @property {(deltaMs: number) => void} skipBy
 * @property {(step: number) => void} speedBy -1 slower, +1 faster
 * @property {() => void} toggleSkip
 * @property {() => void} toLive
 * @property {() => void} shortcuts
 */

export const STEP_MS = 5000;

/**
 * Whether a key press belongs to the element it happened in.
 * @param {EventTarget | null} target
 * @param {string} key
 */
export function typing(target, key) {
  const t = /** @type {any} */ (target);
  if (!t || !t.tagName) return false;
  if (t.isContentEditable) return true;
  const tag = String(t.tagName).toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = String(t.type || 'text').toLowerCase();
    // A range takes the arrows; a checkbox takes Space; text fields take every key.
    if (type === 'range') return key.startsWith('Arrow') || key === 'Home' || key === 'End' || key.startsWith('Page');
    if (type === 'checkbox' || type === 'radio') return key === ' ';
    return true;
  }
  if ((tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') && (key === ' ' || key === 'Enter')) return true;
  // Arrows move between the tabs of a tablist (panels.js).
  if (t.getAttribute && t.getAttribute('role') === 'tab' && key.startsWith('Arrow')) return true;
  return false;
}

/**
 * The action of a key, or null.
 * @param {{key: string, ctrlKey?: boolean, metaKey?: boolean, altKey?: boolean, target?: EventTarget | null}} e
 * @param {KeyActions} a
 * @returns {(() => void) | null}
 */
export function actionOf(e, a) {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target || null, e.key)) return null;
  switch (e.key) {
    case ' ':
      return a.toggle;
    case 'ArrowLeft':
      return () => a.skipBy(-STEP_MS);
    case 'ArrowRight':
      return () => a.skipBy(STEP_MS);
    case '<':
      return () => a.speedBy(-1);
    case '>':
      return () => a.speedBy(1);
    case 'i':
      return a.toggleSkip;
    case 'l':
      return a.toLive;
    case '?':
      return a.shortcuts;
    default:
      return null;
  }
}

/**
 * @param {Document} doc
 * @param {KeyActions} a
 */
export function bindKeys(doc, a) {
  doc.addEventListener('keydown', (e) => {
    const act = actionOf(e, a);
    if (!act) return;
    e.preventDefault(); // Space would scroll the page
    act();
  });
}
