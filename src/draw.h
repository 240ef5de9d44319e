/*-------------------------------------------------------------------------
 *
 * draw.h
 *	  What run_draw and the seal of a sealed draw share: the prize table.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_DRAW_H
#define PROMO_DRAW_DRAW_H

#include "postgres.h"

#include "utils/numeric.h"

/* A row of the prize table, with the units not yet given out. */
typedef struct Prize
{
	int64		prize_id;
	char	   *name;
	Numeric		value;
	Datum		payload;		/* jsonb */
	int32		quantity;
	int32		remaining;
} Prize;

extern Prize *LoadPrizes(int64 draw_id, int *nprizes);

#endif							/* PROMO_DRAW_DRAW_H */
