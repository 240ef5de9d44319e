/*-------------------------------------------------------------------------
 *
 * bonus.c
 *	  Playthrough (wagering) bonuses: the arithmetic of what a bonus
 *	  requires and is worth, and the simulation of playing it through.
 *
 * A bonus of amount A with playthrough P turns into cash once A x P has
 * been wagered.  Each bet of stake s returns s x r on average (r is the
 * game's payout rate), so wagering A x P costs A x P x (1 - r) on average:
 * the expected balance is max(0, A - A x P x (1 - r)).  The simulation
 * plays actual bets:
 *
 *	  - every bet stakes s (while the balance holds at least s) and counts
 *		in full towards the wagering;
 *	  - a bet pays s x r / q with probability q = r^2 / (r^2 + v^2), and
 *		nothing otherwise, where v is the volatility: the mean return is
 *		s x r and its standard deviation s x v.  With v = 0 every bet
 *		returns exactly s x r (the smooth ride);
 *	  - a trial ends when the wagering is done (cleared: the balance is
 *		cash) or when the balance is below s (lost: worth 0).
 *
 * Money is counted in exact integer units of 10^-8 inside a trial, so the
 * smooth ride gives exact figures and no float rounding decides whether a
 * last bet can be placed.  The random numbers of a simulation come from a
 * seeded generator, so that the same seed gives the same figures; without
 * a seed, the seed itself comes from pg_strong_random().  Simulations decide
 * no outcome for any customer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "common/int.h"
#include "common/pg_prng.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "money.h"
#include "promo_draw.h"

/* Money inside a simulation: integer units of 10^-UNIT_DIGITS. */
#define UNIT_DIGITS 8
#define MONEY_MAX_DIGITS 10		/* amounts and stakes below 10^10 */
#define SIMULATE_MAX_TRIALS 1000000
#define SIMULATE_MAX_BETS INT64CONST(1000000000)
#define VOLATILITY_MAX 1000
#define PAYOUT_RATE_MAX 100

#define SIMULATE_COLUMNS 4

/* A numeric argument must be given, finite and not negative (or positive). */
static inline Numeric
CheckNumericArg(FunctionCallInfo fcinfo, int argno, const char *name, bool positive)
{
	Numeric		num;

	CHECK_ARG_NOT_NULL(fcinfo, argno, name);
	num = PG_GETARG_NUMERIC(argno);
	CheckAmount(num, name, positive);
	return num;
}

/* A money amount in units, for amounts below 10^MONEY_MAX_DIGITS. */
static int64
MoneyToUnits(Numeric num, const char *name)
{
	Numeric		limit = int64_div_fast_to_numeric(1, -MONEY_MAX_DIGITS);
	Numeric		scaled;

	if (MoneyCmp(num, limit) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be less than 10000000000", name),
				 errdetail("The %s given was %s.", name, MoneyText(num))));
	scaled = NumericMul(num, int64_div_fast_to_numeric(1, -UNIT_DIGITS));
	scaled = DatumGetNumeric(DirectFunctionCall2(numeric_round, NumericGetDatum(scaled),
												 Int32GetDatum(0)));
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(scaled)));
}

/* Units as a numeric rounded to scale digits. */
static Datum
UnitsToMoney(int64 units, int scale)
{
	Numeric		num = int64_div_fast_to_numeric(units, UNIT_DIGITS);

	return DirectFunctionCall2(numeric_round, NumericGetDatum(num), Int32GetDatum(scale));
}

/* Ascending order of int64 values, for qsort. */
static int
CompareInt64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * The p-quantile of n sorted values, interpolated between the two nearest
 * ranks as percentile_cont() does.
 */
static int64
Quantile(const int64 *sorted, int64 n, double p)
{
	double		pos = p * (double) (n - 1);
	int64		lo = (int64) floor(pos);
	int64		hi = (int64) ceil(pos);

	return sorted[lo] + (int64) llround((double) (sorted[hi] - sorted[lo]) * (pos - (double) lo));
}

/*
 * The database's cap on playthrough (promo_draw.setting, from 0.4.0), or
 * NULL when none is set.  Read on every call, so that a new cap applies to
 * every connection at once.
 */
static Numeric
DatabaseMaxPlaythrough(void)
{
	Oid			nsp = get_namespace_oid("promo_draw", true);
	Numeric		cap = NULL;

	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("setting", nsp)))
		return NULL;
	SPI_connect();
	if (SPI_execute("SELECT value FROM promo_draw.setting WHERE name OPERATOR(pg_catalog.=) 'max_playthrough'",
					true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			cap = DatumGetNumeric(SPI_datumTransfer(d, false, -1));
	}
	SPI_finish();
	return cap;
}

/*
 * playthrough_required(amount, playthrough): the wagering a bonus needs,
 * amount x playthrough, after checking both and that the playthrough is
 * within promo_draw.max_playthrough.  grant_bonus() calls it, so the
 * setting is always read from this library, never from a placeholder that
 * any role could set before the library was loaded.
 */
PG_FUNCTION_INFO_V1(playthrough_required);
Datum
playthrough_required(PG_FUNCTION_ARGS)
{
	Numeric		amount = CheckNumericArg(fcinfo, 0, "amount", true);
	Numeric		playthrough = CheckNumericArg(fcinfo, 1, "playthrough", false);

	Numeric		cap = DatabaseMaxPlaythrough();

	if (cap != NULL && MoneyCmp(playthrough, cap) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_PLAYTHROUGH_TOO_HIGH),
				 errmsg("playthrough %s is above the limit of %s",
						MoneyText(playthrough), MoneyText(cap)),
				 errdetail("promo_draw.set_max_playthrough() caps the wagering a bonus may require, as some markets do."),
				 errhint("Grant the bonus with a playthrough of at most %s.", MoneyText(cap))));
	/* compared exactly: the limit as a numeric, not the playthrough as a float */
	if (promo_draw_max_playthrough > 0 &&
		MoneyCmp(playthrough,
				 DatumGetNumeric(DirectFunctionCall1(float8_numeric,
													 Float8GetDatum(promo_draw_max_playthrough)))) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_PLAYTHROUGH_TOO_HIGH),
				 errmsg("playthrough %s is above the limit of %g",
						MoneyText(playthrough), promo_draw_max_playthrough),
				 errdetail("promo_draw.max_playthrough caps the wagering a bonus may require, as some markets do."),
				 errhint("Grant the bonus with a playthrough of at most %g.",
						 promo_draw_max_playthrough)));
	PG_RETURN_NUMERIC(NumericMul(amount, playthrough));
}

/*
 * playthrough_expected_balance(amount, playthrough, payout_rate): what a
 * bonus is worth on average, max(0, amount - amount x playthrough x
 * (1 - payout_rate)), exactly.
 */
PG_FUNCTION_INFO_V1(playthrough_expected_balance);
Datum
playthrough_expected_balance(PG_FUNCTION_ARGS)
{
	Numeric		amount = CheckNumericArg(fcinfo, 0, "amount", false);
	Numeric		playthrough = CheckNumericArg(fcinfo, 1, "playthrough", false);
	Numeric		payout_rate = CheckNumericArg(fcinfo, 2, "payout_rate", false);
	Numeric		cost;
	Numeric		expected;

	cost = NumericMul(NumericMul(amount, playthrough),
					  NumericSub(NumericOf(1), payout_rate));
	expected = NumericSub(amount, cost);
	if (MoneySign(expected) < 0)
		expected = NumericSub(expected, expected);	/* 0, at the same scale */
	PG_RETURN_NUMERIC(expected);
}

/* What one simulation plays: everything in units, fixed for every trial. */
typedef struct PlaySetup
{
	int64		amount;
	int64		required;
	int64		stake;
	int64		win;			/* what a paying bet returns */
	double		pay_chance;		/* q: 1 for the smooth ride */
} PlaySetup;

/*
 * Play one trial; returns whether it cleared, and its final balance (0 if
 * it did not clear).
 */
static bool
PlayTrial(const PlaySetup *setup, pg_prng_state *prng, int64 *final_balance)
{
	int64		balance = setup->amount;
	int64		wagered = 0;
	int64		bets = 0;

	while (wagered < setup->required)
	{
		if (balance < setup->stake)
		{
			*final_balance = 0;
			return false;
		}
		balance -= setup->stake;
		wagered += setup->stake;
		if (setup->pay_chance >= 1.0 || pg_prng_double(prng) < setup->pay_chance)
		{
			if (pg_add_s64_overflow(balance, setup->win, &balance))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("a simulated balance went out of range"),
						 errhint("Use a smaller volatility or stake.")));
		}
		if ((++bets & 0xFFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	*final_balance = balance;
	return true;
}

/*
 * simulate_playthrough(amount, playthrough, payout_rate, stake, trials,
 * volatility, seed): play a bonus through trials times, with bets of stake
 * as the file header describes, and return the mean final balance, the
 * share of trials that cleared and the 5th and 95th percentile balances.
 * Balances are shown with the scale of amount and stake, at least 2.
 */
PG_FUNCTION_INFO_V1(simulate_playthrough);
Datum
simulate_playthrough(PG_FUNCTION_ARGS)
{
	Numeric		amount = CheckNumericArg(fcinfo, 0, "amount", true);
	Numeric		playthrough = CheckNumericArg(fcinfo, 1, "playthrough", false);
	Numeric		payout_rate = CheckNumericArg(fcinfo, 2, "payout_rate", false);
	Numeric		stake = CheckNumericArg(fcinfo, 3, "stake", true);
	Numeric		volatility;
	int32		trials;
	double		rate;
	double		vol;
	PlaySetup	setup;
	pg_prng_state prng;
	uint64		seed;
	int64		bets_per_trial;
	int64		played;
	int64	   *finals;
	int64		cleared = 0;
	int64		partial = 0;
	Numeric		sum = NumericOf(0);
	int			scale;
	Datum		values[SIMULATE_COLUMNS];
	bool		nulls[SIMULATE_COLUMNS] = {false};
	TupleDesc	tupdesc;

	CHECK_ARG_NOT_NULL(fcinfo, 4, "trials");
	trials = PG_GETARG_INT32(4);
	if (trials < 1 || trials > SIMULATE_MAX_TRIALS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("trials must be between 1 and %d", SIMULATE_MAX_TRIALS),
				 errdetail("The trials given were %d.", trials)));
	volatility = CheckNumericArg(fcinfo, 5, "volatility", false);
	rate = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(payout_rate)));
	vol = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(volatility)));
	if (rate > PAYOUT_RATE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("payout_rate must be at most %d", PAYOUT_RATE_MAX),
				 errdetail("The payout_rate given was %s; 0.96 means bets return 96%% of their stake on average.",
						   MoneyText(payout_rate))));
	if (vol > VOLATILITY_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("volatility must be at most %d", VOLATILITY_MAX),
				 errdetail("The volatility given was %s.", MoneyText(volatility))));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "simulate_playthrough must return a row");
	Assert(tupdesc->natts == SIMULATE_COLUMNS);

	setup.amount = MoneyToUnits(amount, "amount");
	setup.stake = MoneyToUnits(stake, "stake");
	setup.required = MoneyToUnits(NumericMul(amount, playthrough), "amount x playthrough");
	if (setup.stake == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stake must be at least 0.00000001")));

	/*
	 * A paying bet returns stake x rate / q, which is stake x (rate + vol^2
	 * / rate): exactly stake x rate for the smooth ride.
	 */
	if (MoneySign(payout_rate) == 0)
	{
		setup.pay_chance = 0;
		setup.win = 0;
	}
	else if (MoneySign(volatility) == 0)
	{
		setup.pay_chance = 1;
		setup.win = MoneyToUnits(NumericMul(stake, payout_rate), "stake x payout_rate");
	}
	else
	{
		Numeric		multiple;

		setup.pay_chance = rate * rate / (rate * rate + vol * vol);
		multiple = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(payout_rate),
													   DirectFunctionCall2(numeric_div,
																		   NumericGetDatum(NumericMul(volatility, volatility)),
																		   NumericGetDatum(payout_rate))));
		setup.win = MoneyToUnits(NumericMul(stake, multiple), "the return of a winning bet");
	}

	/* every bet adds a stake to the wagering: a trial's bets are bounded */
	bets_per_trial = setup.required / setup.stake + 1;
	played = setup.pay_chance >= 1.0 || setup.pay_chance == 0 ? 1 : trials;
	if (bets_per_trial > SIMULATE_MAX_BETS / played)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the simulation could take more than %lld bets",
						(long long) SIMULATE_MAX_BETS),
				 errdetail("Each trial may place up to %lld bets of %s.",
						   (long long) bets_per_trial, MoneyText(stake)),
				 errhint("Use fewer trials or a larger stake.")));

	if (PG_ARGISNULL(6))
	{
		if (!pg_strong_random(&seed, sizeof(seed)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate a random seed"),
					 errdetail("pg_strong_random() failed.")));
	}
	else
		seed = (uint64) PG_GETARG_INT64(6);
	pg_prng_seed(&prng, seed);

	/* a game without chance plays the same way every time */
	finals = palloc(sizeof(int64) * trials);
	for (int64 i = 0; i < trials; i++)
	{
		bool		ok;

		CHECK_FOR_INTERRUPTS();

		if (i < played)
			ok = PlayTrial(&setup, &prng, &finals[i]);
		else
		{
			ok = cleared > 0;
			finals[i] = finals[0];
		}
		cleared += ok;
		if (pg_add_s64_overflow(partial, finals[i], &partial))
		{
			sum = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(sum),
													  NumericGetDatum(NumericOf(partial))));
			partial = finals[i];
		}
	}
	sum = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(sum),
											  NumericGetDatum(NumericOf(partial))));
	qsort(finals, trials, sizeof(int64), CompareInt64);

	scale = Max(2, Max(NumericScale(amount), NumericScale(stake)));
	values[0] = DirectFunctionCall2(numeric_round,
									DirectFunctionCall2(numeric_div,
														NumericGetDatum(sum),
														NumericGetDatum(int64_div_fast_to_numeric((int64) trials, -UNIT_DIGITS))),
									Int32GetDatum(scale));
	values[1] = DirectFunctionCall2(numeric_round,
									DirectFunctionCall2(numeric_div,
														NumericGetDatum(NumericOf(cleared)),
														NumericGetDatum(NumericOf(trials))),
									Int32GetDatum(4));
	values[2] = UnitsToMoney(Quantile(finals, trials, 0.05), scale);
	values[3] = UnitsToMoney(Quantile(finals, trials, 0.95), scale);
	pfree(finals);

	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
