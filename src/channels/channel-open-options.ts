/** How a channel is opened. */
export interface ChannelOpenOptions {
  /**
   * Only read: the channel never creates anything (a file, a folder, tables). For
   * commands that only look (`kadabra status`, `kadabra dead-letters list`).
   */
  readonly readOnly?: boolean;
}
