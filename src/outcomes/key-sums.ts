import { constant, Sql } from 'src/database/sql';
import { KEY_MODULUS } from 'src/outcomes/disclosure/cell-key';

/**
 * A sum of record keys as a cell key (mod 2^32, never negative): the summaries add and subtract
 * the keys of the records that enter and leave a cell.
 */
export const keySum = (expression: string): Sql => constant(`(((${expression}) % ${KEY_MODULUS}) + ${KEY_MODULUS}) % ${KEY_MODULUS}`);
