// Builds the web UI bundle (server/ui/src → dist/ui/app.js, with uPlot and its stylesheet)
// at `npm run build`. The bundle is never committed: dist/ is build output.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'ui');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'server', 'ui', 'src', 'main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: join(out, 'app.js'),
  legalComments: 'linked',
  logLevel: 'warning',
});
const require = createRequire(import.meta.url);
copyFileSync(join(dirname(require.resolve('uplot')), 'uPlot.min.css'), join(out, 'uplot.css'));
