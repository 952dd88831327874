// Constants build.mjs defines at bundle time.

/** The encoder worker's bundled code (src/encoder-worker.js); absent in unit tests. */
declare const __ENCODER_WORKER__: string | undefined;
