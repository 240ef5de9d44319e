/*-------------------------------------------------------------------------
 *
 * promo_draw.h
 *	  Declarations shared by every part of promo_draw: the business error
 *	  codes (SQLSTATE class PD) and the settings.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_H
#define PROMO_DRAW_H

#include "postgres.h"

/* Name of the extension's schema; the extension is not relocatable. */
#define PROMO_DRAW_SCHEMA "promo_draw"

#endif							/* PROMO_DRAW_H */
