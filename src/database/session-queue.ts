import type { PGlite } from '@electric-sql/pglite';

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

// Frontend message types that end a request cycle: Sync (extended protocol), Query (simple
// protocol) and Terminate. The startup packet carries no type byte; its first byte is 0.
const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;
const STARTUP = 0x00;

/**
 * Shares PGlite's single backend session between several client connections.
 *
 * PGlite has one session, so a connection must own it for a whole request cycle: the extended
 * protocol's Parse/Bind/Execute/Sync of one client must not interleave with another client's
 * (they would overwrite each other's unnamed statement), and an open transaction belongs to its
 * connection until it ends. A connection takes the session with its first message and gives it
 * back after a Sync or Query that leaves no transaction open; messages of other connections
 * wait their turn in arrival order.
 */
export class SessionQueue {
  private readonly waiting: Pending[] = [];
  private owner: number | null = null;
  private pumping = false;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  /** A connection went away: drop its queued messages. */
  clearQueueForHandler(handlerId: number): void {
    for (let index = this.waiting.length - 1; index >= 0; index--) {
      if (this.waiting[index].handlerId === handlerId) {
        this.waiting.splice(index, 1)[0].reject(new Error('connection closed'));
      }
    }
  }

  /** A connection went away while owning the session: roll back its transaction and release it. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.waiting.findIndex((item) => item.handlerId === this.owner);
        if (index < 0 || index >= this.waiting.length) return;
        const item = this.waiting.splice(index, 1)[0];
        this.owner = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          item.reject(error);
          continue;
        }
        const type = item.message[0];
        if ((type === SYNC || type === QUERY || type === TERMINATE || type === STARTUP) && !this.db.isInTransaction()) this.owner = null;
        item.resolve(bytes);
      }
    } finally {
      this.pumping = false;
    }
  }
}
