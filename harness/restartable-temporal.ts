/**
 * A Temporal dev server that can be SIGKILLed and started again on the same port and the same SQLite
 * file, the way a crashed Temporal comes back: workflows, timers and task queues persist in the file.
 */
import { startTemporalDevServer, type RunningDevServer } from '../local/temporal-dev-server.js';
import { freePort } from '../local/free-port.js';

export interface TemporalServerOptions {
  cliPath: string;
  /** SQLite file; without it the server is in memory and a restart loses everything. */
  dbFilename?: string;
  dynamicConfig?: Record<string, unknown>;
}

export class RestartableTemporalServer {
  private server: RunningDevServer | undefined;

  private constructor(
    private readonly options: TemporalServerOptions,
    readonly port: number,
  ) {}

  static async start(options: TemporalServerOptions): Promise<RestartableTemporalServer> {
    const server = new RestartableTemporalServer(options, await freePort());
    await server.restart();
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get namespace(): string {
    return 'default';
  }

  get pid(): number | undefined {
    return this.server?.process.pid;
  }

  alive(): boolean {
    const process = this.server?.process;
    return process !== undefined && process.exitCode === null && process.signalCode === null;
  }

  /** Starts the server (again) on the same port and file; resolves once it answers gRPC. */
  async restart(): Promise<void> {
    if (this.alive()) return;
    // A port just released by a killed server can take a moment to be free again.
    for (let attempt = 1; ; attempt++) {
      try {
        this.server = await startTemporalDevServer({ cliPath: this.options.cliPath, port: this.port, dbFilename: this.options.dbFilename, dynamicConfig: this.options.dynamicConfig });
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  /** SIGKILL: no shutdown, no flush; what survives is what SQLite had committed. */
  async kill(): Promise<void> {
    const process = this.server?.process;
    if (!process || !this.alive()) return;
    const exited = new Promise<void>((resolve) => process.once('exit', () => resolve()));
    process.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (this.alive()) await this.server!.stop(5_000);
  }
}
