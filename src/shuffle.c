/*-------------------------------------------------------------------------
 *
 * shuffle.c
 *	  Unbiased random ranges, permutations and codes, from pg_strong_random()
 *	  only.
 *
 * Random bytes are drawn from pg_strong_random() a buffer at a time.  A
 * number below a bound is drawn by rejection: 64-bit values in the short
 * range that would favour the low numbers (the first 2^64 mod bound of
 * them) are thrown away, so every number below the bound is exactly as
 * likely as every other; there is no modulo bias.  Permutations are
 * Fisher-Yates shuffles over such draws.  If the strong source fails, so
 * does the call; there is no weaker fallback.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "promo_draw.h"

#define RANDOM_BUFFER 4096
#define PERMUTATION_MAX 10000000
#define CODE_MAX_LENGTH 32

/* Characters of generated codes: no 0/O, 1/I/L to misread. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

typedef struct RandomSource
{
	uint8		buf[RANDOM_BUFFER];
	int			len;			/* bytes drawn at a time */
	int			pos;
} RandomSource;

/* Start a source that draws about need bytes at a time. */
static void
RandomStart(RandomSource *rs, int need)
{
	rs->len = Min(Max(need, 64), RANDOM_BUFFER) & ~7;
	rs->pos = rs->len;
}

/* 64 random bits. */
static uint64
RandomUint64(RandomSource *rs)
{
	uint64		v;

	if (rs->pos + sizeof(v) > rs->len)
	{
		if (!pg_strong_random(rs->buf, rs->len))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate random bytes"),
					 errdetail("pg_strong_random() failed; promo_draw never falls back to a weaker source.")));
		rs->pos = 0;
	}
	memcpy(&v, rs->buf + rs->pos, sizeof(v));
	rs->pos += sizeof(v);
	return v;
}

/*
 * A number uniform in [0, bound).  (0 - bound) % bound is 2^64 mod bound:
 * the values below it are rejected, and what remains is a whole number of
 * copies of [0, bound).
 */
static uint64
RandomBelow(RandomSource *rs, uint64 bound)
{
	uint64		reject_below = (0 - bound) % bound;
	uint64		v;

	Assert(bound > 0);
	do
		v = RandomUint64(rs);
	while (v < reject_below);
	return v % bound;
}

/*
 * random_permutation(n): a uniformly random permutation of 1 .. n, as rows
 * (item, slot): item i goes to slot.  Fisher-Yates over unbiased draws; n is
 * at most 10,000,000.
 */
PG_FUNCTION_INFO_V1(random_permutation);
Datum
random_permutation(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		n = PG_GETARG_INT64(0);
	int32	   *position;
	RandomSource rs;

	if (n < 0 || n > PERMUTATION_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 0 and %d", PERMUTATION_MAX),
				 errdetail("random_permutation() was asked for %lld items.", (long long) n)));

	InitMaterializedSRF(fcinfo, 0);
	position = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * Max(n, 1));
	for (int64 i = 0; i < n; i++)
		position[i] = (int32) (i + 1);

	/* Fisher-Yates: position[i] is swapped with a uniform pick of [0, i] */
	RandomStart(&rs, RANDOM_BUFFER);
	for (int64 i = n - 1; i > 0; i--)
	{
		int64		j = (int64) RandomBelow(&rs, (uint64) i + 1);
		int32		tmp = position[i];

		position[i] = position[j];
		position[j] = tmp;
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}

	for (int64 i = 0; i < n; i++)
	{
		Datum		values[2] = {Int64GetDatum(i + 1), Int64GetDatum(position[i])};
		bool		nulls[2] = {false, false};

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(position);
	return (Datum) 0;
}

/*
 * random_code(length): length characters drawn uniformly from an alphabet
 * of 31 that leaves out 0, O, 1, I and L.  Length 1 to 32.
 */
PG_FUNCTION_INFO_V1(random_code);
Datum
random_code(PG_FUNCTION_ARGS)
{
	int32		length = PG_GETARG_INT32(0);
	char		code[CODE_MAX_LENGTH + 1];
	RandomSource rs;

	if (length < 1 || length > CODE_MAX_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("length must be between 1 and %d", CODE_MAX_LENGTH)));

	RandomStart(&rs, 8 * length + 16);
	for (int i = 0; i < length; i++)
		code[i] = code_alphabet[RandomBelow(&rs, sizeof(code_alphabet) - 1)];
	code[length] = '\0';
	PG_RETURN_TEXT_P(cstring_to_text(code));
}
