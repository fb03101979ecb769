/**
 * Jest runs the service's code as CommonJS, and refuses to require() a package published only as
 * an ES module (openid-client, and oidc-provider for the tests), which Node itself loads with
 * require(esm). So Jest gets each of them as one CommonJS file, bundled by esbuild when Jest
 * starts, kept in node_modules/.cache and rebuilt only when the installed version changes.
 */
const { buildSync } = require('esbuild');
const { existsSync, mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = __dirname;
const CACHE = join(ROOT, 'node_modules', '.cache', 'doorstroom-esm');
const PACKAGES = ['openid-client', 'oidc-provider'];

/** moduleNameMapper entries: each package name → its CommonJS bundle. */
function esmBundles() {
  mkdirSync(CACHE, { recursive: true });
  const mapper = {};
  for (const name of PACKAGES) {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    const outfile = join(CACHE, `${name}-${version}.cjs`);
    if (!existsSync(outfile)) {
      buildSync({
        entryPoints: [require.resolve(name, { paths: [ROOT] })],
        outfile: `${outfile}.partial-${process.pid}`,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        logLevel: 'error',
        // import.meta.url keeps its meaning: the file's own URL.
        define: { 'import.meta.url': '__esmImportMetaUrl' },
        banner: { js: 'const __esmImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
      });
      require('node:fs').renameSync(`${outfile}.partial-${process.pid}`, outfile);
    }
    mapper[`^${name}$`] = outfile;
  }
  return mapper;
}

module.exports = { esmBundles };
