// The recorder's worker (offthread.js): turns one large event, received as
// JSON text, into the msgpack list and its raw deflate, away from the page's
// main thread. Built into a string that recorder.js runs from a Blob URL.
import { encode } from './msgpack.js';
import { deflate } from './codec.js';

/** @param {MessageEvent<{id: number, json: string}>} m */
self.onmessage = async (m) => {
  const { id, json } = m.data;
  try {
    const packed = encode([JSON.parse(json)]);
    const z = await deflate(packed);
    self.postMessage({ id, z, r: packed.length }, { transfer: [z.buffer] });
  } catch (e) {
    self.postMessage({ id, error: String(e) });
  }
};
