/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  The executor calls whose signatures differ between the PostgreSQL
 *	  versions promo_draw builds against, in one place.
 *
 * promo_draw is built and tested against PostgreSQL 15 (Debian 12 ships no
 * other).  PostgreSQL 16 added arguments to ExecInsertIndexTuples (only
 * summarizing indexes, for HOT updates), to table_tuple_update (which
 * indexes an update needs, instead of a flag) and to ExecBRUpdateTriggers;
 * the branches for 16 and later follow those headers but have not been
 * compiled here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_COMPAT_H
#define PROMO_DRAW_COMPAT_H

#include "postgres.h"

#include "access/tableam.h"
#include "commands/trigger.h"
#include "executor/executor.h"

/* Index entries of a row written (update: a new version, not HOT). */
static inline List *
CompatExecInsertIndexTuples(ResultRelInfo *rri, TupleTableSlot *slot,
							EState *estate, bool update, bool noDupErr,
							bool *specConflict, List *arbiterIndexes)
{
#if PG_VERSION_NUM >= 160000
	return ExecInsertIndexTuples(rri, slot, estate, update, noDupErr,
								 specConflict, arbiterIndexes, false);
#else
	return ExecInsertIndexTuples(rri, slot, estate, update, noDupErr,
								 specConflict, arbiterIndexes);
#endif
}

/*
 * Update the row at otid with the slot's values; *update_indexes says
 * whether the new version needs index entries (it is not HOT).
 */
static inline TM_Result
CompatTableTupleUpdate(Relation rel, ItemPointer otid, TupleTableSlot *slot,
					   CommandId cid, Snapshot snapshot, bool wait,
					   TM_FailureData *tmfd, LockTupleMode *lockmode,
					   bool *update_indexes)
{
#if PG_VERSION_NUM >= 160000
	TU_UpdateIndexes which;
	TM_Result	result = table_tuple_update(rel, otid, slot, cid, snapshot,
											InvalidSnapshot, wait, tmfd,
											lockmode, &which);

	*update_indexes = (which != TU_None);
	return result;
#else
	return table_tuple_update(rel, otid, slot, cid, snapshot, InvalidSnapshot,
							  wait, tmfd, lockmode, update_indexes);
#endif
}

/* BEFORE UPDATE row triggers of the (locked) row at tid; false: skipped. */
static inline bool
CompatExecBRUpdateTriggers(EState *estate, EPQState *epq, ResultRelInfo *rri,
						   ItemPointer tid, TupleTableSlot *slot)
{
#if PG_VERSION_NUM >= 160000
	return ExecBRUpdateTriggers(estate, epq, rri, tid, NULL, slot, NULL, NULL);
#else
	return ExecBRUpdateTriggers(estate, epq, rri, tid, NULL, slot, NULL);
#endif
}

#endif							/* PROMO_DRAW_COMPAT_H */
