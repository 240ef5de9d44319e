/*-------------------------------------------------------------------------
 *
 * sandbox.c
 *	  Calling code a user supplied, such as a draw's eligibility function,
 *	  the way PostgreSQL runs index expressions in maintenance commands.
 *
 * The draw is often run by a superuser or by pg_cron, while the function
 * was written by whoever created the draw.  Each call therefore:
 *
 *	  - runs as the role the function belongs to (the draw's creator), as a
 *		security-restricted operation: no SET ROLE, no temporary objects, no
 *		LISTEN, no cursors WITH HOLD, no DISCARD;
 *	  - runs in a subtransaction that is always rolled back, and at a GUC
 *		nesting level of its own: every setting it changes (search_path
 *		with set_config(..., false) included), every row it writes, every
 *		cursor it leaves open and every transaction-level lock it takes is
 *		undone when it returns.  It answers a question; it changes nothing;
 *	  - may not PREPARE, DEALLOCATE or LOAD (those outlive a rollback), which
 *		the utility hook refuses while a call is under way;
 *	  - may not take or release session-level advisory locks (they outlive a
 *		rollback too): the advisory locks the backend holds (read from its
 *		own lock lists, not the whole lock table) are compared before and
 *		after every call; a lock taken is released and a lock released is
 *		taken back, also when the call failed, and then reported.
 *
 * Only the answer crosses back, copied out of the call's memory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "sandbox.h"

/* how deep in sandboxed calls we are, and whose call it is, for errors */
static int	sandbox_depth = 0;
static const char *sandbox_what = NULL;

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

/*
 * ProcessUtility hook: refuse, inside a sandboxed call, the utility
 * statements whose effect on the session a rollback does not undo.
 */
static void
SandboxProcessUtility(PlannedStmt *pstmt, const char *queryString,
					  bool readOnlyTree, ProcessUtilityContext context,
					  ParamListInfo params, QueryEnvironment *queryEnv,
					  DestReceiver *dest, QueryCompletion *qc)
{
	if (sandbox_depth > 0)
	{
		const char *command = NULL;

		switch (nodeTag(pstmt->utilityStmt))
		{
			case T_PrepareStmt:
				command = "PREPARE";
				break;
			case T_DeallocateStmt:
				command = "DEALLOCATE";
				break;
			case T_LoadStmt:
				command = "LOAD";
				break;
			default:
				break;
		}
		if (command)
			ereport(ERROR,
					(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
					 errmsg("%s is not allowed in %s", command, sandbox_what),
					 errdetail("Code a draw calls must leave nothing behind in the session that runs the draw.")));
	}
	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
							queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/* Install the utility hook; from _PG_init. */
void
SandboxInit(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = SandboxProcessUtility;
}

/* An advisory lock this backend holds, with the modes it holds it in. */
typedef struct HeldLock
{
	LOCKTAG		tag;
	LOCKMASK	modes;
} HeldLock;

/*
 * The advisory locks this backend holds now, in the current memory context.
 * Only this backend's own lock lists are read, a partition at a time under
 * its lock (advisory locks never take the fast path): about a microsecond,
 * where GetLockStatusData() would copy every backend's locks.
 */
static HeldLock *
AdvisoryLocksHeld(int *n)
{
	int			size = 8;
	HeldLock   *held = palloc(sizeof(HeldLock) * size);

	*n = 0;
	for (int partition = 0; partition < NUM_LOCK_PARTITIONS; partition++)
	{
		LWLock	   *partition_lock = LockHashPartitionLockByIndex(partition);
		PROCLOCK   *proclock;

		LWLockAcquire(partition_lock, LW_SHARED);
#if PG_VERSION_NUM >= 160000
		{
			dlist_iter	iter;

			dlist_foreach(iter, &MyProc->myProcLocks[partition])
			{
				proclock = dlist_container(PROCLOCK, procLink, iter.cur);
#else
		{
			SHM_QUEUE  *head = &MyProc->myProcLocks[partition];

			for (proclock = (PROCLOCK *) SHMQueueNext(head, head, offsetof(PROCLOCK, procLink));
				 proclock != NULL;
				 proclock = (PROCLOCK *) SHMQueueNext(head, &proclock->procLink,
													  offsetof(PROCLOCK, procLink)))
			{
#endif
				LOCK	   *lock = proclock->tag.myLock;

				if (proclock->holdMask == 0 || lock->tag.locktag_type != LOCKTAG_ADVISORY)
					continue;
				if (*n == size)
				{
					size *= 2;
					held = repalloc(held, sizeof(HeldLock) * size);
				}
				held[*n].tag = lock->tag;
				held[*n].modes = proclock->holdMask;
				(*n)++;
			}
		}
		LWLockRelease(partition_lock);
	}
	return held;
}

/* The modes in which a list of held locks holds tag. */
static LOCKMASK
ModesHeld(const HeldLock *held, int n, const LOCKTAG *tag)
{
	for (int i = 0; i < n; i++)
		if (memcmp(&held[i].tag, tag, sizeof(LOCKTAG)) == 0)
			return held[i].modes;
	return 0;
}

/*
 * Compare the advisory locks held now with those held before the call.  A
 * lock the call took is released; a lock of the session's that it released
 * is taken back if nobody took it meanwhile.  Either is then reported, if
 * report (a call that failed has its own error to report).
 */
static void
CheckAdvisoryLocks(SandboxedFunction *fn, const HeldLock *before, int nbefore, bool report)
{
	int			nafter;
	HeldLock   *after = AdvisoryLocksHeld(&nafter);
	bool		taken = false;
	bool		released = false;
	bool		lost = false;

	for (int i = 0; i < nafter; i++)
	{
		LOCKMASK	added = after[i].modes & ~ModesHeld(before, nbefore, &after[i].tag);

		for (LOCKMODE mode = 1; mode <= MaxLockMode; mode++)
		{
			if ((added & LOCKBIT_ON(mode)) == 0)
				continue;
			taken = true;
			while (LockHeldByMe(&after[i].tag, mode))
				if (!LockRelease(&after[i].tag, mode, true))
					break;
		}
	}
	for (int i = 0; i < nbefore; i++)
	{
		LOCKMASK	removed = before[i].modes & ~ModesHeld(after, nafter, &before[i].tag);

		for (LOCKMODE mode = 1; mode <= MaxLockMode; mode++)
		{
			if ((removed & LOCKBIT_ON(mode)) == 0)
				continue;
			released = true;
			if (LockAcquire(&before[i].tag, mode, true, true) == LOCKACQUIRE_NOT_AVAIL)
				lost = true;
		}
	}
	if (!report)
		return;
	if (taken)
		ereport(ERROR,
				(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
				 errmsg("%s took a session-level advisory lock", fn->what),
				 errdetail("Code a draw calls must leave nothing behind in the session that runs the draw; the lock was released.")));
	if (released)
		ereport(ERROR,
				(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
				 errmsg("%s released a session-level advisory lock", fn->what),
				 lost ?
				 errdetail("Code a draw calls must leave the session that runs the draw as it found it; another session took the lock meanwhile.") :
				 errdetail("Code a draw calls must leave the session that runs the draw as it found it; the lock was taken back.")));
}

/*
 * Look a user function up for sandboxed calls, as role.  what names it in
 * errors.  Memory comes from the current context.
 */
void
SandboxPrepare(SandboxedFunction *fn, Oid fn_oid, Oid role, const char *what)
{
	fmgr_info(fn_oid, &fn->flinfo);
	fn->role = role;
	fn->what = what;
	fn->callcxt = AllocSetContextCreate(CurrentMemoryContext, "promo_draw sandboxed call",
										ALLOCSET_DEFAULT_SIZES);
}

/*
 * Call a sandboxed function of one argument and return its result, which
 * must be of a type passed by value.  An error in the function is raised
 * again once its subtransaction is rolled back.
 */
Datum
SandboxCall1(SandboxedFunction *fn, Datum arg, bool *isnull)
{
	LOCAL_FCINFO(fcinfo, 1);
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	const char *outer_what = sandbox_what;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	HeldLock   *locks_before;
	int			nlocks_before;
	Datum		result = (Datum) 0;
	ErrorData  *edata = NULL;

	Assert(fn->flinfo.fn_retset == false);
	MemoryContextSwitchTo(fn->callcxt);
	locks_before = AdvisoryLocksHeld(&nlocks_before);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(fn->callcxt);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(fn->role,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();
	sandbox_depth++;
	sandbox_what = fn->what;
	PG_TRY();
	{
		InitFunctionCallInfoData(*fcinfo, &fn->flinfo, 1, InvalidOid, NULL, NULL);
		fcinfo->args[0].value = arg;
		fcinfo->args[0].isnull = false;
		result = FunctionCallInvoke(fcinfo);
		*isnull = fcinfo->isnull;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(fn->callcxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	sandbox_depth--;
	sandbox_what = outer_what;

	/* undo whatever the call did, success or not */
	if (edata == NULL)
		AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;

	/* session-level advisory locks outlive the rollback: undo, then report */
	MemoryContextSwitchTo(fn->callcxt);
	CheckAdvisoryLocks(fn, locks_before, nlocks_before, edata == NULL);
	MemoryContextSwitchTo(cxt);
	if (edata)
		ReThrowError(edata);
	MemoryContextReset(fn->callcxt);
	return result;
}
