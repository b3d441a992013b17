// No credential value in any output at run time: the CLI and the agent against a
// redis-server that wants another password, and an agent whose InfluxDB is unreachable.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../support/redis-server.js';
import { assertNoSecret, file, pool, runCli } from '../support/secret-shapes.js';

describe('no credential value in any output', () => {
  describe('at run time, against a redis-server that wants another password', () => {
    let server: RedisServerHandle;
    before(async () => {
      server = await startRedisServer({ password: 'the-right-one' });
    });
    after(async () => {
      await server?.dispose();
    });

    test('wrong password, as an argument, in a url (with and without a user), from the environment', async () => {
      const secret = 'S3CRET-runtime-k9';
      const port = server.port;
      const setups: Record<string, unknown>[] = [
        { port, host: '127.0.0.1', password: secret },
        { url: `redis://:${secret}@127.0.0.1:${port}/0` },
        { url: `redis://default:${secret}@127.0.0.1:${port}/0` },
        { url: `redis://127.0.0.1:${port}/0`, password: secret, username: 'default' },
      ];
      const jobs: (() => Promise<void>)[] = [];
      for (const [index, args] of setups.entries()) {
        const channelArgs = { ...args, ...uniqueKeys('secrets') };
        const fromFile = ['--config', file(JSON.stringify({ AGENT_CHANNEL_ARGS: channelArgs, CLIENT_CHANNEL_ARGS: channelArgs, CLIENT_FLUSH_TIMEOUT_SECONDS: 1 }))];
        const fromEnv = { KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify(channelArgs), KADABRA_CLIENT_CHANNEL_ARGS: JSON.stringify(channelArgs), KADABRA_CLIENT_FLUSH_TIMEOUT_SECONDS: '1' };
        for (const [config, env] of [[fromFile, {}], [[], fromEnv]] as const) {
          // Every command for the first setup; `status` for the others (child processes are slow).
          const commands = index === 0 ? [['status'], ['status', '--json'], ['dead-letters', 'list'], ['send', 'count', 'c', '1']] : [['status']];
          for (const command of commands) {
            jobs.push(async () => {
              const run = await runCli([...command, ...config], env);
              const where = `kadabra ${command.join(' ')} with ${JSON.stringify(Object.keys(args))}`;
              assert.equal(run.code, 1, `${where} fails: ${run.stderr}`);
              assertNoSecret(run.stdout + run.stderr, secret, where);
              if (command[0] !== 'send') {
                assert.match(run.stderr, /WRONGPASS.*fix: check password and username/, where);
                assert.equal(run.stderr.trim().split('\n').length, 1, `${where}: one line`);
              }
            });
          }
          jobs.push(async () => {
            const run = await runCli(['agent', ...config], env, /WRONGPASS/);
            assertNoSecret(run.stdout + run.stderr, secret, 'kadabra agent');
            assert.match(run.stdout, /WRONGPASS.*fix: check password and username/, 'the agent logs the cause and the fix');
          });
        }
      }
      await pool(jobs, 4);
    });

    test('InfluxDB credentials (url, password, token) stay out of the agent log while InfluxDB is unreachable', async () => {
      const secret = 'S3CRET-influx-p3';
      const keys = uniqueKeys('secrets-influx');
      const channel = { port: server.port, host: '127.0.0.1', password: 'the-right-one', ...keys };
      for (const publisher of [
        { url: `http://admin:${secret}@127.0.0.1:1` },
        { url: 'http://127.0.0.1:1', username: 'admin', password: secret },
        { url: 'http://127.0.0.1:1', token: secret },
      ]) {
        // A message for this agent to publish (the one before stays in progress when it stops).
        const sent = await runCli(['send', 'count', 'c', '1', '--config', file(JSON.stringify({ CLIENT_CHANNEL_ARGS: channel }))], {});
        assert.equal(sent.code, 0, sent.stderr);
        const config = { AGENT_CHANNEL_ARGS: channel, AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: publisher };
        const run = await runCli(['agent', '--config', file(JSON.stringify(config))], {}, /unavailable/);
        assert.match(run.stdout, /ECONNREFUSED.*fix: start InfluxDB/);
        assertNoSecret(run.stdout + run.stderr, secret, `agent with ${Object.keys(publisher).join(', ')}`);
      }
    });
  });
});
