/*-------------------------------------------------------------------------
 *
 * row_access.h
 *	  Reading and writing promo_draw's hot rows by primary key, without SPI.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_ROW_ACCESS_H
#define PROMO_DRAW_ROW_ACCESS_H

#include "postgres.h"

#include "executor/executor.h"
#include "utils/rel.h"

#include "table_write.h"

/* Primary keys of up to two columns, the most promo_draw's tables have. */
#define ROW_ACCESS_MAX_KEYS 2

typedef struct RowAccess
{
	Relation	rel;
	Relation	pkindex;
	struct TableWrite *write;	/* opened for writing: the executor's duties */
	EPQState	epq;
	List	   *arbiters;		/* the primary key, for speculative insertion */
	TupleTableSlot *found;		/* the row found */
	TupleTableSlot *next;		/* the values to write */
	bool		has_key;		/* key holds the last key looked up */
	int64		key[ROW_ACCESS_MAX_KEYS];
	bool		has_eqprocs;	/* eqprocs looked up */
	RegProcedure eqprocs[ROW_ACCESS_MAX_KEYS];	/* equality of each key column */
} RowAccess;

/* What became of an update. */
typedef enum RowUpdateResult
{
	ROW_UPDATED,
	ROW_BUSY,					/* another session holds the row (no wait) */
	ROW_CHANGED					/* changed or deleted since it was read */
} RowUpdateResult;

extern RowAccess *RowAccessOpen(const char *table, bool for_write);
extern void RowAccessClose(RowAccess *ra);
extern void RowColumns(RowAccess *ra, const char *const *names, int n, int nrequired,
					   Oid *cached_relid, AttrNumber *attnums);
extern bool RowFind(RowAccess *ra, Datum *key, bool lock);
extern TupleTableSlot *RowStart(RowAccess *ra, bool from_found);
extern bool RowUpdate(RowAccess *ra);
extern RowUpdateResult RowTryUpdate(RowAccess *ra, bool wait);
extern bool RowInsert(RowAccess *ra);
extern bool RowExistsInIndex(const char *index, Datum *key, int nkeys);

/* The value of a column of the row found, by attribute number. */
static inline Datum
RowGet(RowAccess *ra, AttrNumber attnum, bool *isnull)
{
	return slot_getattr(ra->found, attnum, isnull);
}

#endif							/* PROMO_DRAW_ROW_ACCESS_H */
