/*-------------------------------------------------------------------------
 *
 * money.h
 *	  Helpers for exact money arithmetic in numeric: signs, comparisons and
 *	  the text of an amount for error messages.
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

#endif							/* PROMO_DRAW_MONEY_H */
