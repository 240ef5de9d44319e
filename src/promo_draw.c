/*-------------------------------------------------------------------------
 *
 * promo_draw.c
 *	  Module entry point: PG_MODULE_MAGIC, _PG_init, the settings, and what
 *	  every part shares.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "promo_draw.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* promo_draw.max_playthrough: 0 means no limit */
double		promo_draw_max_playthrough = 0;

/*
 * Define the promo_draw.* settings and reserve the prefix, so that a
 * misspelt setting is reported instead of silently ignored.
 */
void
_PG_init(void)
{
	DefineCustomRealVariable("promo_draw.max_playthrough",
							 "Highest playthrough a bonus may be granted with (0 to 1000000; 0 means no limit).",
							 "Some markets cap wagering requirements, for example at 10 times the bonus.",
							 &promo_draw_max_playthrough,
							 0, 0, 1000000,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("promo_draw");
}

/* The OID of one of promo_draw's tables, by name; missing is an error. */
Oid
PromoTableOid(const char *name)
{
	Oid			relid = get_relname_relid(name, get_namespace_oid(PROMO_DRAW_SCHEMA, false));

	if (!OidIsValid(relid))
		elog(ERROR, "table promo_draw.%s is missing", name);
	return relid;
}

/*
 * calling_role(): the role that called promo_draw, as seen from inside its
 * SECURITY DEFINER functions (where current_user is the extension owner).
 * This is the session's role after SET ROLE.
 */
PG_FUNCTION_INFO_V1(calling_role);
Datum
calling_role(PG_FUNCTION_ARGS)
{
	PG_RETURN_OID(GetOuterUserId());
}
