// Python Kadabra 0.5.0's run_agent.py for InfluxDB in TypeScript: an agent that
// publishes to the InfluxDB on localhost:8086, database "kadabra" (the publisher's
// defaults). CTRL+C (SIGINT) or SIGTERM stops it gracefully.
// Usage: node dist/examples/run_agent.js
import { Agent } from 'kadabra';

const agent = new Agent({ AGENT_PUBLISHER_TYPE: 'influxdb' });
process.on('SIGINT', agent.stop);
process.on('SIGTERM', agent.stop);
await agent.start();
