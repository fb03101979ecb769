import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditRepository } from 'src/audit/audit.repository';

/** The `prev_hash` of the first entry (migration AuditChainTrigger). */
export const GENESIS_HASH = createHash('sha256').update('doorstroom audit log', 'utf8').digest();

const PAGE = 5_000;

export type ChainBreakReason =
  /** Entries are gone: the sequence skips, or ends before the head. */
  | 'missing'
  /** An entry's content no longer matches its hash. */
  | 'changed'
  /** An entry does not follow the one before it (its predecessor was replaced or rehashed). */
  | 'relinked'
  /** The head does not match the last entry. */
  | 'head'
  /** The entry of an anchor taken earlier has another hash now, or is gone. */
  | 'anchor';

export interface ChainBreak {
  seq: string;
  /** The entry's id, when the entry is there. */
  id: string | null;
  reason: ChainBreakReason;
  detail: string;
}

export interface ChainAnchor {
  seq: string;
  hash: string;
}

export interface ChainReport {
  intact: boolean;
  /** Entries verified. */
  entries: number;
  /** The last link: keep it somewhere else and pass it as `--anchor` later, to detect a rewrite of the whole chain. */
  head: ChainAnchor | null;
  firstBreak?: ChainBreak;
}

/** `<seq>:<hex hash>`, as `verify-audit` prints the head. */
export function parseAnchor(text: string): ChainAnchor {
  const match = /^([1-9][0-9]{0,18}):([0-9a-f]{64})$/.exec(text.trim());
  if (!match) throw new Error('An anchor is <seq>:<sha256 in hex>, as verify-audit prints it under "head".');
  return { seq: match[1], hash: match[2] };
}

/**
 * Walks the audit log's hash chain from the first entry to the head the database held when the
 * walk began (entries appended meanwhile are left for the next run) and reports the first break.
 * This detects a change or deletion made by a superuser or the owner around the triggers and
 * privileges; one who rewrites the whole chain after it is caught only by an anchor kept
 * elsewhere.
 */
@Injectable()
export class AuditChainVerifier {
  constructor(private readonly repository: AuditRepository) {}

  async verify(options: { anchor?: ChainAnchor } = {}): Promise<ChainReport> {
    const head = await this.repository.chainHead();
    const headLink = head ? { seq: head.seq, hash: head.hash.toString('hex') } : null;
    const broken = (entries: number, firstBreak: ChainBreak): ChainReport => ({ intact: false, entries, head: headLink, firstBreak });
    if (!head) return broken(0, { seq: '0', id: null, reason: 'head', detail: 'The chain head is missing.' });

    const anchor = options.anchor;
    let expected = 1n;
    let previous: Buffer = GENESIS_HASH;
    let entries = 0;
    for (;;) {
      const links = await this.repository.chainLinks((expected - 1n).toString(), head.seq, PAGE);
      for (const link of links) {
        const seq = BigInt(link.seq);
        if (seq !== expected) {
          const last = seq - 1n;
          const gap = last > expected ? `Entries ${expected}–${last} are missing.` : `Entry ${expected} is missing.`;
          return broken(entries, { seq: expected.toString(), id: null, reason: 'missing', detail: gap });
        }
        if (!link.prev_hash.equals(previous)) {
          return broken(entries, { seq: link.seq, id: link.id, reason: 'relinked', detail: 'The entry does not follow the entry before it: that one was replaced or rehashed.' });
        }
        if (!link.hash.equals(link.recomputed)) {
          return broken(entries, { seq: link.seq, id: link.id, reason: 'changed', detail: 'The content of the entry no longer matches its hash.' });
        }
        if (anchor && anchor.seq === link.seq && anchor.hash !== link.hash.toString('hex')) {
          return broken(entries, { seq: link.seq, id: link.id, reason: 'anchor', detail: 'The entry has another hash than the anchor taken earlier: the chain was rewritten from here or before.' });
        }
        previous = link.hash;
        expected++;
        entries++;
      }
      if (links.length < PAGE) break;
    }
    const last = expected - 1n;
    if (last < BigInt(head.seq)) {
      return broken(entries, { seq: expected.toString(), id: null, reason: 'missing', detail: `Entries ${expected}–${head.seq} are missing: the head is at ${head.seq}.` });
    }
    if (!previous.equals(head.hash)) {
      return broken(entries, { seq: head.seq, id: null, reason: 'head', detail: 'The chain head does not match the last entry.' });
    }
    if (anchor && BigInt(anchor.seq) > last) {
      return broken(entries, { seq: anchor.seq, id: null, reason: 'anchor', detail: `The anchored entry ${anchor.seq} is beyond the head (${head.seq}): entries were removed and the head rewound.` });
    }
    return { intact: true, entries, head: headLink };
  }
}
