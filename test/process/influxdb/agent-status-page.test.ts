// The agent's status page in a real browser (Debian's chromium through playwright-core)
// while the agent publishes to a real influxd: the page signs in with the token as a
// Basic password, its plots fill, its figures equal /metrics, every request stays on the
// agent, and no credential appears in any answer or in the rendered page.
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStatusPage, type ShownFigures } from '../../support/status-page-browser.js';
import { waitFor } from '../../support/wait-for.js';
import { CONFLICT_MEASUREMENT, HTTP_TOKEN, startStatusPageScene, type StatusPageScene } from './status-page-scene.js';

const MESSAGES = 150;
const REJECTED = 3;
/** Every path the listener serves. */
const PATHS = ['/', '/status-page.js', '/status-page.css', '/uplot/uPlot.iife.min.js', '/uplot/uPlot.min.css', '/status.json', '/metrics', '/readyz', '/healthz'];

/** The value of a sample (`name` with its labels, as written), undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** The sum of a family's samples (every label set). */
function familySum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** A figure the page shows as a whole number ("1,234"); NaN for anything else ("–"). */
function shownNumber(figures: ShownFigures, name: string): number {
  const text = figures[name] ?? '';
  return /^[\d,]+$/.test(text) ? Number(text.replace(/,/g, '')) : Number.NaN;
}

/** `shownNumber`, asserting that the page shows a whole number. */
function shownInteger(figures: ShownFigures, name: string): number {
  assert.match(figures[name] ?? '', /^[\d,]+$/, `${name} shows ${JSON.stringify(figures[name])}`);
  return shownNumber(figures, name);
}

/** The page's figures and the /metrics samples they show. */
const FIGURE_SAMPLES: readonly (readonly [figure: string, metric: (text: string) => number | undefined])[] = [
  ['received', (text) => sample(text, 'kadabra_agent_messages_received_total')],
  ['published', (text) => sample(text, 'kadabra_agent_messages_published_total')],
  ['points', (text) => sample(text, 'kadabra_agent_points_written_total')],
  ['deadLettered', (text) => familySum(text, 'kadabra_agent_messages_dead_lettered_total')],
  ['queued', (text) => sample(text, 'kadabra_agent_queue_length')],
  ['inProgress', (text) => sample(text, 'kadabra_agent_in_progress')],
];

/** Each figure the page shows differently from `/metrics`, as `name: page vs metrics`. */
function mismatches(figures: ShownFigures, text: string): string[] {
  return FIGURE_SAMPLES.filter(([figure, metric]) => shownNumber(figures, figure) !== metric(text)).map(
    ([figure, metric]) => `${figure}: page ${figures[figure]} vs /metrics ${metric(text)}`,
  );
}

describe('the agent status page in a real browser', () => {
  let scene: StatusPageScene;
  before(async () => {
    scene = await startStatusPageScene();
  });
  after(async () => {
    await scene.dispose();
  });

  it('plots the last minutes, shows what /metrics says, and leaks no credential', async (t) => {
    const auth = { Authorization: `Bearer ${HTTP_TOKEN}` };
    const metrics = async (): Promise<string> => (await fetch(`${scene.base}/metrics`, { headers: auth })).text();

    const unauthenticated = await fetch(`${scene.base}/`);
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.headers.get('www-authenticate'), 'Basic realm="kadabra agent", charset="UTF-8"');

    const browser = await openStatusPage(`${scene.base}/`, { username: 'operator', password: HTTP_TOKEN });
    try {
      // A few messages InfluxDB refuses for good, then traffic spread over several samples:
      // refused alone, they are held until the nanny publishes them again after other
      // writes were accepted, and then dead-lettered.
      const rejected = await scene.send(CONFLICT_MEASUREMENT, REJECTED, 0);
      const report = await scene.send('page_requests', MESSAGES, 40);
      assert.deepEqual([report.delivered, rejected.delivered], [MESSAGES, REJECTED]);
      let settled = '';
      await waitFor(
        async () => {
          settled = await metrics();
          return (
            sample(settled, 'kadabra_agent_messages_published_total') === MESSAGES &&
            familySum(settled, 'kadabra_agent_messages_dead_lettered_total') === REJECTED
          );
        },
        'every message published or dead-lettered',
        30_000,
        () => `${settled}\n${scene.agent.describe()}`,
        100,
      );
      await browser.waitForPlots(3, 30_000);

      // Nothing moves now: within a few polls (the channel's counts are sampled every 2 s)
      // every figure the page shows equals what /metrics says.
      let figures: ShownFigures = {};
      let text = '';
      await waitFor(
        async () => {
          text = await metrics();
          figures = await browser.figures();
          return mismatches(figures, text).length === 0;
        },
        'the page to show what /metrics says',
        15_000,
        () => `${mismatches(figures, text).join('\n')}\n${JSON.stringify(figures)}`,
        250,
      );
      assert.equal(shownInteger(figures, 'received'), MESSAGES + REJECTED);
      assert.equal(shownInteger(figures, 'published'), MESSAGES);
      assert.equal(shownInteger(figures, 'points'), MESSAGES);
      assert.equal(shownInteger(figures, 'deadLettered'), REJECTED);
      assert.deepEqual([shownInteger(figures, 'queued'), shownInteger(figures, 'inProgress')], [0, 0]);
      assert.equal(await browser.page.getAttribute('#chart-latency', 'data-nonzero'), 'true', 'publish latency plotted');
      assert.equal(await browser.page.getAttribute('#chart-errors', 'data-nonzero'), 'true', 'the dead-lettering plotted');

      // The dead letters, with InfluxDB's reason, and the masked configuration.
      await browser.waitForExpression(`document.querySelectorAll('#dead-letters tbody tr').length === ${REJECTED}`, 'the dead letters listed', 15_000);
      const deadLetters = await browser.page.textContent('#dead-letters');
      assert.match(deadLetters ?? '', /field type conflict/);
      const configuration = (await browser.page.textContent('#configuration')) ?? '';
      assert.match(configuration, /AGENT_PUBLISHER_ARGS\.password"\[redacted\]"/);
      assert.match(configuration, /AGENT_HTTP_TOKEN"\[redacted\]"/);
      assert.match(configuration, /http:\/\/admin:\[redacted\]@127\.0\.0\.1/);
      assert.match((await browser.page.textContent('#other-agents')) ?? '', /^Not known: the redis channel does not record/);

      // Everything the page loaded came from the agent.
      assert.ok(browser.requests.length >= 6);
      for (const url of browser.requests) assert.ok(url.startsWith(`${scene.base}/`), `the page requested ${url}`);

      // No credential in any answer, the page's own included, nor in the rendered page.
      const bodies = [await browser.page.content()];
      for (const path of PATHS) {
        const response = await fetch(`${scene.base}${path}`, { headers: auth });
        assert.equal(response.status, 200, path);
        bodies.push(`${path}: ${await response.text()}`);
      }
      for (const body of bodies) for (const secret of scene.secrets) assert.ok(!body.includes(secret), `a credential in ${body.slice(0, 120)}`);

      const screenshot = join(mkdtempSync(join(tmpdir(), 'kadabra-page-')), 'agent-status-page.png');
      await browser.page.screenshot({ path: screenshot, fullPage: true });
      assert.ok(statSync(screenshot).size > 10_000);
      t.diagnostic(`screenshot: ${screenshot}`);
    } finally {
      await browser.close();
    }
    await scene.agent.stopCleanly();
  });
});
