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

/* BulkInsertOpen flags: what the caller guarantees for every row it writes */
#define BULK_REFERENCES_LOCKED	0x01	/* it holds the rows they reference */

extern BulkInsert *BulkInsertOpen(Oid relid, int natts, int flags);
extern void BulkInsertRow(BulkInsert *bulk, Datum *values, bool *isnull);
extern void BulkInsertClose(BulkInsert *bulk);

#endif							/* PROMO_DRAW_BULK_INSERT_H */
