// Copies the front-end dependencies from node_modules into vendor/, the
// folder the Go build embeds (see web.go). Run by `npm ci` (postinstall).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "vendor");
mkdirSync(out, { recursive: true });
for (const [from, to] of [
  ["node_modules/uplot/dist/uPlot.iife.min.js", "uPlot.iife.min.js"],
  ["node_modules/uplot/dist/uPlot.min.css", "uPlot.min.css"],
  ["node_modules/uplot/LICENSE", "uPlot.LICENSE.txt"],
]) {
  copyFileSync(join(here, from), join(out, to));
}
console.log("vendor/: uPlot copied");
