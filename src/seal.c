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

#include "draw.h"
#include "promo_draw.h"
#include "sqlexec.h"

#define SEAL_HEADER "promo_draw sealed draw v1"

/* entries fetched at a time */
#define SEAL_FETCH 10000

static SqlPlan sealed_entries_plan = {
	"SELECT customer_id, tickets FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND tickets OPERATOR(pg_catalog.>) 0 "
	"AND (opted_in OR NOT $2) ORDER BY customer_id",
	2, {INT8OID, BOOLOID}
};

static SqlPlan seal_plan = {
	"UPDATE promo_draw.draw SET status = 'sealed', entry_digest = $2, "
	"sealed_at = pg_catalog.now() "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND status OPERATOR(pg_catalog.=) 'open' "
	"RETURNING sealed_at",
	2, {INT8OID, BYTEAOID}
};

/*
 * Record the seal of a draw with its digest: status sealed, entry_digest,
 * sealed_at, and one NOTIFY on channel promo_draw carrying the digest, so
 * that it can be published before any beacon value exists.  Returns
 * sealed_at.  Needs an SPI connection.
 */
TimestampTz
RecordSeal(int64 draw_id, bytea *digest)
{
	Datum		args[2] = {Int64GetDatum(draw_id), PointerGetDatum(digest)};
	bool		isnull;

	if (SqlRunLatest(&seal_plan, args, NULL, 0) != 1)
		elog(ERROR, "draw %lld changed while it was being sealed", (long long) draw_id);
	Async_Notify("promo_draw",
				 psprintf("{\"draw_id\": " INT64_FORMAT ", \"status\": \"sealed\", "
						  "\"entry_digest\": \"%s\"}",
						  draw_id, DigestHex((const uint8 *) VARDATA_ANY(digest))));
	return DatumGetTimestampTz(SqlValue(0, 1, &isnull));
}

/* Feed bytes to the digest. */
static void
DigestBytes(pg_cryptohash_ctx *ctx, const void *data, size_t len)
{
	if (pg_cryptohash_update(ctx, data, len) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute the entry digest: %s",
						pg_cryptohash_error(ctx))));
}

/* Feed an int8 to the digest, as int8send writes it. */
static void
DigestInt8(pg_cryptohash_ctx *ctx, int64 v)
{
	uint64		be = pg_hton64((uint64) v);

	DigestBytes(ctx, &be, sizeof(be));
}

/* Feed a text to the digest: int4 length, UTF-8 bytes; NULL is length -1. */
static void
DigestText(pg_cryptohash_ctx *ctx, const char *s)
{
	uint32		be;

	if (s == NULL)
	{
		be = pg_hton32((uint32) -1);
		DigestBytes(ctx, &be, sizeof(be));
		return;
	}
	s = pg_server_to_any(s, strlen(s), PG_UTF8);
	be = pg_hton32((uint32) strlen(s));
	DigestBytes(ctx, &be, sizeof(be));
	DigestBytes(ctx, s, strlen(s));
}

/*
 * Read the participants of a sealed draw by customer_id, feed them to fn,
 * and compute the entry digest over the draw's rules, its prizes and them.
 * Reads under a fresh snapshot (callers hold the draw's barrier).  Needs an
 * SPI connection.
 */
void
ScanSealedEntries(DrawState *draw, Prize *prizes, int nprizes,
				  SealedEntryFn fn, void *arg, uint8 *digest)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	Datum		args[2];
	Portal		portal;

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	DigestBytes(ctx, SEAL_HEADER, strlen(SEAL_HEADER));
	DigestInt8(ctx, draw->draw_id);
	DigestText(ctx, draw->beacon_source);
	DigestInt8(ctx, draw->max_wins);
	DigestText(ctx, draw->default_prize);
	DigestText(ctx, OidIsValid(draw->eligibility) ? draw->eligibility_identity : NULL);
	DigestInt8(ctx, nprizes);
	for (int i = 0; i < nprizes; i++)
	{
		DigestInt8(ctx, prizes[i].prize_id);
		DigestText(ctx, prizes[i].name);
		DigestText(ctx, DatumGetCString(DirectFunctionCall1(numeric_out,
															NumericGetDatum(prizes[i].value))));
		DigestInt8(ctx, prizes[i].quantity);
	}

	args[0] = Int64GetDatum(draw->draw_id);
	args[1] = BoolGetDatum(draw->requires_opt_in);
	portal = SqlCursorLatest(&sealed_entries_plan, args, NULL);
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

			DigestInt8(ctx, customer_id);
			DigestInt8(ctx, tickets);
			if (fn)
				fn(arg, customer_id, tickets);
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);

	if (pg_cryptohash_final(ctx, digest, DRAW_DIGEST_LEN) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute the entry digest: %s",
						pg_cryptohash_error(ctx))));
	pg_cryptohash_free(ctx);
}

/*
 * Seal a sealed draw whose ingest is over: compute its entry digest, record
 * it with sealed_at, and tell listeners on channel promo_draw, so that the
 * digest can be published before any beacon value exists.  The caller holds
 * the draw's barrier EXCLUSIVE, so every award and stake in flight has
 * committed and is in the digest, and none can follow.  Needs an SPI
 * connection.
 */
void
SealDraw(DrawState *draw, uint8 *digest)
{
	int			nprizes;
	Prize	   *prizes = LoadPrizes(draw->draw_id, &nprizes);
	bytea	   *value = palloc(VARHDRSZ + DRAW_DIGEST_LEN);

	Assert(draw->sealed && draw->status == DRAW_OPEN);
	ScanSealedEntries(draw, prizes, nprizes, NULL, NULL, digest);

	SET_VARSIZE(value, VARHDRSZ + DRAW_DIGEST_LEN);
	memcpy(VARDATA(value), digest, DRAW_DIGEST_LEN);
	draw->sealed_at = RecordSeal(draw->draw_id, value);
	draw->status = DRAW_SEALED;
	draw->has_digest = true;
	memcpy(draw->entry_digest, digest, DRAW_DIGEST_LEN);
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

