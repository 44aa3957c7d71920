// Bundles the page into dist/: app.js (with the Firebase SDK), index.html, styles.css.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

const dist = new URL("./dist/", import.meta.url);
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

await build({
  entryPoints: ["src/app.js"],
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  outfile: "dist/app.js",
  logLevel: "warning",
});
for (const file of ["index.html", "styles.css"]) copyFileSync(new URL(`./src/${file}`, import.meta.url), new URL(file, dist));
