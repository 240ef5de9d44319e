/*-------------------------------------------------------------------------
 *
 * seal.c
 *	  Sealed draws: the entry digest and the seal (seal_draw, and the seal
 *	  the barrier makes).  The order of the tickets is sealed_order.c's.
 *
 * A sealed draw has no seed.  Its entries only count tickets.  When ingest
 * ends (the last close_partition, or run_due_draws / seal_draw once
 * closes_at has passed for a draw without partitions) the draw is sealed:
 * entry_digest = sha256 of the serialisation below, and no entry, prize or
 * rule may change any more.  After the seal, set_beacon takes the value of
 * a public randomness beacon published later, and only then can the draw
 * run.  Until that value exists nobody can know the order of the tickets.
 *
 * The digest's serialisation, version 1 (int8 and int4 are big-endian, as
 * int8send and int4send give them; text is int4 byte length then the UTF-8
 * bytes, and NULL text is the int4 -1):
 *
 *	  "promo_draw sealed draw v1" (25 ASCII bytes)
 *	  int8 draw_id, text beacon_source, int8 max_wins_per_customer,
 *	  text default_prize, text eligibility_identity,
 *	  int8 number of prize rows, then per prize row, most valuable first
 *	  (ties by prize_id): int8 prize_id, text name, text value (as
 *	  numeric's text form), int8 quantity,
 *	  then per participant (tickets > 0, opted in if the draw requires it),
 *	  by customer_id: int8 customer_id, int8 tickets.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "digest.h"
#include "draw.h"
#include "promo_draw.h"
#include "sqlexec.h"

/* entries fetched at a time */
#define SEAL_FETCH 10000

/* digest version 1: participants by customer_id */
static SqlPlan sealed_entries_v1_plan = {
	"SELECT customer_id, tickets, NULL::pg_catalog.uuid FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND tickets OPERATOR(pg_catalog.>) 0 "
	"AND (opted_in OR NOT $2) ORDER BY customer_id",
	2, {INT8OID, BOOLOID}
};

/* digest version 2: participants by entry reference */
static SqlPlan sealed_entries_v2_plan = {
	"SELECT customer_id, tickets, entry_ref FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND tickets OPERATOR(pg_catalog.>) 0 "
	"AND (opted_in OR NOT $2) ORDER BY entry_ref",
	2, {INT8OID, BOOLOID}
};

static SqlPlan seal_plan = {
	"UPDATE promo_draw.draw SET status = 'sealed', entry_digest = $2, "
	"sealed_at = pg_catalog.now() "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND status OPERATOR(pg_catalog.=) 'open' "
	"RETURNING sealed_at",
	2, {INT8OID, BYTEAOID}
};

/* from 0.4.0: the digest's version too */
static SqlPlan seal_versioned_plan = {
	"UPDATE promo_draw.draw SET status = 'sealed', entry_digest = $2, digest_version = $3, "
	"sealed_at = pg_catalog.now() "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND status OPERATOR(pg_catalog.=) 'open' "
	"RETURNING sealed_at",
	3, {INT8OID, BYTEAOID, INT2OID}
};

/*
 * Whether this transaction sealed a draw: it may then not be prepared for
 * two-phase commit.  A seal must commit before its beacon is due (checked
 * at commit by promo_draw.draw's deferred trigger); a prepared transaction
 * would have passed that check and could still be committed, or rolled
 * back, after the beacon value is out: the very choice the due time takes
 * away.
 */
static bool sealed_in_transaction = false;

/* Refuse PREPARE TRANSACTION after a seal; forget the seal at the end. */
static void
SealXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_PREPARE:
			if (sealed_in_transaction)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot prepare a transaction that sealed a draw"),
						 errdetail("A seal must commit before its beacon is due; a prepared seal could still be committed or rolled back after the beacon value is known."),
						 errhint("Commit the seal on its own.")));
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			sealed_in_transaction = false;
			break;
		default:
			break;
	}
}

/* Install the transaction callback of seals; from _PG_init. */
void
SealInit(void)
{
	RegisterXactCallback(SealXactCallback, NULL);
}

/*
 * Record the seal of a draw with its digest: status sealed, entry_digest
 * (and from 0.4.0 its version), sealed_at, and one NOTIFY on channel
 * promo_draw carrying the digest, so that it can be published before any
 * beacon value exists.  Returns sealed_at.  Needs an SPI connection.
 */
TimestampTz
RecordSeal(DrawState *draw, bytea *digest, int version)
{
	Datum		args[3] = {Int64GetDatum(draw->draw_id), PointerGetDatum(digest),
	Int16GetDatum(version)};
	bool		isnull;

	CheckSealInTime(draw);
	if (SqlRunLatest(draw->has_prize_digest_column ? &seal_versioned_plan : &seal_plan,
					 args, NULL, 0) != 1)
		elog(ERROR, "draw %lld changed while it was being sealed", (long long) draw->draw_id);
	sealed_in_transaction = true;
	Async_Notify("promo_draw",
				 psprintf("{\"draw_id\": " INT64_FORMAT ", \"status\": \"sealed\", "
						  "\"entry_digest\": \"%s\"}",
						  draw->draw_id, DigestHex((const uint8 *) VARDATA_ANY(digest))));
	return DatumGetTimestampTz(SqlValue(0, 1, &isnull));
}

/*
 * Raise PD042 when a draw can no longer be sealed: its beacon is due (or
 * past), so a seal now could be made knowing the value that orders its
 * tickets.  The seal's commit is checked again against the same time.
 */
void
CheckSealInTime(DrawState *draw)
{
	if (draw->has_beacon_due && GetCurrentTimestamp() >= draw->beacon_due_at)
		ereport(ERROR,
				(errcode(ERRCODE_PD_SEAL_TOO_LATE),
				 errmsg("draw %lld can no longer be sealed", (long long) draw->draw_id),
				 errdetail("Its beacon value was due at %s, and a seal must commit before it.",
						   timestamptz_to_str(draw->beacon_due_at)),
				 errhint("Cancel the draw, in public; a draw that is to be sealed later needs a later beacon_due_at.")));
}

/* The digest version a sealed draw is (or will be) sealed with: 2 from 0.4.0. */
int
SealDigestVersion(DrawState *draw)
{
	if (draw->digest_version > 0)
		return draw->digest_version;
	return draw->has_beacon_due ? 2 : 1;
}

/*
 * Read the participants of a sealed draw in digest order, feed them to fn,
 * and compute the entry digest over the draw's rules, its prizes and them
 * (version 1 by customer_id, version 2 by entry reference, with the
 * beacon's due time, the lose message and the prizes' payloads).  Reads
 * under a fresh snapshot (callers hold the draw's barrier).  Needs an SPI
 * connection.
 */
void
ScanSealedEntries(DrawState *draw, Prize *prizes, int nprizes,
				  SealedEntryFn fn, void *arg, uint8 *digest)
{
	Digest		d;
	int			version = SealDigestVersion(draw);
	Datum		args[2];
	Portal		portal;

	if (version == 1)
	{
		DigestStart(&d, DIGEST_SEALED_V1);
		DigestInt8(&d, draw->draw_id);
		DigestText(&d, draw->beacon_source);
		DigestInt8(&d, draw->max_wins);
		DigestText(&d, draw->default_prize);
		DigestText(&d, OidIsValid(draw->eligibility) ? draw->eligibility_identity : NULL);
		DigestPrizes(&d, prizes, nprizes, false);
	}
	else
	{
		DigestStart(&d, DIGEST_SEALED_V2);
		DigestInt8(&d, draw->draw_id);
		DigestText(&d, draw->beacon_source);
		DigestInt8(&d, UnixMicros(draw->beacon_due_at));
		DigestInt8(&d, draw->max_wins);
		DigestText(&d, draw->default_prize);
		DigestText(&d, draw->lose_message);
		DigestText(&d, OidIsValid(draw->eligibility) ? draw->eligibility_identity : NULL);
		DigestPrizes(&d, prizes, nprizes, true);
	}

	args[0] = Int64GetDatum(draw->draw_id);
	args[1] = BoolGetDatum(draw->requires_opt_in);
	portal = SqlCursorLatest(version == 1 ? &sealed_entries_v1_plan : &sealed_entries_v2_plan,
							 args, NULL);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, SEAL_FETCH);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			int64		customer_id = DatumGetInt64(SqlValue(i, 1, &isnull));
			int64		tickets = DatumGetInt64(SqlValue(i, 2, &isnull));
			Datum		ref = SqlValue(i, 3, &isnull);

			if (version == 1)
				DigestInt8(&d, customer_id);
			else
			{
				if (isnull)
					ereport(ERROR,
							(errcode(ERRCODE_DATA_CORRUPTED),
							 errmsg("the entry of customer %lld in draw %lld has no reference",
									(long long) customer_id, (long long) draw->draw_id)));
				DigestBytes(&d, DatumGetUUIDP(ref)->data, UUID_LEN);
			}
			DigestInt8(&d, tickets);
			if (fn)
				fn(arg, customer_id, tickets, version == 1 ? NULL : DatumGetUUIDP(ref));
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	DigestFinish(&d, digest);
}

/*
 * Seal a sealed draw whose ingest is over: compute its entry digest, record
 * it with sealed_at, and tell listeners on channel promo_draw, so that the
 * digest can be published before any beacon value exists.  The caller holds
 * the draw's barrier EXCLUSIVE, so every award and stake in flight has
 * committed and is in the digest, and none can follow.  The prize digest is
 * stored too.  Needs an SPI connection.
 */
void
SealDraw(DrawState *draw, uint8 *digest)
{
	int			nprizes;
	Prize	   *prizes;
	bytea	   *value = palloc(VARHDRSZ + DRAW_DIGEST_LEN);

	Assert(draw->sealed && draw->status == DRAW_OPEN);
	CheckSealInTime(draw);
	prizes = LoadPrizes(draw->draw_id, &nprizes);
	ScanSealedEntries(draw, prizes, nprizes, NULL, NULL, digest);

	SET_VARSIZE(value, VARHDRSZ + DRAW_DIGEST_LEN);
	memcpy(VARDATA(value), digest, DRAW_DIGEST_LEN);
	draw->sealed_at = RecordSeal(draw, value, SealDigestVersion(draw));
	draw->digest_version = SealDigestVersion(draw);
	draw->status = DRAW_SEALED;
	draw->has_digest = true;
	memcpy(draw->entry_digest, digest, DRAW_DIGEST_LEN);
	StorePrizeDigest(draw);
}

/*
 * sealed_digest(draw_id): the entry digest a sealed draw's entries, prizes
 * and rules give now (the one it has, if sealed and untouched), for an
 * operator to check before publishing and for tests.
 */
PG_FUNCTION_INFO_V1(sealed_digest);
Datum
sealed_digest(PG_FUNCTION_ARGS)
{
	DrawState  *draw;
	Prize	   *prizes;
	int			nprizes;
	bytea	   *result = palloc(VARHDRSZ + DRAW_DIGEST_LEN);

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	SPI_connect();
	draw = LoadDraw(PG_GETARG_INT64(0), false);
	CheckDrawSealed(draw);
	prizes = LoadPrizes(draw->draw_id, &nprizes);
	ScanSealedEntries(draw, prizes, nprizes, NULL, NULL, (uint8 *) VARDATA(result));
	SPI_finish();
	SET_VARSIZE(result, VARHDRSZ + DRAW_DIGEST_LEN);
	PG_RETURN_BYTEA_P(result);
}

/* Raise PD041 unless the draw is a sealed draw. */
void
CheckDrawSealed(DrawState *draw)
{
	if (!draw->sealed)
		ereport(ERROR,
				(errcode(ERRCODE_PD_BEACON),
				 errmsg("draw %lld is not a sealed draw", (long long) draw->draw_id),
				 errdetail("Its tickets are ordered by its own secret seed, committed to by seed_hash.")));
}

/*
 * seal_draw(draw_id): seal a sealed draw whose ingest is over, for callers
 * that do not wait for run_due_draws().  Returns the entry digest; sealing
 * again returns it unchanged.
 */
PG_FUNCTION_INFO_V1(seal_draw);
Datum
seal_draw(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	DrawState  *draw;
	uint8		digest[DRAW_DIGEST_LEN];
	bytea	   *result;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	draw_id = PG_GETARG_INT64(0);

	SPI_connect();
	CheckNotShard("seal_draw()");
	draw = LockDraw(draw_id, LOCK_DRAW_BARRIER);
	CheckDrawSealed(draw);
	if (!draw->has_digest)
	{
		CheckDrawNotFinished(draw);
		if (!DrawIsReady(draw))
			ereport(ERROR,
					(errcode(ERRCODE_PD_DRAW_NOT_READY),
					 errmsg("draw %lld is not ready", (long long) draw_id),
					 errdetail("%s", DrawNotReadyDetail(draw)),
					 errhint("A draw is sealed once its ingest is over.")));
		SealDraw(draw, digest);
	}
	else
		memcpy(digest, draw->entry_digest, DRAW_DIGEST_LEN);
	SPI_finish();

	result = palloc(VARHDRSZ + DRAW_DIGEST_LEN);
	SET_VARSIZE(result, VARHDRSZ + DRAW_DIGEST_LEN);
	memcpy(VARDATA(result), digest, DRAW_DIGEST_LEN);
	PG_RETURN_BYTEA_P(result);
}

/*
 * Raise an error unless a sealed draw whose ingest is over can be drawn:
 * sealed, with its beacon.
 */
void
CheckSealedDrawable(DrawState *draw)
{
	if (!draw->has_digest)
		ereport(ERROR,
				(errcode(ERRCODE_PD_BEACON),
				 errmsg("draw %lld is not sealed yet", (long long) draw->draw_id),
				 errdetail("Its ingest is over, but its entries have not been sealed."),
				 errhint("run_due_draws() seals it on its next call; seal_draw() seals it now.  Then publish its digest and wait for the beacon.")));
	if (draw->beacon == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PD_BEACON),
				 errmsg("draw %lld has no beacon yet", (long long) draw->draw_id),
				 errdetail("It was sealed at %s with digest %s and waits for a value of: %s.",
						   timestamptz_to_str(draw->sealed_at),
						   DigestHex(draw->entry_digest), draw->beacon_source),
				 errhint("Call set_beacon() with that value once it is published.")));
}

