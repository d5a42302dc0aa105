export { TcpTransport, type TcpTransportOptions } from './tcp-transport.js';
export type {
  MessageTransport,
  PeerAddress,
  PeerStats,
  TransportCallbacks,
  TransportLogger,
} from './message-transport.js';
export {
  DEFAULT_LIMITS,
  busPortFor,
  backoffMs,
  resolveLimits,
  type TransportLimits,
} from './limits.js';
export { PROTOCOL_VERSION, ProtocolError } from './frame.js';
