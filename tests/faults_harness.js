// The fault tests' harness (tests/test_faults.py), run in every document of
// the browser context before the page's own scripts. test_faults.py sets
// window.__faultsTickMs (one tick, and one DOM mutation, every so many ms
// while a range is open) in front of it.
//
// The tick counter is per tab (sessionStorage): `tick:next` is written before
// `track` in the same task, so a number is never emitted twice, even when the
// page goes away right after. The recorder's socket is watched (opens, closes,
// frames sent and received) for the report and to time the server kills.
(() => {
  let SS;
  try {
    SS = window.sessionStorage;
    SS.getItem('tick:next');
  } catch (e) {
    return; // about:blank, error pages: no storage of our origin
  }
  const num = (k) => Number(SS.getItem(k) || 0);
  const log = (entry) => {
    const all = JSON.parse(SS.getItem('ws:log') || '[]');
    all.push([Date.now(), entry]);
    SS.setItem('ws:log', JSON.stringify(all.slice(-500)));
  };
  const Native = window.WebSocket;
  window.__sent = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => log('open'));
      this.addEventListener('close', (e) => log('close ' + e.code));
      this.addEventListener('message', () => log('recv'));
    }
    send(data) {
      super.send(data);
      window.__sent++;
      log('send');
    }
  };
  function emit() {
    const k = num('tick:next');
    if (!k || k > num('tick:last') || num('tick:paused') || !window.SessionReplay) return false;
    SS.setItem('tick:next', String(k + 1));
    const host = document.getElementById('content') || document.body;
    if (host) {
      const el = document.createElement('p');
      el.className = 'tick';
      let text = 'tick ' + k + ' ';
      while (text.length < num('tick:pad')) text += Math.random().toString(36).slice(2);
      el.textContent = text;
      host.appendChild(el);
      const shown = host.getElementsByClassName('tick');
      if (shown.length > 30) shown[0].remove();
    }
    window.SessionReplay.track('tick', { n: k });
    return true;
  }
  function burst(count) {
    let n = 0;
    while (n < count && emit()) n++;
    return n;
  }
  window.__ticks = {
    open(first, last, pad) {
      SS.setItem('tick:next', String(first));
      SS.setItem('tick:last', String(last));
      SS.setItem('tick:pad', String(pad || 0)); // characters of random text per tick
      SS.removeItem('tick:paused');
    },
    // Opens a window that gets a copy of this tab's sessionStorage, marked
    // paused so that it does not go on with this tab's tick numbers.
    openWindow(url) {
      SS.setItem('tick:paused', '1');
      window.open(url);
      SS.removeItem('tick:paused');
    },
    stop() {
      const last = num('tick:next') - 1;
      SS.setItem('tick:last', String(last));
      return last;
    },
    burst,
    // Emits up to `count` ticks in this one task, then leaves for `url` before
    // any flush or ack could happen.
    burstThenLeave(count, url) {
      const n = burst(count);
      location.href = url;
      return n;
    },
    leave(url) {
      location.href = url;
    },
    state() {
      return {
        next: num('tick:next'),
        last: num('tick:last'),
        held: Object.keys(SS).filter((k) => k.startsWith('sr:b:')).length,
        heldSeqs: Object.keys(SS)
          .filter((k) => k.startsWith('sr:b:'))
          .map((k) => Number(k.split(':').pop())),
        win: SS.getItem('sr:win'),
        ws: JSON.parse(SS.getItem('ws:log') || '[]'),
      };
    },
  };
  setInterval(emit, window.__faultsTickMs);
})();
