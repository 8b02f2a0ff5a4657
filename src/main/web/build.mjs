// Bundles the web app into OUT (default ../../../target/classes/webroot): one ES module entry
// with code splitting, so dash.js loads only when a viewer picks DASH.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '../../../target/classes/webroot');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  sourcemap: true,
  target: ['es2020'],
  outdir: join(out, 'assets'),
  logLevel: 'warning',
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'style.css'), join(out, 'assets/style.css'));
// Gzipped once here rather than per response: the server compresses nothing itself (it would rule
// out sendfile for media), and the bundle is ~600 KB of JavaScript. The list tells it what exists.
const compressed = [];
for (const name of readdirSync(join(out, 'assets'))) {
  if (/\.(js|css)$/.test(name)) {
    const bytes = readFileSync(join(out, 'assets', name));
    writeFileSync(join(out, 'assets', `${name}.gz`), gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }));
    compressed.push(name);
  }
}
writeFileSync(join(out, 'precompressed.txt'), compressed.sort().join('\n') + '\n');
console.log(`web app built into ${out}`);
