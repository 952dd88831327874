// A small msgpack decoder for the frames the server sends (welcome, ack,
// error; live `events` frames for the player). Its core types suffice there,
// and it replaces @msgpack/msgpack's general decoder, about 3 KB gzip on
// every recorded page.

/**
 * Decodes one msgpack value.
 * Extension types (msgpack timestamps) are not supported: the server never
 * sends them. Throws on malformed input.
 * @param {Uint8Array} u8
 * @returns {any}
 */
export function decode(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const text = new TextDecoder();
  let o = 0;
  /** @param {number} n */
  const at = (n) => {
    // subarray() would quietly return fewer bytes than a string or bin claims.
    if (o + n > u8.length) throw new Error('msgpack: truncated');
    return (o += n) - n; // offset of the next n bytes
  };
  /** @param {number} n */
  const str = (n) => text.decode(u8.subarray(o, at(n) + n));
  /** @param {number} n */
  const bin = (n) => u8.slice(o, at(n) + n);
  /** @param {number} n */
  const arr = (n) => {
    /** @type {unknown[]} */
    const a = [];
    while (n--) a.push(val());
    return a;
  };
  /** @param {number} n */
  const map = (n) => {
    /** @type {Record<string, unknown>} */
    const m = {};
    while (n--) {
      const k = val();
      const v = val();
      // A "__proto__" key must stay a plain key, not replace the prototype.
      if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
      else m[k] = v;
    }
    return m;
  };
  /** @returns {any} */
  function val() {
    if (o >= u8.length) throw new Error('msgpack: truncated');
    const b = u8[o++];
    if (b < 0x80) return b; // positive fixint
    if (b < 0x90) return map(b & 15);
    if (b < 0xa0) return arr(b & 15);
    if (b < 0xc0) return str(b & 31);
    if (b >= 0xe0) return b - 256; // negative fixint
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return bin(dv.getUint8(at(1)));
      case 0xc5: return bin(dv.getUint16(at(2)));
      case 0xc6: return bin(dv.getUint32(at(4)));
      case 0xca: return dv.getFloat32(at(4));
      case 0xcb: return dv.getFloat64(at(8));
      case 0xcc: return dv.getUint8(at(1));
      case 0xcd: return dv.getUint16(at(2));
      case 0xce: return dv.getUint32(at(4));
      case 0xcf: return dv.getUint32(at(4)) * 4294967296 + dv.getUint32(at(4));
      case 0xd0: return dv.getInt8(at(1));
      case 0xd1: return dv.getInt16(at(2));
      case 0xd2: return dv.getInt32(at(4));
      case 0xd3: return dv.getInt32(at(4)) * 4294967296 + dv.getUint32(at(4));
      case 0xd9: return str(dv.getUint8(at(1)));
      case 0xda: return str(dv.getUint16(at(2)));
      case 0xdb: return str(dv.getUint32(at(4)));
      case 0xdc: return arr(dv.getUint16(at(2)));
      case 0xdd: return arr(dv.getUint32(at(4)));
      case 0xde: return map(dv.getUint16(at(2)));
      case 0xdf: return map(dv.getUint32(at(4)));
    }
    throw new Error('msgpack: unsupported type 0x' + b.toString(16));
  }
  return val();
}
