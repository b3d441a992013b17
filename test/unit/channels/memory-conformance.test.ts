import { MemoryChannel, MemoryStore } from '../../support/memory-channel.js';
import { channelConformance } from '../../conformance/channel-conformance.js';

// The agents' unit tests run on this double: it must keep the channels' contract too.
channelConformance('MemoryChannel (the unit tests\' double)', () =>
  Promise.resolve({
    newStore: () => {
      const store = new MemoryStore();
      return Promise.resolve({
        open: (options = {}) => new MemoryChannel({ store, ...(options.deadMaxLength ? { deadMaxLength: options.deadMaxLength } : {}) }),
        pushRaw: (raws) => {
          store.queue.push(...raws);
          store.wake();
          return Promise.resolve();
        },
      });
    },
    dispose: () => Promise.resolve(),
  }),
);
