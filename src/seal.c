/*-------------------------------------------------------------------------
 *
 * seal.c
 *	  Sealed draws: the entry digest, seal_draw, and the order of a sealed
 *	  draw's tickets from its public beacon.
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
 * The order of tickets.  Customer c with n tickets has keys for its first
 * m = min(n, max_wins_per_customer) tickets:
 *
 *	  h_i = HMAC-SHA256(key = beacon, entry_digest || int8 c || int8 i)
 *	  x_i = the first 8 bytes of h_i, unsigned big-endian
 *	  u_i = (2 x_i + 1) / 2^65, in (0, 1)
 *	  key_j = sum over i <= j of -ln(u_i) / (n - i + 1)
 *
 * key_1 < key_2 < ... are the first order statistics of n independent
 * exponential variables (Renyi's representation), so sorting every key of
 * every customer, smallest first, is drawing tickets one by one from a drum
 * without replacement.  The ticket stored with a result is the first 16
 * bytes of h_j.
 *
 * The key is defined by numeric arithmetic: u_i exactly (2^-65 has 65
 * decimal places), ln and division as numeric computes them, the sum
 * exactly.  verify_draw computes it so in SQL.  The draw computes keys in
 * double precision, whose error is below 1e-12 of the key, and recomputes in
 * numeric every run of neighbouring keys that lie within 1e-9 of each other,
 * so its order is exactly the numeric order (ties, which need two keys
 * equal in dozens of digits, go by customer_id and ticket number).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "commands/async.h"
#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/int.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplesort.h"
#include "utils/typcache.h"

#ifdef USE_OPENSSL
#include <openssl/evp.h>
#endif

#include "promo_draw.h"
#include "seal.h"
#include "sqlexec.h"

#define SEAL_HEADER "promo_draw sealed draw v1"

/* 2^-65, exactly: u = (2x + 1) * 2^-65 */
#define TWO_TO_MINUS_65 "0.00000000000000000002710505431213761085018632002174854278564453125"

/* neighbouring double keys closer than this (relative) are compared in numeric */
#define SEAL_TIE_WINDOW 1e-9

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

/* Called for every participant of a sealed draw, by customer_id. */
typedef void (*SealedEntryFn) (void *arg, int64 customer_id, int64 tickets);

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
static void
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
	Datum		args[2];
	bool		isnull;

	Assert(draw->sealed && draw->status == DRAW_OPEN);
	ScanSealedEntries(draw, prizes, nprizes, NULL, NULL, digest);

	SET_VARSIZE(value, VARHDRSZ + DRAW_DIGEST_LEN);
	memcpy(VARDATA(value), digest, DRAW_DIGEST_LEN);
	args[0] = Int64GetDatum(draw->draw_id);
	args[1] = PointerGetDatum(value);
	if (SqlRunLatest(&seal_plan, args, NULL, 0) != 1)
		elog(ERROR, "draw %lld changed while it was being sealed", (long long) draw->draw_id);
	draw->sealed_at = DatumGetTimestampTz(SqlValue(0, 1, &isnull));
	draw->status = DRAW_SEALED;
	draw->has_digest = true;
	memcpy(draw->entry_digest, digest, DRAW_DIGEST_LEN);

	Async_Notify("promo_draw",
				 psprintf("{\"draw_id\": " INT64_FORMAT ", \"status\": \"sealed\", "
						  "\"entry_digest\": \"%s\"}",
						  draw->draw_id, DigestHex(digest)));
}

/* Raise PD041 unless the draw is a sealed draw. */
static void
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
	LockDrawBarrier(draw_id);
	draw = LoadDraw(draw_id, false);
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

/*
 * Makes the h_i of a sealed draw's tickets: HMAC-SHA256 under the beacon of
 * entry_digest || int8 customer || int8 i.  With OpenSSL (every Debian
 * build), the hash states after the key's inner pad and the digest, and
 * after its outer pad, are computed once and copied for every ticket: two
 * SHA-256 blocks a ticket instead of four, and no key set-up.  Elsewhere it
 * is pg_hmac.  verify_draw computes the same values with pgcrypto.
 */
typedef struct KeyMaker
{
#ifdef USE_OPENSSL
	EVP_MD_CTX *inner;			/* after (key ^ ipad) || entry_digest */
	EVP_MD_CTX *outer;			/* after (key ^ opad) */
	EVP_MD_CTX *work;
	MemoryContextCallback cleanup;
#else
	pg_hmac_ctx *hmac;
	const uint8 *beacon;
	size_t		beaconlen;
#endif
	uint8		message[DRAW_DIGEST_LEN + 16];
} KeyMaker;

/* Report a failure of the hash implementation. */
static void
KeyFailed(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INTERNAL_ERROR),
			 errmsg("could not compute a ticket key")));
}

#ifdef USE_OPENSSL
/* Free the OpenSSL contexts of a KeyMaker, with the memory it lives in. */
static void
KeyMakerCleanup(void *arg)
{
	KeyMaker   *km = (KeyMaker *) arg;

	EVP_MD_CTX_free(km->inner);
	EVP_MD_CTX_free(km->outer);
	EVP_MD_CTX_free(km->work);
	km->inner = km->outer = km->work = NULL;
}
#endif

/*
 * Start making h_i under a beacon for an entry digest.  The maker is freed
 * with the memory context it is allocated in.
 */
static KeyMaker *
KeyMakerStart(const uint8 *beacon, size_t beaconlen, const uint8 *digest)
{
	KeyMaker   *km = palloc0(sizeof(KeyMaker));

	memcpy(km->message, digest, DRAW_DIGEST_LEN);
#ifdef USE_OPENSSL
	{
		uint8		key[64];
		uint8		pad[64];

		/* a key longer than a block is hashed first, as HMAC says */
		memset(key, 0, sizeof(key));
		if (beaconlen > sizeof(key))
		{
			pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

			if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
				pg_cryptohash_update(ctx, beacon, beaconlen) < 0 ||
				pg_cryptohash_final(ctx, key, 32) < 0)
				KeyFailed();
			pg_cryptohash_free(ctx);
		}
		else
			memcpy(key, beacon, beaconlen);

		km->inner = EVP_MD_CTX_new();
		km->outer = EVP_MD_CTX_new();
		km->work = EVP_MD_CTX_new();
		km->cleanup.func = KeyMakerCleanup;
		km->cleanup.arg = km;
		MemoryContextRegisterResetCallback(CurrentMemoryContext, &km->cleanup);
		if (km->inner == NULL || km->outer == NULL || km->work == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
		for (int i = 0; i < 64; i++)
			pad[i] = key[i] ^ 0x36;
		if (EVP_DigestInit_ex(km->inner, EVP_sha256(), NULL) != 1 ||
			EVP_DigestUpdate(km->inner, pad, 64) != 1 ||
			EVP_DigestUpdate(km->inner, digest, DRAW_DIGEST_LEN) != 1)
			KeyFailed();
		for (int i = 0; i < 64; i++)
			pad[i] = key[i] ^ 0x5c;
		if (EVP_DigestInit_ex(km->outer, EVP_sha256(), NULL) != 1 ||
			EVP_DigestUpdate(km->outer, pad, 64) != 1)
			KeyFailed();
	}
#else
	km->hmac = pg_hmac_create(PG_SHA256);
	if (km->hmac == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	km->beacon = beacon;
	km->beaconlen = beaconlen;
#endif
	return km;
}

/* Release what KeyMakerStart took. */
static void
KeyMakerEnd(KeyMaker *km)
{
#ifdef USE_OPENSSL
	KeyMakerCleanup(km);
#else
	pg_hmac_free(km->hmac);
	km->hmac = NULL;
#endif
}

/* h_i for customer c's ticket i. */
static void
KeyHmac(KeyMaker *km, int64 customer_id, int64 i, uint8 *h)
{
	uint64		be;

	be = pg_hton64((uint64) customer_id);
	memcpy(km->message + DRAW_DIGEST_LEN, &be, 8);
	be = pg_hton64((uint64) i);
	memcpy(km->message + DRAW_DIGEST_LEN + 8, &be, 8);
#ifdef USE_OPENSSL
	{
		uint8		inner[32];

		if (EVP_MD_CTX_copy_ex(km->work, km->inner) != 1 ||
			EVP_DigestUpdate(km->work, km->message + DRAW_DIGEST_LEN, 16) != 1 ||
			EVP_DigestFinal_ex(km->work, inner, NULL) != 1 ||
			EVP_MD_CTX_copy_ex(km->work, km->outer) != 1 ||
			EVP_DigestUpdate(km->work, inner, 32) != 1 ||
			EVP_DigestFinal_ex(km->work, h, NULL) != 1)
			KeyFailed();
	}
#else
	if (pg_hmac_init(km->hmac, km->beacon, km->beaconlen) < 0 ||
		pg_hmac_update(km->hmac, km->message, sizeof(km->message)) < 0 ||
		pg_hmac_final(km->hmac, h, 32) < 0)
		KeyFailed();
#endif
}

/* x_i: the first 8 bytes of h_i, unsigned big-endian. */
static inline uint64
KeyBits(const uint8 *h)
{
	uint64		be;

	memcpy(&be, h, 8);
	return pg_ntoh64(be);
}

/*
 * -ln(u) for u = (2x + 1) / 2^65, in double precision, accurate to a few
 * units in the last place: through log1p(-(1 - u)) when u is above one half,
 * where 1 - u = (2y + 1) / 2^65 with y = 2^64 - 1 - x is exact.
 */
static inline double
ExpDouble(uint64 x)
{
	if (x < (UINT64CONST(1) << 63))
		return -log(ldexp((double) x + 0.5, -64));
	return -log1p(-ldexp((double) (PG_UINT64_MAX - x) + 0.5, -64));
}

/* -ln(u) for u = (2x + 1) / 2^65, in numeric, as verify_draw computes it. */
static Numeric
ExpNumeric(uint64 x)
{
	char		buf[32];
	Datum		xn;
	Datum		u;

	snprintf(buf, sizeof(buf), UINT64_FORMAT, x);
	xn = DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	u = DirectFunctionCall2(numeric_add,
							DirectFunctionCall2(numeric_mul,
												NumericGetDatum(int64_to_numeric(2)), xn),
							NumericGetDatum(int64_to_numeric(1)));
	u = DirectFunctionCall2(numeric_mul, u,
							DirectFunctionCall3(numeric_in, CStringGetDatum(TWO_TO_MINUS_65),
												ObjectIdGetDatum(InvalidOid),
												Int32GetDatum(-1)));
	return DatumGetNumeric(DirectFunctionCall1(numeric_uminus,
											   DirectFunctionCall1(numeric_ln, u)));
}

/* The exact (numeric) key of customer c's j-th ticket of n. */
static Numeric
ExactKey(KeyMaker *km, int64 customer_id, int32 j, int64 n)
{
	Datum		key = NumericGetDatum(int64_to_numeric(0));

	for (int32 i = 1; i <= j; i++)
	{
		uint8		h[32];
		Datum		term;

		KeyHmac(km, customer_id, i, h);
		term = DirectFunctionCall2(numeric_div, NumericGetDatum(ExpNumeric(KeyBits(h))),
								   NumericGetDatum(int64_to_numeric(n - i + 1)));
		key = DirectFunctionCall2(numeric_add, key, term);
	}
	return DatumGetNumeric(key);
}

/* One ticket as it comes out of the sort. */
typedef struct SortedTicket
{
	double		key;
	int64		customer_id;
	int32		rank;
	int64		tickets;
	pg_uuid_t	ticket;			/* the first 16 bytes of its h */
	Numeric		exact;			/* set when compared in numeric */
} SortedTicket;

/* The columns of the sort, in SortedTicket's order. */
#define SEALED_SORT_COLS 5

struct SealedSort
{
	DrawState  *draw;
	KeyMaker   *km;
	Tuplesortstate *sort;
	TupleDesc	desc;
	TupleTableSlot *slot;
	int			max_wins;
	int			part;			/* sort the customers whose customer_id */
	int			parts;			/* mod parts is part; parts 1: everyone */
	/* while the entries are read */
	int64		participants;
	int64		tickets;		/* sum not yet added to tickets_total */
	Numeric		tickets_total;
	/* while the tickets come out: a run of near ties, then its order */
	SortedTicket *run;
	int			nrun;
	int			maxrun;
	SortedTicket *out;
	int			nout;
	int			nextout;
	SortedTicket *last;			/* the ticket SealedSortNext returned last */
	bool		exhausted;
	MemoryContext tiecxt;
};

/* Put a customer's keys into the sort. */
static void
SealedSortAddEntry(void *arg, int64 customer_id, int64 tickets)
{
	SealedSort *ss = (SealedSort *) arg;
	int64		m = Min(tickets, (int64) ss->max_wins);
	double		key = 0;

	if (ss->parts > 1 && (customer_id % ss->parts + ss->parts) % ss->parts != ss->part)
		return;
	for (int32 j = 1; j <= m; j++)
	{
		uint8		h[32];
		Datum	   *values = ss->slot->tts_values;

		KeyHmac(ss->km, customer_id, j, h);
		key += ExpDouble(KeyBits(h)) / (double) (tickets - j + 1);

		ExecClearTuple(ss->slot);
		values[0] = Float8GetDatum(key);
		values[1] = Int64GetDatum(customer_id);
		values[2] = Int32GetDatum(j);
		values[3] = Int64GetDatum(tickets);
		values[4] = UUIDPGetDatum((pg_uuid_t *) h);
		memset(ss->slot->tts_isnull, 0, SEALED_SORT_COLS * sizeof(bool));
		ExecStoreVirtualTuple(ss->slot);
		tuplesort_puttupleslot(ss->sort, ss->slot);
	}
	ss->participants++;
	if (pg_add_s64_overflow(ss->tickets, tickets, &ss->tickets))
	{
		ss->tickets_total = numeric_add_opt_error(ss->tickets_total,
												  int64_to_numeric(ss->tickets), NULL);
		ss->tickets = tickets;
	}
}

/*
 * Read a sealed draw's participants, check them against its entry digest
 * (unless check_digest is false: a shard holds only some of the entries
 * its digest covers, and the proxy checks them all), and sort the keys of
 * the tickets of those whose customer_id mod parts is part (parts = 1:
 * everyone's; a shard's proxy may fetch them in parts).  Counts the
 * participants and tickets sorted.
 * The sort stays within sort_mem kB and spills beyond it.  Needs an SPI
 * connection.
 */
SealedSort *
SealedSortBegin(DrawState *draw, Prize *prizes, int nprizes, int sort_mem,
				bool check_digest, int part, int parts,
				int64 *participants, Numeric *tickets_total)
{
	SealedSort *ss = palloc0(sizeof(SealedSort));
	AttrNumber	keys[3] = {1, 2, 3};
	Oid			ops[3];
	Oid			collations[3] = {InvalidOid, InvalidOid, InvalidOid};
	bool		nulls_first[3] = {false, false, false};
	uint8		digest[DRAW_DIGEST_LEN];

	CheckSealedDrawable(draw);
	ss->draw = draw;
	ss->max_wins = draw->max_wins;
	ss->part = part;
	ss->parts = parts;
	ss->km = KeyMakerStart((const uint8 *) VARDATA_ANY(draw->beacon),
						   VARSIZE_ANY_EXHDR(draw->beacon), draw->entry_digest);

	ss->desc = CreateTemplateTupleDesc(SEALED_SORT_COLS);
	TupleDescInitEntry(ss->desc, 1, "key", FLOAT8OID, -1, 0);
	TupleDescInitEntry(ss->desc, 2, "customer_id", INT8OID, -1, 0);
	TupleDescInitEntry(ss->desc, 3, "rank", INT4OID, -1, 0);
	TupleDescInitEntry(ss->desc, 4, "tickets", INT8OID, -1, 0);
	TupleDescInitEntry(ss->desc, 5, "ticket", UUIDOID, -1, 0);
	ops[0] = lookup_type_cache(FLOAT8OID, TYPECACHE_LT_OPR)->lt_opr;
	ops[1] = lookup_type_cache(INT8OID, TYPECACHE_LT_OPR)->lt_opr;
	ops[2] = lookup_type_cache(INT4OID, TYPECACHE_LT_OPR)->lt_opr;
	ss->sort = tuplesort_begin_heap(ss->desc, 3, keys, ops, collations, nulls_first,
									sort_mem, NULL, TUPLESORT_NONE);
	ss->slot = MakeSingleTupleTableSlot(ss->desc, &TTSOpsVirtual);
	ss->tickets_total = int64_to_numeric(0);

	ScanSealedEntries(draw, prizes, nprizes, SealedSortAddEntry, ss, digest);
	if (check_digest && memcmp(digest, draw->entry_digest, DRAW_DIGEST_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the entries of sealed draw %lld do not match its digest",
						(long long) draw->draw_id),
				 errdetail("It was sealed with digest %s; its entries, prizes and rules now give %s.",
						   DigestHex(draw->entry_digest), DigestHex(digest)),
				 errhint("Something changed the tables behind promo_draw's back; the draw is not run.")));
	tuplesort_performsort(ss->sort);
	ExecDropSingleTupleTableSlot(ss->slot);
	ss->slot = MakeSingleTupleTableSlot(ss->desc, &TTSOpsMinimalTuple);

	ss->maxrun = 16;
	ss->run = palloc(sizeof(SortedTicket) * ss->maxrun);
	ss->out = palloc(sizeof(SortedTicket) * ss->maxrun);
	ss->tiecxt = AllocSetContextCreate(CurrentMemoryContext, "promo_draw sealed ties",
									   ALLOCSET_SMALL_SIZES);

	*participants = ss->participants;
	*tickets_total = numeric_add_opt_error(ss->tickets_total,
										   int64_to_numeric(ss->tickets), NULL);
	return ss;
}

/* Order two tickets by exact key, then customer, then ticket number. */
static int
SortedTicketCmp(const void *a, const void *b)
{
	const SortedTicket *x = (const SortedTicket *) a;
	const SortedTicket *y = (const SortedTicket *) b;
	int			c = DatumGetInt32(DirectFunctionCall2(numeric_cmp,
													  NumericGetDatum(x->exact),
													  NumericGetDatum(y->exact)));

	if (c != 0)
		return c;
	if (x->customer_id != y->customer_id)
		return x->customer_id < y->customer_id ? -1 : 1;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

/*
 * The run of near ties collected so far becomes the output, in exact order:
 * a run of one, nearly always, needs no numeric at all.
 */
static void
FlushRun(SealedSort *ss)
{
	MemoryContextReset(ss->tiecxt);
	if (ss->nrun > 1)
	{
		MemoryContext old = MemoryContextSwitchTo(ss->tiecxt);

		for (int i = 0; i < ss->nrun; i++)
		{
			SortedTicket *t = &ss->run[i];

			t->exact = ExactKey(ss->km, t->customer_id, t->rank, t->tickets);
		}
		qsort(ss->run, ss->nrun, sizeof(SortedTicket), SortedTicketCmp);
		MemoryContextSwitchTo(old);
	}
	if (ss->nrun > 0)
	{
		SortedTicket *swap = ss->out;

		ss->out = ss->run;
		ss->run = swap;
	}
	ss->nout = ss->nrun;
	ss->nextout = 0;
	ss->nrun = 0;
}

/*
 * The next ticket of a sealed draw, smallest key first: its value, customer
 * and rank among the customer's tickets.  Returns false after the last.
 */
bool
SealedSortNext(void *source, pg_uuid_t *ticket, int64 *customer_id, int32 *rank)
{
	SealedSort *ss = (SealedSort *) source;

	while (ss->nextout >= ss->nout)
	{
		SortedTicket t;
		bool		isnull;

		if (ss->exhausted)
		{
			if (ss->nrun == 0)
				return false;
			FlushRun(ss);
			continue;
		}
		if (!tuplesort_gettupleslot(ss->sort, true, false, ss->slot, NULL))
		{
			ss->exhausted = true;
			continue;
		}
		t.key = DatumGetFloat8(slot_getattr(ss->slot, 1, &isnull));
		t.customer_id = DatumGetInt64(slot_getattr(ss->slot, 2, &isnull));
		t.rank = DatumGetInt32(slot_getattr(ss->slot, 3, &isnull));
		t.tickets = DatumGetInt64(slot_getattr(ss->slot, 4, &isnull));
		t.ticket = *DatumGetUUIDP(slot_getattr(ss->slot, 5, &isnull));
		t.exact = NULL;

		/* a ticket far from the run before it ends that run */
		if (ss->nrun > 0 &&
			t.key - ss->run[ss->nrun - 1].key > SEAL_TIE_WINDOW * t.key)
			FlushRun(ss);
		if (ss->nrun == ss->maxrun)
		{
			ss->maxrun *= 2;
			ss->run = repalloc(ss->run, sizeof(SortedTicket) * ss->maxrun);
			ss->out = repalloc(ss->out, sizeof(SortedTicket) * ss->maxrun);
		}
		ss->run[ss->nrun++] = t;
	}

	ss->last = &ss->out[ss->nextout];
	*ticket = ss->last->ticket;
	*customer_id = ss->last->customer_id;
	*rank = ss->last->rank;
	ss->nextout++;
	return true;
}

/* Release what SealedSortBegin took. */
void
SealedSortEnd(SealedSort *ss)
{
	tuplesort_end(ss->sort);
	ExecDropSingleTupleTableSlot(ss->slot);
	KeyMakerEnd(ss->km);
	MemoryContextDelete(ss->tiecxt);
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
	LockDrawBarrier(draw_id);
	draw = LoadDraw(draw_id, false);
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
	Datum		args[2];

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "digest");
	draw_id = PG_GETARG_INT64(0);
	digest = PG_GETARG_BYTEA_PP(1);
	if (VARSIZE_ANY_EXHDR(digest) != DRAW_DIGEST_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an entry digest is %d bytes long", DRAW_DIGEST_LEN)));
	SPI_connect();
	LockDrawRunner(draw_id, false);
	LockDrawBarrier(draw_id);
	draw = LoadDraw(draw_id, true);
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
		args[0] = Int64GetDatum(draw_id);
		args[1] = PointerGetDatum(digest);
		if (SqlRunLatest(&seal_plan, args, NULL, 0) != 1)
			elog(ERROR, "draw %lld changed while it was being sealed", (long long) draw_id);
		Async_Notify("promo_draw",
					 psprintf("{\"draw_id\": " INT64_FORMAT ", \"status\": \"sealed\", "
							  "\"entry_digest\": \"%s\"}",
							  draw_id, DigestHex((const uint8 *) VARDATA_ANY(digest))));
	}
	SPI_finish();
	PG_RETURN_BYTEA_P(digest);
}

/*
 * shard_sealed_tickets(draw_id, part, parts): on a shard, the keys of its
 * participants' tickets in a sealed draw that has its beacon, in the draw's
 * order (key, then customer, then ticket number; near ties settled in
 * numeric), for the proxy to merge: key, customer_id, rank, tickets,
 * ticket.  Only the participants whose customer_id mod parts is part.
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
	LockDrawRunner(draw_id, false);
	LockDrawBarrier(draw_id);
	draw = LoadDraw(draw_id, true);
	CheckDrawNotFinished(draw);
	CheckDrawSealed(draw);
	prizes = LoadPrizes(draw_id, &nprizes);
	ss = SealedSortBegin(draw, prizes, nprizes, work_mem, false, part, parts,
						 &participants, &tickets_total);
	while (SealedSortNext(ss, &ticket, &customer_id, &rank))
	{
		Datum		values[5];
		bool		nulls[5] = {false};

		values[0] = Float8GetDatum(ss->last->key);
		values[1] = Int64GetDatum(customer_id);
		values[2] = Int32GetDatum(rank);
		values[3] = Int64GetDatum(ss->last->tickets);
		values[4] = UUIDPGetDatum(&ticket);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		CHECK_FOR_INTERRUPTS();
	}
	SealedSortEnd(ss);
	SPI_finish();
	return (Datum) 0;
}
