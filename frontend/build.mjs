// Builds the recorder and the admin player into the Django app's static dir.
// `npm run build`; the outputs are generated files, never committed.
import { analyzeMetafile, build } from 'esbuild';
import { readFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'src', 'django_session_replay', 'static', 'django_session_replay');
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  target: 'es2018',
  legalComments: 'eof', // keep third-party license notices
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

// The recorder in two files. recorder.js, the one the template tag loads with
// <script defer>, is the loader (src/loader.js): the page's API and the
// decision whether to record, before the page's `load` event. It fetches
// recorder-main.js (src/recorder.js: rrweb, batches, the socket) after it.
// The recorder's worker (src/encoder-worker.js) ships inside recorder-main.js,
// as the text it starts from a Blob URL.
const worker = await build({ ...common, entryPoints: [join(here, 'src/encoder-worker.js')], format: 'iife', write: false });
await build({ ...common, entryPoints: [join(here, 'src/loader.js')], format: 'iife', outfile: join(out, 'recorder.js') });
const main = await build({
  ...common,
  entryPoints: [join(here, 'src/recorder.js')],
  format: 'iife',
  outfile: join(out, 'recorder-main.js'),
  metafile: true,
  define: { ...common.define, __ENCODER_WORKER__: JSON.stringify(worker.outputFiles[0].text) },
});
await build({ ...common, entryPoints: [join(here, 'src/player.js')], format: 'iife', outfile: join(out, 'player.js') });
await build({ ...common, entryPoints: [join(here, 'src/player.css')], outfile: join(out, 'player.css') });
// The poster frame's sizing (src/poster-main.js): a file of its own, loaded
// async, so it runs long before player.js is in (admin/poster.py).
await build({ ...common, entryPoints: [join(here, 'src/poster-main.js')], format: 'iife', outfile: join(out, 'poster.js') });
// The player of an exported session (src/export.js): the server inlines it,
// with player.css, into one HTML file (src/django_session_replay/export.py).
await build({ ...common, entryPoints: [join(here, 'src/export.js')], format: 'iife', outfile: join(out, 'export.js') });

const kb = (n) => (n / 1024).toFixed(1) + ' KB';
/** @type {Record<string, number>} */
const gz = {};
for (const name of ['recorder.js', 'recorder-main.js', 'player.js', 'player.css', 'poster.js', 'export.js']) {
  const data = readFileSync(join(out, name));
  gz[name] = gzipSync(data, { level: 9 }).length;
  console.log(`${name.padEnd(17)} ${kb(data.length).padStart(9)} raw ${kb(gz[name]).padStart(9)} gzip -9`);
}
// What is in recorder-main.js: `SIZES=1 npm run build` lists its inputs.
if (process.env.SIZES) console.log(await analyzeMetafile(main.metafile));
console.log(`recorder before load: ${kb(gz['recorder.js'])}, total: ${kb(gz['recorder.js'] + gz['recorder-main.js'])} (gzip -9)`);

// The API docs page (src/django_session_replay/api/docs.py) loads Swagger UI
// from here instead of a CDN: swagger-ui-dist's prebuilt files, pinned in
// package.json, with their licence, and our start-up script.
{
  const { copyFileSync, writeFileSync } = await import('node:fs');
  const dist = join(here, 'node_modules', 'swagger-ui-dist');
  const swagger = join(out, 'swagger');
  mkdirSync(swagger, { recursive: true });
  for (const name of ['swagger-ui-bundle.js', 'swagger-ui-bundle.js.LICENSE.txt', 'LICENSE', 'NOTICE']) {
    copyFileSync(join(dist, name), join(swagger, name));
  }
  // Without its source map, which collectstatic's ManifestStaticFilesStorage
  // would otherwise look for (and fail on) because of this comment.
  const css = readFileSync(join(dist, 'swagger-ui.css'), 'utf8');
  writeFileSync(join(swagger, 'swagger-ui.css'), css.replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '\n'));
  copyFileSync(join(here, 'swagger', 'init.js'), join(swagger, 'init.js'));
}
