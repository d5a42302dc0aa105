/** Per-command counters for INFO commandstats and errorstats. */
export class CommandStat {
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
}

/** Server-wide counters for INFO stats; CONFIG RESETSTAT clears them. */
export class ServerStats {
  readonly commands = new Map<string, CommandStat>();
  /** Error replies by their first word (ERR, WRONGTYPE, ...). */
  readonly errors = new Map<string, number>();
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Ring of (time, totalCommands) samples for instantaneous_ops_per_sec. */
  private opsSamples: number[] = [];
  private lastSampleAt = 0;
  private lastSampleCommands = 0;

  command(name: string): CommandStat {
    let s = this.commands.get(name);
    if (s === undefined) {
      s = new CommandStat();
      this.commands.set(name, s);
    }
    return s;
  }

  error(message: string): void {
    const space = message.indexOf(' ');
    const code = space === -1 ? message : message.slice(0, space);
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** Called every ~100 ms, as Redis's trackInstantaneousMetric. */
  sampleOps(nowMs: number): void {
    if (this.lastSampleAt !== 0) {
      const elapsed = nowMs - this.lastSampleAt;
      if (elapsed > 0) {
        this.opsSamples.push(((this.totalCommands - this.lastSampleCommands) * 1000) / elapsed);
        if (this.opsSamples.length > 16) this.opsSamples.shift();
      }
    }
    this.lastSampleAt = nowMs;
    this.lastSampleCommands = this.totalCommands;
  }

  get opsPerSec(): number {
    if (this.opsSamples.length === 0) return 0;
    let sum = 0;
    for (const s of this.opsSamples) sum += s;
    return Math.round(sum / this.opsSamples.length);
  }

  reset(): void {
    this.commands.clear();
    this.errors.clear();
    this.totalConnections = this.rejectedConnections = this.totalCommands = 0;
    this.netInputBytes = this.netOutputBytes = 0;
    this.opsSamples = [];
  }
}
