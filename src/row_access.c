/*-------------------------------------------------------------------------
 *
 * row_access.c
 *	  Reading and writing promo_draw's hot rows by primary key, without SPI.
 *
 * A bet or an award reads its draw and changes one entry.  Through SPI each
 * statement costs a plan-cache lookup and an executor start and end, and a
 * plan made while a table was empty can keep a sequential scan while the
 * table grows.  Here the primary key index is used directly:
 *
 *	  - finding and locking a row follows the protocol PostgreSQL uses to
 *		apply replicated changes: look under a dirty snapshot, wait for a
 *		writer in progress, lock the latest version (what SELECT ... FOR
 *		UPDATE does in READ COMMITTED);
 *	  - a row that two sessions may create at once is inserted the way
 *		INSERT ... ON CONFLICT does it, speculatively: the loser learns of
 *		the conflict, withdraws its row and looks again;
 *	  - updates and inserts go through the executor's own helpers, so
 *		indexes, constraints and HOT updates are handled as for any UPDATE.
 *
 * Every write is followed by CommandCounterIncrement, as SPI would do, so
 * the next call in the same statement sees it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "nodes/makefuncs.h"
#include "parser/parse_relation.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "promo_draw.h"
#include "row_access.h"

/*
 * Open one of promo_draw's tables for keyed access: its primary key and the
 * slots, and for writing an executor state with its indexes open.
 * Everything lives in the current memory context and is released by
 * RowAccessClose.
 */
RowAccess *
RowAccessOpen(const char *table, bool for_write)
{
	RowAccess  *ra = palloc0(sizeof(RowAccess));
	Oid			relid;
	Oid			pkoid;
	RangeTblEntry *rte;

	relid = get_relname_relid(table, get_namespace_oid(PROMO_DRAW_SCHEMA, false));
	if (!OidIsValid(relid))
		elog(ERROR, "table promo_draw.%s is missing", table);
	ra->rel = table_open(relid, RowExclusiveLock);
	pkoid = RelationGetPrimaryKeyIndex(ra->rel);
	if (!OidIsValid(pkoid))
		elog(ERROR, "table promo_draw.%s has no primary key", table);
	ra->pkindex = index_open(pkoid, RowExclusiveLock);
	ra->search = table_slot_create(ra->rel, NULL);
	ra->found = table_slot_create(ra->rel, NULL);
	if (!for_write)
		return ra;

	ra->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = relid;
	rte->relkind = ra->rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	ExecInitRangeTable(ra->estate, list_make1(rte));
	ra->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(ra->rri, ra->rel, 1, NULL, 0);
	ExecOpenIndices(ra->rri, true);
	ra->estate->es_output_cid = GetCurrentCommandId(true);
	ra->arbiters = list_make1_oid(pkoid);
	EvalPlanQualInit(&ra->epq, ra->estate, NULL, NIL, -1);
	ra->next = table_slot_create(ra->rel, NULL);
	return ra;
}

/* Release what RowAccessOpen took; relation locks stay until commit. */
void
RowAccessClose(RowAccess *ra)
{
	ExecDropSingleTupleTableSlot(ra->search);
	ExecDropSingleTupleTableSlot(ra->found);
	if (ra->estate)
	{
		EvalPlanQualEnd(&ra->epq);
		ExecDropSingleTupleTableSlot(ra->next);
		ExecCloseIndices(ra->rri);
		FreeExecutorState(ra->estate);
	}
	index_close(ra->pkindex, NoLock);
	table_close(ra->rel, NoLock);
	pfree(ra);
}

/*
 * The attribute numbers of the named columns.  The caller keeps them with
 * the table's OID, and they are looked up again only when the table is not
 * the one they were found in (the extension was dropped and created again).
 */
void
RowColumns(RowAccess *ra, const char *const *names, int n,
		   Oid *cached_relid, AttrNumber *attnums)
{
	if (*cached_relid == RelationGetRelid(ra->rel))
		return;
	for (int i = 0; i < n; i++)
	{
		int			attnum = attnameAttNum(ra->rel, names[i], false);

		if (attnum == InvalidAttrNumber)
			elog(ERROR, "table \"%s\" has no column \"%s\"",
				 RelationGetRelationName(ra->rel), names[i]);
		attnums[i] = (AttrNumber) attnum;
	}
	*cached_relid = RelationGetRelid(ra->rel);
}

/*
 * Find the row whose primary key is key (values in the key's column order).
 * With lock, wait for any writer of the row and lock its latest version as
 * FOR NO KEY UPDATE does; without, read it under a snapshot taken now.  Returns whether the
 * row exists; it is then in ra->found.
 */
bool
RowFind(RowAccess *ra, Datum *key, bool lock)
{
	int			nkeys = IndexRelationGetNumberOfKeyAttributes(ra->pkindex);
	TupleTableSlot *search = ra->search;

	ExecClearTuple(search);
	memset(search->tts_isnull, true, search->tts_tupleDescriptor->natts * sizeof(bool));
	for (int i = 0; i < nkeys; i++)
	{
		AttrNumber	attnum = ra->pkindex->rd_index->indkey.values[i];

		search->tts_values[attnum - 1] = key[i];
		search->tts_isnull[attnum - 1] = false;
	}
	ExecStoreVirtualTuple(search);

	if (lock)
		return RelationFindReplTupleByIndex(ra->rel, RelationGetRelid(ra->pkindex),
											LockTupleNoKeyExclusive, search, ra->found);
	else
	{
		ScanKeyData skey[INDEX_MAX_KEYS];
		Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
		IndexScanDesc scan;
		bool		found;

		for (int i = 0; i < nkeys; i++)
		{
			Oid			opfamily = ra->pkindex->rd_opfamily[i];
			Oid			optype = ra->pkindex->rd_opcintype[i];
			Oid			eqop = get_opfamily_member(opfamily, optype, optype,
												   BTEqualStrategyNumber);

			if (!OidIsValid(eqop))
				elog(ERROR, "missing equality operator for key column %d of \"%s\"",
					 i + 1, RelationGetRelationName(ra->rel));
			ScanKeyInit(&skey[i], i + 1, BTEqualStrategyNumber, get_opcode(eqop), key[i]);
			skey[i].sk_collation = ra->pkindex->rd_indcollation[i];
		}
		scan = index_beginscan(ra->rel, ra->pkindex, snapshot, nkeys, 0);
		index_rescan(scan, skey, nkeys, NULL, 0);
		found = index_getnext_slot(scan, ForwardScanDirection, ra->found);
		if (found)
			ExecMaterializeSlot(ra->found);
		index_endscan(scan);
		UnregisterSnapshot(snapshot);
		return found;
	}
}

/*
 * Start the values to write: a copy of the row found, or all NULL.  The
 * caller sets columns in the returned slot's tts_values / tts_isnull.
 */
TupleTableSlot *
RowStart(RowAccess *ra, bool from_found)
{
	TupleTableSlot *next = ra->next;
	int			natts = next->tts_tupleDescriptor->natts;

	ExecClearTuple(next);
	if (from_found)
	{
		slot_getallattrs(ra->found);
		memcpy(next->tts_values, ra->found->tts_values, natts * sizeof(Datum));
		memcpy(next->tts_isnull, ra->found->tts_isnull, natts * sizeof(bool));
	}
	else
		memset(next->tts_isnull, true, natts * sizeof(bool));
	return next;
}

/* Replace the row found (and locked) with the values started by RowStart. */
void
RowUpdate(RowAccess *ra)
{
	ExecStoreVirtualTuple(ra->next);
	PushActiveSnapshot(GetLatestSnapshot());
	ra->estate->es_snapshot = GetActiveSnapshot();
	ExecSimpleRelationUpdate(ra->rri, ra->estate, &ra->epq, ra->found, ra->next);
	PopActiveSnapshot();
	CommandCounterIncrement();
	ra->estate->es_output_cid = GetCurrentCommandId(true);
}

/*
 * Insert the values started by RowStart unless a row with the same key
 * exists or is being inserted by another session.  Returns false on such a
 * conflict, having withdrawn the row: the caller looks again, and RowFind
 * waits for the other session.
 */
bool
RowInsert(RowAccess *ra)
{
	TransactionId xid = GetCurrentTransactionId();
	uint32		token;
	bool		conflict = false;
	List	   *recheck;

	ExecStoreVirtualTuple(ra->next);
	if (ra->rel->rd_att->constr)
		ExecConstraints(ra->rri, ra->next, ra->estate);

	token = SpeculativeInsertionLockAcquire(xid);
	table_tuple_insert_speculative(ra->rel, ra->next, ra->estate->es_output_cid, 0,
								   NULL, token);
	recheck = ExecInsertIndexTuples(ra->rri, ra->next, ra->estate, false, true,
									&conflict, ra->arbiters);
	table_tuple_complete_speculative(ra->rel, ra->next, token, !conflict);
	SpeculativeInsertionLockRelease(xid);
	list_free(recheck);

	CommandCounterIncrement();
	ra->estate->es_output_cid = GetCurrentCommandId(true);
	return !conflict;
}
