/*-------------------------------------------------------------------------
 *
 * bulk_insert.h
 *	  Writing many rows into one of promo_draw's tables quickly: batched
 *	  multi-inserts with their index entries, as COPY does.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_BULK_INSERT_H
#define PROMO_DRAW_BULK_INSERT_H

#include "postgres.h"

typedef struct BulkInsert BulkInsert;

extern BulkInsert *BulkInsertOpen(Oid relid, int natts);
extern void BulkInsertRow(BulkInsert *bulk, Datum *values, bool *isnull);
extern void BulkInsertClose(BulkInsert *bulk);

#endif							/* PROMO_DRAW_BULK_INSERT_H */
