// Python Kadabra 0.5.0's fib.py in TypeScript: computes the Nth Fibonacci number and
// records how many loop iterations it took and how long, as the guide in
// docs/influxdb.md runs it.
// Usage: node dist/examples/fib.js 30
import { Kadabra, Units } from 'kadabra';

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 0) {
  console.error('usage: fib N   (N a non-negative integer)');
  process.exit(2);
}

const client = new Kadabra();
const metrics = client.metrics();
metrics.setDimension('program', 'fibonacci');

const stopTimer = metrics.startTimer('runTime', Units.MILLISECONDS);
let a = 0n;
let b = 1n;
for (let i = 0; i < n; i += 1) {
  metrics.addCount('iterations', 1);
  [a, b] = [b, a + b];
}
stopTimer();

client.send(metrics.close());
await client.close();

console.log(String(a));
