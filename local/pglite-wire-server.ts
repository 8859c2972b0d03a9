/**
 * Serves the embedded PGlite over the Postgres wire protocol, so that `npm run ops`, `psql` and any
 * postgres:// client reach the same database as the API and the worker running in `npm start`.
 *
 * PGlite is one Postgres backend, one session: every client shares it. Why not @electric-sql/pglite-socket:
 * its queue takes only PGlite's query lock for each protocol message, while the in-process drizzle
 * transactions hold PGlite's transaction lock and take the query lock per statement, so a socket
 * client's statement could run inside the worker's transaction (and an error of theirs abort it); and
 * the messages of one extended-protocol exchange (Parse … Sync) from two clients could interleave.
 * (Its releases also pin PGlite and seven extension packages as exact peer versions.) Here a client
 * holds BOTH of PGlite's locks for a turn: from its first message until Postgres is ready for a query
 * outside any transaction block. The in-process code waits meanwhile, as it waits for itself. A client
 * that sits in an open transaction is cut off after `idleInTransactionMs`, so a forgotten `BEGIN` in
 * psql cannot stop the product. Clients authenticate with a password (cleartext over loopback).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../shared/logger.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Longer messages are refused: nothing we serve needs them, and a bad length must not buffer forever. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface PgliteWireServerOptions {
  db: PGlite;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Every client must present it (user name and database name are not checked: there is one of each). */
  password: string;
  logger: Logger;
  /** A client that keeps its turn (a transaction, or an unfinished exchange) without sending anything this long is disconnected (rolled back). */
  idleInTransactionMs?: number;
}

export interface RunningWireServer {
  host: string;
  port: number;
  /** A postgres:// URL with the password, for DATABASE_URL. */
  url: string;
  stop(): Promise<void>;
}

export async function startPgliteWireServer(options: PgliteWireServerOptions): Promise<RunningWireServer> {
  const host = options.host ?? '127.0.0.1';
  const sessions = new Set<WireSession>();
  const server: Server = createServer((socket) => {
    const session = new WireSession(socket, options, () => sessions.delete(session));
    sessions.add(session);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.logger.info({ host, port }, 'database served over the Postgres protocol');
  return {
    host,
    port,
    url: `postgres://postgres:${encodeURIComponent(options.password)}@${host}:${port}/postgres`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...sessions].map((session) => session.end()));
      await closed;
    },
  };
}

/** Both of PGlite's locks, held until the returned function is called. */
function holdDatabase(db: PGlite): Promise<() => void> {
  return new Promise((held) => {
    void db._runExclusiveTransaction(() => db._runExclusiveQuery(() => new Promise<void>((release) => held(release))));
  });
}

/** One client connection: its startup and password, then its turns on the shared session. */
class WireSession {
  private buffer = Buffer.alloc(0);
  private phase: 'startup' | 'password' | 'ready' | 'closed' = 'startup';
  private startupPacket: Uint8Array | undefined;
  private release: (() => void) | undefined;
  /** A message was executed since Postgres last said it is ready for a query (an exchange is open). */
  private exchangeOpen = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    private readonly options: PgliteWireServerOptions,
    private readonly onClosed: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.work = this.work.then(() => this.pump()).catch((error: unknown) => this.fail(error));
    });
    socket.on('error', () => void this.end());
    socket.on('close', () => void this.end());
  }

  /** Ends the session: whatever it left open on the shared session is closed first. */
  end(): Promise<void> {
    if (this.phase === 'closed') return this.work;
    this.phase = 'closed';
    clearTimeout(this.idleTimer);
    this.work = this.work.then(() => this.cleanUp()).finally(() => {
      this.socket.destroy();
      this.onClosed();
    });
    return this.work;
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.phase === 'closed') return;
      const message = this.phase === 'startup' ? this.nextUntypedMessage() : this.nextTypedMessage();
      if (!message) return;
      if (this.phase === 'startup') await this.onStartup(message);
      else if (this.phase === 'password') await this.onPassword(message);
      else await this.onMessage(message);
    }
  }

  private nextUntypedMessage(): Buffer | undefined {
    if (this.buffer.length < 4) return undefined;
    const length = this.buffer.readInt32BE(0);
    return this.take(length, length);
  }

  private nextTypedMessage(): Buffer | undefined {
    if (this.buffer.length < 5) return undefined;
    const length = this.buffer.readInt32BE(1);
    return this.take(length, length + 1);
  }

  private take(declared: number, total: number): Buffer | undefined {
    if (declared < 4 || total > MAX_MESSAGE_BYTES) throw new Error(`invalid message length ${declared}`);
    if (this.buffer.length < total) return undefined;
    const message = this.buffer.subarray(0, total);
    this.buffer = this.buffer.subarray(total);
    return message;
  }

  private async onStartup(message: Buffer): Promise<void> {
    const code = message.length >= 8 ? message.readInt32BE(4) : 0;
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N'); // no encryption on loopback: the client goes on in plain text
      return;
    }
    if (code === CANCEL_REQUEST) {
      // One shared backend has nothing to cancel for one client.
      void this.end();
      return;
    }
    if (code !== PROTOCOL_3) {
      this.refuse('0A000', `unsupported protocol ${code >> 16}.${code & 0xffff}`);
      return;
    }
    this.startupPacket = new Uint8Array(message);
    this.phase = 'password';
    this.socket.write(authenticationRequest(3)); // AuthenticationCleartextPassword
  }

  private async onPassword(message: Buffer): Promise<void> {
    const given = message[0] === 0x70 /* p */ ? message.subarray(5, message.length - 1) : Buffer.alloc(0);
    const expected = Buffer.from(this.options.password);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.options.logger.warn({ client: this.socket.remotePort }, 'database client refused: wrong password');
      this.refuse('28P01', 'password authentication failed (the password is in the DATABASE_URL `npm start` prints)');
      return;
    }
    this.phase = 'ready';
    await this.execute(this.startupPacket!);
  }

  private async onMessage(message: Buffer): Promise<void> {
    if (message[0] === 0x58 /* X: Terminate */) {
      void this.end(); // runs once this message's work is done (it is queued behind it)
      return;
    }
    await this.execute(new Uint8Array(message));
  }

  /** Runs one message on the shared session inside this client's turn; the turn ends when Postgres is idle again. */
  private async execute(message: Uint8Array): Promise<void> {
    clearTimeout(this.idleTimer);
    this.release ??= await holdDatabase(this.options.db);
    this.exchangeOpen = true;
    const output: Uint8Array[] = [];
    await this.options.db.execProtocolRawStream(message, {
      onRawData: (data) => {
        output.push(data);
        if (this.phase !== 'closed') this.socket.write(Buffer.from(data));
      },
    });
    const ready = lastReadyForQuery(Buffer.concat(output));
    if (ready !== undefined) this.exchangeOpen = false;
    if (ready === 'I') {
      this.endTurn();
      return;
    }
    // Mid-exchange (Parse, Bind… before Sync) or in a transaction block: the turn goes on, within limits.
    const idleMs = this.options.idleInTransactionMs ?? 30_000;
    this.idleTimer = setTimeout(() => {
      this.options.logger.warn({ idleMs }, 'database client idle in a transaction: rolled back and disconnected');
      this.refuse('25P03', `idle in transaction for ${idleMs / 1000} s: the embedded database is shared with the running product, so the transaction was rolled back`);
    }, idleMs);
  }

  private endTurn(): void {
    this.release?.();
    this.release = undefined;
  }

  /** Leaves the shared session as this client found it: no half exchange, no open transaction. */
  private async cleanUp(): Promise<void> {
    if (!this.release) return;
    try {
      if (this.exchangeOpen) await this.options.db.execProtocolRaw(frame('S', Buffer.alloc(0)));
      if (this.options.db.isInTransaction()) await this.options.db.execProtocolRaw(frame('Q', Buffer.from('ROLLBACK\0')));
    } catch (error) {
      this.options.logger.error({ err: error }, 'could not clean up after a database client');
    } finally {
      this.endTurn();
    }
  }

  private refuse(code: string, text: string): void {
    if (this.socket.writable) this.socket.write(errorResponse(code, text));
    void this.end();
  }

  private fail(error: unknown): void {
    this.options.logger.warn({ err: error }, 'database client connection failed');
    this.refuse('08P01', (error as Error).message);
  }
}

function frame(type: string, body: Buffer): Uint8Array {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return new Uint8Array(Buffer.concat([header, body]));
}

function authenticationRequest(kind: number): Uint8Array {
  const body = Buffer.alloc(4);
  body.writeInt32BE(kind, 0);
  return frame('R', body);
}

function errorResponse(code: string, text: string): Uint8Array {
  const field = (tag: string, value: string) => Buffer.concat([Buffer.from(tag), Buffer.from(value), Buffer.from([0])]);
  return frame('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]));
}

/** The transaction status of the last ReadyForQuery ('I' idle, 'T' in a transaction, 'E' failed one) in a backend output. */
function lastReadyForQuery(output: Buffer): string | undefined {
  let status: string | undefined;
  for (let offset = 0; offset + 5 <= output.length; ) {
    const length = output.readInt32BE(offset + 1);
    if (output[offset] === 0x5a /* Z */ && length === 5) status = String.fromCharCode(output[offset + 5]!);
    offset += 1 + length;
  }
  return status;
}
