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

/*
 * Business refusals: SQLSTATE class PD.  README.md lists them all; the
 * PL/pgSQL parts of the extension raise the same codes by their text.
 */
#define ERRCODE_PD_UNKNOWN_DRAW			MAKE_SQLSTATE('P','D','0','0','1')
#define ERRCODE_PD_DRAW_NOT_READY		MAKE_SQLSTATE('P','D','0','0','2')
#define ERRCODE_PD_DRAW_ALREADY_DRAWN	MAKE_SQLSTATE('P','D','0','0','3')
#define ERRCODE_PD_DRAW_CLOSED			MAKE_SQLSTATE('P','D','0','0','4')
#define ERRCODE_PD_DRAW_CANCELLED		MAKE_SQLSTATE('P','D','0','0','5')
#define ERRCODE_PD_PARTITION_CLOSED		MAKE_SQLSTATE('P','D','0','0','6')
#define ERRCODE_PD_DRAW_NOT_OPEN_YET	MAKE_SQLSTATE('P','D','0','0','7')
#define ERRCODE_PD_NO_STAKE_RULE		MAKE_SQLSTATE('P','D','0','0','8')
#define ERRCODE_PD_ELIGIBILITY_MISSING	MAKE_SQLSTATE('P','D','0','0','9')
#define ERRCODE_PD_PLAYTHROUGH_TOO_HIGH	MAKE_SQLSTATE('P','D','0','3','5')

/* The OID of one of promo_draw's tables (promo_draw.c) */
extern Oid	PromoTableOid(const char *name);

/* Settings (promo_draw.c) */
extern double promo_draw_max_playthrough;

/* Raise 22004 when a required argument is NULL. */
#define CHECK_ARG_NOT_NULL(fcinfo, argno, argname) \
	do { \
		if (PG_ARGISNULL(argno)) \
			ereport(ERROR, \
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), \
					 errmsg("%s must not be null", (argname)))); \
	} while (0)

#endif							/* PROMO_DRAW_H */
