// Copies non-TypeScript runtime assets (Redis Lua scripts) next to the compiled code.
import { cpSync, mkdirSync } from 'node:fs';

const from = 'src/channels/redis/scripts';
const to = 'dist/src/channels/redis/scripts';
mkdirSync(to, { recursive: true });
cpSync(from, to, { recursive: true });
