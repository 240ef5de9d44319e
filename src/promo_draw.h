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

#include "fmgr.h"

/* Name of the extension's schema; the extension is not relocatable. */
#define PROMO_DRAW_SCHEMA "promo_draw"

/*
 * Business refusals: SQLSTATE class PD.  This list is the one registry of
 * them: the C code raises them by these names, the SQL objects (src/sql/)
 * by their text, and README.md lists them in its Errors section.
 * test/t/007_error_codes.pl checks that the three agree: every code raised
 * anywhere is defined here exactly once, every code here is raised and
 * documented, and the README lists nothing else.
 */
/* draws and stakes */
#define ERRCODE_PD_UNKNOWN_DRAW			MAKE_SQLSTATE('P','D','0','0','1')
#define ERRCODE_PD_DRAW_NOT_READY		MAKE_SQLSTATE('P','D','0','0','2')
#define ERRCODE_PD_DRAW_ALREADY_DRAWN	MAKE_SQLSTATE('P','D','0','0','3')
#define ERRCODE_PD_DRAW_CLOSED			MAKE_SQLSTATE('P','D','0','0','4')
#define ERRCODE_PD_DRAW_CANCELLED		MAKE_SQLSTATE('P','D','0','0','5')
#define ERRCODE_PD_PARTITION_CLOSED		MAKE_SQLSTATE('P','D','0','0','6')
#define ERRCODE_PD_DRAW_NOT_OPEN_YET	MAKE_SQLSTATE('P','D','0','0','7')
#define ERRCODE_PD_NO_STAKE_RULE		MAKE_SQLSTATE('P','D','0','0','8')
#define ERRCODE_PD_ELIGIBILITY_MISSING	MAKE_SQLSTATE('P','D','0','0','9')
/* promotion codes (raised in SQL: src/sql/udfs/redeem, create_code, ...) */
#define ERRCODE_PD_UNKNOWN_CODE			MAKE_SQLSTATE('P','D','0','1','0')
#define ERRCODE_PD_CODE_NOT_ACTIVE_YET	MAKE_SQLSTATE('P','D','0','1','1')
#define ERRCODE_PD_CODE_EXPIRED			MAKE_SQLSTATE('P','D','0','1','2')
#define ERRCODE_PD_ALREADY_REDEEMED		MAKE_SQLSTATE('P','D','0','1','3')
#define ERRCODE_PD_CODE_EXHAUSTED		MAKE_SQLSTATE('P','D','0','1','4')
#define ERRCODE_PD_NO_REDEMPTION		MAKE_SQLSTATE('P','D','0','1','5')
#define ERRCODE_PD_CODE_EXISTS			MAKE_SQLSTATE('P','D','0','1','6')
/* instant wins (raised in SQL: src/sql/udfs/instant_win, ...) */
#define ERRCODE_PD_UNKNOWN_INSTANT_WIN	MAKE_SQLSTATE('P','D','0','2','0')
#define ERRCODE_PD_INSTANT_WIN_NOT_STARTED MAKE_SQLSTATE('P','D','0','2','1')
#define ERRCODE_PD_INSTANT_WIN_ENDED	MAKE_SQLSTATE('P','D','0','2','2')
#define ERRCODE_PD_ALREADY_PLAYED		MAKE_SQLSTATE('P','D','0','2','3')
#define ERRCODE_PD_POOL_SHUFFLED		MAKE_SQLSTATE('P','D','0','2','4')
/* bonuses (raised in C, src/wagering.c and src/bonus.c) */
#define ERRCODE_PD_UNKNOWN_BONUS		MAKE_SQLSTATE('P','D','0','3','0')
#define ERRCODE_PD_BONUS_NOT_ACTIVE		MAKE_SQLSTATE('P','D','0','3','1')
#define ERRCODE_PD_STAKE_ABOVE_BALANCE	MAKE_SQLSTATE('P','D','0','3','2')
#define ERRCODE_PD_STAKE_BELOW_MINIMUM	MAKE_SQLSTATE('P','D','0','3','3')
#define ERRCODE_PD_UNKNOWN_BET			MAKE_SQLSTATE('P','D','0','3','4')
#define ERRCODE_PD_PLAYTHROUGH_TOO_HIGH	MAKE_SQLSTATE('P','D','0','3','5')

/*
 * sealed draws and records (PD040 also raised in SQL: src/sql/udfs/add_prize;
 * PD042 also by the deferred trigger on promo_draw.draw; PD043 by
 * draw_record_rows; PD044, secrets and publications, by the event trigger
 * of src/sql/udfs/publication_guard; PD045 by run_due_draws_job)
 */
#define ERRCODE_PD_DRAW_SEALED			MAKE_SQLSTATE('P','D','0','4','0')
#define ERRCODE_PD_BEACON				MAKE_SQLSTATE('P','D','0','4','1')
#define ERRCODE_PD_SEAL_TOO_LATE		MAKE_SQLSTATE('P','D','0','4','2')
#define ERRCODE_PD_NO_RECORD_YET		MAKE_SQLSTATE('P','D','0','4','3')
#define ERRCODE_PD_PUBLICATION			MAKE_SQLSTATE('P','D','0','4','4')
#define ERRCODE_PD_DRAWS_FAILED			MAKE_SQLSTATE('P','D','0','4','5')

/* sharded deployments (PD050 also raised by promo_draw_proxy) */
#define ERRCODE_PD_SHARDED				MAKE_SQLSTATE('P','D','0','5','0')

/* The OIDs of promo_draw's tables and their identity sequences (promo_draw.c) */
extern Oid	PromoTableOid(const char *name);
extern Oid	PromoTableIdentitySequence(const char *name);

/* Batches of bets or awards (promo_draw.c) */
#define PROMO_MAX_BATCH 1000000
extern Datum *ArrayArgument(FunctionCallInfo fcinfo, int argno, const char *name,
							Oid elemtype, int *n);
extern void CheckBatchSize(int n, const char *items);
extern int *CustomerOrder(const int64 *customer_ids, int n);

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
