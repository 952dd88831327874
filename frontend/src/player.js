// Admin replay page: streams a session's events (NDJSON, one rrweb event per
// line) and plays them with rrweb-player, starting as soon as the first
// snapshot is in and appending the rest while it arrives.
import rrwebPlayer from 'rrweb-player';

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

  const progress = (done) => {
    let text = `${count} event${count === 1 ? '' : 's'}`;
    if (!done) text += live ? ' (live, loading…)' : ' (loading…)';
    if (bad) text += `, ${bad} unreadable line${bad === 1 ? '' : 's'} skipped`;
    setStatus(text);
  };

  setStatus('Loading…');
  try {
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
    return setStatus(`Could not load the recording: ${(err && err.message) || err}`, true);
  }

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
