/*-------------------------------------------------------------------------
 *
 * sqlexec.h
 *	  Running promo_draw's own fixed SQL through SPI: plans prepared once per
 *	  backend, and queries that must see the latest committed state.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_SQLEXEC_H
#define PROMO_DRAW_SQLEXEC_H

#include "postgres.h"

#include "executor/spi.h"

/* A statement of ours, prepared on first use and kept for the backend. */
typedef struct SqlPlan
{
	const char *sql;
	int			nargs;
	Oid			argtypes[8];
	SPIPlanPtr	plan;
} SqlPlan;

extern int	SqlRun(SqlPlan *plan, Datum *values, const char *nulls, long limit);
extern int	SqlRunLatest(SqlPlan *plan, Datum *values, const char *nulls, long limit);
extern int	SqlRunReadOnly(SqlPlan *plan, Datum *values, const char *nulls, long limit);
extern SPIPlanPtr SqlPrepare(SqlPlan *plan);
extern Portal SqlCursorLatest(SqlPlan *plan, Datum *values, const char *nulls);

/* Fetch column col of row row of the last result, with its NULL flag. */
static inline Datum
SqlValue(int row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

#endif							/* PROMO_DRAW_SQLEXEC_H */
