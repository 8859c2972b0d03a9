/**
 * The simulator's one clock: real time plus an offset that `POST /__simulator/clock` grows. Token
 * lifetimes, CDC windows and MetaData times all read it; it never runs backwards, even if the host
 * clock does, because tokens and indexes assume time only moves forward.
 */
export class SimulatorClock {
  private lastNow = 0;

  constructor(private offsetMs = 0) {}

  now(): number {
    this.lastNow = Math.max(this.lastNow, Date.now() + this.offsetMs);
    return this.lastNow;
  }

  /** The current time floored to the second: QuickBooks MetaData times have second precision. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): number {
    if (!(ms > 0)) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
    return this.now();
  }

  get offset(): number {
    return this.offsetMs;
  }
}
