import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { PageFile } from '../agent-http-server.js';

/** The page's own files (copied next to the compiled code by scripts/copy-assets.mjs), by path. */
const OWN_FILES: readonly (readonly [path: string, file: string, contentType: string])[] = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/status-page.js', 'status-page.js', 'text/javascript; charset=utf-8'],
  ['/status-page.css', 'status-page.css', 'text/css; charset=utf-8'],
];

/** uPlot's browser build and style sheet, served from the installed package (nothing from the internet). */
const UPLOT_FILES: readonly (readonly [path: string, module: string, contentType: string])[] = [
  ['/uplot/uPlot.iife.min.js', 'uplot/dist/uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
  ['/uplot/uPlot.min.css', 'uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'],
];

/**
 * Reads the status page's files into memory once (about 70 KB), when the agent's listener
 * is turned on: the page, its script and style sheet, and uPlot's.
 * @throws when a file is missing (a package built without scripts/copy-assets.mjs).
 */
export function loadPageFiles(): ReadonlyMap<string, PageFile> {
  const require = createRequire(import.meta.url);
  const files = new Map<string, PageFile>();
  for (const [path, file, contentType] of OWN_FILES) {
    files.set(path, { contentType, body: readFileSync(fileURLToPath(new URL(`./page/${file}`, import.meta.url))) });
  }
  for (const [path, module, contentType] of UPLOT_FILES) {
    files.set(path, { contentType, body: readFileSync(require.resolve(module)) });
  }
  return files;
}
