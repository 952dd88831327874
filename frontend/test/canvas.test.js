// The canvas replay plugin (canvas.js): sampled images are drawn onto the
// replayed canvas; anything else is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesOf, canvasReplay, dataUrlOf, sampledFrame } from '../src/canvas.js';

const base64 = Buffer.from('image-bytes').toString('base64');
const mutation = (id, b64 = base64) => ({
  type: 3,
  timestamp: 1,
  data: {
    source: 9,
    id,
    type: 0,
    commands: [
      { property: 'clearRect', args: [0, 0, 40, 20] },
      {
        property: 'drawImage',
        args: [
          { rr_type: 'ImageBitmap', args: [{ rr_type: 'Blob', data: [{ rr_type: 'ArrayBuffer', base64: b64 }], type: 'image/webp' }] },
          0,
          0,
        ],
      },
    ],
  },
});

function fakeCanvas() {
  const ops = [];
  return {
    ops,
    nodeName: 'CANVAS',
    style: { content: '', setProperty(name, value) { this[name] = value; } },
    width: 40,
    height: 20,
    getContext: () => ({
      clearRect: (...a) => ops.push(['clearRect', ...a]),
      drawImage: (bitmap, x, y) => ops.push(['drawImage', bitmap.text, x, y]),
    }),
  };
}

/** createImageBitmap stand-in: resolves to the blob's text, in the order `release` says. */
function decoder() {
  const waiting = [];
  const decode = (blob) =>
    new Promise((resolve) => waiting.push(async () => resolve({ text: await blob.text(), close() {} })));
  return { decode, waiting };
}

/** A replayer's mirror and its 'flush' event (the end of a seek). */
function fakeReplayer(getNode, getMeta = () => null) {
  const listeners = [];
  return {
    getMirror: () => ({ getNode, getMeta }),
    on: (name, fn) => name === 'flush' && listeners.push(fn),
    flush: () => listeners.forEach((fn) => fn()),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('sampledFrame reads only the clearRect + drawImage(ImageBitmap(Blob)) shape', () => {
  assert.deepEqual(sampledFrame(mutation(1).data), { type: 'image/webp', base64 });
  assert.equal(sampledFrame({ commands: [{ property: 'fillRect', args: [0, 0, 1, 1] }] }), null);
  assert.equal(sampledFrame({ property: 'drawImage', args: [] }), null);
  assert.equal(new TextDecoder().decode(bytesOf(base64)), 'image-bytes');
});

test('an image is drawn onto the canvas the mirror holds', async () => {
  const canvas = fakeCanvas();
  const { decode, waiting } = decoder();
  const plugin = canvasReplay({ createImageBitmap: decode });
  const replayer = fakeReplayer((id) => (id === 7 ? canvas : null));
  plugin.handler?.(/** @type {any} */ (mutation(7)), false, /** @type {any} */ ({ replayer }));
  await waiting.shift()();
  await tick();
  assert.deepEqual(canvas.ops, [
    ['clearRect', 0, 0, 40, 20],
    ['drawImage', 'image-bytes', 0, 0],
  ]);
  // What staff see: a canvas without scripts shows no bitmap, so the image is its content.
  assert.equal(canvas.style.content, `url("data:image/webp;base64,${base64}")`);
});

test('only image data: URLs reach the CSS', () => {
  assert.equal(dataUrlOf({ type: 'image/webp', base64: 'AAAA' }), 'data:image/webp;base64,AAAA');
  assert.equal(dataUrlOf({ type: 'text/html"', base64: 'AAAA' }), 'data:image/png;base64,AAAA');
  assert.equal(dataUrlOf({ type: 'image/webp', base64: 'AA")AA' }), null);
  assert.equal(dataUrlOf({ url: 'https://tracker.example/x.png' }), null);
});

test('an image overtaken by a newer one is not drawn; a canvas built later gets the newest', async () => {
  const canvas = fakeCanvas();
  const { decode, waiting } = decoder();
  const plugin = canvasReplay({ createImageBitmap: decode });
  const nodes = new Map([[7, canvas]]);
  const replayer = fakeReplayer((id) => nodes.get(id) || null);
  const ctx = /** @type {any} */ ({ replayer });
  plugin.handler?.(/** @type {any} */ (mutation(7, Buffer.from('old').toString('base64'))), true, ctx);
  plugin.handler?.(/** @type {any} */ (mutation(7, Buffer.from('new').toString('base64'))), true, ctx);
  await waiting[1]();
  await waiting[0]();
  await tick();
  assert.deepEqual(
    canvas.ops.filter((op) => op[0] === 'drawImage').map((op) => op[1]),
    ['new'],
  );
  const rebuilt = fakeCanvas();
  plugin.onBuild?.(/** @type {any} */ (rebuilt), { id: 7, replayer: /** @type {any} */ (replayer) });
  await waiting[2]();
  await tick();
  assert.deepEqual(rebuilt.ops.at(-1), ['drawImage', 'new', 0, 0]);
});

test('a new page (Meta) forgets the images of the last one; other events are ignored', async () => {
  const { decode, waiting } = decoder();
  const plugin = canvasReplay({ createImageBitmap: decode });
  const replayer = fakeReplayer(() => null);
  const ctx = /** @type {any} */ ({ replayer });
  plugin.handler?.(/** @type {any} */ (mutation(7)), false, ctx);
  plugin.handler?.(/** @type {any} */ ({ type: 4, timestamp: 2, data: {} }), false, ctx);
  plugin.handler?.(/** @type {any} */ ({ type: 3, timestamp: 3, data: { source: 2 } }), false, ctx);
  plugin.onBuild?.(/** @type {any} */ (fakeCanvas()), { id: 7, replayer: /** @type {any} */ (replayer) });
  assert.equal(waiting.length, 0);
});

test("a snapshot's rr_dataURL is drawn at build, and every canvas is repainted after a seek", async () => {
  const canvas = fakeCanvas();
  const { decode, waiting } = decoder();
  const urls = [];
  const loadImage = async (url) => (urls.push(url), { text: url });
  const plugin = canvasReplay({ createImageBitmap: decode, loadImage });
  const replayer = fakeReplayer(
    (id) => (id === 7 ? canvas : null),
    () => ({ attributes: { rr_dataURL: 'data:image/webp;base64,AAAA' } }),
  );
  const ctx = /** @type {any} */ ({ replayer });
  plugin.handler?.(/** @type {any} */ ({ type: 4, timestamp: 1, data: {} }), false, ctx);
  plugin.onBuild?.(/** @type {any} */ (canvas), { id: 7, replayer: /** @type {any} */ (replayer) });
  await tick();
  assert.deepEqual(canvas.ops.at(-1), ['drawImage', 'data:image/webp;base64,AAAA', 0, 0]);
  plugin.handler?.(/** @type {any} */ (mutation(7)), true, ctx);
  await waiting.shift()();
  await tick();
  canvas.ops.length = 0; // rrweb's write-back of the virtual DOM wipes the canvas
  replayer.flush();
  await waiting.shift()();
  await tick();
  assert.deepEqual(canvas.ops.at(-1), ['drawImage', 'image-bytes', 0, 0]);
  assert.deepEqual(urls, ['data:image/webp;base64,AAAA']);
});
