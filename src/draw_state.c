/*-------------------------------------------------------------------------
 *
 * draw_state.c
 *	  A draw's state: locking it, loading its row and its prize table, and
 *	  what its status allows.
 *
 * Three heavyweight locks per draw, shown in pg_locks as object locks on
 * promo_draw.draw with the draw's id:
 *
 *	  ingest barrier (objsubid 1)
 *		award_tickets, opt_in and record_stake(s) hold it in SHARE mode for
 *		their transaction, so they never wait for each other;
 *		close_partition, seals and run_draw take it in EXCLUSIVE mode, which
 *		waits for every ingest transaction in flight.  Once an exclusive
 *		holder has committed, ingest re-reads the draw under a fresh snapshot
 *		and sees the partition closed, the draw sealed or drawn.  So an award
 *		committed before the draw became ready is in the draw, and none is
 *		accepted after.
 *
 *	  runner (objsubid 2)
 *		run_draw, cancel_draw and the proxy's calls on a shard hold it
 *		EXCLUSIVE; run_due_draws asks for it without waiting and skips a
 *		draw another session is drawing.
 *
 *	  the draw's row, FOR NO KEY UPDATE, for those that change it.
 *
 * Order: runner, then barrier, then the row.  LockDraw takes them so for
 * every caller, so they cannot deadlock.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "draw.h"
#include "promo_draw.h"
#include "row_access.h"
#include "sqlexec.h"
#include "table_write.h"

static SqlPlan prizes_plan = {
	"SELECT prize_id, name, value, quantity, payload FROM promo_draw.prize "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 "
	"ORDER BY value DESC, prize_id",
	1, {INT8OID}
};

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
static void
LockDrawIngest(int64 draw_id)
{
	LockDatabaseObject(PromoTableOid("draw"), DrawLockObjid(draw_id),
					   LOCK_SUBID_BARRIER, ShareLock);
}

/* close_partition, seals and run_draw: wait for ingest in flight, block new ingest. */
static void
LockDrawBarrier(int64 draw_id)
{
	LockDatabaseObject(PromoTableOid("draw"), DrawLockObjid(draw_id),
					   LOCK_SUBID_BARRIER, ExclusiveLock);
}

/*
 * run_draw, cancel_draw and the proxy: one runner per draw.  With nowait,
 * returns false instead of waiting when another session holds it.
 */
static bool
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

/*
 * Take the locks flags asks for (LOCK_DRAW_*), in the one order every caller
 * follows, then read the draw under a fresh snapshot (LoadDraw), its row
 * locked with LOCK_DRAW_ROW.  With LOCK_DRAW_RUNNER | LOCK_DRAW_NOWAIT,
 * returns NULL, having read nothing, when another session holds the runner
 * lock.  The locks are held to the end of the transaction.
 */
DrawState *
LockDraw(int64 draw_id, int flags)
{
	if (flags != 0)
		RequireWritable();
	if (flags & LOCK_DRAW_RUNNER)
	{
		if (!LockDrawRunner(draw_id, (flags & LOCK_DRAW_NOWAIT) != 0))
			return NULL;
	}
	if (flags & LOCK_DRAW_BARRIER)
		LockDrawBarrier(draw_id);
	else if (flags & LOCK_DRAW_INGEST)
		LockDrawIngest(draw_id);
	return LoadDraw(draw_id, (flags & LOCK_DRAW_ROW) != 0);
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
	DC_SEED_HASH,
	DC_CREATED_AT,
	DC_REQUIRED,				/* the columns above are in every version */
	DC_SEED = DC_REQUIRED,		/* up to 0.3.0 (then in draw_secret) */
	DC_ELIGIBILITY_IDENTITY,	/* 0.3.0 */
	DC_SEALED,					/* 0.3.0 */
	DC_BEACON_SOURCE,			/* 0.3.0 */
	DC_ENTRY_DIGEST,			/* 0.3.0 */
	DC_SEALED_AT,				/* 0.3.0 */
	DC_BEACON,					/* 0.3.0 */
	DC_BEACON_DUE_AT,			/* 0.4.0 */
	DC_PRIZE_DIGEST,			/* 0.4.0 */
	DC_DIGEST_VERSION,			/* 0.4.0 */
	DC_COUNT
} DrawColumn;

static const char *const draw_column_names[DC_COUNT] = {
	"status", "name", "opens_at", "closes_at", "draw_at", "ready_at", "partitions",
	"max_wins_per_customer", "stake_per_ticket", "min_stake", "max_tickets_per_customer",
	"milestones", "requires_opt_in", "eligibility", "created_by", "default_prize",
	"lose_message", "seed_hash", "created_at", "seed", "eligibility_identity", "sealed",
	"beacon_source", "entry_digest", "sealed_at", "beacon", "beacon_due_at", "prize_digest",
	"digest_version"
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
 * The secrets of draws this backend has read, kept for the backend: a bet
 * or an award needs its draw's seed and reference key, which never change
 * once the draw exists, and reading promo_draw.draw_secret every time would
 * cost a second index look-up per call.  An entry is keyed by the table's
 * OID and the draw, and trusted only for a draw of the same creation time
 * whose seed_hash its seed still matches: a draw id given again after the
 * extension was dropped and created, or a seed replaced, is read afresh.
 */
typedef struct SecretKey
{
	Oid			relid;
	int64		draw_id;
} SecretKey;

typedef struct DrawSecret
{
	SecretKey	key;
	TimestampTz created_at;
	bool		has_seed;
	uint8		seed[DRAW_SEED_LEN];
	uint8		ref_key[DRAW_SEED_LEN];
} DrawSecret;

#define SECRET_CACHE_MAX 1024

static HTAB *secret_cache = NULL;

/* Is the seed the one its hash, published when the draw was created, commits to? */
static bool
SeedMatchesHash(const uint8 *seed, bytea *seed_hash)
{
	uint8		hash[DRAW_DIGEST_LEN];
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	bool		ok;

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, seed, DRAW_SEED_LEN) < 0 ||
		pg_cryptohash_final(ctx, hash, sizeof(hash)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not hash a draw's seed")));
	pg_cryptohash_free(ctx);
	ok = VARSIZE_ANY_EXHDR(seed_hash) == DRAW_DIGEST_LEN &&
		memcmp(VARDATA_ANY(seed_hash), hash, DRAW_DIGEST_LEN) == 0;
	return ok;
}

/* Raise the error for a draw whose secrets are missing or malformed. */
static void
ReportBadSecret(int64 draw_id, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("draw %lld has no valid %s", (long long) draw_id, what)));
}

/*
 * Give a draw its secrets from promo_draw.draw_secret (from 0.4.0): its seed
 * (not for a sealed draw) and the key of its entry references.  seed_hash is
 * the draw row's, NULL for a sealed draw.
 */
static void
LoadDrawSecret(DrawState *draw, Oid secret_relid, bytea *seed_hash)
{
	SecretKey	key;
	DrawSecret *secret;
	bool		found;

	if (secret_cache == NULL || hash_get_num_entries(secret_cache) >= SECRET_CACHE_MAX)
	{
		HASHCTL		ctl;

		if (secret_cache != NULL)
			hash_destroy(secret_cache);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(SecretKey);
		ctl.entrysize = sizeof(DrawSecret);
		ctl.hcxt = TopMemoryContext;
		secret_cache = hash_create("promo_draw draw secrets", 64, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&key, 0, sizeof(key));
	key.relid = secret_relid;
	key.draw_id = draw->draw_id;
	secret = hash_search(secret_cache, &key, HASH_FIND, NULL);
	if (secret == NULL || secret->created_at != draw->created_at ||
		secret->has_seed != (seed_hash != NULL) ||
		(seed_hash != NULL && !SeedMatchesHash(secret->seed, seed_hash)))
	{
		RowAccess  *ra = RowAccessOpen("draw_secret", false);
		Datum		keyval = Int64GetDatum(draw->draw_id);
		Datum		d;
		bool		isnull;
		DrawSecret	read;

		memset(&read, 0, sizeof(read));
		read.key = key;
		read.created_at = draw->created_at;
		if (!RowFind(ra, &keyval, false))
			ReportBadSecret(draw->draw_id, "secrets");
		d = slot_getattr(ra->found, 2, &isnull);
		read.has_seed = !isnull;
		if (read.has_seed)
		{
			bytea	   *seed = DatumGetByteaPP(d);

			if (VARSIZE_ANY_EXHDR(seed) != DRAW_SEED_LEN)
				ReportBadSecret(draw->draw_id, "seed");
			memcpy(read.seed, VARDATA_ANY(seed), DRAW_SEED_LEN);
		}
		if (read.has_seed != (seed_hash != NULL) ||
			(seed_hash != NULL && !SeedMatchesHash(read.seed, seed_hash)))
			ReportBadSecret(draw->draw_id, "seed");
		d = slot_getattr(ra->found, 3, &isnull);
		if (isnull || VARSIZE_ANY_EXHDR(DatumGetByteaPP(d)) != DRAW_SEED_LEN)
			ReportBadSecret(draw->draw_id, "reference key");
		memcpy(read.ref_key, VARDATA_ANY(DatumGetByteaPP(d)), DRAW_SEED_LEN);
		RowAccessClose(ra);

		secret = hash_search(secret_cache, &key, HASH_ENTER, &found);
		*secret = read;
	}
	if (secret->has_seed)
		memcpy(draw->seed, secret->seed, DRAW_SEED_LEN);
	memcpy(draw->ref_key, secret->ref_key, DRAW_SEED_LEN);
	draw->has_ref_key = true;
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
	bytea	   *seed_hash;
	bytea	   *digest;
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
	draw->created_at = DatumGetTimestampTz(DrawColumnValue(ra, DC_CREATED_AT, &isnull));
	draw->sealed = DrawColumnPresent(ra, DC_SEALED, &d) && DatumGetBool(d);
	digest = DrawColumnBytea(ra, DC_ENTRY_DIGEST);
	if (digest)
	{
		if (VARSIZE_ANY_EXHDR(digest) != DRAW_DIGEST_LEN)
			ReportBadSecret(draw_id, "entry digest");
		memcpy(draw->entry_digest, VARDATA_ANY(digest), DRAW_DIGEST_LEN);
		draw->has_digest = true;
		draw->digest_version = DrawColumnPresent(ra, DC_DIGEST_VERSION, &d) ?
			DatumGetInt16(d) : 1;
	}
	if (draw->sealed)
	{
		draw->beacon_source = DrawColumnText(ra, DC_BEACON_SOURCE);
		if (draw->has_digest)
			draw->sealed_at = DatumGetTimestampTz(DrawColumnValue(ra, DC_SEALED_AT, &isnull));
		draw->beacon = DrawColumnBytea(ra, DC_BEACON);
		if (DrawColumnPresent(ra, DC_BEACON_DUE_AT, &d))
		{
			draw->has_beacon_due = true;
			draw->beacon_due_at = DatumGetTimestampTz(d);
		}
	}
	draw->has_prize_digest_column = draw_columns[DC_PRIZE_DIGEST] != InvalidAttrNumber;
	digest = DrawColumnBytea(ra, DC_PRIZE_DIGEST);
	if (digest)
	{
		if (VARSIZE_ANY_EXHDR(digest) != DRAW_DIGEST_LEN)
			ReportBadSecret(draw_id, "prize digest");
		memcpy(draw->prize_digest, VARDATA_ANY(digest), DRAW_DIGEST_LEN);
		draw->has_prize_digest = true;
	}
	if (draw_columns[DC_SEED] == InvalidAttrNumber)
	{
		/* 0.4.0: the secrets are in their own table */
		seed_hash = DrawColumnBytea(ra, DC_SEED_HASH);
		if (!draw->sealed && (seed_hash == NULL ||
							  VARSIZE_ANY_EXHDR(seed_hash) != DRAW_DIGEST_LEN))
			ReportBadSecret(draw_id, "seed hash");
		if (seed_hash)
			memcpy(draw->seed_hash, VARDATA_ANY(seed_hash), DRAW_DIGEST_LEN);
		LoadDrawSecret(draw, PromoTableOid("draw_secret"), draw->sealed ? NULL : seed_hash);
	}
	else if (!draw->sealed)
	{
		seed = DatumGetByteaPP(DrawColumnValue(ra, DC_SEED, &isnull));
		if (isnull || VARSIZE_ANY_EXHDR(seed) != DRAW_SEED_LEN)
			ReportBadSecret(draw_id, "seed");
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

/*
 * Read a draw's prize table, most valuable first (ties by prize_id), under
 * a fresh snapshot.  Needs an SPI connection.
 */
Prize *
LoadPrizes(int64 draw_id, int *nprizes)
{
	Datum		arg = Int64GetDatum(draw_id);
	int			n = SqlRunLatest(&prizes_plan, &arg, NULL, 0);
	Prize	   *prizes = palloc0(sizeof(Prize) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		prizes[i].prize_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		prizes[i].name = TextDatumGetCString(SPI_getbinval(tup, desc, 2, &isnull));
		prizes[i].value = DatumGetNumericCopy(SPI_getbinval(tup, desc, 3, &isnull));
		prizes[i].quantity = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
		prizes[i].remaining = prizes[i].quantity;
		prizes[i].payload = datumCopy(SPI_getbinval(tup, desc, 5, &isnull), false, -1);
	}
	SPI_freetuptable(SPI_tuptable);
	*nprizes = n;
	return prizes;
}

