// The player page's status line: what is loaded, whether live updates flow,
// what went wrong. Announced politely to screen readers.

/**
 * The status element above the player (created when the template has none)
 * and a setter for its text.
 * @param {HTMLElement} root the player's container
 * @returns {(text: string, isError?: boolean) => void}
 */
export function statusLine(root) {
  let el = document.getElementById('session-replay-status');
  if (!el) {
    el = document.createElement('p');
    el.id = 'session-replay-status';
    /** @type {ParentNode} */ (root.parentNode).insertBefore(el, root);
  }
  const line = el;
  line.classList.add('session-replay-status');
  line.setAttribute('role', 'status');
  line.setAttribute('aria-live', 'polite');
  return (text, isError) => {
    line.textContent = text;
    line.classList.toggle('session-replay-status--error', !!isError);
  };
}

/**
 * @typedef {Object} Progress
 * @property {number} count events accepted
 * @property {number} bad unreadable lines skipped
 * @property {boolean} done the stored events are all in
 * @property {boolean} live the session is active: more may come
 * @property {'' | 'on' | 'off'} liveState the live socket: not opened, subscribed, closed
 */

/** @param {number} n @param {string} word */
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The status text for a loading or loaded recording.
 * @param {Progress} p
 */
export function progressText(p) {
  let text = plural(p.count, 'event');
  if (!p.done) text += p.live ? ' (live, loading…)' : ' (loading…)';
  else if (p.liveState === 'on') text += ', watching live';
  else if (p.liveState === 'off') text += ', live updates stopped (reload for more)';
  if (p.bad) text += `, ${plural(p.bad, 'unreadable line')} skipped`;
  return text;
}
