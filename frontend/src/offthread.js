// A full snapshot of a long page is megabytes of nested objects. Encoding it
// to msgpack in JavaScript takes the page's main thread for a few hundred
// milliseconds (bench.recorder_cost); JSON.stringify, native, takes a fraction
// of that, and the text goes to a worker that encodes and deflates it there.
// The worker runs from a Blob URL: where the page's CSP forbids that (no
// `worker-src blob:`), or it fails, the caller encodes on the main thread.

/** @typedef {{z: Uint8Array, r: number}} Packed  z: raw deflate of the msgpack list of one event; r: that list's size */

export class OffThread {
  /** @param {string} source the worker's code */
  constructor(source) {
    this.source = source;
    /** @type {Worker | null | undefined} undefined until first used; null once it failed */
    this.worker = undefined;
    this.next = 1;
    /** @type {Map<number, {resolve: (p: Packed) => void, reject: (e: Error) => void}>} */
    this.waiting = new Map();
  }

  /** @returns {Worker | null} */
  start() {
    if (this.worker !== undefined) return this.worker;
    try {
      const url = URL.createObjectURL(new Blob([this.source], { type: 'text/javascript' }));
      const w = new Worker(url);
      w.onmessage = (m) => {
        const p = this.waiting.get(m.data.id);
        this.waiting.delete(m.data.id);
        if (!p) return;
        if (m.data.z instanceof Uint8Array) p.resolve({ z: m.data.z, r: m.data.r });
        else p.reject(new Error(m.data.error || 'worker'));
      };
      w.onerror = () => this.fail(w); // blocked by a CSP, or broken: main thread from now on
      this.worker = w;
    } catch (e) {
      this.worker = null;
    }
    return this.worker;
  }

  /** @param {Worker} w */
  fail(w) {
    if (this.worker === w) this.worker = null;
    w.terminate();
    for (const p of this.waiting.values()) p.reject(new Error('worker failed'));
    this.waiting.clear();
  }

  /**
   * @param {string} json one event as JSON text
   * @returns {Promise<Packed>} rejected when there is no worker, or it failed
   */
  pack(json) {
    const w = this.start();
    if (!w) return Promise.reject(new Error('no worker'));
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, json });
    });
  }
}
