// Drives the agent's status page in a real browser: Debian's chromium (installed by
// scripts/ensure-test-services.sh) through playwright-core, which brings no browser of
// its own. Shared by the page's test and scripts/status-page-screenshot.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { waitFor } from './wait-for.js';

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** A headless chromium that reaches nothing but the page it is sent to. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The figures the page's tiles show, by their `data-figure` name, as text. */
export type ShownFigures = Record<string, string>;

/** A browser with the status page open. */
export interface StatusPageBrowser {
  readonly page: Page;
  /** Every URL the page requested, in order. */
  readonly requests: readonly string[];
  /** The figures shown now. */
  figures(): Promise<ShownFigures>;
  /** Waits until every plot holds at least `points` samples and the message rates plot a message. */
  waitForPlots(points: number, timeoutMs: number): Promise<void>;
  /**
   * Waits until `expression` (JavaScript run in the page) is true, polled from the test's
   * side: the page's Content-Security-Policy forbids eval, which Playwright's in-page
   * `waitForFunction` polling needs for a predicate.
   */
  waitForExpression(expression: string, what: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `url` in a fresh headless chromium (its own profile directory, removed at close)
 * signing in with `credentials` when the page asks (HTTP Basic).
 */
export async function openStatusPage(
  url: string,
  credentials: { readonly username: string; readonly password: string },
  viewport = { width: 1400, height: 1000 },
): Promise<StatusPageBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'kadabra-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      httpCredentials: credentials,
      viewport,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const browser = context;
  const page = browser.pages()[0] ?? (await browser.newPage());
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(url);
  const waitForExpression = async (expression: string, what: string, timeoutMs: number): Promise<void> => {
    await waitFor(async () => (await page.evaluate(expression)) === true, what, timeoutMs, () => '', 250);
  };
  return {
    page,
    requests,
    // The page's own context runs these: strings, as this project compiles without the DOM's types.
    figures: () =>
      page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-figure]')].map((e) => [e.dataset.figure, e.textContent]))",
      ) as Promise<ShownFigures>,
    async waitForPlots(points, timeoutMs) {
      await waitForExpression(
        `(() => {
          const charts = [...document.querySelectorAll('.chart')];
          return charts.length > 0
            && charts.every((chart) => Number(chart.dataset.points) >= ${Number(points)} && chart.querySelector('canvas') !== null)
            && document.getElementById('chart-rates').dataset.nonzero === 'true';
        })()`,
        `every plot with ${points} points`,
        timeoutMs,
      );
    },
    waitForExpression,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
