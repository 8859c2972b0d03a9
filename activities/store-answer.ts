/**
 * Hands a QuickBooks answer's text to Postgres (`storeRecordPage`) and turns what the database refuses
 * into the typed QuickBooks failures the workflow already knows: a record that cannot be stored is a
 * NormalizationError (permanent), an answer of the wrong shape is QuickBooks' transient fault.
 */
import type { Executor } from '../db/client.js';
import { databaseErrorOf, storeRecordPage, UNEXPECTED_ANSWER, UNSTORABLE_RECORD, type StoredPage, type StoreRecordPageParams } from '../db/queries/record-pages.js';
import { NormalizationError } from '../quickbooks/errors.js';
import type { AnswerText } from '../quickbooks/types.js';

export async function storeAnswer(db: Executor, answer: AnswerText, params: Omit<StoreRecordPageParams, 'bodyText'>): Promise<StoredPage> {
  try {
    return await storeRecordPage(db, { ...params, bodyText: answer.bodyText });
  } catch (error) {
    const refusal = databaseErrorOf(error);
    if (refusal?.code === UNSTORABLE_RECORD) throw new NormalizationError(refusal.message);
    if (refusal?.code === UNEXPECTED_ANSWER) throw answer.unexpected(refusal.message);
    throw error;
  }
}
