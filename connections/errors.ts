/** Why a connection command was refused; the code is the same word in the API's error envelope and in `ops`. */
export type ConnectionCommandErrorCode =
  | 'connection_not_authorized'
  | 'connection_disconnected'
  | 'connection_needs_reauthorization'
  | 'workflow_not_running'
  | 'temporal_unavailable';

export class ConnectionCommandError extends Error {
  override readonly name = 'ConnectionCommandError';
  constructor(
    readonly code: ConnectionCommandErrorCode,
    message: string,
  ) {
    super(message);
  }
}
