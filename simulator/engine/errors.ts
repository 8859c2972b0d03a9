/** Errors the engine raises for bad control input; the HTTP layer answers them with 4xx JSON, never 500. */
export class SimulatorInputError extends Error {
  override readonly name = 'SimulatorInputError';
  constructor(message: string, readonly status: 400 | 404 | 409 = 400) {
    super(message);
  }
}

export class NotFoundError extends SimulatorInputError {
  constructor(message: string) {
    super(message, 404);
  }
}
