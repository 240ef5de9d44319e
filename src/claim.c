/*-------------------------------------------------------------------------
 *
 * claim.c
 *	  Claiming one of several interchangeable rows without queueing behind
 *	  other claimers: a place of a promotion code's limit, the next unit of
 *	  an instant win's pool.
 *
 * A limited code's places are counters in code_shard rows, and taking one
 * is an update of a counter: claim_code_place tries the shards in turn,
 * from one of the backend's own, with updates that give up at once on a
 * shard another redeemer holds.  A popular code thus spreads its
 * redeemers over its shards instead of lining them up on one row.
 *
 * An instant win's units are claimed in shuffled order: the player reads
 * the unclaimed units and passes their versions to claim_row, best first;
 * the first version no other transaction holds is locked and returned.
 *
 * Both wait only when every candidate is held, for the first holder, as a
 * real lock wait (visible to the deadlock detector and to pg_locks), and
 * take that row if the holder let it go unchanged.  And both only ever
 * lock or update the exact version they read, never a newer one.  SELECT
 * ... FOR UPDATE (or UPDATE) instead follows a row to its latest version,
 * locks it and keeps the lock even when that version no longer qualifies
 * (a shard that filled up, a unit claimed meanwhile): two claimers each
 * holding a full shard the other waits for would deadlock.  Here a
 * claimer that waits holds nothing it did not claim.
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
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "promo_draw.h"
#include "row_access.h"

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

/* The columns of promo_draw.code_shard. */
typedef enum ShardColumn
{
	SC_CAPACITY,
	SC_USED,
	SC_COUNT
} ShardColumn;

static const char *const shard_column_names[SC_COUNT] = {"capacity", "used"};
static Oid	shard_columns_relid = InvalidOid;
static AttrNumber shard_columns[SC_COUNT];

/*
 * Take one place from shard s of a code if it has room: ROW_UPDATED when
 * taken, ROW_BUSY when another redeemer holds the shard (and wait is
 * false), ROW_CHANGED when it changed meanwhile or is full.  *room says
 * whether the shard had room in what has committed.
 */
static RowUpdateResult
TakePlace(RowAccess *ra, text *code, int32 s, bool wait, bool *room)
{
	Datum		key[2] = {PointerGetDatum(code), Int32GetDatum(s)};
	bool		isnull;
	int64		used;
	TupleTableSlot *next;

	*room = false;
	if (!RowFind(ra, key, false))
		return ROW_CHANGED;
	used = DatumGetInt64(RowGet(ra, shard_columns[SC_USED], &isnull));
	if (used >= DatumGetInt64(RowGet(ra, shard_columns[SC_CAPACITY], &isnull)))
		return ROW_CHANGED;
	*room = true;
	next = RowStart(ra, true);
	next->tts_values[shard_columns[SC_USED] - 1] = Int64GetDatum(used + 1);
	return RowTryUpdate(ra, wait);
}

/* the most counters a code has (promo_code.shards is checked to it) */
#define CODE_MAX_SHARDS 32

/*
 * claim_code_place(code, shards): take one place of a limited code's
 * capacity and return the shard it came from, or NULL if no shard has room
 * in what has committed (the code is exhausted).  Shards are tried from
 * one that depends on the backend, passing over those other redeemers
 * hold; when every shard with room is held, wait for the first.  The place
 * is taken from the latest committed counts whatever the isolation level,
 * so a limit is never exceeded.  The caller must be allowed to UPDATE
 * promo_draw.code_shard.
 */
PG_FUNCTION_INFO_V1(claim_code_place);
Datum
claim_code_place(PG_FUNCTION_ARGS)
{
	text	   *code = PG_GETARG_TEXT_PP(0);
	int32		shards = PG_GETARG_INT32(1);
	int32		start;
	RowAccess  *ra;
	int32		taken = -1;

	if (shards < 1 || shards > CODE_MAX_SHARDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("shards must be between 1 and %d", CODE_MAX_SHARDS),
				 errdetail("shards was %d.", shards)));
	ra = RowAccessOpen("code_shard", true);
	if (pg_class_aclcheck(RelationGetRelid(ra->rel), GetUserId(), ACL_UPDATE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", RelationGetRelationName(ra->rel))));
	RowColumns(ra, shard_column_names, SC_COUNT, SC_COUNT, &shard_columns_relid, shard_columns);
	start = MyProcPid % shards;

	while (taken < 0)
	{
		bool		any_room = false;
		int32		first_busy = -1;
		bool		room;

		CHECK_FOR_INTERRUPTS();
		for (int32 i = 0; i < shards && taken < 0; i++)
		{
			int32		s = (start + i) % shards;

			CHECK_FOR_INTERRUPTS();

			switch (TakePlace(ra, code, s, false, &room))
			{
				case ROW_UPDATED:
					taken = s;
					break;
				case ROW_BUSY:
					if (first_busy < 0)
						first_busy = s;
					break;
				case ROW_CHANGED:
					break;
			}
			any_room |= room;
		}
		if (taken >= 0)
			break;
		if (!any_room)
			break;				/* exhausted */
		/* every shard with room is held: queue for one, then look again */
		if (first_busy >= 0 &&
			TakePlace(ra, code, first_busy, true, &room) == ROW_UPDATED)
			taken = first_busy;
	}
	RowAccessClose(ra);
	if (taken < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(taken);
}
