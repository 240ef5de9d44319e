/*-------------------------------------------------------------------------
 *
 * promo_draw.c
 *	  Module entry point: PG_MODULE_MAGIC, _PG_init, the settings, and what
 *	  every part shares.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "fmgr.h"
#include "utils/array.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "draw.h"
#include "promo_draw.h"
#include "sandbox.h"

PG_MODULE_MAGIC;

void		_PG_init(void);
static void TableCacheReset(Datum arg, int cacheid, uint32 hashvalue);

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

	CacheRegisterSyscacheCallback(RELNAMENSP, TableCacheReset, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, TableCacheReset, (Datum) 0);
	SandboxInit();
	SealInit();
}

/*
 * The OIDs of promo_draw's tables, looked up once per backend: the hot
 * paths open several of them on every call.  Any change to pg_class or
 * pg_namespace (the extension dropped and created again, say) empties the
 * cache, through the invalidation callbacks _PG_init registers.
 */
#define TABLE_CACHE_SIZE 16

typedef struct TableOid
{
	const char *name;			/* a string constant of the caller's */
	Oid			relid;
	Oid			identity_seq;	/* of its first column, once asked */
} TableOid;

static TableOid table_cache[TABLE_CACHE_SIZE];
static int	table_cache_used = 0;

/* Forget every cached OID. */
static void
TableCacheReset(Datum arg, int cacheid, uint32 hashvalue)
{
	table_cache_used = 0;
}

/* The cache entry of a table, looked up if need be. */
static TableOid *
TableCacheEntry(const char *name)
{
	Oid			relid;

	for (int i = 0; i < table_cache_used; i++)
		if (strcmp(table_cache[i].name, name) == 0)
			return &table_cache[i];

	relid = get_relname_relid(name, get_namespace_oid(PROMO_DRAW_SCHEMA, false));
	if (!OidIsValid(relid))
		elog(ERROR, "table promo_draw.%s is missing", name);
	if (table_cache_used == TABLE_CACHE_SIZE)
		table_cache_used = 0;
	table_cache[table_cache_used].name = name;
	table_cache[table_cache_used].relid = relid;
	table_cache[table_cache_used].identity_seq = InvalidOid;
	return &table_cache[table_cache_used++];
}

/* The OID of one of promo_draw's tables, by name; missing is an error. */
Oid
PromoTableOid(const char *name)
{
	return TableCacheEntry(name)->relid;
}

/* The sequence behind the identity column (the first) of one of promo_draw's tables. */
Oid
PromoTableIdentitySequence(const char *name)
{
	TableOid   *entry = TableCacheEntry(name);

	if (!OidIsValid(entry->identity_seq))
		entry->identity_seq = getIdentitySequence(entry->relid, 1, false);
	return entry->identity_seq;
}

/*
 * The elements of a one-dimensional array argument, checked for NULLs; *n
 * receives their number.
 */
Datum *
ArrayArgument(FunctionCallInfo fcinfo, int argno, const char *name, Oid elemtype,
			  int *n)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", name)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, &elems, &nulls, n);
	for (int i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain nulls", name),
					 errdetail("Element %d is null.", i + 1)));
	return elems;
}

/* Raise 54000 for a batch of more than PROMO_MAX_BATCH items. */
void
CheckBatchSize(int n, const char *items)
{
	if (n > PROMO_MAX_BATCH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a batch may hold at most %d %s", PROMO_MAX_BATCH, items),
				 errdetail("The batch given holds %d.", n),
				 errhint("Split the stream into batches of a few thousand: each batch is one transaction's work.")));
}

/* A position in a batch, for sorting by customer. */
typedef struct BatchPosition
{
	int64		customer_id;
	int			position;
} BatchPosition;

static int
CompareBatchPositions(const void *a, const void *b)
{
	const BatchPosition *x = a;
	const BatchPosition *y = b;

	if (x->customer_id != y->customer_id)
		return x->customer_id < y->customer_id ? -1 : 1;
	return (x->position > y->position) - (x->position < y->position);
}

/*
 * The order in which to apply a batch: by customer, and each customer's
 * items as they came.  Concurrent batches then lock entries in the same
 * order and cannot deadlock, and every item's result is the one single
 * calls in order would give.  Returns the positions, palloc'd.
 */
int *
CustomerOrder(const int64 *customer_ids, int n)
{
	BatchPosition *sorted = palloc(sizeof(BatchPosition) * Max(n, 1));
	int		   *order = palloc(sizeof(int) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		sorted[i].customer_id = customer_ids[i];
		sorted[i].position = i;
	}
	qsort(sorted, n, sizeof(BatchPosition), CompareBatchPositions);
	for (int i = 0; i < n; i++)
		order[i] = sorted[i].position;
	pfree(sorted);
	return order;
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
