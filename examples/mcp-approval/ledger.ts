/**
 * The example's bank: an in-memory ledger of executed transfers. Stands in
 * for whatever the tool really does; the point is what has to happen before
 * `transfer` is called.
 */
export interface Transfer {
  from: string;
  to: string;
  amount: string;
  currency: string;
}

export interface LedgerEntry extends Transfer {
  id: number;
  /** The receipt's `jti`: which approval authorised this transfer. */
  receipt: string;
  at: string;
}

export class Ledger {
  readonly entries: LedgerEntry[] = [];

  transfer(transfer: Transfer, receipt: string): LedgerEntry {
    const entry = {
      id: this.entries.length + 1,
      ...transfer,
      receipt,
      at: new Date().toISOString(),
    };
    this.entries.push(entry);
    return entry;
  }
}
