/*-------------------------------------------------------------------------
 *
 * table_write.h
 *	  The executor's duties for a write that does not go through an
 *	  INSERT or UPDATE statement: constraints, generated columns, index
 *	  entries and row triggers, shared by row_access.c and bulk_insert.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_TABLE_WRITE_H
#define PROMO_DRAW_TABLE_WRITE_H

#include "postgres.h"

#include "executor/executor.h"
#include "utils/rel.h"

/* TableWriteBegin flags: what the caller guarantees for every row it writes */
#define TABLE_WRITE_REFERENCES_LOCKED	0x01	/* it holds the rows they
												 * reference */
#define TABLE_WRITE_SPECULATIVE	0x02	/* it inserts speculatively */

typedef struct TableWrite
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	bool		after_triggers; /* AFTER row triggers: fired at TableWriteEnd */
} TableWrite;

extern void RequireWritable(void);
extern TableWrite *TableWriteBegin(Relation rel, int flags);
extern void TableWriteEnd(TableWrite *tw);
extern void TableWriteCheck(TableWrite *tw, TupleTableSlot *slot, bool update);
extern void TableWriteBeforeInsert(TableWrite *tw, TupleTableSlot *slot);
extern void TableWriteAfterInsert(TableWrite *tw, TupleTableSlot *slot, List *recheck);
extern bool TableWriteHasBeforeUpdate(TableWrite *tw);
extern void TableWriteBeforeUpdate(TableWrite *tw, EPQState *epq, ItemPointer tid,
								   TupleTableSlot *slot);
extern void TableWriteAfterUpdate(TableWrite *tw, ItemPointer oldtid,
								  TupleTableSlot *slot, List *recheck);
extern List *TableWriteIndexes(TableWrite *tw, TupleTableSlot *slot, bool update,
							   bool *conflict, List *arbiters);

#endif							/* PROMO_DRAW_TABLE_WRITE_H */
