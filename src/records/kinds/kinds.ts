import type { RecordKindName } from 'src/records/codes';
import { ENROLMENTS } from 'src/records/kinds/enrolments';
import { LEAVERS } from 'src/records/kinds/leavers';
import { SURVEYS } from 'src/records/kinds/surveys';
import type { KeyedChunk, RecordKind } from 'src/records/kinds/record-kind';

/** Every kind of record, by name. */
export const KINDS: { readonly [N in RecordKindName]: RecordKind<KeyedChunk> } = { enrolments: ENROLMENTS, leavers: LEAVERS, surveys: SURVEYS };
