/*-------------------------------------------------------------------------
 *
 * sealed_order.c
 *	  The order of a sealed draw's tickets, from its public beacon.
 *
 * The order of tickets.  Entry e (reference r, customer c) with n tickets
 * has keys for its first m = min(n, max_wins_per_customer) tickets:
 *
 *	  h_i = HMAC-SHA256(key = beacon, entry_digest || r || int8 i)
 *		   (digest version 1: entry_digest || int8 c || int8 i)
 *	  x_i = the first 8 bytes of h_i, unsigned big-endian
 *	  u_i = (2 x_i + 1) / 2^65, in (0, 1)
 *	  key_j = sum over i <= j of -ln(u_i) / (n - i + 1)
 *
 * key_1 < key_2 < ... are the first order statistics of n independent
 * exponential variables (Renyi's representation), so sorting every key of
 * every entry, smallest first, is drawing tickets one by one from a drum
 * without replacement.  The ticket stored with a result is the first 16
 * bytes of h_j.
 *
 * Version 2 orders the keys as the real numbers they are: two keys are
 * equal only when their entries hold as many tickets and have the same x_1
 * .. x_j (a 64-bit hash collision), and equal keys go by reference.  The
 * draw computes keys in double precision, whose error is below 1e-12 of the
 * key, and recomputes in numeric, to 130 decimal places, every run of
 * neighbouring keys within 1e-9 of each other: far beyond any difference
 * between unequal keys, so its order is the real order (and verify_draw's,
 * and an offline verifier's).  Version 1 defined the key by numeric's own
 * rounding (65 places) and broke ties by customer_id; its draws still
 * order so.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/int.h"
#include "executor/tuptable.h"
#include "fmgr.h"
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

#include "draw.h"
#include "promo_draw.h"

/* 2^-65, exactly: u = (2x + 1) * 2^-65 */
#define TWO_TO_MINUS_65 "0.00000000000000000002710505431213761085018632002174854278564453125"

/* digest version 2: u, ln and the division to 130 decimal places */
#define EXACT_KEY_PRECISION 200
#define EXACT_KEY_SCALE 130

/* neighbouring double keys closer than this (relative) are compared in numeric */
#define SEAL_TIE_WINDOW 1e-9


/*
 * Makes the h_i of a sealed draw's tickets: HMAC-SHA256 under the beacon of
 * entry_digest || entry_ref || int8 i (digest version 2; version 1 had
 * int8 customer in place of the reference).  With OpenSSL (every Debian
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
	bool		by_ref;			/* digest version 2 */
	int			tail;			/* bytes after the digest: 24, or 16 in v1 */
	uint8		message[DRAW_DIGEST_LEN + 24];
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
KeyMakerStart(const uint8 *beacon, size_t beaconlen, const uint8 *digest, bool by_ref)
{
	KeyMaker   *km = palloc0(sizeof(KeyMaker));

	km->by_ref = by_ref;
	km->tail = by_ref ? UUID_LEN + 8 : 16;
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

/* h_i for the ticket i of customer c, whose entry reference is ref (v2). */
static void
KeyHmac(KeyMaker *km, int64 customer_id, const pg_uuid_t *ref, int64 i, uint8 *h)
{
	uint64		be;
	uint8	   *tail = km->message + DRAW_DIGEST_LEN;

	if (km->by_ref)
	{
		memcpy(tail, ref->data, UUID_LEN);
		tail += UUID_LEN;
	}
	else
	{
		be = pg_hton64((uint64) customer_id);
		memcpy(tail, &be, 8);
		tail += 8;
	}
	be = pg_hton64((uint64) i);
	memcpy(tail, &be, 8);
#ifdef USE_OPENSSL
	{
		uint8		inner[32];

		if (EVP_MD_CTX_copy_ex(km->work, km->inner) != 1 ||
			EVP_DigestUpdate(km->work, km->message + DRAW_DIGEST_LEN, km->tail) != 1 ||
			EVP_DigestFinal_ex(km->work, inner, NULL) != 1 ||
			EVP_MD_CTX_copy_ex(km->work, km->outer) != 1 ||
			EVP_DigestUpdate(km->work, inner, 32) != 1 ||
			EVP_DigestFinal_ex(km->work, h, NULL) != 1)
			KeyFailed();
	}
#else
	if (pg_hmac_init(km->hmac, km->beacon, km->beaconlen) < 0 ||
		pg_hmac_update(km->hmac, km->message, DRAW_DIGEST_LEN + km->tail) < 0 ||
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

/*
 * -ln(u) for u = (2x + 1) / 2^65, in numeric, as verify_draw computes it:
 * u is exact (65 decimal places); by_ref (digest version 2) gives u, and so
 * ln and the division, 130 decimal places, far past any difference between
 * two keys that are not equal, so that numeric's order is the order of the
 * real numbers the keys are.  Version 1 keeps numeric's own 65.
 */
static Numeric
ExpNumeric(uint64 x, bool by_ref)
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
	if (by_ref)
		u = DirectFunctionCall2(numeric, u,
								Int32GetDatum(((EXACT_KEY_PRECISION << 16) | EXACT_KEY_SCALE) +
											  VARHDRSZ));
	return DatumGetNumeric(DirectFunctionCall1(numeric_uminus,
											   DirectFunctionCall1(numeric_ln, u)));
}

/* The exact (numeric) key of customer c's j-th ticket of n. */
static Numeric
ExactKey(KeyMaker *km, int64 customer_id, const pg_uuid_t *ref, int32 j, int64 n)
{
	Datum		key = NumericGetDatum(int64_to_numeric(0));

	for (int32 i = 1; i <= j; i++)
	{
		uint8		h[32];
		Datum		term;

		KeyHmac(km, customer_id, ref, i, h);
		term = DirectFunctionCall2(numeric_div,
								   NumericGetDatum(ExpNumeric(KeyBits(h), km->by_ref)),
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
	bool		by_ref;			/* digest version 2: ties go by ref */
	pg_uuid_t	ref;			/* the entry's reference (version 2) */
	Numeric		exact;			/* set when compared in numeric */
} SortedTicket;

/* The columns of the sort, in SortedTicket's order. */
#define SEALED_SORT_COLS 6

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
SealedSortAddEntry(void *arg, int64 customer_id, int64 tickets, const pg_uuid_t *ref)
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

		KeyHmac(ss->km, customer_id, ref, j, h);
		key += ExpDouble(KeyBits(h)) / (double) (tickets - j + 1);

		ExecClearTuple(ss->slot);
		values[0] = Float8GetDatum(key);
		values[1] = Int64GetDatum(customer_id);
		values[2] = Int32GetDatum(j);
		values[3] = Int64GetDatum(tickets);
		values[4] = UUIDPGetDatum((pg_uuid_t *) h);
		memset(ss->slot->tts_isnull, 0, SEALED_SORT_COLS * sizeof(bool));
		if (ref)
			values[5] = UUIDPGetDatum(ref);
		else
			ss->slot->tts_isnull[5] = true;
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
						   VARSIZE_ANY_EXHDR(draw->beacon), draw->entry_digest,
						   draw->digest_version == 2);

	ss->desc = CreateTemplateTupleDesc(SEALED_SORT_COLS);
	TupleDescInitEntry(ss->desc, 1, "key", FLOAT8OID, -1, 0);
	TupleDescInitEntry(ss->desc, 2, "customer_id", INT8OID, -1, 0);
	TupleDescInitEntry(ss->desc, 3, "rank", INT4OID, -1, 0);
	TupleDescInitEntry(ss->desc, 4, "tickets", INT8OID, -1, 0);
	TupleDescInitEntry(ss->desc, 5, "ticket", UUIDOID, -1, 0);
	TupleDescInitEntry(ss->desc, 6, "ref", UUIDOID, -1, 0);
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
	/* equal keys: by entry reference (version 2) or customer (version 1) */
	if (x->by_ref)
	{
		c = memcmp(x->ref.data, y->ref.data, UUID_LEN);
		if (c != 0)
			return c;
	}
	else if (x->customer_id != y->customer_id)
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

			t->exact = ExactKey(ss->km, t->customer_id, &t->ref, t->rank, t->tickets);
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
SealedSortNext(void *source, pg_uuid_t *ticket, int64 *customer_id, int32 *rank,
			   pg_uuid_t *ref)
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
		t.by_ref = ss->km->by_ref;
		if (t.by_ref)
			t.ref = *DatumGetUUIDP(slot_getattr(ss->slot, 6, &isnull));
		else
			memset(&t.ref, 0, sizeof(t.ref));
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
	*ref = ss->last->ref;
	ss->nextout++;
	return true;
}

/*
 * The key and the customer's ticket count of the ticket SealedSortNext
 * returned last, for a shard to hand the proxy.
 */
void
SealedSortLast(SealedSort *ss, double *key, int64 *tickets)
{
	*key = ss->last->key;
	*tickets = ss->last->tickets;
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

