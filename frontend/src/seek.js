// Buttons of the replay page that move the player to a moment of the recording
// (markers, the summary, every panel's times): <button data-session-replay-ts="epoch ms">.
// The player pauses there, so the moment stays on screen.

/** @typedef {{goto(offset: number, play?: boolean): void, getReplayer(): {getMetaData(): {startTime: number}}}} Seekable */

/**
 * The player's offset of an event time, never before the start.
 * @param {number} ts epoch ms
 * @param {number} startTime the recording's first event, epoch ms
 */
export const offsetOf = (ts, startTime) => Math.max(0, ts - startTime);

/**
 * @param {Document} doc
 * @param {() => Seekable | null} player null until the player is up
 * @param {(win: string, ts: number) => boolean} [otherTab] a button of a
 *   tab's moment (data-session-replay-window): that tab is opened there, in
 *   place (a link's own navigation then does not happen); false when it cannot
 *   be, and a button seeks the player shown
 */
export function bindSeekButtons(doc, player, otherTab) {
  doc.addEventListener('click', (e) => {
    const target = /** @type {Element | null} */ (e.target);
    const button = target && target.closest ? target.closest('[data-session-replay-ts]') : null;
    const p = player();
    if (!button || !p) return;
    const ts = Number(button.getAttribute('data-session-replay-ts'));
    if (!isFinite(ts)) return;
    const win = button.getAttribute('data-session-replay-window');
    if (win && otherTab && otherTab(win, ts)) return void e.preventDefault();
    if (button.tagName === 'A') return; // a link to another tab: it opens it
    p.goto(offsetOf(ts, p.getReplayer().getMetaData().startTime), false);
  });
}
