// django-session-replay recorder: rrweb events -> msgpack batches -> WebSocket,
// exactly once (see docs/protocol.md). Loaded with <script defer> right after
// the <script type="application/json" id="session-replay-config"> element.
//
// Flow: rrweb emit -> Pending (encoded events, bounded) -> cut into a batch
// with the next seq of this window -> Held (memory + sessionStorage) -> sent
// over the socket -> dropped on ack. On page hide the rest goes by beacon too.
import { record } from '@rrweb/record';
import { enc, list, batchFrame, ingestBody, FRAME_OVERHEAD, canDeflate, deflate } from './codec.js';
import { Pending, gapEvent } from './buffer.js';
import { Held } from './held.js';
import { Transport } from './transport.js';
import * as id from './identity.js';
import * as st from './storage.js';

const DEFAULTS = {
  v: 1,
  ws: '/ws/session-replay/',
  ingest: '/session-replay/api/ingest',
  key: '',
  autostart: true,
  sampleRate: 1,
  maskAllInputs: true,
  maskTextSelector: null,
  blockSelector: null,
  flushIntervalMs: 2000,
  flushBytes: 65536,
  maxFrameBytes: 1048576,
  maxBufferBytes: 2 << 20,
  idleTimeoutMs: 30 * 60 * 1000,
  maxDurationMs: 12 * 3600 * 1000,
  checkoutEveryNms: 5 * 60 * 1000,
};
// Browsers cap the data of all in-flight beacons of a page at 64 KiB.
const BEACON_MAX = 60000;
// Smaller lists are not worth the async round trip through CompressionStream.
const COMPRESS_MIN = 1024;
// Closes that mean "this very batch was refused": replace it with a gap
// marker instead of re-sending it forever.
const REFUSED = [4000, 4002, 4003];
const SESSION_FULL = 4009;

function readConfig() {
  const el = document.getElementById('session-replay-config');
  if (!el) return null;
  try {
    const c = JSON.parse(el.textContent);
    return c && typeof c === 'object' ? c : null;
  } catch (e) {
    return null;
  }
}

/** "/ws/x/" or "ws(s)://host/x/" (or http(s)) -> absolute ws(s):// URL. */
function wsUrl(path) {
  const u = new URL(path, location.href);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  return u.href;
}

function create(cfg) {
  const win = id.windowId();
  id.keepOwnership(win);
  const ctr = new id.Counter(win);
  const held = new Held(win);
  let pending = new Pending();
  const budget = cfg.maxFrameBytes - FRAME_OVERHEAD;

  let stopRecording = null; // rrweb's stop function while recording
  let sid = null; // session id welcomed on this page
  let cutOnPage = false; // some of this page's events went into a batch
  let wantSnapshot = false; // retake Meta + FullSnapshot when there is room
  let refused = 0; // seq of a batch the server closed the socket on
  let lastTouch = 0;
  let mem = null; // copy of the shared session record, for when storage is off
  let lsOff = false; // localStorage refused a write: trust only `mem`
  let interval = 0;
  let soon = 0;

  ctr.seq = Math.max(ctr.seq, held.list.length ? held.list[held.list.length - 1].seq : 0);

  const t = new Transport(wsUrl(cfg.ws), { hello, welcome, ack, closed, drain: pump });

  const session = () => (!lsOff && id.readSession()) || mem;

  function hello() {
    const s = session();
    const fresh = s && !id.expired(s, Date.now(), cfg);
    return {
      t: 'hello',
      v: cfg.v,
      key: cfg.key,
      token: fresh ? s.token : null,
      win,
      visitor: id.visitorId(),
      page: {
        url: location.href,
        title: document.title || '',
        referrer: document.referrer || '',
        ua: navigator.userAgent,
        screen: [screen.width | 0, screen.height | 0],
        viewport: [innerWidth | 0, innerHeight | 0],
      },
    };
  }

  function welcome(m) {
    const now = Date.now();
    if (ctr.sid && ctr.sid !== m.sid) {
      // A new session: what this window still holds was numbered for the
      // old one, which the server no longer resumes. Start again at seq 1,
      // and give the new session a snapshot if this page's went elsewhere.
      held.filter(() => false);
      ctr.seq = 0;
      if (cutOnPage) {
        // Pending events are deltas against a snapshot the new session lacks.
        pending = new Pending();
        wantSnapshot = true;
      }
    }
    const s = session();
    mem = { token: m.token, sid: m.sid, start: s && s.sid === m.sid ? s.start : now, last: now };
    if (!id.writeSession(mem)) lsOff = true;
    sid = m.sid;
    ctr.sid = m.sid;
    ctr.token = m.token;
    ctr.seq = Math.max(ctr.seq, m.seq | 0); // never reuse a seq the server has
    ctr.save();
    held.filter((b) => b.seq > m.seq);
    const first = held.list[0];
    if (refused && first && first.seq === refused) {
      const gap = enc(gapEvent('refused', first.n, now));
      held.replace(first, batchFrame(first.seq, list([gap])), 1);
    }
    refused = 0;
    for (const b of held.list) b.sent = false;
    flush();
  }

  function ack(seq) {
    held.filter((b) => b.seq !== seq);
    pump();
    idleClose();
  }

  function closed(code, welcomed) {
    const first = held.list[0];
    if (welcomed && REFUSED.indexOf(code) >= 0 && first && first.sent) refused = first.seq;
    if (code === SESSION_FULL) {
      // The session takes no more: the next hello must start a new one.
      id.clearSession(ctr.sid);
      mem = null;
    }
    if (t.fatal) {
      // bad key, forbidden origin or unsupported version: stop for this page.
      halt();
      pending = new Pending();
      clearInterval(interval);
      interval = 0;
    }
  }

  /** Sends held batches in seq order, as far as the socket allows. */
  function pump() {
    for (const b of held.list) {
      if (b.sent) continue;
      if (b.busy || !t.send(b.f)) break; // keep order: wait for this one
      b.sent = true;
    }
  }

  /** Cuts pending events into batches (only while welcomed, unless forced). */
  function flush(force) {
    clearTimeout(soon);
    soon = 0;
    if (force || t.ready) {
      if (!force && wantSnapshot && stopRecording && held.bytes < cfg.maxBufferBytes / 2) {
        wantSnapshot = false;
        record.takeFullSnapshot(true); // emits Meta + FullSnapshot into pending
      }
      while (pending.q.length) cut(!force);
    }
    pump();
    idleClose();
  }

  function cut(compress) {
    const items = pending.take(budget);
    const bytes = list(items.map((i) => i.b));
    const seq = ctr.next();
    const b = { seq, f: batchFrame(seq, bytes), n: items.length, sent: false };
    b.busy = compress && canDeflate && bytes.length >= COMPRESS_MIN;
    held.add(b);
    cutOnPage = true;
    if (!b.busy) return;
    deflate(bytes)
      .then((z) => {
        if (z.length < bytes.length) held.replace(b, batchFrame(seq, null, z));
      })
      .catch(() => {})
      .then(() => {
        b.busy = false;
        if (!b.saved) held.save(b);
        pump();
      });
  }

  function emit(ev) {
    try {
      let b = enc(ev);
      if (b.length > budget) b = enc(gapEvent('too_large', 1, ev.timestamp));
      pending.add(b, ev.timestamp);
      if (pending.shrink(cfg.maxBufferBytes - held.bytes)) wantSnapshot = true;
      touch(Date.now());
      if (pending.bytes >= cfg.flushBytes && t.ready && !soon) soon = setTimeout(tick, 0);
    } catch (e) {
      /* never throw into rrweb or the page */
    }
  }

  /** Notes activity (at most once a second) and rotates an expired session. */
  function touch(now) {
    if (now - lastTouch < 1000) return;
    lastTouch = now;
    const s = session();
    if (!s) return;
    if (s.sid !== ctr.sid || id.expired(s, now, cfg)) {
      // Idle/too long, or another tab already moved to a new session: a new
      // hello picks the right token (or none).
      if (t.ready) t.restart();
    } else {
      s.last = now;
      mem = s;
      if (!id.writeSession(s)) lsOff = true;
    }
  }

  function tick() {
    try {
      flush();
    } catch (e) {
      /* silent */
    }
  }

  function run() {
    t.open();
    if (!interval) interval = setInterval(tick, cfg.flushIntervalMs);
  }

  /** Closes the socket once nothing is left to deliver and we are stopped. */
  function idleClose() {
    if (stopRecording || held.list.length || pending.q.length) return;
    t.close();
    clearInterval(interval);
    interval = 0;
  }

  function halt() {
    if (!stopRecording) return;
    try {
      stopRecording();
    } catch (e) {
      /* ignore */
    }
    stopRecording = null;
  }

  function beacon() {
    if (!ctr.token || !navigator.sendBeacon) return;
    let size = 512; // the envelope: v, key, token, win, visitor
    const picked = [];
    for (const b of held.list) {
      // Once per batch: navigation fires both visibilitychange and pagehide.
      // Whatever a beacon failed to deliver, the next page's socket re-sends.
      if (b.beaconed || size + b.f.length > BEACON_MAX) continue; // whole batches only
      picked.push(b);
      size += b.f.length;
    }
    if (!picked.length) return;
    const frames = picked.map((b) => b.f);
    const body = ingestBody({ v: cfg.v, key: cfg.key, token: ctr.token, win, visitor: id.visitorId() }, frames);
    if (navigator.sendBeacon(cfg.ingest, new Blob([body], { type: 'application/msgpack' }))) {
      for (const b of picked) b.beaconed = true;
    }
  }

  /** Page going away or hidden: batch everything, keep it, beacon it. */
  function hide() {
    try {
      if (!held.list.length && !pending.q.length) return;
      flush(true);
      held.saveAll();
      beacon();
    } catch (e) {
      /* silent */
    }
  }

  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') hide();
  });
  const nudge = () => t.nudge();
  addEventListener('online', nudge);
  addEventListener('pageshow', nudge);

  // Batches left by the previous page of this tab are delivered even if this
  // page does not record (yet).
  if (held.list.length) run();

  return {
    start() {
      if (stopRecording || t.fatal) return;
      try {
        stopRecording =
          record({
            emit,
            maskAllInputs: !!cfg.maskAllInputs,
            // Password fields are always masked; there is no way to unmask them.
            maskInputOptions: { password: true },
            maskTextSelector: cfg.maskTextSelector || undefined,
            blockSelector: cfg.blockSelector || undefined,
            checkoutEveryNms: cfg.checkoutEveryNms || undefined,
            errorHandler: () => true, // rrweb observer errors stay ours
          }) || null;
      } catch (e) {
        stopRecording = null;
      }
      if (stopRecording) run();
    },
    stop() {
      halt();
      try {
        flush(true); // the last events are kept and still delivered
      } catch (e) {
        /* silent */
      }
    },
    track(name, data) {
      if (!stopRecording) return;
      try {
        record.addCustomEvent(String(name), data);
      } catch (e) {
        /* silent */
      }
    },
    get sessionId() {
      return sid;
    },
  };
}

function init() {
  if (window.SessionReplay) return;
  const raw = readConfig();
  const cfg = Object.assign({}, DEFAULTS, raw);
  let r = null;
  try {
    if (raw && typeof WebSocket === 'function') r = create(cfg);
  } catch (e) {
    r = null;
  }
  // Without a config the API still exists, so page code calling it never breaks.
  window.SessionReplay = r || { start() {}, stop() {}, track() {}, sessionId: null };
  if (!r || !cfg.autostart) return;
  // The sampling decision is kept per tab so a visitor's tab stays consistent.
  let pick = st.get('sessionStorage', 'sr:sample');
  if (pick !== '1' && pick !== '0') {
    pick = Math.random() < Number(cfg.sampleRate) ? '1' : '0';
    st.set('sessionStorage', 'sr:sample', pick);
  }
  if (pick === '1') r.start();
}

init();
