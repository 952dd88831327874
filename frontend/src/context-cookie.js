// The context cookie (docs/privacy.md): while recording, one first-party
// cookie holds the welcome's `ctx`, the server's signature over
// "<session id>:<window id>", so the Django side can put this visitor's own
// requests on the session's timeline (ServerTimelineMiddleware). It holds
// nothing else, is written only while recording (so never before consent),
// lives `contextCookieMaxAge` seconds (the server's idle timeout) after the
// last recorded activity, and is deleted when recording stops or consent is
// withdrawn. A server that sends no `ctx` gets no cookie.

// Recorded activity rewrites the cookie at most this often, so it expires
// with the session's idleness, not while a long page view is still recorded.
const REFRESH_MS = 60000;
// RFC 6265 cookie-octets: a value needing quotes or escapes is not ours.
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,1024}$/;

export class ContextCookie {
  /**
   * @param {{cookie: string}} doc the page's document
   * @param {string} name
   * @param {number} maxAge seconds
   * @param {boolean} secure the page is https: the cookie is Secure
   */
  constructor(doc, name, maxAge, secure) {
    this.doc = doc;
    this.name = name;
    this.maxAge = maxAge;
    this.attrs = '; path=/; SameSite=Lax' + (secure ? '; Secure' : '');
    /** @type {string | null} the ctx of the latest welcome */
    this.ctx = null;
    this.recording = false;
    this.at = 0; // when it was last written
  }

  /**
   * @param {string} value
   * @param {number} maxAge
   */
  write(value, maxAge) {
    try {
      this.doc.cookie = this.name + '=' + value + '; max-age=' + maxAge + this.attrs;
    } catch (e) {
      /* cookies disabled: the server timeline just does not link */
    }
  }

  /** @param {number} now */
  set(now) {
    if (!this.recording || !this.ctx) return;
    this.at = now;
    this.write(this.ctx, this.maxAge);
  }

  /**
   * A welcome, with the server's `ctx` or without (an older server).
   * @param {unknown} ctx
   * @param {number} now
   */
  welcomed(ctx, now) {
    this.ctx = typeof ctx === 'string' && VALUE.test(ctx) ? ctx : null;
    this.set(now);
  }

  /**
   * Recording started (the socket may have been welcomed before).
   * @param {number} now
   */
  started(now) {
    this.recording = true;
    this.set(now);
  }

  /**
   * An event was recorded.
   * @param {number} now
   */
  touched(now) {
    if (now - this.at >= REFRESH_MS) this.set(now);
  }

  /** Recording stopped, or consent withdrawn: the cookie goes. */
  stopped() {
    this.recording = false;
    this.at = 0;
    this.write('', 0);
  }
}
