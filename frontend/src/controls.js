// The replay page's own controller, in place of rrweb-player's (whose icon
// buttons have no accessible names and whose bar sits below the fold): native
// controls, each with a name, that drive the player through a Transport
// (workspace.js). Drawn into the template's #session-replay-controls.
import { clock, percent } from './entries.js';

export const SPEEDS = [1, 2, 4, 8];
// How far behind the live edge "Jump to live" is offered.
export const LIVE_SLACK_MS = 3000;

/**
 * What the controls show and act on; workspace.js implements it over rrweb-player.
 * @typedef {Object} Transport
 * @property {() => void} toggle play or pause
 * @property {(offset: number) => void} seek keep playing or paused
 * @property {(speed: number) => void} setSpeed
 * @property {(on: boolean) => void} setSkip
 * @property {() => void} toLive
 * @property {(offset: number) => void} copyLink copies the link at this offset
 * @property {() => void} shortcuts open the shortcuts dialog
 */

/**
 * @typedef {Object} ControlState
 * @property {number} current ms since the start
 * @property {number} total ms, the recording's length so far
 * @property {boolean} playing
 * @property {number} speed
 * @property {boolean} skip
 * @property {boolean} live the session is active
 */

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {string} [text]
 */
export function el(doc, tag, attrs = {}, text = '') {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

export class Controls {
  /**
   * @param {HTMLElement} root
   * @param {Transport} t
   */
  constructor(root, t) {
    const doc = root.ownerDocument;
    this.t = t;
    root.textContent = '';
    this.track = el(doc, 'div', { class: 'session-replay-track' });
    this.inactive = el(doc, 'div', { class: 'session-replay-inactive', 'aria-hidden': 'true' });
    this.played = el(doc, 'div', { class: 'session-replay-played', 'aria-hidden': 'true' });
    this.position = /** @type {HTMLInputElement} */ (
      el(doc, 'input', { type: 'range', name: 'position', 'aria-label': 'Position', min: '0', max: '0', step: '100', value: '0' })
    );
    this.track.append(this.inactive, this.played, this.position);

    const bar = el(doc, 'div', { class: 'session-replay-buttons' });
    this.play = /** @type {HTMLButtonElement} */ (el(doc, 'button', { type: 'button', class: 'button session-replay-play' }));
    this.time = el(doc, 'span', { class: 'session-replay-time' }, '0:00 / 0:00');
    const speedLabel = el(doc, 'label', { class: 'session-replay-speed' }, 'Speed ');
    this.speed = /** @type {HTMLSelectElement} */ (el(doc, 'select', { name: 'speed' }));
    for (const s of SPEEDS) this.speed.append(el(doc, 'option', { value: String(s) }, `${s}×`));
    speedLabel.append(this.speed);
    const skipLabel = el(doc, 'label', { class: 'session-replay-skip' });
    this.skip = /** @type {HTMLInputElement} */ (el(doc, 'input', { type: 'checkbox', name: 'skip' }));
    skipLabel.append(this.skip, doc.createTextNode(' Skip inactivity'));
    this.live = /** @type {HTMLButtonElement} */ (el(doc, 'button', { type: 'button', class: 'button session-replay-live' }, 'Jump to live'));
    this.live.hidden = true;
    const copy = el(doc, 'button', { type: 'button', class: 'button session-replay-copy' }, 'Copy link at this moment');
    const keys = el(doc, 'button', { type: 'button', class: 'button session-replay-keys', 'aria-haspopup': 'dialog' }, 'Keyboard shortcuts');
    this.copied = el(doc, 'span', { class: 'session-replay-copied', role: 'status' });
    // A live session: following, idle or left (workspace.js, follow.js).
    this.liveStatus = el(doc, 'span', { class: 'session-replay-live-status', role: 'status' });
    bar.append(this.play, this.time, speedLabel, skipLabel, this.live, copy, keys, this.copied, this.liveStatus);
    root.append(this.track, bar);

    /** @type {boolean | null} what the Play button shows */
    this.playing = null;
    this.setPlaying(false);
    this.dragging = false;
    this.play.addEventListener('click', () => t.toggle());
    // While the thumb moves (mouse or keys) the player follows it.
    this.position.addEventListener('input', () => t.seek(Number(this.position.value)));
    this.position.addEventListener('pointerdown', () => (this.dragging = true));
    this.position.addEventListener('pointerup', () => (this.dragging = false));
    this.speed.addEventListener('change', () => t.setSpeed(Number(this.speed.value)));
    this.skip.addEventListener('change', () => t.setSkip(this.skip.checked));
    this.live.addEventListener('click', () => t.toLive());
    copy.addEventListener('click', () => t.copyLink(Number(this.position.value)));
    keys.addEventListener('click', () => t.shortcuts());
  }

  /** @param {boolean} playing */
  setPlaying(playing) {
    // The name is the action, exactly "Play" or "Pause"; the icon is decoration.
    const doc = this.play.ownerDocument;
    this.play.textContent = '';
    this.play.append(el(doc, 'span', { 'aria-hidden': 'true', class: 'session-replay-icon' }, playing ? '❚❚' : '▶'), doc.createTextNode(playing ? 'Pause' : 'Play'));
  }

  /** @param {ControlState} s */
  update(s) {
    const total = Math.max(0, Math.round(s.total));
    const current = Math.min(total, Math.max(0, Math.round(s.current)));
    if (this.playing !== s.playing) this.setPlaying(s.playing);
    this.playing = s.playing;
    this.time.textContent = `${clock(current)} / ${clock(total)}`;
    this.position.max = String(total);
    if (!this.dragging) this.position.value = String(current);
    this.position.setAttribute('aria-valuetext', `${clock(current)} of ${clock(total)}`);
    this.played.style.width = `${percent(current, 0, total)}%`;
    this.speed.value = String(s.speed);
    this.skip.checked = s.skip;
    this.live.hidden = !(s.live && total - current > LIVE_SLACK_MS);
  }

  /**
   * Shades the stretches without user activity.
   * @param {[number, number][]} periods offsets in ms
   * @param {number} total
   */
  shade(periods, total) {
    const doc = this.inactive.ownerDocument;
    this.inactive.textContent = '';
    for (const [a, b] of periods) {
      const span = el(doc, 'span', { title: `Inactive ${clock(a)}–${clock(b)}` });
      span.style.left = `${percent(a, 0, total)}%`;
      span.style.width = `${percent(b, 0, total) - percent(a, 0, total)}%`;
      this.inactive.append(span);
    }
  }

  /** @param {string} text */
  sayLive(text) {
    if (this.liveStatus.textContent !== text) this.liveStatus.textContent = text;
  }

  /** @param {string} text */
  say(text) {
    this.copied.textContent = text;
  }
}
