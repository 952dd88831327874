// Builds the recorder and the admin player into the Django app's static dir.
// `npm run build`; the outputs are generated files, never committed.
import { build } from 'esbuild';
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

// The recorder's worker (src/encoder-worker.js) ships inside recorder.js, as
// the text it starts from a Blob URL: one file for the page to load.
const worker = await build({ ...common, entryPoints: [join(here, 'src/encoder-worker.js')], format: 'iife', write: false });
await build({
  ...common,
  entryPoints: [join(here, 'src/recorder.js')],
  format: 'iife',
  outfile: join(out, 'recorder.js'),
  define: { ...common.define, __ENCODER_WORKER__: JSON.stringify(worker.outputFiles[0].text) },
});
await build({ ...common, entryPoints: [join(here, 'src/player.js')], format: 'iife', outfile: join(out, 'player.js') });
await build({ ...common, entryPoints: [join(here, 'src/player.css')], outfile: join(out, 'player.css') });

for (const name of ['recorder.js', 'player.js', 'player.css']) {
  const data = readFileSync(join(out, name));
  const gz = gzipSync(data, { level: 9 }).length;
  const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
  console.log(`${name.padEnd(12)} ${kb(data.length)} raw ${kb(gz)} gzip -9`);
}

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
