// Copies non-TypeScript runtime assets next to the compiled code: the Redis Lua scripts
// and the agent's status page (HTML, script, style sheet).
import { cpSync, mkdirSync } from 'node:fs';

for (const folder of ['src/channels/redis/scripts', 'src/agent/monitoring/status/page']) {
  const to = `dist/${folder}`;
  mkdirSync(to, { recursive: true });
  cpSync(folder, to, { recursive: true });
}
