/*-------------------------------------------------------------------------
 *
 * money.h
 *	  Exact money arithmetic in numeric: signs, comparisons, products, the
 *	  text of an amount for messages, the check of an amount and the
 *	  stake-to-ticket rule.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_MONEY_H
#define PROMO_DRAW_MONEY_H

#include "postgres.h"

#include "utils/numeric.h"

extern int	MoneyCmp(Numeric a, Numeric b);
extern int	MoneySign(Numeric num);
extern bool MoneyIsFinite(Numeric num);
extern char *MoneyText(Numeric num);
extern Numeric NumericOf(int64 value);
extern Numeric NumericMul(Numeric a, Numeric b);
extern Numeric NumericSub(Numeric a, Numeric b);
extern int	NumericScale(Numeric num);
extern void CheckAmount(Numeric amount, const char *name, bool positive);
extern int64 StakeTickets(Numeric stake, Numeric stake_per_ticket);

#endif							/* PROMO_DRAW_MONEY_H */
