// Makes the screenshot of the agent's status page in docs/img/ from a real scene: an
// agent publishing from redis-server to influxd, a minute of steady traffic with a
// 10-second InfluxDB outage in it and a few messages InfluxDB refuses for good, seen in
// Debian's chromium while the traffic still flows. The page's browser test uses the same scene and browser driver.
// Usage: npm run build && node dist/scripts/status-page-screenshot.js [docs/img/agent-status-page.png]
import { openStatusPage } from '../test/support/status-page-browser.js';
import { CONFLICT_MEASUREMENT, HTTP_TOKEN, startStatusPageScene } from '../test/process/influxdb/status-page-scene.js';

const output = process.argv[2] ?? 'docs/img/agent-status-page.png';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const scene = await startStatusPageScene();
try {
  const browser = await openStatusPage(`${scene.base}/`, { username: 'operator', password: HTTP_TOKEN }, { width: 1400, height: 1180 });
  try {
    const traffic = scene.send('api_requests', 3000, 20);
    await sleep(15_000);
    await scene.influx.stop();
    await sleep(10_000);
    await scene.influx.start();
    await sleep(10_000);
    await scene.send(CONFLICT_MEASUREMENT, 3, 0);
    // While the traffic still flows, so the tiles show its rates.
    await sleep(12_000);
    await browser.waitForPlots(10, 10_000);
    await browser.page.screenshot({ path: output });
    console.log(`wrote ${output}`);
    await traffic;
  } finally {
    await browser.close();
  }
} finally {
  await scene.dispose();
}
