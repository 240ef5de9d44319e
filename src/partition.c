/*-------------------------------------------------------------------------
 *
 * partition.c
 *	  A draw's ingest partitions: the barrier "one trigger per partition".
 *
 * A draw created with partitions = N is ready only once every partition
 * 0 .. N-1 has called close_partition, each reporting that it has applied
 * everything up to the draw time.  Each partition's row in
 * promo_draw.partition_mark also keeps the last source offset applied from
 * it (stake.c), and once closed, nothing more is accepted from it (PD006,
 * reported here for every caller).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/timestamp.h"

#include "digest.h"
#include "draw.h"
#include "promo_draw.h"
#include "sqlexec.h"

/* Raise the error for a bet or award from a partition that has reported. */
void
ReportPartitionClosed(DrawState *draw, int32 partition, TimestampTz closed_at)
{
	ereport(ERROR,
			(errcode(ERRCODE_PD_PARTITION_CLOSED),
			 errmsg("partition %d of draw %lld is closed",
					partition, (long long) draw->draw_id),
			 errdetail("It reported the draw time at %s; nothing more is accepted from it.",
					   timestamptz_to_str(closed_at))));
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
		ReportPartitionClosed(draw, partition,
							  DatumGetTimestampTz(SqlValue(0, 1, &isnull)));
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
	draw = LockDraw(draw_id, LOCK_DRAW_BARRIER);
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
	{
		SqlRun(&set_ready_plan, args, NULL, 0);
		/* from now on its prize table is final: record what it is */
		StorePrizeDigest(draw);
	}
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

