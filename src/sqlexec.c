/*-------------------------------------------------------------------------
 *
 * sqlexec.c
 *	  Running promo_draw's own fixed SQL through SPI.
 *
 * Every statement is a constant string of ours with its parameters passed
 * separately: nothing a caller sends is ever spliced into SQL.  Plans are
 * prepared on first use and kept for the life of the backend; the plan cache
 * revalidates them if the tables change.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/snapmgr.h"

#include "sqlexec.h"

/* Prepare a statement once and keep the plan. */
SPIPlanPtr
SqlPrepare(SqlPlan *plan)
{
	if (plan->plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(plan->sql, plan->nargs, plan->argtypes);

		if (p == NULL)
			elog(ERROR, "could not prepare promo_draw statement \"%s\": %s",
				 plan->sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "could not keep promo_draw statement \"%s\"", plan->sql);
		plan->plan = p;
	}
	return plan->plan;
}

/* Check the result of an SPI execution. */
static int
SqlCheck(SqlPlan *plan, int rc)
{
	if (rc < 0)
		elog(ERROR, "promo_draw statement \"%s\" failed: %s",
			 plan->sql, SPI_result_code_string(rc));
	return (int) SPI_processed;
}

/*
 * Run a statement under the usual snapshot rules (a new snapshot per
 * statement in READ COMMITTED).  Returns the number of rows processed.
 */
int
SqlRun(SqlPlan *plan, Datum *values, const char *nulls, long limit)
{
	return SqlCheck(plan, SPI_execute_plan(SqlPrepare(plan), values, nulls,
										   false, limit));
}

/*
 * Run a plan read-only, under the snapshot of the statement that called us
 * (a STABLE function's reads all see one state).
 */
int
SqlRunReadOnly(SqlPlan *plan, Datum *values, const char *nulls, long limit)
{
	return SqlCheck(plan, SPI_execute_plan(SqlPrepare(plan), values, nulls, true, limit));
}

/*
 * Run a statement under a snapshot taken now, whatever the isolation level.
 * Used after taking a draw's locks, to read the state those locks protect:
 * a REPEATABLE READ transaction's older snapshot could miss a close or a
 * draw that committed while it waited.
 */
int
SqlRunLatest(SqlPlan *plan, Datum *values, const char *nulls, long limit)
{
	return SqlCheck(plan, SPI_execute_snapshot(SqlPrepare(plan), values, nulls,
											   GetLatestSnapshot(),
											   InvalidSnapshot, false, true,
											   limit));
}

/*
 * Open a read-only cursor on a query under a snapshot taken now, whatever
 * the isolation level: for reading many rows that the caller's locks
 * protect, as SqlRunLatest does for few.
 */
Portal
SqlCursorLatest(SqlPlan *plan, Datum *values, const char *nulls)
{
	Portal		portal;

	PushActiveSnapshot(GetLatestSnapshot());
	portal = SPI_cursor_open(NULL, SqlPrepare(plan), values, nulls, true);
	PopActiveSnapshot();
	if (portal == NULL)
		elog(ERROR, "could not open a cursor on promo_draw statement \"%s\"", plan->sql);
	return portal;
}
