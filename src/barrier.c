/*-------------------------------------------------------------------------
 *
 * barrier.c
 *	  A draw's state, its readiness, and the locks between ingest and the
 *	  draw ("the trigger per partition").
 *
 * Three heavyweight locks per draw, shown in pg_locks as object locks on
 * promo_draw.draw with the draw's id:
 *
 *	  ingest barrier (objsubid 1)
 *		award_tickets, opt_in and record_stake(s) hold it in SHARE mode for
 *		their transaction, so they never wait for each other;
 *		close_partition and run_draw take it in EXCLUSIVE mode, which waits
 *		for every ingest transaction in flight.  Once an exclusive holder has
 *		committed, ingest re-reads the draw under a fresh snapshot and sees
 *		the partition closed or the draw drawn.  So an award committed before
 *		the draw became ready is in the draw, and none is accepted after.
 *
 *	  runner (objsubid 2)
 *		run_draw and cancel_draw hold it EXCLUSIVE; run_due_draws asks for it
 *		without waiting and skips a draw another session is drawing.
 *
 * Order: runner, then barrier, then the draw's row.  Everything that takes
 * more than one follows it, so they cannot deadlock.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "barrier.h"
#include "promo_draw.h"
#include "row_access.h"
#include "seal.h"
#include "sqlexec.h"

#define LOCK_SUBID_BARRIER	1
#define LOCK_SUBID_RUNNER	2

/*
 * The lock object id of a draw.  Lock tags hold 32 bits: ids above that fold
 * onto smaller ones, which can only make two draws share a lock, never let
 * one draw escape its own.
 */
static inline uint32
DrawLockObjid(int64 draw_id)
{
	return (uint32) draw_id ^ (uint32) ((uint64) draw_id >> 32);
}

/* Ingest: share the draw's barrier until the transaction ends. */
void
LockDrawIngest(int64 draw_id)
{
	LockDatabaseObject(PromoTableOid("draw"), DrawLockObjid(draw_id),
					   LOCK_SUBID_BARRIER, ShareLock);
}

/* close_partition and run_draw: wait for ingest in flight, block new ingest. */
void
LockDrawBarrier(int64 draw_id)
{
	LockDatabaseObject(PromoTableOid("draw"), DrawLockObjid(draw_id),
					   LOCK_SUBID_BARRIER, ExclusiveLock);
}

/*
 * run_draw and cancel_draw: one runner per draw.  With nowait, returns false
 * instead of waiting when another session holds it.
 */
bool
LockDrawRunner(int64 draw_id, bool nowait)
{
	if (nowait)
		return ConditionalLockDatabaseObject(PromoTableOid("draw"),
											 DrawLockObjid(draw_id),
											 LOCK_SUBID_RUNNER, ExclusiveLock);
	LockDatabaseObject(PromoTableOid("draw"), DrawLockObjid(draw_id),
					   LOCK_SUBID_RUNNER, ExclusiveLock);
	return true;
}

/* The columns of promo_draw.draw that LoadDraw reads. */
typedef enum DrawColumn
{
	DC_STATUS,
	DC_NAME,
	DC_OPENS_AT,
	DC_CLOSES_AT,
	DC_DRAW_AT,
	DC_READY_AT,
	DC_PARTITIONS,
	DC_MAX_WINS,
	DC_STAKE_PER_TICKET,
	DC_MIN_STAKE,
	DC_MAX_TICKETS,
	DC_MILESTONES,
	DC_REQUIRES_OPT_IN,
	DC_ELIGIBILITY,
	DC_CREATED_BY,
	DC_DEFAULT_PRIZE,
	DC_LOSE_MESSAGE,
	DC_SEED,
	DC_REQUIRED,				/* the columns above are in every version */
	DC_ELIGIBILITY_IDENTITY = DC_REQUIRED,	/* 0.3.0 */
	DC_SEALED,					/* 0.3.0 */
	DC_BEACON_SOURCE,			/* 0.3.0 */
	DC_ENTRY_DIGEST,			/* 0.3.0 */
	DC_SEALED_AT,				/* 0.3.0 */
	DC_BEACON,					/* 0.3.0 */
	DC_COUNT
} DrawColumn;

static const char *const draw_column_names[DC_COUNT] = {
	"status", "name", "opens_at", "closes_at", "draw_at", "ready_at", "partitions",
	"max_wins_per_customer", "stake_per_ticket", "min_stake", "max_tickets_per_customer",
	"milestones", "requires_opt_in", "eligibility", "created_by", "default_prize",
	"lose_message", "seed", "eligibility_identity", "sealed", "beacon_source",
	"entry_digest", "sealed_at", "beacon"
};
static Oid	draw_columns_relid = InvalidOid;
static AttrNumber draw_columns[DC_COUNT];

/* A column of the draw row found. */
static inline Datum
DrawColumnValue(RowAccess *ra, DrawColumn col, bool *isnull)
{
	return RowGet(ra, draw_columns[col], isnull);
}

/*
 * A column of the draw row found, or false when it is NULL or the
 * database's version of the table does not have it yet.
 */
static bool
DrawColumnPresent(RowAccess *ra, DrawColumn col, Datum *value)
{
	bool		isnull;

	if (draw_columns[col] == InvalidAttrNumber)
		return false;
	*value = DrawColumnValue(ra, col, &isnull);
	return !isnull;
}

/* A text column of the draw row found, copied, or NULL (see above). */
static char *
DrawColumnText(RowAccess *ra, DrawColumn col)
{
	Datum		d;

	return DrawColumnPresent(ra, col, &d) ? TextDatumGetCString(d) : NULL;
}

/* A bytea column of the draw row found, copied, or NULL (see above). */
static bytea *
DrawColumnBytea(RowAccess *ra, DrawColumn col)
{
	Datum		d;

	return DrawColumnPresent(ra, col, &d) ? DatumGetByteaPCopy(d) : NULL;
}

/*
 * Read a draw under a fresh snapshot (callers hold the locks that protect
 * what they read).  for_update also locks the draw's row, as FOR NO KEY
 * UPDATE.  An unknown draw is an error.  The state lives in the current
 * memory context.
 */
DrawState *
LoadDraw(int64 draw_id, bool for_update)
{
	RowAccess  *ra = RowAccessOpen("draw", false);
	Datum		key = Int64GetDatum(draw_id);
	DrawState  *draw;
	bool		isnull;
	char	   *status;
	bytea	   *seed;
	Datum		d;

	RowColumns(ra, draw_column_names, DC_COUNT, DC_REQUIRED, &draw_columns_relid, draw_columns);
	if (!RowFind(ra, &key, for_update))
		ereport(ERROR,
				(errcode(ERRCODE_PD_UNKNOWN_DRAW),
				 errmsg("draw %lld does not exist", (long long) draw_id)));

	draw = palloc0(sizeof(DrawState));
	draw->draw_id = draw_id;
	status = DrawColumnText(ra, DC_STATUS);
	if (strcmp(status, "open") == 0)
		draw->status = DRAW_OPEN;
	else if (strcmp(status, "sealed") == 0)
		draw->status = DRAW_SEALED;
	else if (strcmp(status, "drawn") == 0)
		draw->status = DRAW_DRAWN;
	else if (strcmp(status, "cancelled") == 0)
		draw->status = DRAW_CANCELLED;
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("draw %lld has unknown status \"%s\"", (long long) draw_id, status)));
	draw->name = DrawColumnText(ra, DC_NAME);
	draw->opens_at = DatumGetTimestampTz(DrawColumnValue(ra, DC_OPENS_AT, &isnull));
	draw->closes_at = DatumGetTimestampTz(DrawColumnValue(ra, DC_CLOSES_AT, &isnull));
	draw->draw_at = DatumGetTimestampTz(DrawColumnValue(ra, DC_DRAW_AT, &isnull));
	d = DrawColumnValue(ra, DC_READY_AT, &isnull);
	draw->has_ready_at = !isnull;
	draw->ready_at = isnull ? 0 : DatumGetTimestampTz(d);
	draw->partitions = DatumGetInt32(DrawColumnValue(ra, DC_PARTITIONS, &isnull));
	draw->max_wins = DatumGetInt32(DrawColumnValue(ra, DC_MAX_WINS, &isnull));
	d = DrawColumnValue(ra, DC_STAKE_PER_TICKET, &isnull);
	draw->stake_per_ticket = isnull ? NULL : DatumGetNumericCopy(d);
	draw->min_stake = DatumGetNumericCopy(DrawColumnValue(ra, DC_MIN_STAKE, &isnull));
	d = DrawColumnValue(ra, DC_MAX_TICKETS, &isnull);
	draw->max_tickets = isnull ? 0 : DatumGetInt64(d);
	d = DrawColumnValue(ra, DC_MILESTONES, &isnull);
	if (!isnull)
	{
		ArrayType  *arr = DatumGetArrayTypePCopy(d);
		Datum	   *elems;
		bool	   *nulls;

		deconstruct_array(arr, INT4OID, 4, true, TYPALIGN_INT,
						  &elems, &nulls, &draw->nmilestones);
		draw->milestones = palloc(sizeof(int32) * Max(draw->nmilestones, 1));
		for (int i = 0; i < draw->nmilestones; i++)
			draw->milestones[i] = nulls[i] ? 0 : DatumGetInt32(elems[i]);
	}
	draw->requires_opt_in = DatumGetBool(DrawColumnValue(ra, DC_REQUIRES_OPT_IN, &isnull));
	d = DrawColumnValue(ra, DC_ELIGIBILITY, &isnull);
	draw->eligibility = isnull ? InvalidOid : DatumGetObjectId(d);
	draw->eligibility_identity = DrawColumnText(ra, DC_ELIGIBILITY_IDENTITY);
	draw->created_by = DatumGetObjectId(DrawColumnValue(ra, DC_CREATED_BY, &isnull));
	draw->default_prize = DrawColumnText(ra, DC_DEFAULT_PRIZE);
	draw->lose_message = DrawColumnText(ra, DC_LOSE_MESSAGE);
	draw->sealed = DrawColumnPresent(ra, DC_SEALED, &d) && DatumGetBool(d);
	if (draw->sealed)
	{
		bytea	   *digest = DrawColumnBytea(ra, DC_ENTRY_DIGEST);

		draw->beacon_source = DrawColumnText(ra, DC_BEACON_SOURCE);
		if (digest)
		{
			if (VARSIZE_ANY_EXHDR(digest) != DRAW_DIGEST_LEN)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("draw %lld has no valid entry digest", (long long) draw_id)));
			memcpy(draw->entry_digest, VARDATA_ANY(digest), DRAW_DIGEST_LEN);
			draw->has_digest = true;
			draw->sealed_at = DatumGetTimestampTz(DrawColumnValue(ra, DC_SEALED_AT, &isnull));
		}
		draw->beacon = DrawColumnBytea(ra, DC_BEACON);
	}
	else
	{
		seed = DatumGetByteaPP(DrawColumnValue(ra, DC_SEED, &isnull));
		if (isnull || VARSIZE_ANY_EXHDR(seed) != DRAW_SEED_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("draw %lld has no valid seed", (long long) draw_id)));
		memcpy(draw->seed, VARDATA_ANY(seed), DRAW_SEED_LEN);
	}

	RowAccessClose(ra);
	return draw;
}

/*
 * The time a draw's window is judged by: the clock, not the start of the
 * transaction, so that a transaction begun before closes_at cannot go on
 * adding tickets after it.  opens_at is judged by the same clock.
 */
TimestampTz
DrawClock(void)
{
	return GetCurrentTimestamp();
}

/*
 * Is the draw's ingest over?  With partitions, when every partition has
 * reported (even before closes_at); without, once closes_at has passed.  A
 * sealed draw that is ready still needs its seal and its beacon before it
 * can be drawn.
 */
bool
DrawIsReady(DrawState *draw)
{
	if (draw->status == DRAW_SEALED)
		return true;
	if (draw->status != DRAW_OPEN)
		return false;
	if (draw->partitions > 0)
		return draw->has_ready_at;
	return DrawClock() >= draw->closes_at;
}

static SqlPlan missing_partitions_plan = {
	"SELECT pg_catalog.string_agg(p::text, ', ' ORDER BY p), pg_catalog.count(*) "
	"FROM pg_catalog.generate_series(0, $2 - 1) p "
	"WHERE NOT EXISTS (SELECT FROM promo_draw.partition_mark m "
	"WHERE m.draw_id OPERATOR(pg_catalog.=) $1 AND m.partition OPERATOR(pg_catalog.=) p "
	"AND m.closed_at IS NOT NULL)",
	2, {INT8OID, INT4OID}
};

/* Say what a draw that is not ready is waiting for, as a full sentence. */
char *
DrawNotReadyDetail(DrawState *draw)
{
	if (draw->partitions > 0)
	{
		Datum		args[2] = {Int64GetDatum(draw->draw_id), Int32GetDatum(draw->partitions)};
		bool		isnull;
		char	   *missing;
		int64		count;

		SqlRunLatest(&missing_partitions_plan, args, NULL, 0);
		missing = TextDatumGetCString(SqlValue(0, 1, &isnull));
		count = DatumGetInt64(SqlValue(0, 2, &isnull));
		return psprintf("%lld of its %d ingest partitions %s not reported yet: %s.",
						(long long) count, draw->partitions,
						count == 1 ? "has" : "have", missing);
	}
	return psprintf("It closes at %s.", timestamptz_to_str(draw->closes_at));
}

/* Lower-case hex of a digest, for messages. */
char *
DigestHex(const uint8 *digest)
{
	char	   *hex = palloc(DRAW_DIGEST_LEN * 2 + 1);

	for (int i = 0; i < DRAW_DIGEST_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return hex;
}

/* Raise the error for a change to a draw that is sealed. */
void
CheckDrawNotSealed(DrawState *draw)
{
	if (draw->status == DRAW_SEALED)
		ereport(ERROR,
				(errcode(ERRCODE_PD_DRAW_SEALED),
				 errmsg("draw %lld is sealed", (long long) draw->draw_id),
				 errdetail("Its entries, prizes and rules were frozen at %s in digest %s.",
						   timestamptz_to_str(draw->sealed_at),
						   DigestHex(draw->entry_digest)),
				 errhint("A sealed draw takes no more tickets, stakes or opt-ins.")));
}

/* Raise the error for a draw that has been drawn or cancelled. */
void
CheckDrawNotFinished(DrawState *draw)
{
	if (draw->status == DRAW_DRAWN)
		ereport(ERROR,
				(errcode(ERRCODE_PD_DRAW_ALREADY_DRAWN),
				 errmsg("draw %lld has already been drawn", (long long) draw->draw_id),
				 errhint("Its results are in promo_draw.result and run_draw() returns them.")));
	if (draw->status == DRAW_CANCELLED)
		ereport(ERROR,
				(errcode(ERRCODE_PD_DRAW_CANCELLED),
				 errmsg("draw %lld was cancelled", (long long) draw->draw_id)));
}

/*
 * Raise an error unless the draw still takes tickets and stakes: not drawn,
 * not cancelled, not ready.
 */
void
CheckDrawTakesTickets(DrawState *draw)
{
	CheckDrawNotFinished(draw);
	CheckDrawNotSealed(draw);
	if (DrawIsReady(draw))
	{
		if (draw->partitions > 0)
			ereport(ERROR,
					(errcode(ERRCODE_PD_DRAW_CLOSED),
					 errmsg("draw %lld is closed", (long long) draw->draw_id),
					 errdetail("Every ingest partition has reported, so it takes no more tickets or stakes.")));
		ereport(ERROR,
				(errcode(ERRCODE_PD_DRAW_CLOSED),
				 errmsg("draw %lld is closed", (long long) draw->draw_id),
				 errdetail("It closed at %s and takes no more tickets or stakes.",
						   timestamptz_to_str(draw->closes_at))));
	}
}

/* Raise an error unless the partition number is valid for the draw. */
void
CheckPartitionNumber(DrawState *draw, int32 partition)
{
	if (partition < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("partition must not be negative"),
				 errdetail("The partition given was %d.", partition)));
	if (draw->partitions > 0 && partition >= draw->partitions)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("partition %d is out of range for draw %lld",
						partition, (long long) draw->draw_id),
				 errdetail("The draw has ingest partitions 0 to %d.", draw->partitions - 1)));
}

static SqlPlan partition_closed_plan = {
	"SELECT closed_at FROM promo_draw.partition_mark "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND partition OPERATOR(pg_catalog.=) $2 "
	"AND closed_at IS NOT NULL",
	2, {INT8OID, INT4OID}
};

/*
 * Raise an error unless the partition is valid and has not reported yet.
 * Draws without partitions never close one.
 */
void
CheckPartitionOpen(DrawState *draw, int32 partition)
{
	Datum		args[2] = {Int64GetDatum(draw->draw_id), Int32GetDatum(partition)};
	bool		isnull;

	CheckPartitionNumber(draw, partition);
	if (draw->partitions == 0)
		return;
	if (SqlRunLatest(&partition_closed_plan, args, NULL, 1) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_PARTITION_CLOSED),
				 errmsg("partition %d of draw %lld is closed",
						partition, (long long) draw->draw_id),
				 errdetail("It reported the draw time at %s; nothing more is accepted from it.",
						   timestamptz_to_str(DatumGetTimestampTz(SqlValue(0, 1, &isnull))))));
}

static SqlPlan close_partition_plan = {
	"INSERT INTO promo_draw.partition_mark (draw_id, partition, closed_at) "
	"VALUES ($1, $2, pg_catalog.now()) "
	"ON CONFLICT (draw_id, partition) DO UPDATE SET closed_at = pg_catalog.now() "
	"WHERE promo_draw.partition_mark.closed_at IS NULL",
	2, {INT8OID, INT4OID}
};

static SqlPlan closed_count_plan = {
	"SELECT pg_catalog.count(*) FROM promo_draw.partition_mark "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND partition OPERATOR(pg_catalog.<) $2 "
	"AND closed_at IS NOT NULL",
	2, {INT8OID, INT4OID}
};

static SqlPlan set_ready_plan = {
	"UPDATE promo_draw.draw SET ready_at = pg_catalog.now() "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND ready_at IS NULL",
	1, {INT8OID}
};

/*
 * close_partition(draw_id, partition): the partition reports that it has
 * applied everything up to the draw time.  Waits for ingest in flight; from
 * then on bets from that partition are refused.  Closing a partition twice
 * is harmless.  Returns true once every partition has reported: the draw is
 * then ready, even before closes_at, and a sealed draw is sealed.
 */
PG_FUNCTION_INFO_V1(close_partition);
Datum
close_partition(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	int32		partition;
	DrawState  *draw;
	Datum		args[2];
	bool		isnull;
	bool		ready;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "partition");
	draw_id = PG_GETARG_INT64(0);
	partition = PG_GETARG_INT32(1);

	SPI_connect();
	LockDrawBarrier(draw_id);
	draw = LoadDraw(draw_id, false);
	CheckDrawNotFinished(draw);
	if (draw->partitions == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("draw %lld has no ingest partitions", (long long) draw_id),
				 errdetail("It was created with partitions = 0, so it is ready once closes_at has passed."),
				 errhint("Create the draw with partitions = N to make it wait for N partitions to report.")));
	CheckPartitionNumber(draw, partition);

	args[0] = Int64GetDatum(draw_id);
	args[1] = Int32GetDatum(partition);
	SqlRun(&close_partition_plan, args, NULL, 0);

	args[1] = Int32GetDatum(draw->partitions);
	SqlRunLatest(&closed_count_plan, args, NULL, 1);
	ready = DatumGetInt64(SqlValue(0, 1, &isnull)) == draw->partitions;
	if (ready && !draw->has_ready_at)
		SqlRun(&set_ready_plan, args, NULL, 0);
	/* a shard's part of a sealed draw is sealed by the proxy, over every shard */
	if (ready && draw->sealed && draw->status == DRAW_OPEN && !DatabaseIsShard())
	{
		uint8		digest[DRAW_DIGEST_LEN];

		/* still under the barrier: every award and stake in flight is in */
		SealDraw(draw, digest);
	}

	SPI_finish();
	PG_RETURN_BOOL(ready);
}

/* the node number of a shard of a sharded deployment */
static SqlPlan shard_node_plan = {
	"SELECT node::text FROM promo_draw.shard_node",
	0, {InvalidOid}
};

/*
 * Whether this database is a shard of a sharded deployment:
 * promo_draw.shard_node (from 0.3.0) has its row.  Needs an SPI connection.
 */
bool
DatabaseIsShard(void)
{
	Oid			relid = get_relname_relid("shard_node", get_rel_namespace(PromoTableOid("draw")));

	return OidIsValid(relid) && SqlRun(&shard_node_plan, NULL, NULL, 0) > 0;
}

/*
 * A shard of a sharded deployment draws and seals only through the proxy,
 * which merges every shard's entries: a draw or a digest of one shard's
 * customers alone would not be the draw's.  Needs an SPI connection.
 */
void
CheckNotShard(const char *what)
{
	if (DatabaseIsShard())
		ereport(ERROR,
				(errcode(ERRCODE_PD_SHARDED),
				 errmsg("this database is shard %s of a sharded deployment",
						SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("%s takes the customers of every shard together, so it runs on the proxy.", what),
				 errhint("Call it on the proxy database, where promo_draw_proxy is installed.")));
}

/* Raise the error of a draw that is not ready to be drawn. */
void
ReportDrawNotReady(DrawState *draw)
{
	ereport(ERROR,
			(errcode(ERRCODE_PD_DRAW_NOT_READY),
			 errmsg("draw %lld is not ready", (long long) draw->draw_id),
			 errdetail("%s", DrawNotReadyDetail(draw)),
			 errhint("A draw is ready once closes_at has passed or, with partitions, once every partition has called close_partition().")));
}
