import { Command, type Redis } from 'ioredis';

/**
 * `HGETALL key` answered as Redis sends it, a flat array of field, value, field, value:
 * ioredis turns a plain `HGETALL`'s reply into an object, which for the tens of thousands
 * of totals of a large Prometheus namespace cost more than Redis took to send them.
 */
class FlatHgetall extends Command {
  constructor(key: string) {
    super('hgetall', [key]);
  }

  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

/** The totals of a publisher's state HASH, exact as bigints. */
export async function readStateHash(connection: Redis, key: string): Promise<Map<string, bigint>> {
  const flat = (await connection.sendCommand(new FlatHgetall(key))) as Buffer[] | null;
  const totals = new Map<string, bigint>();
  if (flat === null) return totals;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    totals.set((flat[i] as Buffer).toString('utf8'), BigInt((flat[i + 1] as Buffer).toString('latin1')));
  }
  return totals;
}
