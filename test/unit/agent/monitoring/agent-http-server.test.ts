import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AgentHttpServer } from '../../../../src/agent/monitoring/agent-http-server.js';
import { silentLogger } from '../helpers.js';

describe('AgentHttpServer', () => {
  const state = { problems: [] as string[], unready: undefined as string | undefined };
  const server = new AgentHttpServer({
    host: '127.0.0.1',
    port: 0,
    token: 'the-bearer-token',
    logger: silentLogger(),
    handlers: {
      liveness: () => state.problems,
      readiness: () => state.unready,
      metrics: (format) =>
        Promise.resolve(
          format === 'openmetrics'
            ? '# HELP kadabra_agent_x X.\n# TYPE kadabra_agent_x counter\nkadabra_agent_x_total 1\n# EOF\n'
            : '# HELP kadabra_agent_x_total X.\n# TYPE kadabra_agent_x_total counter\nkadabra_agent_x_total 1\n',
        ),
      status: () => Promise.resolve('{"figures":1}'),
    },
    pageFiles: new Map([['/', { contentType: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html><p>page</p>') }]]),
  });
  let base = '';
  before(async () => {
    const address = await server.listen();
    base = `http://127.0.0.1:${address.port}`;
  });
  after(() => server.close());

  const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const response = await fetch(`${base}${path}`, { headers, method });
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
  const bearer = { Authorization: 'Bearer the-bearer-token' };
  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  it('serves /healthz without a token: 200 while alive, 503 naming the loops otherwise', async () => {
    assert.deepEqual(await get('/healthz').then((r) => [r.status, r.body]), [200, 'ok\n']);
    state.problems = ['nanny stopped', 'receiver worker 2 has not ticked for 95 s (expected within 10 s)'];
    assert.deepEqual(await get('/healthz').then((r) => [r.status, r.body]), [
      503,
      'nanny stopped; receiver worker 2 has not ticked for 95 s (expected within 10 s)\n',
    ]);
    state.problems = [];
  });

  for (const path of ['/readyz', '/metrics']) {
    it(`${path} answers 401 with a one-line reason without the token, with a wrong one or another scheme`, async () => {
      const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong' }, { Authorization: 'Bearer the-bearer-token-and-more' }, { Authorization: 'Basic dGhlLWJlYXJlci10b2tlbg==' }];
      for (const headers of attempts) {
        const answer = await get(path, headers);
        assert.equal(answer.status, 401, JSON.stringify(headers));
        assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
        assert.equal(answer.body.trimEnd().split('\n').length, 1);
        assert.doesNotMatch(answer.body, /the-bearer-token/);
      }
    });
  }

  it('/readyz: 200 when ready, 503 with the reason in one line when not', async () => {
    assert.deepEqual(await get('/readyz', bearer).then((r) => [r.status, r.body]), [200, 'ready\n']);
    state.unready = 'publisher not writing: InfluxDB at http://127.0.0.1:1 is unavailable: cannot reach InfluxDB: ECONNREFUSED';
    assert.deepEqual(await get('/readyz', bearer).then((r) => [r.status, r.body]), [503, `${state.unready}\n`]);
    state.unready = undefined;
  });

  it('/metrics: the exposition text with its content type; HEAD sends no body', async () => {
    const answer = await get('/metrics', bearer);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(answer.body, /^kadabra_agent_x_total 1$/m);
    const head = await get('/metrics', bearer, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('/metrics: OpenMetrics when the scraper asks for it (as Prometheus does, first), else the 0.0.4 text', async () => {
    const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const open = await get('/metrics', { ...bearer, Accept: prometheus });
    assert.equal(open.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.ok(open.body.endsWith('# EOF\n'));
    const text = await get('/metrics', { ...bearer, Accept: 'text/plain;version=0.0.4' });
    assert.equal(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.doesNotMatch(text.body, /# EOF/);
  });

  for (const path of ['/', '/status.json']) {
    it(`${path} asks a browser for the token as a Basic password, and takes it with any user name or as a bearer token`, async () => {
      for (const headers of [{}, basic('ops', 'wrong'), basic('ops', 'the-bearer-token-and-more'), { Authorization: 'Bearer wrong' }]) {
        const answer = await get(path, headers);
        assert.equal(answer.status, 401, JSON.stringify(headers));
        assert.equal(answer.headers.get('www-authenticate'), 'Basic realm="kadabra agent", charset="UTF-8"');
        assert.equal(answer.body.trimEnd().split('\n').length, 1);
        assert.doesNotMatch(answer.body, /the-bearer-token/);
      }
      for (const headers of [basic('ops', 'the-bearer-token'), basic('', 'the-bearer-token'), bearer]) {
        assert.equal((await get(path, headers)).status, 200, JSON.stringify(headers));
      }
      // The password is everything after the first colon: a user name holds none.
      assert.equal((await get(path, basic('ops:the-bearer-token', 'x'))).status, 401);
    });
  }

  it('serves the page and /status.json with their content types, no caching, and a policy that runs only its own scripts', async () => {
    const page = await get('/', bearer);
    assert.equal(page.body, '<!doctype html><p>page</p>');
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const status = await get('/status.json', basic('ops', 'the-bearer-token'));
    assert.deepEqual([status.headers.get('content-type'), status.body], ['application/json; charset=utf-8', '{"figures":1}']);
  });

  it('takes the token as a Basic password on /readyz and /metrics too (a browser signed in to the page)', async () => {
    assert.equal((await get('/metrics', basic('ops', 'the-bearer-token'))).status, 200);
  });

  it('answers 404 for another path and 405 for another method', async () => {
    assert.equal((await get('/index.html', bearer)).status, 404);
    assert.equal((await get('/metrics?x=1', bearer)).status, 200, 'a query string is ignored');
    const post = await get('/metrics', bearer, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });
});
