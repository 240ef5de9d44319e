/*-------------------------------------------------------------------------
 *
 * proxy.c
 *	  What a proxy's run_draw (promo_draw_proxy) takes from promo_draw's
 *	  library, so that a sharded draw is drawn and digested by the very code
 *	  that draws and digests on one node.
 *
 * The proxy's run_draw gathers every node's best tickets into the
 * temporary table pg_temp.promo_draw_tickets (place, ticket, customer_id,
 * rank, entry_ref, tickets), in the draw's order, then calls:
 *
 *	  - promo_draw_proxy.seeded_digest: the entry digest of a seeded draw
 *		over every node's entries (digest.c's format), streamed by
 *		reference rather than gathered into one value;
 *	  - promo_draw_proxy.walk_prizes: the results, from prize_walk.c's walk,
 *		asking the customer's node whether a winner is eligible.
 *
 * Both read the draw's prizes from node 0 (promo_draw_proxy.prize_rows).
 * The SQL they run is fixed; only the proxy's run_draw calls them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "digest.h"
#include "draw.h"
#include "sqlexec.h"

/* walk_prizes's output: place, customer_id, ticket, prize_id, outcome, entry_ref */
#define WALK_COLS 6

/* rows read from the proxy's table at a time */
#define PROXY_FETCH 10000

/* the draw's prizes, most valuable first, from node 0 */
static SqlPlan proxy_prizes_plan = {
	"SELECT prize_id, name, value, quantity, payload FROM promo_draw_proxy.prize_rows($1) "
	"ORDER BY value DESC, prize_id",
	1, {INT8OID}
};

/* whether the customer's node finds the customer ineligible */
static SqlPlan proxy_ineligible_plan = {
	"SELECT $1 OPERATOR(pg_catalog.=) ANY (promo_draw_proxy.ineligible_on("
	"promo_draw_proxy.node_of($1, $3, $4), $2, ARRAY[$1]))",
	4, {INT8OID, INT8OID, INT4OID, BOOLOID}
};

/*
 * The proxy's tickets in the draw's order, for the walk (the place column
 * is the walk's place), and by reference, for the digest.  run_draw builds
 * the table in this transaction.
 */
#define PROXY_TICKETS_BY_PLACE \
	"SELECT ticket, entry_ref, customer_id, rank::pg_catalog.int4 " \
	"FROM pg_temp.promo_draw_tickets ORDER BY place"
#define PROXY_TICKETS_BY_REF \
	"SELECT entry_ref, tickets::pg_catalog.int8, ticket FROM pg_temp.promo_draw_tickets " \
	"ORDER BY entry_ref, rank"

/* A cursor over the proxy's table, read a batch at a time. */
typedef struct ProxyRows
{
	const Oid  *types;			/* the columns' types the query must give */
	int			ntypes;
	Portal		portal;
	SPITupleTable *batch;		/* the rows fetched last, or NULL */
	uint64		nbatch;
	uint64		row;			/* the next of them */
} ProxyRows;

/* the columns of those queries */
static const Oid by_place_types[4] = {UUIDOID, UUIDOID, INT8OID, INT4OID};
static const Oid by_ref_types[3] = {UUIDOID, INT8OID, UUIDOID};

/*
 * Open a cursor on one of the queries above, whose columns must have the
 * types given: the table is the caller's temporary table, and a table of
 * other column types must not be read as these.
 */
static void
ProxyRowsOpen(ProxyRows *rows, const char *sql, const Oid *types, int ntypes)
{
	memset(rows, 0, sizeof(*rows));
	rows->types = types;
	rows->ntypes = ntypes;
	rows->portal = SPI_cursor_open_with_args(NULL, sql, 0, NULL, NULL, NULL,
											 true, CURSOR_OPT_NO_SCROLL);
}

/* The next row, deformed into values and nulls; false after the last. */
static bool
ProxyRowsNext(ProxyRows *rows, Datum *values, bool *nulls)
{
	if (rows->batch == NULL || rows->row >= rows->nbatch)
	{
		if (rows->batch)
			SPI_freetuptable(rows->batch);
		rows->batch = NULL;
		SPI_cursor_fetch(rows->portal, true, PROXY_FETCH);
		if (SPI_processed == 0)
		{
			SPI_freetuptable(SPI_tuptable);
			return false;
		}
		rows->batch = SPI_tuptable;
		rows->nbatch = SPI_processed;
		rows->row = 0;
		if (rows->batch->tupdesc->natts != rows->ntypes)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("pg_temp.promo_draw_tickets is not the table run_draw makes")));
		for (int i = 0; i < rows->ntypes; i++)
			if (TupleDescAttr(rows->batch->tupdesc, i)->atttypid != rows->types[i])
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("pg_temp.promo_draw_tickets is not the table run_draw makes")));
		CHECK_FOR_INTERRUPTS();
	}
	heap_deform_tuple(rows->batch->vals[rows->row++], rows->batch->tupdesc, values, nulls);
	return true;
}

/* Close the cursor. */
static void
ProxyRowsClose(ProxyRows *rows)
{
	if (rows->batch)
		SPI_freetuptable(rows->batch);
	SPI_cursor_close(rows->portal);
}

/*
 * The draw's prizes, in prize order, read from node 0.  Needs an SPI
 * connection; the prizes live until SPI_finish.
 */
static Prize *
ProxyLoadPrizes(Datum draw_id, int *nprizes)
{
	Prize	   *prizes;
	int			n = SqlRun(&proxy_prizes_plan, &draw_id, NULL, 0);

	prizes = palloc0(sizeof(Prize) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		prizes[i].prize_id = DatumGetInt64(SqlValue(i, 1, &isnull));
		prizes[i].name = TextDatumGetCString(SqlValue(i, 2, &isnull));
		prizes[i].value = DatumGetNumeric(SqlValue(i, 3, &isnull));
		prizes[i].quantity = DatumGetInt32(SqlValue(i, 4, &isnull));
		prizes[i].remaining = prizes[i].quantity;
		prizes[i].payload = SqlValue(i, 5, &isnull);
	}
	*nprizes = n;
	return prizes;
}

/* A text argument, or NULL. */
static char *
TextArgOrNull(FunctionCallInfo fcinfo, int arg)
{
	return PG_ARGISNULL(arg) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(arg));
}

/*
 * promo_draw_proxy.seeded_digest(draw_id, seed_hash, max_wins, default_prize,
 * lose_message, eligibility): the entry digest of a seeded draw over every
 * node's entries in pg_temp.promo_draw_tickets, as one node holding them
 * all stores it when it draws.
 */
PG_FUNCTION_INFO_V1(proxy_seeded_digest);
Datum
proxy_seeded_digest(PG_FUNCTION_ARGS)
{
	bytea	   *seed_hash;
	char	   *default_prize = TextArgOrNull(fcinfo, 3);
	char	   *lose_message = TextArgOrNull(fcinfo, 4);
	char	   *eligibility = TextArgOrNull(fcinfo, 5);
	bytea	   *result = palloc(VARHDRSZ + DRAW_DIGEST_LEN);
	Digest		digest;
	ProxyRows	rows;
	Prize	   *prizes;
	int			nprizes;
	Datum		values[3];
	bool		nulls[3];
	bool		have = false;
	pg_uuid_t	ref;
	int64		tickets = 0;
	int			n = 0;
	pg_uuid_t  *best;
	int			best_size = 4;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("seeded_digest needs a draw, its seed hash and its max_wins")));
	seed_hash = PG_GETARG_BYTEA_PP(1);
	if (VARSIZE_ANY_EXHDR(seed_hash) != DRAW_DIGEST_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a seed hash has %d bytes", DRAW_DIGEST_LEN)));
	best = palloc(sizeof(pg_uuid_t) * best_size);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	prizes = ProxyLoadPrizes(PG_GETARG_DATUM(0), &nprizes);
	SeededDigestStart(&digest, PG_GETARG_INT64(0), (uint8 *) VARDATA_ANY(seed_hash),
					  PG_GETARG_INT32(2), default_prize, lose_message, eligibility,
					  prizes, nprizes);

	/* one entry per reference: its tickets, and its best tickets by rank */
	ProxyRowsOpen(&rows, PROXY_TICKETS_BY_REF, by_ref_types, 3);
	while (ProxyRowsNext(&rows, values, nulls))
	{
		pg_uuid_t  *row_ref = DatumGetUUIDP(values[0]);

		if (nulls[0] || nulls[1] || nulls[2])
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("a ticket of the proxy's draw has no reference")));
		if (have && memcmp(row_ref, &ref, UUID_LEN) != 0)
		{
			DigestEntry(&digest, &ref, tickets, n, best);
			n = 0;
		}
		ref = *row_ref;
		have = true;
		tickets = DatumGetInt64(values[1]);
		if (n == best_size)
		{
			best_size *= 2;
			best = repalloc(best, sizeof(pg_uuid_t) * best_size);
		}
		best[n++] = *DatumGetUUIDP(values[2]);
	}
	if (have)
		DigestEntry(&digest, &ref, tickets, n, best);
	ProxyRowsClose(&rows);
	/* before SPI_finish: without OpenSSL the hash lives in SPI's memory */
	SET_VARSIZE(result, VARHDRSZ + DRAW_DIGEST_LEN);
	DigestFinish(&digest, (uint8 *) VARDATA(result));
	SPI_finish();
	PG_RETURN_BYTEA_P(result);
}

/* Where the proxy's walk reads its tickets and writes its results. */
typedef struct ProxyWalk
{
	ProxyRows	rows;			/* pg_temp.promo_draw_tickets, by place */
	Datum		draw_id;
	Datum		nodes;
	Datum		modular;
	const char *consolation;	/* "default" or "lost" */
	Tuplestorestate *out;
	TupleDesc	outdesc;
} ProxyWalk;

/* NextTicket over the proxy's table. */
static bool
ProxyNextTicket(void *source, pg_uuid_t *ticket, int64 *customer_id, int32 *rank,
				pg_uuid_t *ref)
{
	ProxyWalk  *pw = (ProxyWalk *) source;
	Datum		values[4];
	bool		nulls[4];

	if (!ProxyRowsNext(&pw->rows, values, nulls))
		return false;
	WalkTicketFromRow(values, nulls, ticket, customer_id, rank, ref);
	return true;
}

/* Ask the customer's node, through PL/Proxy. */
static bool
ProxyEligible(void *arg, int64 customer_id)
{
	ProxyWalk  *pw = (ProxyWalk *) arg;
	Datum		args[4];
	bool		isnull;
	bool		ineligible;

	args[0] = Int64GetDatum(customer_id);
	args[1] = pw->draw_id;
	args[2] = pw->nodes;
	args[3] = pw->modular;
	if (SqlRun(&proxy_ineligible_plan, args, NULL, 1) != 1)
		elog(ERROR, "promo_draw_proxy.ineligible_on gave no answer");
	ineligible = DatumGetBool(SqlValue(0, 1, &isnull));
	if (isnull)
		elog(ERROR, "promo_draw_proxy.ineligible_on gave no answer");
	SPI_freetuptable(SPI_tuptable);
	return !ineligible;
}

/* One row of walk_prizes's output. */
static void
ProxyResult(void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
			pg_uuid_t *ticket, Prize *prize, const char *outcome)
{
	ProxyWalk  *pw = (ProxyWalk *) arg;
	Datum		values[WALK_COLS];
	bool		nulls[WALK_COLS];

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(place);
	values[1] = Int64GetDatum(customer_id);
	values[2] = UUIDPGetDatum(ticket);
	values[3] = prize ? Int64GetDatum(prize->prize_id) : (Datum) 0;
	nulls[3] = (prize == NULL);
	values[4] = CStringGetTextDatum(outcome);
	values[5] = ref ? UUIDPGetDatum(ref) : (Datum) 0;
	nulls[5] = (ref == NULL);
	tuplestore_putvalues(pw->out, pw->outdesc, values, nulls);
	pfree(DatumGetPointer(values[4]));
}

/*
 * The proxy's consolation: "default" or "lost".  A default prize is a prize,
 * so its winners must be eligible; the proxy's run_draw asks their nodes
 * afterwards, a node at a time, rather than a call per customer here.
 */
static void
ProxyConsole(void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
			 pg_uuid_t *ticket)
{
	ProxyWalk  *pw = (ProxyWalk *) arg;

	ProxyResult(arg, place, customer_id, ref, ticket, NULL, pw->consolation);
}

/*
 * promo_draw_proxy.walk_prizes(draw_id, max_wins, repeats, by_ref, ask,
 * consolation, nodes, modular): the results of the walk over the proxy's
 * pg_temp.promo_draw_tickets against the draw's prizes, as run_draw on one
 * node holding every entry finds them.
 */
PG_FUNCTION_INFO_V1(proxy_walk_prizes);
Datum
proxy_walk_prizes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyWalk	pw;
	PrizeWalk	walk;

	for (int i = 0; i < 8; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("walk_prizes takes no null argument")));
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != WALK_COLS)
		elog(ERROR, "walk_prizes must be declared with %d output columns", WALK_COLS);

	memset(&pw, 0, sizeof(pw));
	pw.draw_id = PG_GETARG_DATUM(0);
	pw.consolation = text_to_cstring(PG_GETARG_TEXT_PP(5));
	if (strcmp(pw.consolation, "default") != 0 && strcmp(pw.consolation, "lost") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walk_prizes consoles with \"default\" or \"lost\"")));
	pw.nodes = PG_GETARG_DATUM(6);
	pw.modular = PG_GETARG_DATUM(7);
	pw.out = rsinfo->setResult;
	pw.outdesc = rsinfo->setDesc;

	memset(&walk, 0, sizeof(walk));
	walk.max_wins = PG_GETARG_INT32(1);
	walk.repeats = PG_GETARG_BOOL(2);
	walk.by_ref = PG_GETARG_BOOL(3);
	walk.ask = PG_GETARG_BOOL(4);
	walk.eligible = ProxyEligible;
	walk.result = ProxyResult;
	walk.console = ProxyConsole;
	walk.arg = &pw;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	walk.prizes = ProxyLoadPrizes(pw.draw_id, &walk.nprizes);
	ProxyRowsOpen(&pw.rows, PROXY_TICKETS_BY_PLACE, by_place_types, 4);
	WalkTickets(&walk, ProxyNextTicket, &pw);
	ProxyRowsClose(&pw.rows);
	SPI_finish();
	return (Datum) 0;
}
