// A replay plugin for canvas recordings (RECORD_CANVAS): rrweb samples each
// canvas as an image and records it as a CanvasMutation event of two commands,
// clearRect and drawImage(ImageBitmap(Blob(base64))). rrweb's replayer applies
// those only with UNSAFE_replayCanvas, which adds allow-scripts to the replay
// iframe; we never allow that (recorded scripts would run in the admin's
// origin). The iframe is allow-same-origin, so this plugin works from the
// admin page itself: it draws the image onto the replayed canvas's bitmap and,
// because a canvas in a document without scripts renders its fallback content
// and never its bitmap, also shows the image as the element's CSS `content`
// (which makes it a replaced element of the image's size, as the canvas was).

const META = 4; // rrweb EventType.Meta: a new page, new node ids
const INCREMENTAL = 3; // rrweb EventType.IncrementalSnapshot
const CANVAS_MUTATION = 9; // rrweb IncrementalSource.CanvasMutation

/** @typedef {{type: string, base64: string}} Frame */

/**
 * The image of a sampled-canvas mutation, or null for any other shape (a
 * recording of individual 2D/WebGL calls, which we do not replay).
 * @param {any} data the event's data
 * @returns {Frame | null}
 */
export function sampledFrame(data) {
  const commands = data && data.commands;
  if (!Array.isArray(commands) || commands.length !== 2) return null;
  const [clear, draw] = commands;
  if (!clear || clear.property !== 'clearRect' || !draw || draw.property !== 'drawImage') return null;
  const bitmap = Array.isArray(draw.args) ? draw.args[0] : null;
  const blob = bitmap && bitmap.rr_type === 'ImageBitmap' && Array.isArray(bitmap.args) ? bitmap.args[0] : null;
  const buffer = blob && blob.rr_type === 'Blob' && Array.isArray(blob.data) ? blob.data[0] : null;
  if (!buffer || buffer.rr_type !== 'ArrayBuffer' || typeof buffer.base64 !== 'string') return null;
  return { type: typeof blob.type === 'string' ? blob.type : '', base64: buffer.base64 };
}

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,[a-z0-9+/=]*$/i;
const IMAGE_TYPE = /^image\/[a-z0-9.+-]+$/i;

/**
 * The frame as a data: URL safe to put in CSS, or null.
 * @param {Frame | {url: string}} frame
 */
export function dataUrlOf(frame) {
  const url =
    'url' in frame ? frame.url : `data:${IMAGE_TYPE.test(frame.type) ? frame.type : 'image/png'};base64,${frame.base64}`;
  return DATA_URL.test(url) ? url : null;
}

/** @param {string} base64 */
export function bytesOf(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * @param {any} node
 * @returns {node is HTMLCanvasElement}
 */
const isCanvas = (node) => !!node && node.nodeName === 'CANVAS' && typeof node.getContext === 'function';

/**
 * @typedef {Object} CanvasEnv
 * @property {(blob: Blob) => Promise<CanvasImageSource & {close?(): void}>} [createImageBitmap]
 * @property {(url: string) => Promise<CanvasImageSource>} [loadImage] a snapshot's data: URL
 */

/** @param {string} url */
async function loadImage(url) {
  // In the admin page, not the replay iframe: its sandbox runs no load handler.
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

/**
 * @param {CanvasEnv} [env]
 * @returns {import('rrweb').ReplayPlugin}
 */
export function canvasReplay(env = {}) {
  const decodeBlob = env.createImageBitmap || ((/** @type {Blob} */ blob) => createImageBitmap(blob));
  const decodeUrl = env.loadImage || loadImage;
  /** @type {Map<number, Frame | {url: string}>} the latest image of each canvas, by node id */
  const latest = new Map();
  /** @type {any} the replayer whose 'flush' we listen to */
  let hooked = null;

  /**
   * @param {HTMLCanvasElement} canvas
   * @param {number} id
   * @param {Frame | {url: string}} frame
   */
  async function draw(canvas, id, frame) {
    const image =
      'url' in frame ? await decodeUrl(frame.url) : await decodeBlob(new Blob([bytesOf(frame.base64)], { type: frame.type }));
    // Decoding is async: an image that a newer one overtook is not drawn.
    if (latest.get(id) === frame) {
      const ctx = canvas.getContext('2d');
      if (ctx) {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(image, 0, 0);
      }
    }
    if ('close' in image && typeof image.close === 'function') image.close();
  }

  /**
   * @param {unknown} node
   * @param {number} id
   */
  function paint(node, id) {
    const frame = latest.get(id);
    if (!frame || !isCanvas(node)) return;
    const url = dataUrlOf(frame);
    if (url) node.style.setProperty('content', `url("${url}")`);
    draw(node, id, frame).catch(() => {});
  }

  /** @param {any} replayer */
  function repaintAll(replayer) {
    const mirror = replayer.getMirror();
    for (const id of latest.keys()) paint(mirror.getNode(id), id);
  }

  return {
    handler(event, _isSync, { replayer }) {
      if (hooked !== replayer) {
        hooked = replayer;
        // After a seek rrweb writes its virtual DOM back into the page, setting
        // each canvas's width and height again, which wipes it: repaint then.
        replayer.on('flush', () => repaintAll(replayer));
      }
      if (event.type === META) return void latest.clear();
      /** @type {any} */
      const data = event.data;
      if (event.type !== INCREMENTAL || data.source !== CANVAS_MUTATION) return;
      const frame = sampledFrame(data);
      if (!frame) return;
      latest.set(data.id, frame);
      paint(replayer.getMirror().getNode(data.id), data.id);
    },
    onBuild(node, { id, replayer }) {
      if (!isCanvas(node)) return;
      // A full snapshot's canvas carries its image as rr_dataURL; rrweb draws it
      // from a load handler inside the sandbox, which never runs.
      /** @type {any} */
      const meta = replayer.getMirror().getMeta(/** @type {Node} */ (node));
      const url = meta && meta.attributes && meta.attributes.rr_dataURL;
      if (!latest.has(id) && typeof url === 'string' && DATA_URL.test(url)) latest.set(id, { url });
      paint(node, id);
    },
  };
}
