/*-------------------------------------------------------------------------
 *
 * bulk_insert.c
 *	  Writing many rows into one of promo_draw's tables quickly.
 *
 * A draw writes one result row per participant, each also the customer's
 * message: a million for a large draw.  Awards write milestone messages.  Row-at-a-time INSERTs through SPI cost
 * several microseconds each; here rows are buffered and written with
 * table_multi_insert, then their index entries are added and constraints
 * checked, as COPY does.
 *
 * Row triggers fire as they do for COPY (table_write.c): a table with
 * BEFORE INSERT row triggers, which may change each row, is written a row
 * at a time; AFTER INSERT row triggers are queued as each batch is written
 * and fire when the writer closes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "bulk_insert.h"
#include "table_write.h"

#define BULK_INSERT_BATCH 1000

struct BulkInsert
{
	Relation	rel;
	TableWrite *write;
	bool		row_at_a_time;	/* BEFORE INSERT row triggers to fire */
	BulkInsertState bistate;
	CommandId	cid;
	MemoryContext cxt;			/* the writer and its slots */
	MemoryContext batchcxt;		/* row values of the current batch */
	TupleTableSlot *slots[BULK_INSERT_BATCH];
	int			nused;
};

/*
 * Open a table for bulk insertion, with the executor's duties for every
 * row (table_write.c): index entries, constraints, generated columns, row
 * triggers.  natts is the number of columns the caller writes, checked
 * against the table.  With BULK_REFERENCES_LOCKED the caller holds the rows
 * its rows reference, so their foreign-key checks are not run again.
 */
BulkInsert *
BulkInsertOpen(Oid relid, int natts, int flags)
{
	BulkInsert *bulk = palloc0(sizeof(BulkInsert));
	TriggerDesc *td;

	bulk->rel = table_open(relid, RowExclusiveLock);
	if (bulk->rel->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" must be a plain table", RelationGetRelationName(bulk->rel))));
	if (RelationGetDescr(bulk->rel)->natts != natts)
		elog(ERROR, "table \"%s\" has %d columns where %d were expected",
			 RelationGetRelationName(bulk->rel), RelationGetDescr(bulk->rel)->natts, natts);

	bulk->write = TableWriteBegin(bulk->rel, (flags & BULK_REFERENCES_LOCKED) ?
								  TABLE_WRITE_REFERENCES_LOCKED : 0);
	td = bulk->write->rri->ri_TrigDesc;
	bulk->row_at_a_time = td && td->trig_insert_before_row;
	bulk->cid = bulk->write->estate->es_output_cid;
	bulk->bistate = NULL;		/* made for the first full batch */
	bulk->cxt = CurrentMemoryContext;
	bulk->batchcxt = AllocSetContextCreate(CurrentMemoryContext,
										   "promo_draw bulk insert batch",
										   ALLOCSET_DEFAULT_SIZES);
	return bulk;
}

/*
 * The rows just written (the first nused slots): their index entries and
 * AFTER row triggers; then the buffer is empty again.
 */
static void
BulkInsertIndexAndTrigger(BulkInsert *bulk)
{
	for (int i = 0; i < bulk->nused; i++)
	{
		List	   *recheck = TableWriteIndexes(bulk->write, bulk->slots[i], false,
												NULL, NIL);

		TableWriteAfterInsert(bulk->write, bulk->slots[i], recheck);
		list_free(recheck);
		ExecClearTuple(bulk->slots[i]);
		ResetPerTupleExprContext(bulk->write->estate);
	}
	bulk->nused = 0;
	MemoryContextReset(bulk->batchcxt);
}

/* Write the buffered rows, then their index entries and AFTER triggers. */
static void
BulkInsertFlush(BulkInsert *bulk)
{
	if (bulk->nused == 0)
		return;

	/*
	 * A ring of buffers and bulk extension pay off for large writes only:
	 * a few rows (an event, a milestone message) go in without them.
	 */
	if (bulk->bistate == NULL && bulk->nused == BULK_INSERT_BATCH)
	{
		/* in the writer's memory: callers flush from per-row contexts */
		MemoryContext old = MemoryContextSwitchTo(bulk->cxt);

		bulk->bistate = GetBulkInsertState();
		MemoryContextSwitchTo(old);
	}
	table_multi_insert(bulk->rel, bulk->slots, bulk->nused, bulk->cid, 0,
					   bulk->bistate);
	BulkInsertIndexAndTrigger(bulk);
}

/*
 * Buffer one row (values in the table's column order).  By-reference values
 * are copied, so the caller may free its own.
 */
void
BulkInsertRow(BulkInsert *bulk, Datum *values, bool *isnull)
{
	TupleTableSlot *slot;
	TupleDesc	desc = RelationGetDescr(bulk->rel);
	MemoryContext old;

	/* slots are made as rows come, so a small draw pays for few */
	if (bulk->slots[bulk->nused] == NULL)
	{
		old = MemoryContextSwitchTo(bulk->cxt);
		bulk->slots[bulk->nused] = table_slot_create(bulk->rel, NULL);
		MemoryContextSwitchTo(old);
	}
	slot = bulk->slots[bulk->nused];
	old = MemoryContextSwitchTo(bulk->batchcxt);

	ExecClearTuple(slot);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		slot->tts_isnull[i] = isnull[i];
		slot->tts_values[i] = isnull[i] ? (Datum) 0 :
			datumCopy(values[i], att->attbyval, att->attlen);
	}
	ExecStoreVirtualTuple(slot);
	MemoryContextSwitchTo(old);

	if (bulk->row_at_a_time)
	{
		/* a BEFORE trigger may change the row: write it as it leaves it */
		TableWriteBeforeInsert(bulk->write, slot);
		TableWriteCheck(bulk->write, slot, false);
		table_tuple_insert(bulk->rel, slot, bulk->cid, 0, NULL);
		bulk->nused = 1;
		BulkInsertIndexAndTrigger(bulk);
		return;
	}
	TableWriteCheck(bulk->write, slot, false);
	if (++bulk->nused == BULK_INSERT_BATCH)
		BulkInsertFlush(bulk);
}

/*
 * Write what is left, fire the AFTER row triggers of every row written, and
 * release everything.
 */
void
BulkInsertClose(BulkInsert *bulk)
{
	BulkInsertFlush(bulk);
	table_finish_bulk_insert(bulk->rel, 0);
	if (bulk->bistate)
		FreeBulkInsertState(bulk->bistate);
	for (int i = 0; i < BULK_INSERT_BATCH && bulk->slots[i] != NULL; i++)
		ExecDropSingleTupleTableSlot(bulk->slots[i]);
	TableWriteEnd(bulk->write);
	MemoryContextDelete(bulk->batchcxt);
	table_close(bulk->rel, NoLock);
	pfree(bulk);
}
