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
 *	  - a row can also be read unlocked and updated optimistically, as
 *		UPDATE does: if another session changed it meanwhile, the update
 *		waits for that session and reports the conflict, and the caller
 *		reads again.  This saves the WAL record of a separate row lock;
 *	  - a row that two sessions may create at once is inserted the way
 *		INSERT ... ON CONFLICT does it, speculatively: the loser learns of
 *		the conflict, withdraws its row and looks again;
 *	  - indexes, constraints, generated columns, HOT updates and row
 *		triggers are handled as for any UPDATE or INSERT (table_write.c).
 *
 * Every write is followed by CommandCounterIncrement, as SPI would do, so
 * the next call in the same statement sees it.  And the backend remembers
 * where it wrote each row: a row it changes again and again (a partition's
 * mark, moved by every bet) is read straight from its newest version, after
 * checking that it still is, instead of through the index and a chain of
 * versions that grows with every change.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/relscan.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "parser/parse_relation.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "optimizer/optimizer.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "compat.h"
#include "promo_draw.h"
#include "row_access.h"

/*
 * Where rows this backend wrote live, by table and primary key (up to two
 * integer columns): a hint, checked before it is trusted, so that it needs
 * no invalidation.  A hot row, such as a partition's mark that every bet
 * moves, is then read straight from its newest version instead of walking
 * the chain of versions its updates left since the page was last pruned.
 */
typedef struct WrittenKey
{
	Oid			relid;
	int64		key[2];
} WrittenKey;

typedef struct Written
{
	WrittenKey	key;
	Oid			relfilenode;	/* the table's storage when it was written */
	ItemPointerData tid;		/* the version this backend wrote last */
} Written;

#define WRITTEN_MAX 1024

static HTAB *written = NULL;

/* The key of the last lookup as a hint key; false if it does not fit. */
static bool
WrittenKeyOf(RowAccess *ra, WrittenKey *wk)
{
	if (!ra->has_key)
		return false;
	memset(wk, 0, sizeof(WrittenKey));
	wk->relid = RelationGetRelid(ra->rel);
	wk->key[0] = ra->key[0];
	wk->key[1] = ra->key[1];
	return true;
}

/* Remember where the row just written lives. */
static void
WrittenRemember(RowAccess *ra, ItemPointer tid)
{
	WrittenKey	wk;
	Written    *w;
	bool		found;

	if (!WrittenKeyOf(ra, &wk))
		return;
	if (written == NULL || hash_get_num_entries(written) >= WRITTEN_MAX)
	{
		HASHCTL		ctl;

		/* start afresh when full: hints are only hints */
		if (written != NULL)
			hash_destroy(written);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(WrittenKey);
		ctl.entrysize = sizeof(Written);
		ctl.hcxt = TopMemoryContext;
		written = hash_create("promo_draw rows written", 256, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	w = hash_search(written, &wk, HASH_ENTER, &found);
	w->relfilenode = ra->rel->rd_node.relNode;
	w->tid = *tid;
}

/*
 * Fetch the row of the last lookup from where this backend last wrote it,
 * if that version is visible now, is the newest (its ctid points to itself)
 * and holds the key looked up.  Anything else (another session changed the
 * row, the version was rolled back or pruned and its slot reused) falls
 * back to the index.
 *
 * The address is only tried while it can still name that version: in the
 * same storage (VACUUM FULL, CLUSTER and pg_repack give the table new
 * storage, where the address means nothing) and inside the table's current
 * length (VACUUM truncates empty pages at the end, and reading past the end
 * is an error, not a miss).
 */
static bool
WrittenFetch(RowAccess *ra)
{
	WrittenKey	wk;
	Written    *w;
	HeapTuple	tuple;
	bool		should_free;
	bool		current;
	Snapshot	snapshot;

	if (written == NULL || !WrittenKeyOf(ra, &wk))
		return false;
	w = hash_search(written, &wk, HASH_FIND, NULL);
	if (w == NULL)
		return false;
	if (w->relfilenode != ra->rel->rd_node.relNode ||
		ItemPointerGetBlockNumber(&w->tid) >= RelationGetNumberOfBlocks(ra->rel))
	{
		hash_search(written, &wk, HASH_REMOVE, NULL);
		return false;
	}

	snapshot = RegisterSnapshot(GetLatestSnapshot());
	current = table_tuple_fetch_row_version(ra->rel, &w->tid, snapshot, ra->found);
	UnregisterSnapshot(snapshot);
	if (!current)
		return false;
	tuple = ExecFetchSlotHeapTuple(ra->found, false, &should_free);
	current = ItemPointerEquals(&tuple->t_data->t_ctid, &w->tid);
	if (should_free)
		heap_freetuple(tuple);
	for (int i = 0; current && i < IndexRelationGetNumberOfKeyAttributes(ra->pkindex); i++)
	{
		AttrNumber	attnum = ra->pkindex->rd_index->indkey.values[i];
		bool		isnull;
		Datum		value = slot_getattr(ra->found, attnum, &isnull);

		current = !isnull &&
			(ra->pkindex->rd_opcintype[i] == INT8OID ? DatumGetInt64(value) :
			 (int64) DatumGetInt32(value)) == ra->key[i];
	}
	if (current)
		ExecMaterializeSlot(ra->found);
	return current;
}

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

	relid = PromoTableOid(table);
	ra->rel = table_open(relid, RowExclusiveLock);
	pkoid = RelationGetPrimaryKeyIndex(ra->rel);
	if (!OidIsValid(pkoid))
		elog(ERROR, "table promo_draw.%s has no primary key", table);
	ra->pkindex = index_open(pkoid, RowExclusiveLock);
	ra->found = table_slot_create(ra->rel, NULL);
	if (!for_write)
		return ra;

	ra->write = TableWriteBegin(ra->rel, TABLE_WRITE_SPECULATIVE);
	ra->arbiters = list_make1_oid(pkoid);
	EvalPlanQualInit(&ra->epq, ra->write->estate, NULL, NIL, -1);
	ra->next = table_slot_create(ra->rel, NULL);
	return ra;
}

/*
 * Release what RowAccessOpen took, after firing the AFTER row triggers of
 * the rows written; relation locks stay until commit.
 */
void
RowAccessClose(RowAccess *ra)
{
	ExecDropSingleTupleTableSlot(ra->found);
	if (ra->write)
	{
		EvalPlanQualEnd(&ra->epq);
		ExecDropSingleTupleTableSlot(ra->next);
		TableWriteEnd(ra->write);
	}
	index_close(ra->pkindex, NoLock);
	table_close(ra->rel, NoLock);
	pfree(ra);
}

/*
 * The attribute numbers of the named columns.  The caller keeps them with
 * the table's OID, and they are looked up again only when the table is not
 * the one they were found in (the extension was dropped and created again,
 * or updated).  The first nrequired names must exist; the others are
 * columns a later version added, InvalidAttrNumber while the database
 * still has an older version's tables (the library is installed before
 * ALTER EXTENSION ... UPDATE runs).
 */
void
RowColumns(RowAccess *ra, const char *const *names, int n, int nrequired,
		   Oid *cached_relid, AttrNumber *attnums)
{
	if (*cached_relid == RelationGetRelid(ra->rel))
		return;
	for (int i = 0; i < n; i++)
	{
		int			attnum = attnameAttNum(ra->rel, names[i], false);

		if (attnum == InvalidAttrNumber && i < nrequired)
			elog(ERROR, "table \"%s\" has no column \"%s\"",
				 RelationGetRelationName(ra->rel), names[i]);
		attnums[i] = (AttrNumber) attnum;
	}
	*cached_relid = RelationGetRelid(ra->rel);
}

/*
 * Scan keys for the primary key values in key.  The equality procedures
 * are looked up on the first search through this RowAccess only, so a batch
 * that looks up many rows pays for the catalog look-ups once.
 */
static void
RowScanKeys(RowAccess *ra, Datum *key, ScanKey skey, int nkeys)
{
	if (!ra->has_eqprocs)
	{
		for (int i = 0; i < nkeys; i++)
		{
			Oid			opfamily = ra->pkindex->rd_opfamily[i];
			Oid			optype = ra->pkindex->rd_opcintype[i];
			Oid			eqop = get_opfamily_member(opfamily, optype, optype,
												   BTEqualStrategyNumber);

			if (!OidIsValid(eqop))
				elog(ERROR, "missing equality operator for key column %d of \"%s\"",
					 i + 1, RelationGetRelationName(ra->rel));
			ra->eqprocs[i] = get_opcode(eqop);
		}
		ra->has_eqprocs = true;
	}
	for (int i = 0; i < nkeys; i++)
	{
		ScanKeyInit(&skey[i], i + 1, BTEqualStrategyNumber, ra->eqprocs[i], key[i]);
		skey[i].sk_collation = ra->pkindex->rd_indcollation[i];
	}
}

/*
 * Find the row by key and lock its latest version FOR NO KEY UPDATE: look
 * under a dirty snapshot, wait for a transaction still writing the row,
 * then lock; if the row changed between the look and the lock, look again.
 * This is what SELECT ... FOR NO KEY UPDATE does in READ COMMITTED.  A hot
 * row meets such retries all the time, so they are logged at DEBUG1 only.
 */
static bool
RowFindLocked(RowAccess *ra, ScanKey skey, int nkeys)
{
	SnapshotData dirty;
	IndexScanDesc scan;
	bool		found;

	InitDirtySnapshot(dirty);
	scan = index_beginscan(ra->rel, ra->pkindex, &dirty, nkeys, 0);
	for (;;)
	{
		TransactionId xwait;
		TM_FailureData tmfd;
		TM_Result	result;

		CHECK_FOR_INTERRUPTS();
		index_rescan(scan, skey, nkeys, NULL, 0);
		found = index_getnext_slot(scan, ForwardScanDirection, ra->found);
		if (!found)
			break;
		ExecMaterializeSlot(ra->found);

		/* a transaction inserting or changing the row: wait for it, look again */
		xwait = TransactionIdIsValid(dirty.xmin) ? dirty.xmin : dirty.xmax;
		if (TransactionIdIsValid(xwait))
		{
			XactLockTableWait(xwait, NULL, NULL, XLTW_None);
			continue;
		}

		PushActiveSnapshot(GetLatestSnapshot());
		result = table_tuple_lock(ra->rel, &ra->found->tts_tid, GetLatestSnapshot(),
								  ra->found, GetCurrentCommandId(false),
								  LockTupleNoKeyExclusive, LockWaitBlock, 0, &tmfd);
		PopActiveSnapshot();
		if (result == TM_Ok)
			break;
		if (result != TM_Updated && result != TM_Deleted)
			elog(ERROR, "unexpected result %d locking a row of \"%s\"",
				 result, RelationGetRelationName(ra->rel));
		ereport(DEBUG1,
				(errmsg_internal("row of \"%s\" changed while it was being locked, looking again",
								 RelationGetRelationName(ra->rel))));
	}
	index_endscan(scan);
	return found;
}

/*
 * Find the row whose primary key is key (values in the key's column order).
 * With lock, wait for any writer of the row and lock its latest version as
 * FOR NO KEY UPDATE does; without, read it under a snapshot taken now.
 * Returns whether the row exists; it is then in ra->found.
 */
bool
RowFind(RowAccess *ra, Datum *key, bool lock)
{
	int			nkeys = IndexRelationGetNumberOfKeyAttributes(ra->pkindex);
	ScanKeyData skey[ROW_ACCESS_MAX_KEYS];
	Snapshot	snapshot;
	IndexScanDesc scan;
	bool		found;

	if (nkeys > ROW_ACCESS_MAX_KEYS)
		elog(ERROR, "primary key of \"%s\" has too many columns",
			 RelationGetRelationName(ra->rel));
	ra->has_key = true;
	ra->key[0] = ra->key[1] = 0;
	for (int i = 0; i < nkeys; i++)
	{
		Oid			type = ra->pkindex->rd_opcintype[i];

		if (type == INT8OID)
			ra->key[i] = DatumGetInt64(key[i]);
		else if (type == INT4OID)
			ra->key[i] = DatumGetInt32(key[i]);
		else
			ra->has_key = false;
	}

	/*
	 * A BEFORE UPDATE trigger reads the row as it is: it must not change
	 * under it, so such a table's rows are always read locked.
	 */
	if (!lock && ra->write && TableWriteHasBeforeUpdate(ra->write))
		lock = true;

	/* a row this backend wrote itself is most likely where it left it */
	if (!lock && WrittenFetch(ra))
		return true;

	RowScanKeys(ra, key, skey, nkeys);
	if (lock)
		return RowFindLocked(ra, skey, nkeys);

	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = index_beginscan(ra->rel, ra->pkindex, snapshot, nkeys, 0);
	index_rescan(scan, skey, nkeys, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, ra->found);
	if (found)
		ExecMaterializeSlot(ra->found);
	index_endscan(scan);
	UnregisterSnapshot(snapshot);
	return found;
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

/*
 * Replace the row found with the values started by RowStart.  With wait, as
 * UPDATE does in READ COMMITTED: if another session is changing the row,
 * wait for it.  Without, give up at once (ROW_BUSY) while another session
 * holds the row.  ROW_CHANGED, writing nothing, if the row was changed or
 * deleted since it was read: the caller reads it again and recomputes.  (A
 * row found with lock cannot have changed.)
 */
RowUpdateResult
RowTryUpdate(RowAccess *ra, bool wait)
{
	TM_FailureData tmfd;
	TM_Result	result;
	LockTupleMode lockmode;
	bool		update_indexes;
	List	   *recheck = NIL;

	ExecStoreVirtualTuple(ra->next);
	TableWriteBeforeUpdate(ra->write, &ra->epq, &ra->found->tts_tid, ra->next);
	TableWriteCheck(ra->write, ra->next, true);

	result = CompatTableTupleUpdate(ra->rel, &ra->found->tts_tid, ra->next,
									GetCurrentCommandId(true), GetLatestSnapshot(),
									wait, &tmfd, &lockmode, &update_indexes);
	switch (result)
	{
		case TM_Ok:
			break;
		case TM_BeingModified:
			Assert(!wait);
			return ROW_BUSY;
		case TM_Updated:
		case TM_Deleted:
			return ROW_CHANGED;
		case TM_SelfModified:
			elog(ERROR, "row of \"%s\" already changed by this command",
				 RelationGetRelationName(ra->rel));
			break;
		default:
			elog(ERROR, "unexpected result %d updating a row of \"%s\"",
				 result, RelationGetRelationName(ra->rel));
			break;
	}
	if (update_indexes)
		recheck = TableWriteIndexes(ra->write, ra->next, true, NULL, NIL);
	TableWriteAfterUpdate(ra->write, &ra->found->tts_tid, ra->next, recheck);
	list_free(recheck);
	WrittenRemember(ra, &ra->next->tts_tid);

	CommandCounterIncrement();
	ra->write->estate->es_output_cid = GetCurrentCommandId(true);
	return ROW_UPDATED;
}

/* RowTryUpdate, waiting for other writers; false if the row changed. */
bool
RowUpdate(RowAccess *ra)
{
	return RowTryUpdate(ra, true) == ROW_UPDATED;
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
	TableWriteBeforeInsert(ra->write, ra->next);
	TableWriteCheck(ra->write, ra->next, false);

	token = SpeculativeInsertionLockAcquire(xid);
	table_tuple_insert_speculative(ra->rel, ra->next, ra->write->estate->es_output_cid, 0,
								   NULL, token);
	recheck = TableWriteIndexes(ra->write, ra->next, false, &conflict, ra->arbiters);
	table_tuple_complete_speculative(ra->rel, ra->next, token, !conflict);
	SpeculativeInsertionLockRelease(xid);
	if (!conflict)
	{
		TableWriteAfterInsert(ra->write, ra->next, recheck);
		WrittenRemember(ra, &ra->next->tts_tid);
	}
	list_free(recheck);

	CommandCounterIncrement();
	ra->write->estate->es_output_cid = GetCurrentCommandId(true);
	return !conflict;
}

/*
 * Is there a row, in what has committed and what this transaction wrote,
 * whose index key is key (values in the index's column order)?  For the
 * unique indexes that make an event count once; the caller holds the lock
 * that orders writers of that key.
 */
bool
RowExistsInIndex(const char *index, Datum *key, int nkeys)
{
	Relation	irel = index_open(PromoTableOid(index), AccessShareLock);
	Relation	rel = table_open(irel->rd_index->indrelid, AccessShareLock);
	ScanKeyData skey[INDEX_MAX_KEYS];
	Snapshot	snapshot;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	bool		found;

	if (nkeys != IndexRelationGetNumberOfKeyAttributes(irel))
		elog(ERROR, "index \"%s\" has %d key columns, not %d",
			 index, IndexRelationGetNumberOfKeyAttributes(irel), nkeys);
	for (int i = 0; i < nkeys; i++)
	{
		Oid			type = irel->rd_opcintype[i];
		Oid			eqop = get_opfamily_member(irel->rd_opfamily[i], type, type,
											   BTEqualStrategyNumber);

		if (!OidIsValid(eqop))
			elog(ERROR, "missing equality operator for column %d of index \"%s\"", i + 1, index);
		ScanKeyInit(&skey[i], i + 1, BTEqualStrategyNumber, get_opcode(eqop), key[i]);
		skey[i].sk_collation = irel->rd_indcollation[i];
	}
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	slot = table_slot_create(rel, NULL);
	scan = index_beginscan(rel, irel, snapshot, nkeys, 0);
	index_rescan(scan, skey, nkeys, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	UnregisterSnapshot(snapshot);
	table_close(rel, NoLock);
	index_close(irel, NoLock);
	return found;
}
