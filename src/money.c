/*-------------------------------------------------------------------------
 *
 * money.c
 *	  Exact money arithmetic in numeric (money is never a float in
 *	  promo_draw), the one check of an amount argument, and the one
 *	  stake-to-ticket rule that record_stake, the stake_tickets aggregate
 *	  and ticket_progress share.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

#include "money.h"

/* Compare two numerics: <0, 0, >0.  NaN sorts above everything. */
int
MoneyCmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/* The sign of a numeric: -1, 0 or 1 (NaN counts as positive). */
int
MoneySign(Numeric num)
{
	static Numeric zero = NULL;
	int			cmp;

	if (zero == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		zero = int64_to_numeric(0);
		MemoryContextSwitchTo(old);
	}
	cmp = MoneyCmp(num, zero);
	return (cmp > 0) - (cmp < 0);
}

/* Is the numeric neither NaN nor infinite? */
bool
MoneyIsFinite(Numeric num)
{
	return !numeric_is_nan(num) && !numeric_is_inf(num);
}

/* The numeric as text, for messages. */
char *
MoneyText(Numeric num)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
}

/* A numeric constant. */
Numeric
NumericOf(int64 value)
{
	return int64_to_numeric(value);
}

/* a * b, exactly. */
Numeric
NumericMul(Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_mul, NumericGetDatum(a),
											   NumericGetDatum(b)));
}

/* a - b, exactly. */
Numeric
NumericSub(Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_sub, NumericGetDatum(a),
											   NumericGetDatum(b)));
}

/* The number of decimal digits a numeric is written with. */
int
NumericScale(Numeric num)
{
	return DatumGetInt32(DirectFunctionCall1(numeric_scale, NumericGetDatum(num)));
}

/* MONEY_LIMIT as a numeric, made once. */
static Numeric
MoneyLimit(void)
{
	static Numeric limit = NULL;

	if (limit == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		limit = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(MONEY_LIMIT_TEXT),
													ObjectIdGetDatum(InvalidOid),
													Int32GetDatum(-1)));
		MemoryContextSwitchTo(old);
	}
	return limit;
}

/*
 * Raise 22023 unless an amount is finite and not negative, and with
 * positive also not zero, and has at most MONEY_MAX_SCALE decimal places
 * (trailing zeros aside); 22003 unless it is below MONEY_LIMIT_TEXT.  name
 * says what the amount is, for the message.
 */
void
CheckAmount(Numeric amount, const char *name, bool positive)
{
	if (!MoneyIsFinite(amount) || MoneySign(amount) < (positive ? 1 : 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 positive ?
				 errmsg("%s must be a positive finite number", name) :
				 errmsg("%s must be a finite number, zero or more", name),
				 errdetail("The %s given was %s.", name, MoneyText(amount))));
	if (MoneyCmp(amount, MoneyLimit()) >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", name),
				 errdetail("Amounts of promo_draw are below %s.", MONEY_LIMIT_TEXT)));
	if (DatumGetInt32(DirectFunctionCall1(numeric_min_scale, NumericGetDatum(amount))) > MONEY_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has more than %d decimal places", name, MONEY_MAX_SCALE),
				 errdetail("The %s given has %d.", name,
						   DatumGetInt32(DirectFunctionCall1(numeric_min_scale,
															 NumericGetDatum(amount))))));
}

/*
 * The stake-to-ticket rule: a stake earns floor(stake / stake_per_ticket)
 * tickets.  Integer division is exact in numeric, so no rounding can push
 * a stake over a ticket boundary.  Beyond bigint is 22003.
 */
int64
StakeTickets(Numeric stake, Numeric stake_per_ticket)
{
	Datum		quotient = DirectFunctionCall2(numeric_div_trunc, NumericGetDatum(stake),
											   NumericGetDatum(stake_per_ticket));

	return DatumGetInt64(DirectFunctionCall1(numeric_int8, quotient));
}

/*
 * check_amount(amount, name, positive): CheckAmount for the SQL parts of
 * promo_draw; returns the amount.  NULL is left to the caller.
 */
PG_FUNCTION_INFO_V1(check_amount);
Datum
check_amount(PG_FUNCTION_ARGS)
{
	Numeric		amount = PG_GETARG_NUMERIC(0);
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));

	CheckAmount(amount, name, PG_GETARG_BOOL(2));
	PG_RETURN_NUMERIC(amount);
}

/*
 * stake_to_next_ticket(stake, stake_per_ticket): how much more stake earns
 * the next ticket under the stake-to-ticket rule.
 */
PG_FUNCTION_INFO_V1(stake_to_next_ticket);
Datum
stake_to_next_ticket(PG_FUNCTION_ARGS)
{
	Numeric		stake = PG_GETARG_NUMERIC(0);
	Numeric		per = PG_GETARG_NUMERIC(1);
	Numeric		next;

	CheckAmount(stake, "stake", false);
	CheckAmount(per, "stake_per_ticket", true);
	next = NumericMul(NumericOf(StakeTickets(stake, per) + 1), per);
	PG_RETURN_NUMERIC(NumericSub(next, stake));
}
