/*-------------------------------------------------------------------------
 *
 * claim.c
 *	  Claiming one of several interchangeable rows without queueing behind
 *	  other claimers: a unit of a promotion code's limit, the next prize of
 *	  an instant win's pool.
 *
 * The claimer reads the rows that qualify (a shard with room, a unit not
 * yet given out) and passes their versions here, in the order it prefers.
 * The first version no other transaction holds is locked and returned; a
 * popular code or pool thus spreads its claimers over its rows instead of
 * lining them up on one.  When every candidate is held, the claimer waits
 * for the first holder, as a real lock wait (visible to the deadlock
 * detector and to pg_locks), and gets that row if the holder let it go
 * unchanged.
 *
 * Only the exact version read is ever locked, never a newer one.  SELECT
 * ... FOR UPDATE instead follows a row to its latest version, locks it and
 * keeps the lock even when that version no longer qualifies (a shard that
 * filled up, a unit claimed meanwhile); two claimers each holding a full
 * shard the other waits for would deadlock.  Here a claimer that waits
 * holds nothing it did not claim.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "promo_draw.h"

/* The outcome of trying to lock one candidate version. */
typedef enum ClaimResult
{
	CLAIM_LOCKED,				/* it is the newest version and now ours */
	CLAIM_BUSY,					/* another transaction holds it */
	CLAIM_CHANGED				/* gone: updated, deleted or never visible */
} ClaimResult;

/*
 * Try to lock exactly the version at tid, FOR NO KEY UPDATE, waiting for a
 * holder only when told to.  The version must be visible to the active
 * snapshot, which also keeps it from being pruned while we look; anything
 * else (a stale or made-up tid) is simply not claimable.
 */
static ClaimResult
ClaimVersion(Relation rel, ItemPointer tid, TupleTableSlot *slot, bool wait)
{
	TM_FailureData tmfd;
	TM_Result	result;

	if (!ItemPointerIsValid(tid) ||
		ItemPointerGetBlockNumber(tid) >= RelationGetNumberOfBlocks(rel) ||
		!table_tuple_fetch_row_version(rel, tid, GetActiveSnapshot(), slot))
		return CLAIM_CHANGED;

	result = table_tuple_lock(rel, tid, GetActiveSnapshot(), slot,
							  GetCurrentCommandId(false), LockTupleNoKeyExclusive,
							  wait ? LockWaitBlock : LockWaitSkip, 0, &tmfd);
	switch (result)
	{
		case TM_Ok:
			return CLAIM_LOCKED;
		case TM_WouldBlock:
			return CLAIM_BUSY;
		case TM_Updated:
		case TM_Deleted:
			/* a snapshot that cannot move on will never see the new version */
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update"),
						 errhint("Retry the transaction.")));
			return CLAIM_CHANGED;
		default:
			/* changed by this very transaction, or not visible after all */
			return CLAIM_CHANGED;
	}
}

/*
 * claim_row(table, candidates): lock the first of the candidate row
 * versions that no other transaction holds and return its tid; when every
 * one is held, wait for the holder of the first and return it if it is
 * still unchanged.  NULL means none of them could be had: the caller reads
 * the rows that qualify again.  Call it in the same statement that read
 * the candidates, and check again that the returned row qualifies when
 * using it.  The caller must be allowed to UPDATE the table.
 */
PG_FUNCTION_INFO_V1(claim_row);
Datum
claim_row(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	ArrayType  *candidates = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *tids;
	bool	   *nulls;
	int			n;
	int			first_busy = -1;
	int			claimed = -1;
	Relation	rel;
	TupleTableSlot *slot;
	ItemPointer result = NULL;

	if (pg_class_aclcheck(relid, GetUserId(), ACL_UPDATE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", get_rel_name(relid))));
	if (ARR_NDIM(candidates) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("candidates must be a one-dimensional array")));

	rel = table_open(relid, RowShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", RelationGetRelationName(rel))));
	slot = table_slot_create(rel, NULL);
	deconstruct_array(candidates, TIDOID, sizeof(ItemPointerData), false,
					  TYPALIGN_SHORT, &tids, &nulls, &n);

	for (int i = 0; i < n && claimed < 0; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			continue;
		switch (ClaimVersion(rel, (ItemPointer) DatumGetPointer(tids[i]), slot, false))
		{
			case CLAIM_LOCKED:
				claimed = i;
				break;
			case CLAIM_BUSY:
				if (first_busy < 0)
					first_busy = i;
				break;
			case CLAIM_CHANGED:
				break;
		}
	}
	if (claimed < 0 && first_busy >= 0 &&
		ClaimVersion(rel, (ItemPointer) DatumGetPointer(tids[first_busy]), slot, true) == CLAIM_LOCKED)
		claimed = first_busy;

	if (claimed >= 0)
	{
		result = palloc(sizeof(ItemPointerData));
		ItemPointerCopy((ItemPointer) DatumGetPointer(tids[claimed]), result);
	}
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, NoLock);
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(result);
}
