/*-------------------------------------------------------------------------
 *
 * digest.c
 *	  The byte serialisations that a draw's digests hash, written once for
 *	  the seal (seal.c), the run of a seeded draw (draw.c) and the prize
 *	  table of every draw.  doc/record-format.md is their specification;
 *	  verify_draw (SQL) and tools/verify-draw (Python) write them again,
 *	  independently.
 *
 * int8 is 8 bytes big-endian, as int8send writes it; a text is its int4
 * byte length and UTF-8 bytes, NULL the int4 -1; a time is the int8 of
 * microseconds since 1970-01-01 UTC.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "digest.h"
#include "sqlexec.h"

/* microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch */
#define UNIX_TO_POSTGRES_MICROS INT64CONST(946684800000000)

/* Report a failure of the hash implementation. */
static void
DigestFailed(Digest *digest)
{
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("could not compute a digest: %s",
					pg_cryptohash_error(digest->ctx))));
}

/* Start a SHA-256 digest with its header. */
void
DigestStart(Digest *digest, const char *header)
{
	digest->ctx = pg_cryptohash_create(PG_SHA256);
	if (digest->ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_cryptohash_init(digest->ctx) < 0)
		DigestFailed(digest);
	DigestBytes(digest, header, strlen(header));
}

/* Feed bytes to the digest. */
void
DigestBytes(Digest *digest, const void *data, size_t len)
{
	if (pg_cryptohash_update(digest->ctx, data, len) < 0)
		DigestFailed(digest);
}

/* Feed an int8, as int8send writes it. */
void
DigestInt8(Digest *digest, int64 v)
{
	uint64		be = pg_hton64((uint64) v);

	DigestBytes(digest, &be, sizeof(be));
}

/* Feed a text: int4 length, UTF-8 bytes; NULL is length -1. */
void
DigestText(Digest *digest, const char *s)
{
	uint32		be;

	if (s == NULL)
	{
		be = pg_hton32((uint32) -1);
		DigestBytes(digest, &be, sizeof(be));
		return;
	}
	s = pg_server_to_any(s, strlen(s), PG_UTF8);
	be = pg_hton32((uint32) strlen(s));
	DigestBytes(digest, &be, sizeof(be));
	DigestBytes(digest, s, strlen(s));
}

/*
 * Feed a prize table, in prize order (most valuable first, ties by
 * prize_id): its count, then per row prize_id, name, value as numeric's
 * text, quantity and, with payloads, the payload as jsonb's text.
 */
void
DigestPrizes(Digest *digest, Prize *prizes, int nprizes, bool payloads)
{
	DigestInt8(digest, nprizes);
	for (int i = 0; i < nprizes; i++)
	{
		DigestInt8(digest, prizes[i].prize_id);
		DigestText(digest, prizes[i].name);
		DigestText(digest, DatumGetCString(DirectFunctionCall1(numeric_out,
															   NumericGetDatum(prizes[i].value))));
		DigestInt8(digest, prizes[i].quantity);
		if (payloads)
			DigestText(digest, DatumGetCString(DirectFunctionCall1(jsonb_out,
																   prizes[i].payload)));
	}
}

/*
 * Start the digest of a seeded draw's entries (doc/record-format.md): its
 * rules and prizes (in prize order); DigestEntry then feeds the entries,
 * by reference.  A node's run_draw and a proxy's (over every node's
 * entries) both digest so.
 */
void
SeededDigestStart(Digest *digest, int64 draw_id, const uint8 *seed_hash, int32 max_wins,
				  const char *default_prize, const char *lose_message,
				  const char *eligibility, Prize *prizes, int nprizes)
{
	DigestStart(digest, DIGEST_SEEDED_V2);
	DigestInt8(digest, draw_id);
	DigestBytes(digest, seed_hash, DRAW_DIGEST_LEN);
	DigestInt8(digest, max_wins);
	DigestText(digest, default_prize);
	DigestText(digest, lose_message);
	DigestText(digest, eligibility);
	DigestPrizes(digest, prizes, nprizes, true);
}

/* Feed one entry of a seeded draw: reference, tickets, its n best tickets. */
void
DigestEntry(Digest *digest, const pg_uuid_t *ref, int64 tickets, int n, const pg_uuid_t *best)
{
	DigestBytes(digest, ref->data, UUID_LEN);
	DigestInt8(digest, tickets);
	DigestInt8(digest, n);
	DigestBytes(digest, best, n * UUID_LEN);
}

/* Finish the digest into out (DRAW_DIGEST_LEN bytes). */
void
DigestFinish(Digest *digest, uint8 *out)
{
	if (pg_cryptohash_final(digest->ctx, out, DRAW_DIGEST_LEN) < 0)
		DigestFailed(digest);
	pg_cryptohash_free(digest->ctx);
	digest->ctx = NULL;
}

/* A time as microseconds since 1970-01-01 UTC. */
int64
UnixMicros(TimestampTz t)
{
	return t + UNIX_TO_POSTGRES_MICROS;
}

/*
 * The prize digest of a draw: its rules and its prize table, payloads
 * included.  From the moment it is stored the prize rows cannot change.
 */
void
PrizeDigest(DrawState *draw, Prize *prizes, int nprizes, uint8 *out)
{
	Digest		digest;

	DigestStart(&digest, DIGEST_PRIZES_V1);
	DigestInt8(&digest, draw->draw_id);
	DigestInt8(&digest, draw->max_wins);
	DigestText(&digest, draw->default_prize);
	DigestText(&digest, draw->lose_message);
	DigestText(&digest, OidIsValid(draw->eligibility) ? draw->eligibility_identity : NULL);
	DigestPrizes(&digest, prizes, nprizes, true);
	DigestFinish(&digest, out);
}

static SqlPlan store_prize_digest_plan = {
	"UPDATE promo_draw.draw SET prize_digest = $2 "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND prize_digest IS NULL",
	2, {INT8OID, BYTEAOID}
};

/*
 * Store the prize digest of a draw that has just become ready, unless it
 * has one (tables of 0.4.0; earlier ones have no place for it).  Needs an
 * SPI connection; the caller holds the draw's barrier.
 */
void
StorePrizeDigest(DrawState *draw)
{
	int			nprizes;
	Prize	   *prizes;
	bytea	   *value;
	Datum		args[2];

	if (!draw->has_prize_digest_column || draw->has_prize_digest)
		return;
	prizes = LoadPrizes(draw->draw_id, &nprizes);
	value = palloc(VARHDRSZ + DRAW_DIGEST_LEN);
	SET_VARSIZE(value, VARHDRSZ + DRAW_DIGEST_LEN);
	PrizeDigest(draw, prizes, nprizes, (uint8 *) VARDATA(value));
	args[0] = Int64GetDatum(draw->draw_id);
	args[1] = PointerGetDatum(value);
	SqlRunLatest(&store_prize_digest_plan, args, NULL, 0);
	memcpy(draw->prize_digest, VARDATA(value), DRAW_DIGEST_LEN);
	draw->has_prize_digest = true;
}

/*
 * prize_digest(draw_id): the prize digest a draw's rules and prize table
 * give now, for a shard to store when it publishes a draw and for tests.
 */
PG_FUNCTION_INFO_V1(prize_digest);
Datum
prize_digest(PG_FUNCTION_ARGS)
{
	DrawState  *draw;
	Prize	   *prizes;
	int			nprizes;
	bytea	   *result = palloc(VARHDRSZ + DRAW_DIGEST_LEN);

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("draw_id must not be null")));
	SPI_connect();
	draw = LoadDraw(PG_GETARG_INT64(0), false);
	prizes = LoadPrizes(draw->draw_id, &nprizes);
	PrizeDigest(draw, prizes, nprizes, (uint8 *) VARDATA(result));
	SPI_finish();
	SET_VARSIZE(result, VARHDRSZ + DRAW_DIGEST_LEN);
	PG_RETURN_BYTEA_P(result);
}
