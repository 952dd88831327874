// The options the recorder hands to rrweb's record(), from the server's config:
// the same for a top page and for a cross-origin frame that posts its events
// to its parent (frames.js), so both mask alike.
import { maskingOptions } from './masking.js';
import { buildPlugins } from './plugins.js';

/** @typedef {import('./config.js').RecorderConfig} RecorderConfig */
/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */

/**
 * The site's block selector, plus the fields Django knows are sensitive when
 * inputs are not all masked (privacy/fields.py): their values never leave.
 * @param {RecorderConfig} cfg
 */
export function blockSelector(cfg) {
  const sensitive = cfg.maskAllInputs ? null : cfg.sensitiveSelector;
  return [cfg.blockSelector, sensitive].filter(Boolean).join(', ') || null;
}

/**
 * @param {RecorderConfig} cfg
 * @param {((e: RrwebEvent) => void) | undefined} emit undefined in a child frame: rrweb posts to the parent
 */
export function recordOptions(cfg, emit) {
  return {
    emit,
    maskAllInputs: cfg.maskAllInputs,
    // Password fields are always masked; there is no way to unmask them.
    maskInputOptions: { password: true },
    ...maskingOptions(cfg.privacy, cfg.maskTextSelector, blockSelector(cfg), cfg.maskClass),
    checkoutEveryNms: cfg.checkoutEveryNms || undefined,
    plugins: buildPlugins(cfg.plugins || []),
    // Canvas images are taken at most `fps` times a second, in a worker, and only
    // sent when the canvas changed; without recordCanvas a canvas replays blank.
    recordCanvas: cfg.recordCanvas,
    sampling: cfg.recordCanvas ? { canvas: cfg.canvas.fps } : {},
    dataURLOptions: cfg.recordCanvas ? { type: cfg.canvas.type, quality: cfg.canvas.quality } : {},
    recordCrossOriginIframes: cfg.recordCrossOriginIframes,
    errorHandler: () => true, // rrweb observer errors stay ours
  };
}
