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
 * Triggers are not fired, so the tables written this way must have none:
 * opening one that has row triggers is an error rather than a silent skip.
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
#include "row_access.h"

#define BULK_INSERT_BATCH 1000

struct BulkInsert
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	BulkInsertState bistate;
	CommandId	cid;
	MemoryContext cxt;			/* the writer and its slots */
	MemoryContext batchcxt;		/* row values of the current batch */
	TupleTableSlot *slots[BULK_INSERT_BATCH];
	int			nused;
};

/*
 * Does the table have row triggers on INSERT that bulk insertion would not
 * fire?  With references_locked, the caller holds a lock on every row its
 * rows reference, so the foreign-key checks (internal RI triggers) hold
 * without being run; any other row trigger still counts.
 */
static bool
HasInsertRowTriggers(Relation rel, bool references_locked)
{
	TriggerDesc *trigdesc = rel->trigdesc;

	if (trigdesc == NULL)
		return false;
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *trigger = &trigdesc->triggers[i];

		if (!TRIGGER_FOR_ROW(trigger->tgtype) || !TRIGGER_FOR_INSERT(trigger->tgtype))
			continue;
		if (references_locked && trigger->tgisinternal &&
			trigger->tgfoid == F_RI_FKEY_CHECK_INS)
			continue;
		return true;
	}
	return false;
}

/*
 * Open a table for bulk insertion: an executor state with its indexes open,
 * so that index entries and constraints are handled as for any INSERT.
 * natts is the number of columns the caller writes, checked against the
 * table.  Row triggers are not fired, so a table with any is refused;
 * with BULK_REFERENCES_LOCKED the caller holds the rows its rows reference
 * (see HasInsertRowTriggers).  CHECK constraints are checked row by row,
 * compiled once per backend (RowCheckConstraints).
 */
BulkInsert *
BulkInsertOpen(Oid relid, int natts, int flags)
{
	BulkInsert *bulk = palloc0(sizeof(BulkInsert));
	RangeTblEntry *rte;

	bulk->rel = table_open(relid, RowExclusiveLock);
	if (bulk->rel->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" must be a plain table", RelationGetRelationName(bulk->rel))));
	if (HasInsertRowTriggers(bulk->rel, (flags & BULK_REFERENCES_LOCKED) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" must not have row triggers",
						RelationGetRelationName(bulk->rel)),
				 errdetail("promo_draw writes draw results and notifications in bulk, without firing triggers."),
				 errhint("Read new rows from the table instead, or LISTEN on channel promo_draw.")));

	if (RelationGetDescr(bulk->rel)->natts != natts)
		elog(ERROR, "table \"%s\" has %d columns where %d were expected",
			 RelationGetRelationName(bulk->rel), RelationGetDescr(bulk->rel)->natts, natts);

	bulk->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = relid;
	rte->relkind = bulk->rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	ExecInitRangeTable(bulk->estate, list_make1(rte));

	bulk->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(bulk->rri, bulk->rel, 1, NULL, 0);
	ExecOpenIndices(bulk->rri, false);

	bulk->cid = GetCurrentCommandId(true);
	bulk->estate->es_output_cid = bulk->cid;
	bulk->bistate = NULL;		/* made for the first full batch */
	bulk->cxt = CurrentMemoryContext;
	bulk->batchcxt = AllocSetContextCreate(CurrentMemoryContext,
										   "promo_draw bulk insert batch",
										   ALLOCSET_DEFAULT_SIZES);
	return bulk;
}

/* Write the buffered rows, then their index entries. */
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
	for (int i = 0; i < bulk->nused; i++)
	{
		if (bulk->rri->ri_NumIndices > 0)
		{
			List	   *recheck;

			recheck = ExecInsertIndexTuples(bulk->rri, bulk->slots[i],
											bulk->estate, false, false,
											NULL, NIL);
			list_free(recheck);
		}
		ExecClearTuple(bulk->slots[i]);
		ResetPerTupleExprContext(bulk->estate);
	}
	bulk->nused = 0;
	MemoryContextReset(bulk->batchcxt);
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

	RowCheckConstraints(bulk->rri, slot, bulk->estate);

	if (++bulk->nused == BULK_INSERT_BATCH)
		BulkInsertFlush(bulk);
}

/* Write what is left and release everything. */
void
BulkInsertClose(BulkInsert *bulk)
{
	BulkInsertFlush(bulk);
	table_finish_bulk_insert(bulk->rel, 0);
	if (bulk->bistate)
		FreeBulkInsertState(bulk->bistate);
	for (int i = 0; i < BULK_INSERT_BATCH && bulk->slots[i] != NULL; i++)
		ExecDropSingleTupleTableSlot(bulk->slots[i]);
	ExecCloseIndices(bulk->rri);
	FreeExecutorState(bulk->estate);
	MemoryContextDelete(bulk->batchcxt);
	table_close(bulk->rel, NoLock);
	pfree(bulk);
}
