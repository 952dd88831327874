// The poster frame of the replay page: the first full snapshot, rendered by
// the server as static HTML into a sandboxed iframe (admin/poster.py), shown
// where the player's frame will be until rrweb has rebuilt its own first
// frame. The page loads it in parallel with player.js; poster-main.js (a
// file of its own, loaded async) sizes it, player.js takes it down.
import { frameFit, frameScale, playerSize } from './size.js';

export const POSTER_ID = 'session-replay-poster';
const FITTED = 'session-replay-poster--fitted';
const GONE = 'session-replay-poster--gone'; // out of sight, until it can be removed
const BORDER_PX = 2; // the player container's border, once it is ready (player.css)
// The longest the player waits for the poster's frame to load before it starts
// anyway (a recorded page's images, from the recorded site, may take seconds).
export const PLAYER_WAIT_MS = 300;

/**
 * Sizes the poster as view.js will size the player, and again on resize.
 * @param {Document} doc
 * @returns {(() => void) | null} the fitting, or null without a poster
 */
export function fitPoster(doc) {
  const box = doc.getElementById(POSTER_ID);
  const root = doc.getElementById('session-replay-player');
  const frame = box && box.querySelector('iframe');
  if (!box || !root || !frame) return null;
  const width = Number(frame.getAttribute('width'));
  const height = Number(frame.getAttribute('height'));
  if (!(width > 0 && height > 0)) return null;
  const fit = () => {
    if (!box.isConnected) return;
    const view = doc.defaultView || window;
    const size = playerSize(root.clientWidth - BORDER_PX, view.innerHeight, { data: { width, height } }, frameFit(root));
    box.style.height = `${size.height + BORDER_PX}px`;
    // The player's container is empty until it mounts: hold the room.
    root.style.minHeight = box.style.height;
    frame.style.transform = `scale(${frameScale(size, width, height)}) translate(-50%, -50%)`;
    box.classList.add(FITTED);
  };
  fit();
  (doc.defaultView || window).addEventListener('resize', fit);
  return fit;
}

/**
 * Takes the poster down (once the player shows its own first frame, or
 * cannot): out of sight at once (visibility, which lets it finish loading),
 * and removed, its document (a whole recorded page) freed with it, once the
 * page has loaded. (The page's load event waits for the poster; player.js
 * closes rrweb's document, which would otherwise hold that event for good.)
 * @param {Document} doc
 */
export function removePoster(doc) {
  const box = doc.getElementById(POSTER_ID);
  if (!box || box.classList.contains(GONE)) return;
  box.classList.add(GONE);
  const root = doc.getElementById('session-replay-player');
  if (root) root.style.minHeight = '';
  if (doc.readyState === 'complete') return void box.remove();
  (doc.defaultView || window).addEventListener('load', () => setTimeout(() => box.remove(), 0), { once: true });
}

/**
 * Starts the player (player.js, whose URL the poster's box holds in
 * `data-player`) once the page is parsed and the poster's frame has loaded,
 * or PLAYER_WAIT_MS after this runs if that is later in coming. Run at once,
 * the player's bundle and its first reads take the cores the poster's first
 * paint needs (bench/README.md, "The player after the poster"); the page
 * preloads the bundle meanwhile.
 * @param {Document} doc
 * @param {(run: () => void, ms: number) => unknown} [later] setTimeout
 * @returns {Promise<HTMLScriptElement> | null} the player's script, or null without a poster
 */
export function startPlayerAfterPoster(doc, later = setTimeout) {
  const box = doc.getElementById(POSTER_ID);
  const src = box && box.dataset.player;
  if (!box || !src) return null;
  const frame = box.querySelector('iframe');
  const parsed = new Promise((resolve) => {
    if (doc.readyState !== 'loading') return resolve(undefined);
    doc.addEventListener('DOMContentLoaded', () => resolve(undefined), { once: true });
  });
  const posterIn = new Promise((resolve) => {
    // Its load may have come before this ran: the frame's own resource
    // timing entry, which the page gets once the frame is in, says so.
    if (frame && frame.src && performance.getEntriesByName(frame.src).length) return resolve(undefined);
    if (frame) frame.addEventListener('load', () => resolve(undefined), { once: true });
    later(() => resolve(undefined), PLAYER_WAIT_MS);
  });
  return Promise.all([parsed, posterIn]).then(() => {
    const script = doc.createElement('script');
    script.src = src;
    doc.body.append(script);
    return script;
  });
}
