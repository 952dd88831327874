// Admin replay page: streams a session's events (NDJSON, one rrweb event per
// line) and plays them with rrweb-player, starting as soon as the first
// snapshot is in and appending the rest while it arrives. For an active
// session with a `liveUrl`, batches stored later arrive over a WebSocket.
import rrwebPlayer from 'rrweb-player';
import { decode } from './decode.js';

const META = 4; // rrweb EventType.Meta
const FULL_SNAPSHOT = 2; // rrweb EventType.FullSnapshot
const CONTROLLER_PX = 80; // rrweb-player's controller bar height

function readConfig() {
  const el = document.getElementById('session-replay-player-config');
  try {
    return el ? JSON.parse(el.textContent) : null;
  } catch (e) {
    return null;
  }
}

function statusLine(root) {
  let el = document.getElementById('session-replay-status');
  if (!el) {
    el = document.createElement('p');
    el.id = 'session-replay-status';
    root.parentNode.insertBefore(el, root);
  }
  el.classList.add('session-replay-status');
  el.setAttribute('role', 'status');
  el.setAttribute('aria-live', 'polite');
  return (text, isError) => {
    el.textContent = text;
    el.classList.toggle('session-replay-status--error', !!isError);
  };
}

/** Player size: the container's width, the recorded viewport's aspect ratio. */
function size(root, meta) {
  const width = Math.max(320, root.clientWidth || 0);
  const ratio = meta && meta.data && meta.data.width > 0 ? meta.data.height / meta.data.width : 9 / 16;
  const maxHeight = Math.max(240, Math.round(innerHeight * 0.75) - CONTROLLER_PX);
  return { width, height: Math.min(maxHeight, Math.round(width * ratio)) };
}

// The replayer adds a `delay` field to the events it holds: leave it out
// when comparing a live event with a stored one.
const withoutDelay = (e) => JSON.stringify(e, (k, v) => (k === 'delay' ? undefined : v));

/** "/path" or http(s)/ws(s) URL -> absolute ws(s):// URL. */
function wsUrl(path) {
  const u = new URL(path, location.href);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  return u.href;
}

/**
 * Live viewing: the server sends each batch it stores for the session as a
 * msgpack frame {t: "events", win, seq, events}. Only the window on screen
 * (the eventsUrl's `window` parameter) is kept. Returns a promise that
 * settles once the socket is subscribed (or failed).
 */
function openLive(url, win, onEvents, onState) {
  let ws;
  try {
    ws = new WebSocket(wsUrl(url));
  } catch (e) {
    onState('off');
    return Promise.resolve();
  }
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => onState('on');
  ws.onclose = () => onState('off');
  ws.onmessage = (m) => {
    if (typeof m.data === 'string') return;
    try {
      const f = decode(new Uint8Array(m.data));
      if (f && f.t === 'events' && Array.isArray(f.events) && (!win || f.win === win)) onEvents(f.events);
    } catch (e) {
      /* a frame we cannot read: skip it */
    }
  };
  // Resolves once subscribed (or failed, or after 3 s): reading the stored
  // events only then means no batch falls between the two.
  return new Promise((resolve) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('close', resolve);
    setTimeout(resolve, 3000);
  });
}

async function main() {
  const root = document.getElementById('session-replay-player');
  if (!root) return;
  const setStatus = statusLine(root);
  const cfg = readConfig();
  if (!cfg || !cfg.eventsUrl) return setStatus('Player configuration is missing.', true);
  const live = !!cfg.live;

  let player = null;
  let meta = null;
  let hasSnapshot = false;
  let count = 0;
  let bad = 0;
  let initial = [];
  let later = [];

  const start = () => {
    initial.sort((a, b) => a.timestamp - b.timestamp);
    root.textContent = '';
    root.classList.add('session-replay-player--ready'); // before measuring: adds the border
    player = new rrwebPlayer({
      target: root,
      props: {
        events: initial,
        autoPlay: false,
        showController: true,
        skipInactive: true,
        speedOption: [1, 2, 4, 8],
        ...size(root, meta),
        // Keep rrweb's sandboxed iframe: recorded scripts never run.
      },
    });
    initial = null;
    let pendingResize = 0;
    addEventListener('resize', () => {
      clearTimeout(pendingResize);
      pendingResize = setTimeout(() => {
        player.$set(size(root, meta));
        player.triggerResize();
      }, 100);
    });
  };

  // Hands queued events to the player; only the last one refreshes the
  // controller's timeline (player.addEvent), the rest go straight in.
  const append = () => {
    if (!player || !later.length) return;
    const replayer = player.getReplayer();
    const last = later.pop();
    for (const e of later) replayer.addEvent(e);
    player.addEvent(last);
    later = [];
  };

  const take = (line) => {
    if (!line.trim()) return;
    let e;
    try {
      e = JSON.parse(line);
    } catch (err) {
      bad++;
      return;
    }
    accept(e);
    if (stored && e && typeof e.timestamp === 'number') {
      const same = stored.get(e.timestamp);
      if (same) same.push(e);
      else stored.set(e.timestamp, [e]);
    }
  };

  const accept = (e) => {
    if (!e || typeof e.type !== 'number' || typeof e.timestamp !== 'number') {
      bad++;
      return;
    }
    count++;
    if (player) return void later.push(e);
    initial.push(e);
    if (e.type === META && !meta) meta = e;
    if (e.type === FULL_SNAPSHOT) hasSnapshot = true;
    if (meta && hasSnapshot) start();
  };

  // A batch stored while the NDJSON was being read can reach us twice: in
  // the NDJSON and as a live frame (before or after the NDJSON ends). Live
  // frames wait until the NDJSON is in; then each live event that equals a
  // stored one with the same timestamp is skipped.
  let liveQueue = null;
  let stored = null; // NDJSON events by timestamp, in live mode only
  let liveState = '';
  let finished = false;
  let failed = false;
  let subscribed = null;
  if (live && cfg.liveUrl) {
    liveQueue = [];
    stored = new Map();
    const win = new URL(cfg.eventsUrl, location.href).searchParams.get('window');
    subscribed = openLive(
      cfg.liveUrl,
      win,
      (events) => {
        if (failed) return;
        if (liveQueue) return void liveQueue.push(...events);
        events.forEach(acceptLive);
        append();
        progress(true);
      },
      (state) => {
        liveState = state;
        if (finished && count) progress(true);
      },
    );
  }

  const acceptLive = (e) => {
    const same = e && stored.get(e.timestamp);
    if (same) {
      const json = withoutDelay(e);
      const i = same.findIndex((x) => withoutDelay(x) === json);
      if (i >= 0) return void same.splice(i, 1); // already had it
    }
    accept(e);
  };

  const mergeLive = () => {
    const queue = liveQueue;
    liveQueue = null;
    queue.forEach(acceptLive);
  };

  const progress = (done) => {
    let text = `${count} event${count === 1 ? '' : 's'}`;
    if (!done) text += live ? ' (live, loading…)' : ' (loading…)';
    else if (liveState === 'on') text += ', watching live';
    else if (liveState === 'off') text += ', live updates stopped (reload for more)';
    if (bad) text += `, ${bad} unreadable line${bad === 1 ? '' : 's'} skipped`;
    setStatus(text);
  };

  setStatus('Loading…');
  try {
    await subscribed;
    const res = await fetch(cfg.eventsUrl, {
      credentials: 'same-origin',
      headers: { Accept: 'application/x-ndjson' },
    });
    if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim());
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read();
      buf += decoder.decode(value || new Uint8Array(), { stream: !done });
      const lines = buf.split('\n');
      buf = done ? '' : lines.pop(); // keep a partial last line for the next chunk
      lines.forEach(take);
      append();
      if (done) break;
      progress(false);
    }
  } catch (err) {
    liveQueue = [];
    failed = true; // live frames are of no use without the start of the recording
    return setStatus(`Could not load the recording: ${(err && err.message) || err}`, true);
  }

  finished = true;
  if (liveQueue) mergeLive();
  if (!player && count >= 2) start(); // no Meta + FullSnapshot pair: play what there is
  if (!count) return setStatus('No events recorded yet');
  if (!player) return setStatus(`${count} event recorded: not enough to replay yet`);
  append();
  progress(true);
}

main().catch((err) => {
  const el = document.getElementById('session-replay-status');
  if (el) el.textContent = `Player error: ${(err && err.message) || err}`;
});
