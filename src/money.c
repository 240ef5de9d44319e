/*-------------------------------------------------------------------------
 *
 * money.c
 *	  Helpers for exact money arithmetic in numeric.  Money is never a float
 *	  in promo_draw.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

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
