import { after, before } from 'node:test';

/**
 * Something a whole test file shares (a server, a connection): made by `start` before the
 * file's tests and let go of by `stop` after them. The function returned gives it to the
 * tests; it throws when called before `start` has run (at the file's top level).
 */
export function fileFixture<T>(start: () => Promise<T>, stop: (value: T) => Promise<unknown> | void): () => T {
  let value: { readonly current: T } | undefined;
  before(async () => {
    value = { current: await start() };
  });
  after(async () => {
    if (value !== undefined) await stop(value.current);
  });
  return () => {
    if (value === undefined) throw new Error('used before the test file\'s before() hook ran');
    return value.current;
  };
}
