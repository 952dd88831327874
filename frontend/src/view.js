// The rrweb-player on the page: its size and how events reach it.
import rrwebPlayer from 'rrweb-player';
import { canvasReplay } from './canvas.js';
import { playerSize } from './size.js';

/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */
// rrweb-player is a Svelte component; its typings leave out Svelte's $set.
/** @typedef {rrwebPlayer & {$set(props: Record<string, unknown>): void, $destroy(): void}} Player */

const RESIZE_DEBOUNCE_MS = 100;

export { playerSize };

/**
 * @typedef {Object} MountOptions
 * @property {boolean} [controller] rrweb-player's own controller (the export
 *   file's); the admin page draws its own (controls.js)
 * @property {() => number} [fit] the tallest the frame may be now
 */

/**
 * Replaces the container's content by a player of `events`, resized with
 * the window.
 * @param {HTMLElement} root
 * @param {RrwebEvent[]} events
 * @param {RrwebEvent | null} meta
 * @param {MountOptions} [options]
 */
export function mountPlayer(root, events, meta, options = {}) {
  const controller = options.controller !== false;
  const size = () => playerSize(root.clientWidth, innerHeight, meta, options.fit ? options.fit() : undefined);
  root.textContent = '';
  root.classList.add('session-replay-player--ready'); // before measuring: adds the border
  const player = /** @type {Player} */ (
    new rrwebPlayer({
    target: root,
    props: {
      events,
      autoPlay: false,
      showController: controller,
      skipInactive: true,
      speedOption: [1, 2, 4, 8],
      ...size(),
      // Keep rrweb's sandboxed iframe: recorded scripts never run. Never pass
      // UNSAFE_replayCanvas (it adds allow-scripts): canvas.js draws instead.
      plugins: [canvasReplay()],
    },
    })
  );
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pendingResize;
  const resize = () => {
    clearTimeout(pendingResize);
    pendingResize = setTimeout(() => {
      player.$set(size());
      player.triggerResize();
    }, RESIZE_DEBOUNCE_MS);
  };
  addEventListener('resize', resize);
  unmounts.set(player, () => {
    clearTimeout(pendingResize);
    removeEventListener('resize', resize);
  });
  return player;
}

/** @type {WeakMap<Player, () => void>} what unmountPlayer undoes */
const unmounts = new WeakMap();

/**
 * Stops a player and takes it off the page (another tab's replaces it): its
 * replayer's timers and iframe, the component, its resize listener.
 * @param {Player} player
 */
export function unmountPlayer(player) {
  const undo = unmounts.get(player);
  if (undo) undo();
  const replayer = player.getReplayer();
  replayer.pause();
  replayer.destroy();
  player.$destroy();
}

/**
 * Hands events to the player; only the last one refreshes the controller's
 * timeline (player.addEvent), the rest go straight to the replayer.
 * @param {Player} player
 * @param {RrwebEvent[]} events
 */
export function appendEvents(player, events) {
  const last = events.pop();
  if (!last) return;
  const replayer = player.getReplayer();
  for (const e of events) replayer.addEvent(e);
  player.addEvent(last);
}
