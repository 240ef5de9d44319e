/*-------------------------------------------------------------------------
 *
 * table_write.c
 *	  What the executor does around a row it writes, for promo_draw's
 *	  writes that do not go through an INSERT or UPDATE statement (the hot
 *	  rows of row_access.c and the batches of bulk_insert.c).
 *
 * Users see these writes as they see any other: CHECK and NOT NULL
 * constraints hold, stored generated columns are computed, every index
 * gets its entry, and row triggers fire: BEFORE ROW triggers as each row is
 * written, AFTER ROW triggers when the write ends (TableWriteEnd), at a
 * query level of their own as for any statement.  This is what
 * PostgreSQL's own logical replication apply does (execReplication.c), and
 * what pg_repack relies on: it captures the changes made during its copy
 * with an AFTER ROW trigger.  Statement-level triggers do not fire, as in
 * logical replication.
 *
 * Two things differ from a plain INSERT or UPDATE, both explained where
 * they happen: a BEFORE trigger may change a row but not skip it (the call
 * would otherwise report work it did not do), and the foreign-key checks of
 * rows whose referenced rows the caller holds locked are not run again.
 *
 * When a table has no row trigger, none of this costs anything beyond a
 * test of a flag.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/nodeModifyTable.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include "compat.h"
#include "table_write.h"

/*
 * The compiled CHECK constraints of each table written, kept across calls.
 * The executor compiles them again for every ResultRelInfo, from their
 * stored text: for a single bet that costs more than checking them.  A
 * relcache invalidation of the table (a constraint added or dropped, the
 * extension dropped or updated) marks its entry stale; the stale
 * expressions are released at the end of the transaction, since a writer
 * open now may still be using them.
 */
typedef struct CheckCacheEntry
{
	Oid			relid;
	bool		stale;			/* invalidated since it was compiled */
	MemoryContext cxt;
	ExprState **exprs;			/* NULL until every check is compiled */
} CheckCacheEntry;

static HTAB *check_cache = NULL;

/* Relcache invalidation: mark the table's compiled checks (or all) stale. */
static void
CheckCacheInvalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	CheckCacheEntry *entry;

	if (check_cache == NULL)
		return;
	if (OidIsValid(relid))
	{
		entry = hash_search(check_cache, &relid, HASH_FIND, NULL);
		if (entry)
			entry->stale = true;
		return;
	}
	hash_seq_init(&status, check_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
		entry->stale = true;
}

/*
 * Give the writer the table's CHECK constraints, compiled once per backend:
 * every one, NOT VALID ones included (they hold for new rows), planned for
 * evaluation, as ExecRelCheck would compile them.
 */
static void
UseCompiledChecks(TableWrite *tw)
{
	TupleConstr *constr = tw->rel->rd_att->constr;
	Oid			relid = RelationGetRelid(tw->rel);
	CheckCacheEntry *entry;
	bool		found;
	MemoryContext old;

	if (constr == NULL || constr->num_check == 0)
		return;
	if (check_cache == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(CheckCacheEntry);
		ctl.hcxt = TopMemoryContext;
		check_cache = hash_create("promo_draw compiled checks", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(CheckCacheInvalidate, (Datum) 0);
	}
	entry = hash_search(check_cache, &relid, HASH_ENTER, &found);
	if (found && (entry->stale || entry->exprs == NULL))
	{
		/* in use, perhaps, by a writer of this transaction: free at its end */
		MemoryContextSetParent(entry->cxt, TopTransactionContext);
		found = false;
	}
	if (!found)
	{
		ExprState **exprs;

		entry->stale = false;
		entry->exprs = NULL;
		entry->cxt = AllocSetContextCreate(TopMemoryContext,
										   "promo_draw compiled checks",
										   ALLOCSET_SMALL_SIZES);
		old = MemoryContextSwitchTo(entry->cxt);
		exprs = palloc0(sizeof(ExprState *) * constr->num_check);
		for (int i = 0; i < constr->num_check; i++)
		{
			Expr	   *expr = stringToNode(constr->check[i].ccbin);

			exprs[i] = ExecInitExpr(expression_planner(expr), NULL);
		}
		MemoryContextSwitchTo(old);
		entry->exprs = exprs;
	}
	tw->rri->ri_ConstraintExprs = entry->exprs;
}

/*
 * Recompute the flags of a trigger description that lost some of its
 * triggers, for the kinds of triggers promo_draw's writes fire.
 */
static void
SetRowTriggerFlags(TriggerDesc *td)
{
	td->trig_insert_before_row = td->trig_insert_after_row = false;
	td->trig_insert_instead_row = false;
	td->trig_update_before_row = td->trig_update_after_row = false;
	td->trig_update_instead_row = false;
	for (int i = 0; i < td->numtriggers; i++)
	{
		int16		type = td->triggers[i].tgtype;

		if (!TRIGGER_FOR_ROW(type))
			continue;
		if (TRIGGER_FOR_INSERT(type))
		{
			td->trig_insert_before_row |= TRIGGER_FOR_BEFORE(type);
			td->trig_insert_after_row |= TRIGGER_FOR_AFTER(type);
			td->trig_insert_instead_row |= TRIGGER_FOR_INSTEAD(type);
		}
		if (TRIGGER_FOR_UPDATE(type))
		{
			td->trig_update_before_row |= TRIGGER_FOR_BEFORE(type);
			td->trig_update_after_row |= TRIGGER_FOR_AFTER(type);
			td->trig_update_instead_row |= TRIGGER_FOR_INSTEAD(type);
		}
	}
}

/*
 * Leave out the foreign-key checks of the rows written: the caller holds
 * every row they reference, locked, so the checks would only find them
 * again (one query per row).  Every other trigger, internal or not, stays.
 */
static void
DropReferenceChecks(ResultRelInfo *rri)
{
	TriggerDesc *td = rri->ri_TrigDesc;
	int			kept = 0;

	if (td == NULL)
		return;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *trigger = &td->triggers[i];

		if (trigger->tgisinternal &&
			(trigger->tgfoid == F_RI_FKEY_CHECK_INS || trigger->tgfoid == F_RI_FKEY_CHECK_UPD))
			continue;
		td->triggers[kept++] = *trigger;
	}
	td->numtriggers = kept;
	SetRowTriggerFlags(td);
	if (kept == 0)
		rri->ri_TrigDesc = NULL;
}

/*
 * Refuse (25006) to change anything on a standby or in a read-only
 * transaction, before any lock or write that would fail less clearly
 * (a standby cannot assign transaction ids or take strong locks).
 */
void
RequireWritable(void)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("promo_draw cannot change anything on a standby"),
				 errhint("Call the primary: awards, stakes, redemptions, bonus bets and wins and draws run there; reports, verify_draw and the results of drawn draws can be read here.")));
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("promo_draw cannot change anything in a read-only transaction")));
}

/*
 * Start writing rows of an open table (locked RowExclusiveLock by the
 * caller): an executor state, the table as a result relation with its
 * indexes open, and, if it has AFTER row triggers, a query level where
 * their events wait until TableWriteEnd.  Everything lives in the current
 * memory context.
 */
TableWrite *
TableWriteBegin(Relation rel, int flags)
{
	TableWrite *tw;
	RangeTblEntry *rte;
	TriggerDesc *td;

	RequireWritable();
	tw = palloc0(sizeof(TableWrite));

	tw->rel = rel;
	tw->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	ExecInitRangeTable(tw->estate, list_make1(rte));

	tw->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(tw->rri, rel, 1, NULL, 0);
	/* where the executor looks for it when it fires AFTER triggers */
	tw->estate->es_opened_result_relations =
		lappend(tw->estate->es_opened_result_relations, tw->rri);
	ExecOpenIndices(tw->rri, (flags & TABLE_WRITE_SPECULATIVE) != 0);
	tw->estate->es_output_cid = GetCurrentCommandId(true);
	if (flags & TABLE_WRITE_REFERENCES_LOCKED)
		DropReferenceChecks(tw->rri);
	UseCompiledChecks(tw);

	td = tw->rri->ri_TrigDesc;
	if (td && (td->trig_insert_instead_row || td->trig_update_instead_row))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" must not have INSTEAD OF triggers",
						RelationGetRelationName(rel))));
	tw->after_triggers = td && (td->trig_insert_after_row || td->trig_update_after_row);
	if (tw->after_triggers)
		AfterTriggerBeginQuery();
	return tw;
}

/*
 * End the write: fire the AFTER row triggers queued at its level, then
 * release the executor state.  Writers nest (the entries of a draw, then
 * its milestone messages), and a trigger event goes to the innermost level
 * open, so a writer may fire events of a table opened before it: the
 * executor then opens that table in this writer's state, and closes it
 * here with the rest.  Relation locks stay until commit.
 */
void
TableWriteEnd(TableWrite *tw)
{
	if (tw->after_triggers)
		AfterTriggerEndQuery(tw->estate);
	ExecCloseResultRelations(tw->estate);
	ExecResetTupleTable(tw->estate->es_tupleTable, false);
	FreeExecutorState(tw->estate);
	pfree(tw);
}

/*
 * Make a row about to be written what the table requires: its stored
 * generated columns computed, and its constraints checked (CHECK ones
 * compiled once per backend).
 */
void
TableWriteCheck(TableWrite *tw, TupleTableSlot *slot, bool update)
{
	TupleConstr *constr = tw->rel->rd_att->constr;

	if (constr == NULL)
		return;
	if (constr->has_generated_stored)
		ExecComputeStoredGenerated(tw->rri, tw->estate, slot,
								   update ? CMD_UPDATE : CMD_INSERT);
	ExecConstraints(tw->rri, slot, tw->estate);
}

/* Raise the error for a BEFORE trigger that skipped one of our writes. */
static void
ReportSkippedWrite(TableWrite *tw)
{
	ereport(ERROR,
			(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
			 errmsg("a BEFORE trigger on table \"%s\" skipped a row promo_draw must write",
					RelationGetRelationName(tw->rel)),
			 errdetail("The call would otherwise report tickets, stakes, redemptions or money it did not record."),
			 errhint("A BEFORE trigger on promo_draw's tables may change a row, not skip it.")));
}

/*
 * Fire the BEFORE INSERT row triggers of a row about to be inserted; they
 * may change the slot's values.
 */
void
TableWriteBeforeInsert(TableWrite *tw, TupleTableSlot *slot)
{
	ResultRelInfo *rri = tw->rri;

	if (rri->ri_TrigDesc && rri->ri_TrigDesc->trig_insert_before_row &&
		!ExecBRInsertTriggers(tw->estate, rri, slot))
		ReportSkippedWrite(tw);
}

/* Queue the AFTER INSERT row triggers of a row inserted. */
void
TableWriteAfterInsert(TableWrite *tw, TupleTableSlot *slot, List *recheck)
{
	ResultRelInfo *rri = tw->rri;

	if (rri->ri_TrigDesc && rri->ri_TrigDesc->trig_insert_after_row)
		ExecARInsertTriggers(tw->estate, rri, slot, recheck, NULL);
}

/*
 * Does the table have BEFORE UPDATE row triggers?  Their caller must hold
 * the row it updates locked, since such a trigger reads the row as it is.
 */
bool
TableWriteHasBeforeUpdate(TableWrite *tw)
{
	return tw->rri->ri_TrigDesc && tw->rri->ri_TrigDesc->trig_update_before_row;
}

/*
 * Fire the BEFORE UPDATE row triggers of the row at tid (locked by the
 * caller) about to get the slot's values; they may change them.
 */
void
TableWriteBeforeUpdate(TableWrite *tw, EPQState *epq, ItemPointer tid,
					   TupleTableSlot *slot)
{
	if (TableWriteHasBeforeUpdate(tw) &&
		!CompatExecBRUpdateTriggers(tw->estate, epq, tw->rri, tid, slot))
		ReportSkippedWrite(tw);
}

/* Queue the AFTER UPDATE row triggers of the row at oldtid, now the slot's. */
void
TableWriteAfterUpdate(TableWrite *tw, ItemPointer oldtid, TupleTableSlot *slot,
					  List *recheck)
{
	ResultRelInfo *rri = tw->rri;

	if (rri->ri_TrigDesc && rri->ri_TrigDesc->trig_update_after_row)
		ExecARUpdateTriggers(tw->estate, rri, NULL, NULL, oldtid, NULL, slot,
							 recheck, NULL, false);
}

/*
 * Add a written row's index entries (update: a new version that is not
 * HOT).  With arbiters, a speculative insertion: *conflict says whether
 * another row holds the key.  Returns the indexes to recheck, for the AFTER
 * triggers of deferred unique constraints.
 */
List *
TableWriteIndexes(TableWrite *tw, TupleTableSlot *slot, bool update,
				  bool *conflict, List *arbiters)
{
	if (tw->rri->ri_NumIndices == 0)
		return NIL;
	return CompatExecInsertIndexTuples(tw->rri, slot, tw->estate, update,
									   arbiters != NIL, conflict, arbiters);
}
