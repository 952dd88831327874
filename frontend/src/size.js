// How big the player's frame is on the page, shared by the player (view.js)
// and the poster frame (poster.js), which must stand exactly where the
// player's frame will be.

const CONTROLLER_PX = 80; // rrweb-player's controller bar height
// Room under the frame for the marker bar and the controls (player.css).
export const BELOW_FRAME_PX = 100;

/**
 * Player size: the container's width, the recorded viewport's aspect ratio,
 * no taller than 3/4 of the window (or than `fit`, the room the page has).
 * @param {number} containerWidth
 * @param {number} windowHeight
 * @param {{data?: unknown} | null} meta the recording's Meta event (its viewport)
 * @param {number} [fit] the tallest the frame may be
 */
export function playerSize(containerWidth, windowHeight, meta, fit) {
  const width = Math.max(320, containerWidth || 0);
  /** @type {any} */
  const data = meta && meta.data;
  const ratio = data && data.width > 0 ? data.height / data.width : 9 / 16;
  const maxHeight = fit !== undefined ? Math.max(200, fit) : Math.max(240, Math.round(windowHeight * 0.75) - CONTROLLER_PX);
  return { width, height: Math.min(maxHeight, Math.round(width * ratio)) };
}

/**
 * The tallest the frame may be so that the controls below it stay in view
 * without scrolling: what the window has left under `root`'s top.
 * @param {HTMLElement} root
 */
export function frameFit(root) {
  return innerHeight - (root.getBoundingClientRect().top + scrollY) - BELOW_FRAME_PX;
}

/**
 * The scale rrweb-player gives the recorded page in a frame of `box`: the
 * whole viewport in view, never enlarged.
 * @param {{width: number, height: number}} box
 * @param {number} width the recorded viewport's
 * @param {number} height
 */
export function frameScale(box, width, height) {
  return Math.min(box.width / width, box.height / height, 1);
}
