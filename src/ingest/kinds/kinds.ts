import type { RecordKindName } from 'src/ingest/codes';
import { ENROLMENTS } from 'src/ingest/kinds/enrolments';
import { LEAVERS } from 'src/ingest/kinds/leavers';
import type { KeyedChunk, RecordKind } from 'src/ingest/kinds/record-kind';

/** Every kind of record, by name. */
export const KINDS: { readonly [N in RecordKindName]: RecordKind<KeyedChunk> } = { enrolments: ENROLMENTS, leavers: LEAVERS };
