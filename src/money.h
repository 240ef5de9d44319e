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

/*
 * Every amount (stakes, stake_per_ticket, min_stake, bonus amounts, bets and
 * wins) is below MONEY_LIMIT_TEXT, 10^15, with at most MONEY_MAX_SCALE
 * decimal places: room for any currency's largest sums and for the
 * smallest unit of the currencies with the most decimals.
 */
#define MONEY_LIMIT_TEXT	"1000000000000000"
#define MONEY_MAX_SCALE		8

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
