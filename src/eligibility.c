/*-------------------------------------------------------------------------
 *
 * eligibility.c
 *	  A draw's eligibility function (for example self-exclusion): checked
 *	  again when the draw runs, and asked in a sandbox.
 *
 * The function was named by whoever created the draw, and runs with that
 * role's rights while the draw runs with the rights of the extension owner
 * or of pg_cron's role.  So it is looked up again at draw time (the very
 * function, still executable by its creator) and every call goes through
 * sandbox.c, which leaves nothing of it in the session that runs the draw.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/syscache.h"

#include "draw.h"
#include "promo_draw.h"
#include "sandbox.h"

/* A draw's eligibility function, ready to be asked. */
struct Eligibility
{
	SandboxedFunction function;
};

/*
 * Look up the draw's eligibility function again at draw time.  It must be
 * the very function the draw was created with (an OID freed by DROP
 * FUNCTION can be given to another function later), take a bigint and
 * return a boolean, and the role that created the draw must still exist
 * and still be allowed to execute it: the function runs with that role's
 * rights, never with the rights of the extension owner that runs the draw.
 * The result lives in the current memory context.
 */
Eligibility *
EligibilityPrepare(DrawState *draw)
{
	Eligibility *eligibility = palloc(sizeof(Eligibility));
	ObjectAddress address;
	char	   *identity;
	HeapTuple	tuple;
	Form_pg_proc proc;

	ObjectAddressSet(address, ProcedureRelationId, draw->eligibility);
	identity = getObjectIdentity(&address, true);
	if (identity == NULL ||
		(draw->eligibility_identity != NULL && strcmp(identity, draw->eligibility_identity) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_PD_ELIGIBILITY_MISSING),
				 errmsg("the eligibility function of draw %lld no longer exists",
						(long long) draw->draw_id),
				 draw->eligibility_identity ?
				 errdetail("The draw was created with %s, which has been dropped or replaced since.",
						   draw->eligibility_identity) :
				 errdetail("No function has the OID %u it was created with.", draw->eligibility),
				 errhint("Create the function again under the same name, or cancel the draw.")));
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(draw->created_by)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the role that created draw %lld no longer exists",
						(long long) draw->draw_id),
				 errdetail("Its eligibility function runs with the rights of the role that created the draw.")));
	if (pg_proc_aclcheck(draw->eligibility, draw->created_by, ACL_EXECUTE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function %s", identity),
				 errdetail("Role %s created draw %lld and may no longer execute its eligibility function.",
						   GetUserNameFromId(draw->created_by, false),
						   (long long) draw->draw_id)));

	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(draw->eligibility));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for function %u", draw->eligibility);
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	if (proc->pronargs != 1 || proc->proargtypes.values[0] != INT8OID ||
		proc->prorettype != BOOLOID || proc->proretset)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("the eligibility function of draw %lld must take a bigint and return a boolean",
						(long long) draw->draw_id)));
	ReleaseSysCache(tuple);
	SandboxPrepare(&eligibility->function, draw->eligibility, draw->created_by,
				   psprintf("the eligibility function of draw %lld", (long long) draw->draw_id));
	return eligibility;
}

/*
 * Ask the eligibility function about a customer, as the role that created
 * the draw, in a sandbox (sandbox.c): the draw runs with the rights of the
 * extension owner or of whoever runs it, which must not leak into a
 * function the draw's creator chose, and the function must leave nothing
 * behind in the runner's session.  NULL counts as not eligible.
 */
bool
EligibilityAsk(Eligibility *eligibility, int64 customer_id)
{
	bool		isnull;
	Datum		result = SandboxCall1(&eligibility->function, Int64GetDatum(customer_id),
									  &isnull);

	return !isnull && DatumGetBool(result);
}
