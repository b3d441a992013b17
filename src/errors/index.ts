export { KadabraError } from './kadabra-error.js';
export { CollectorClosedError } from './collector-closed-error.js';
export { InvalidArgumentError } from './invalid-argument-error.js';
export { ConfigurationError } from './configuration-error.js';
export { WireFormatError } from './wire-format-error.js';
export { TransientPublishError } from './publish-error.js';
export { ClientClosedError } from './client-closed-error.js';
