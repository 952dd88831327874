// Clicks and form-field focus as session-replay/click@1 and
// session-replay/focus@1 records, so the timeline can say what was clicked
// without replaying. A click describes the closest interactive ancestor of
// its target (or the target itself); its text is the text the recording
// holds of it, masked as the privacy mode masks the page (masking.js). No
// form field's value is ever read: an input is described by its type. The
// listeners take the capture phase so a page stopping propagation still
// has its clicks recorded.
import { blocked, recordedText } from '../masking.js';

export const CLICK = 'session-replay/click@1';
export const FOCUS = 'session-replay/focus@1';
export const MAX_RECORDS = 1000; // of each kind, per page view
const MAX_TEXT = 80;
const MAX_NAME = 100;
const MAX_CLASSES = 3;
const INTERACTIVE = 'a, button, input, select, textarea, label, [role=button], summary';
const FIELDS = ['INPUT', 'SELECT', 'TEXTAREA'];

/** @typedef {import('../masking.js').MaskingOptions} MaskingOptions */
/** @typedef {{tag: string, id: string, classes: string[], text: string, x: number, y: number}} ClickRecord */
/** @typedef {{tag: string, id: string, name: string, type: string}} FocusRecord */

/** @param {unknown} s */
const short = (s) => (typeof s === 'string' ? s.slice(0, MAX_NAME) : '');

/**
 * The element an event happened on: inside an open shadow root, the real one.
 * @param {any} e
 * @returns {Element | null}
 */
function targetOf(e) {
  let t = typeof e.composedPath === 'function' ? e.composedPath()[0] : e.target;
  if (t && t.nodeType === 3) t = t.parentElement;
  return t && t.nodeType === 1 ? t : null;
}

/** @param {Element} el */
function classesOf(el) {
  const list = el.classList ? Array.from(el.classList) : String(el.getAttribute('class') || '').split(/\s+/);
  return list.filter(Boolean).slice(0, MAX_CLASSES).map(short);
}

/** @param {Element} el */
const isField = (el) => FIELDS.indexOf(el.tagName.toUpperCase()) >= 0;

/** @param {Element} el */
const typeOf = (el) => short(/** @type {HTMLInputElement} */ (el).type || (el.tagName.toUpperCase() === 'INPUT' ? 'text' : ''));

/**
 * @param {MaskingOptions} masking the page's masking (recordOptions)
 * @param {Element} target
 * @param {number} x
 * @param {number} y
 * @returns {ClickRecord}
 */
export function describeClick(masking, target, x, y) {
  let el = target;
  try {
    el = target.closest(INTERACTIVE) || target;
  } catch (e) {
    /* the target itself */
  }
  const tag = el.tagName.toLowerCase();
  const text = recordedText(masking, el, MAX_TEXT);
  // Inside a blocked element the recording has none of it: no id, class or text either.
  if (text === null) return { tag, id: '', classes: [], text: '', x, y };
  // A field's content is its value; what is typed into an editable element is input too.
  const editable = /** @type {HTMLElement} */ (el).isContentEditable === true;
  return { tag, id: short(el.id), classes: classesOf(el), text: isField(el) ? typeOf(el) : editable ? '' : text, x, y };
}

/**
 * @param {MaskingOptions} masking
 * @param {Element} el a form field
 * @returns {FocusRecord}
 */
export function describeFocus(masking, el) {
  const tag = el.tagName.toLowerCase();
  if (blocked(masking, el)) return { tag, id: '', name: '', type: typeOf(el) };
  return { tag, id: short(el.id), name: short(el.getAttribute('name') || ''), type: typeOf(el) };
}

/**
 * @param {any} win
 * @param {MaskingOptions} masking
 * @param {(r: ClickRecord) => void} click
 * @param {(r: FocusRecord) => void} focus
 */
export function watchInteractions(win, masking, click, focus) {
  const doc = win.document;
  let clicks = 0;
  let focuses = 0;
  /** @param {any} e */
  const onClick = (e) => {
    try {
      const t = targetOf(e);
      if (!t || clicks >= MAX_RECORDS) return;
      clicks++;
      click(describeClick(masking, t, Math.round(e.clientX) || 0, Math.round(e.clientY) || 0));
    } catch (x) {
      /* never into the page */
    }
  };
  /** @param {any} e */
  const onFocus = (e) => {
    try {
      const t = targetOf(e);
      if (!t || !isField(t) || focuses >= MAX_RECORDS) return;
      focuses++;
      focus(describeFocus(masking, t));
    } catch (x) {
      /* never into the page */
    }
  };
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('focusin', onFocus, true);
  return {
    stop() {
      doc.removeEventListener('click', onClick, true);
      doc.removeEventListener('focusin', onFocus, true);
    },
    navigated() {
      clicks = 0;
      focuses = 0;
    },
  };
}
