/*-------------------------------------------------------------------------
 *
 * shard.c
 *	  The shard side of a sharded deployment: what promo_draw_proxy calls
 *	  on each shard to draw and seal a draw over every shard's customers
 *	  (the C half of the shard_* functions of src/sql/udfs/shard_*), and
 *	  whether this database is a shard at all.
 *
 * A shard never draws or seals on its own: the proxy takes each shard's
 * runner lock and barrier, reads every shard's tickets or entries, merges
 * them and writes back what one node would have written.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "digest.h"
#include "draw.h"
#include "promo_draw.h"
#include "sqlexec.h"

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

/*
 * shard_draw_begin(draw_id): on a shard, before the proxy reads the draw's
 * tickets or writes its results.  Takes the draw's runner lock and its
 * barrier (waiting for ingest in flight) to the end of the transaction and
 * returns 'drawn' if the draw has been drawn on this shard, else 'ready';
 * a draw that cannot be drawn raises the error run_draw would.
 */
PG_FUNCTION_INFO_V1(shard_draw_begin);
Datum
shard_draw_begin(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	DrawState  *draw;
	const char *state = "ready";

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	draw_id = PG_GETARG_INT64(0);
	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_RUNNER | LOCK_DRAW_BARRIER | LOCK_DRAW_ROW);
	if (draw->status == DRAW_DRAWN)
		state = "drawn";
	else
	{
		CheckDrawNotFinished(draw);
		if (!DrawIsReady(draw))
			ReportDrawNotReady(draw);
		if (draw->sealed)
			CheckSealedDrawable(draw);
	}
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(state));
}

/*
 * shard_ineligible(draw_id, customer_ids): the customers of the array that
 * the draw's eligibility function finds not eligible (NULL counts as not
 * eligible), asked as run_draw asks: as the role that created the draw.
 * Empty for a draw without an eligibility function.
 */
PG_FUNCTION_INFO_V1(shard_ineligible);
Datum
shard_ineligible(PG_FUNCTION_ARGS)
{
	DrawState  *draw;
	Eligibility *eligibility;
	Datum	   *customers;
	Datum	   *refused;
	int			n;
	int			nrefused = 0;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_ids");
	customers = ArrayArgument(fcinfo, 1, "customer_ids", INT8OID, &n);
	refused = palloc(sizeof(Datum) * Max(n, 1));
	SPI_connect();
	draw = LoadDraw(PG_GETARG_INT64(0), false);
	if (OidIsValid(draw->eligibility))
	{
		eligibility = EligibilityPrepare(draw);
		for (int i = 0; i < n; i++)
		{
			if (!EligibilityAsk(eligibility, DatumGetInt64(customers[i])))
				refused[nrefused++] = customers[i];
			CHECK_FOR_INTERRUPTS();
		}
	}
	SPI_finish();
	PG_RETURN_ARRAYTYPE_P(construct_array(refused, nrefused, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * shard_seal_begin(draw_id): on a shard, before the proxy reads a sealed
 * draw's entries to seal it.  Waits for ingest in flight (the barrier, to
 * the end of the transaction) and returns the draw's digest if this shard
 * has it sealed already, else NULL; a draw that is not a sealed draw, is
 * not ready, or was cancelled or drawn raises its error.
 */
PG_FUNCTION_INFO_V1(shard_seal_begin);
Datum
shard_seal_begin(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	DrawState  *draw;
	bytea	   *result = NULL;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	draw_id = PG_GETARG_INT64(0);
	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_BARRIER);
	CheckDrawSealed(draw);
	CheckDrawNotFinished(draw);
	if (draw->has_digest)
	{
		result = palloc(VARHDRSZ + DRAW_DIGEST_LEN);
		SET_VARSIZE(result, VARHDRSZ + DRAW_DIGEST_LEN);
		memcpy(VARDATA(result), draw->entry_digest, DRAW_DIGEST_LEN);
	}
	else if (!DrawIsReady(draw))
		ReportDrawNotReady(draw);
	SPI_finish();
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(result);
}

/*
 * shard_seal_draw(draw_id, digest): on a shard, seal its part of a sealed
 * draw with the digest the proxy computed over every shard's entries:
 * status sealed, entry_digest, sealed_at, and a NOTIFY as a single node
 * sends.  Sealing again with the same digest changes nothing; with
 * another, it is refused.
 */
PG_FUNCTION_INFO_V1(shard_seal_draw);
Datum
shard_seal_draw(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	bytea	   *digest;
	DrawState  *draw;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "digest");
	draw_id = PG_GETARG_INT64(0);
	digest = PG_GETARG_BYTEA_PP(1);
	if (VARSIZE_ANY_EXHDR(digest) != DRAW_DIGEST_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an entry digest is %d bytes long", DRAW_DIGEST_LEN)));
	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_RUNNER | LOCK_DRAW_BARRIER | LOCK_DRAW_ROW);
	CheckDrawSealed(draw);
	if (draw->has_digest)
	{
		if (memcmp(draw->entry_digest, VARDATA_ANY(digest), DRAW_DIGEST_LEN) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_PD_SHARDED),
					 errmsg("draw %lld is sealed on this node with another digest", (long long) draw_id),
					 errdetail("It was sealed with %s.", DigestHex(draw->entry_digest))));
	}
	else
	{
		CheckDrawNotFinished(draw);
		if (!DrawIsReady(draw))
			ReportDrawNotReady(draw);
		RecordSeal(draw, digest, SealDigestVersion(draw));
		StorePrizeDigest(draw);
	}
	SPI_finish();
	PG_RETURN_BYTEA_P(digest);
}

/*
 * shard_sealed_tickets(draw_id, part, parts): on a shard, the keys of its
 * participants' tickets in a sealed draw that has its beacon, in the draw's
 * order (key, then reference or customer, then ticket number; near ties
 * settled in numeric), for the proxy to merge: key, customer_id, rank,
 * tickets, ticket and (from 0.4.0, digest version 2) entry_ref.  Only the participants whose customer_id mod parts is part.
 * Takes the draw's runner lock and barrier to the end of the transaction.
 */
PG_FUNCTION_INFO_V1(shard_sealed_tickets);
Datum
shard_sealed_tickets(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		draw_id;
	DrawState  *draw;
	Prize	   *prizes;
	int			nprizes;
	int64		participants;
	Numeric		tickets_total;
	SealedSort *ss;
	pg_uuid_t	ticket;
	pg_uuid_t	ref;
	int64		customer_id;
	int32		rank;
	int32		part;
	int32		parts;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "part");
	CHECK_ARG_NOT_NULL(fcinfo, 2, "parts");
	draw_id = PG_GETARG_INT64(0);
	part = PG_GETARG_INT32(1);
	parts = PG_GETARG_INT32(2);
	if (parts < 1 || part < 0 || part >= parts)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("part %d of %d does not exist", part, parts),
				 errhint("parts is at least 1, and part is from 0 to parts - 1.")));
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_RUNNER | LOCK_DRAW_BARRIER | LOCK_DRAW_ROW);
	CheckDrawNotFinished(draw);
	CheckDrawSealed(draw);
	prizes = LoadPrizes(draw_id, &nprizes);
	ss = SealedSortBegin(draw, prizes, nprizes, work_mem, false, part, parts,
						 &participants, &tickets_total);
	while (SealedSortNext(ss, &ticket, &customer_id, &rank, &ref))
	{
		Datum		values[6];
		bool		nulls[6] = {false};

		double		key;
		int64		tickets;

		SealedSortLast(ss, &key, &tickets);
		values[0] = Float8GetDatum(key);
		values[1] = Int64GetDatum(customer_id);
		values[2] = Int32GetDatum(rank);
		values[3] = Int64GetDatum(tickets);
		values[4] = UUIDPGetDatum(&ticket);
		/* from 0.4.0, the entry's reference (digest version 2) */
		values[5] = UUIDPGetDatum(&ref);
		nulls[5] = draw->digest_version != 2;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	SealedSortEnd(ss);
	SPI_finish();
	return (Datum) 0;
}
