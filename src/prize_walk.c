/*-------------------------------------------------------------------------
 *
 * prize_walk.c
 *	  The walk of a draw's tickets against its prizes, and the proxy's way
 *	  into it.
 *
 * The tickets come best first; the prizes, most valuable first:
 *
 *	  - with repeats (seeded draws), a ticket equal to the one before it is
 *		ignored;
 *	  - while prizes remain, each ticket of an eligible customer who has won
 *		fewer than max_wins prizes takes the next prize;
 *	  - the eligibility of a customer is asked once, when a ticket of theirs
 *		would first take a prize; an ineligible customer gets one result,
 *		"ineligible", and the prize passes on;
 *	  - once the prizes are gone, each customer's best ticket (rank 1)
 *		brings them their consolation; so does a best ticket ignored as a
 *		repeat while prizes remained, if its customer won nothing after.
 *
 * A node's run_draw (draw.c) walks its own sorted tickets and writes what
 * the walk finds; a proxy's run_draw (promo_draw_proxy) orders every node's
 * tickets in a temporary table and walks them here, through
 * promo_draw_proxy.walk_prizes, which asks each customer's node whether the
 * customer is eligible.  There is one walk.
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
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "draw.h"
#include "promo_draw.h"
#include "sqlexec.h"
#include "ticket.h"

/* What the walk knows of a customer it met while prizes remained. */
typedef struct CustomerMark
{
	int64		customer_id;	/* hash key */
	int32		wins;
	char		eligible;		/* '?' not asked, 'y' or 'n' */
	int64		pending_place;	/* best ticket ignored as a repeat: 0 if none */
	pg_uuid_t	pending_ticket;
	pg_uuid_t	ref;			/* the entry's reference, with by_ref */
} CustomerMark;

/* Find or add what the walk knows of a customer. */
static CustomerMark *
MarkCustomer(PrizeWalk *walk, HTAB *customers, int64 customer_id)
{
	bool		found;
	CustomerMark *mark = hash_search(customers, &customer_id, HASH_ENTER, &found);

	if (!found)
	{
		mark->wins = 0;
		mark->eligible = walk->ask ? '?' : 'y';
		mark->pending_place = 0;
	}
	return mark;
}

/* Move on to the next prize with some left, if the current one has none. */
static int
NextPrize(PrizeWalk *walk, int next)
{
	while (next < walk->nprizes && walk->prizes[next].remaining <= 0)
		next++;
	return next;
}

/*
 * Walk the tickets that next() gives from source against the prizes, as the
 * header of this file says, telling walk's callbacks what it finds.  The
 * memory kept is one mark per customer met while prizes remain.
 */
void
WalkTickets(PrizeWalk *walk, NextTicket next, void *source)
{
	HASHCTL		ctl;
	HTAB	   *customers;
	HASH_SEQ_STATUS seq;
	CustomerMark *mark;
	pg_uuid_t	previous;
	bool		have_previous = false;
	int64		place = 0;
	int			next_prize = NextPrize(walk, 0);
	pg_uuid_t	ticket;
	pg_uuid_t	ref_buf;
	const pg_uuid_t *ref = walk->by_ref ? &ref_buf : NULL;
	int64		customer_id;
	int32		rank;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(CustomerMark);
	ctl.hcxt = CurrentMemoryContext;
	customers = hash_create("promo_draw walk customers", 1024, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	while (next(source, &ticket, &customer_id, &rank, &ref_buf))
	{
		bool		repeat = walk->repeats && have_previous && TicketCmp(&ticket, &previous) == 0;
		Prize	   *prize;

		place++;
		previous = ticket;
		have_previous = true;
		if ((place & 0x3FF) == 0)
			CHECK_FOR_INTERRUPTS();

		if (next_prize >= walk->nprizes)
		{
			/* no prizes left: consolation at the customer's best ticket */
			if (rank == 1)
				walk->console(walk->arg, place, customer_id, ref, &ticket);
			continue;
		}

		mark = MarkCustomer(walk, customers, customer_id);
		if (repeat)
		{
			/* ignored; if it was their best, console them later if need be */
			if (rank == 1)
			{
				mark->pending_place = place;
				mark->pending_ticket = ticket;
				mark->ref = ref_buf;
			}
			continue;
		}
		if (mark->eligible == 'n' || mark->wins >= walk->max_wins)
			continue;
		if (mark->eligible == '?')
		{
			mark->eligible = walk->eligible(walk->arg, customer_id) ? 'y' : 'n';
			if (mark->eligible == 'n')
			{
				walk->result(walk->arg, place, customer_id, ref, &ticket, NULL, "ineligible");
				continue;
			}
		}

		prize = &walk->prizes[next_prize];
		walk->result(walk->arg, place, customer_id, ref, &ticket, prize, "won");
		mark->wins++;
		if (--prize->remaining == 0)
			next_prize = NextPrize(walk, next_prize + 1);
	}

	/*
	 * Customers whose best ticket was ignored as a repeat while prizes
	 * remained and who won nothing afterwards (and were not found
	 * ineligible): console them at that ticket.  Ticket values are HMAC
	 * outputs, so this is vanishingly rare.
	 */
	hash_seq_init(&seq, customers);
	while ((mark = hash_seq_search(&seq)) != NULL)
	{
		if (mark->pending_place > 0 && mark->wins == 0 && mark->eligible != 'n')
			walk->console(walk->arg, mark->pending_place, mark->customer_id,
						  walk->by_ref ? &mark->ref : NULL, &mark->pending_ticket);
	}
	hash_destroy(customers);
}

/*
 * A ticket of the walk from the first four columns of a row: ticket,
 * entry_ref (NULL before references), customer_id, rank.
 */
void
WalkTicketFromRow(const Datum *values, const bool *nulls, pg_uuid_t *ticket,
				  int64 *customer_id, int32 *rank, pg_uuid_t *ref)
{
	*ticket = *DatumGetUUIDP(values[0]);
	if (nulls[1])
		memset(ref, 0, sizeof(pg_uuid_t));
	else
		*ref = *DatumGetUUIDP(values[1]);
	*customer_id = DatumGetInt64(values[2]);
	*rank = DatumGetInt32(values[3]);
}

/* ---------- the proxy's way in ---------- */

/* walk_prizes's output: place, customer_id, ticket, prize_id, outcome, entry_ref */
#define WALK_COLS 6

/* tickets read from the proxy's table at a time */
#define WALK_FETCH 10000

/* Where the proxy's walk reads its tickets and writes its results. */
typedef struct ProxyWalk
{
	Portal		portal;			/* over pg_temp.promo_draw_tickets, by place */
	SPITupleTable *batch;		/* the tickets fetched last, or NULL */
	uint64		nbatch;
	uint64		row;			/* the next of them */
	Datum		draw_id;
	Datum		nodes;
	Datum		modular;
	const char *consolation;	/* "default" or "lost" */
	Tuplestorestate *out;
	TupleDesc	outdesc;
} ProxyWalk;

/*
 * The proxy's tickets of one draw, every node's, in the draw's order; the
 * proxy's run_draw builds the table in this transaction (its place column
 * is the walk's place).
 */
#define PROXY_TICKETS_SQL \
	"SELECT ticket, entry_ref, customer_id, rank::pg_catalog.int4 " \
	"FROM pg_temp.promo_draw_tickets ORDER BY place"

/* whether the customer's node finds the customer ineligible */
static SqlPlan proxy_ineligible_plan = {
	"SELECT $1 OPERATOR(pg_catalog.=) ANY (promo_draw_proxy.ineligible_on("
	"promo_draw_proxy.node_of($1, $3, $4), $2, ARRAY[$1]))",
	4, {INT8OID, INT8OID, INT4OID, BOOLOID}
};

/* NextTicket over the proxy's table. */
static bool
ProxyNextTicket(void *source, pg_uuid_t *ticket, int64 *customer_id, int32 *rank,
				pg_uuid_t *ref)
{
	ProxyWalk  *pw = (ProxyWalk *) source;
	Datum		values[4];
	bool		nulls[4];

	if (pw->batch == NULL || pw->row >= pw->nbatch)
	{
		if (pw->batch)
			SPI_freetuptable(pw->batch);
		pw->batch = NULL;
		SPI_cursor_fetch(pw->portal, true, WALK_FETCH);
		if (SPI_processed == 0)
		{
			SPI_freetuptable(SPI_tuptable);
			return false;
		}
		pw->batch = SPI_tuptable;
		pw->nbatch = SPI_processed;
		pw->row = 0;
	}
	heap_deform_tuple(pw->batch->vals[pw->row++], pw->batch->tupdesc, values, nulls);
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
 * so its winners must be eligible; the proxy asks their nodes afterwards, a
 * node at a time, rather than a call per customer here.
 */
static void
ProxyConsole(void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
			 pg_uuid_t *ticket)
{
	ProxyWalk  *pw = (ProxyWalk *) arg;

	ProxyResult(arg, place, customer_id, ref, ticket, NULL, pw->consolation);
}

/*
 * promo_draw_proxy.walk_prizes(draw_id, prize_ids, quantities, max_wins,
 * repeats, by_ref, ask, consolation, nodes, modular): the results of the
 * walk over the proxy's pg_temp.promo_draw_tickets, as run_draw on one
 * node holding every entry would find them.  Only the proxy's run_draw
 * calls it.
 */
PG_FUNCTION_INFO_V1(proxy_walk_prizes);
Datum
proxy_walk_prizes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ProxyWalk	pw;
	PrizeWalk	walk;
	ArrayType  *ids;
	ArrayType  *quantities;
	Datum	   *id_values;
	Datum	   *quantity_values;
	bool	   *id_nulls;
	bool	   *quantity_nulls;
	int			nids;
	int			nquantities;

	for (int i = 0; i < 10; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("walk_prizes takes no null argument")));
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != WALK_COLS)
		elog(ERROR, "walk_prizes must be declared with %d output columns", WALK_COLS);

	ids = PG_GETARG_ARRAYTYPE_P(1);
	quantities = PG_GETARG_ARRAYTYPE_P(2);
	deconstruct_array(ids, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &id_values, &id_nulls, &nids);
	deconstruct_array(quantities, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &quantity_values, &quantity_nulls, &nquantities);
	if (nids != nquantities)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walk_prizes needs one quantity per prize")));

	memset(&walk, 0, sizeof(walk));
	walk.nprizes = nids;
	walk.prizes = palloc0(sizeof(Prize) * Max(nids, 1));
	for (int i = 0; i < nids; i++)
	{
		if (id_nulls[i] || quantity_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("walk_prizes takes no null prize")));
		walk.prizes[i].prize_id = DatumGetInt64(id_values[i]);
		walk.prizes[i].remaining = (int32) Min(DatumGetInt64(quantity_values[i]), PG_INT32_MAX);
	}
	walk.max_wins = PG_GETARG_INT32(3);
	walk.repeats = PG_GETARG_BOOL(4);
	walk.by_ref = PG_GETARG_BOOL(5);
	walk.ask = PG_GETARG_BOOL(6);
	walk.eligible = ProxyEligible;
	walk.result = ProxyResult;
	walk.console = ProxyConsole;
	walk.arg = &pw;

	memset(&pw, 0, sizeof(pw));
	pw.draw_id = PG_GETARG_DATUM(0);
	pw.consolation = text_to_cstring(PG_GETARG_TEXT_PP(7));
	if (strcmp(pw.consolation, "default") != 0 && strcmp(pw.consolation, "lost") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walk_prizes consoles with \"default\" or \"lost\"")));
	pw.nodes = PG_GETARG_DATUM(8);
	pw.modular = PG_GETARG_DATUM(9);
	pw.out = rsinfo->setResult;
	pw.outdesc = rsinfo->setDesc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	pw.portal = SPI_cursor_open_with_args(NULL, PROXY_TICKETS_SQL, 0, NULL, NULL, NULL,
										  true, CURSOR_OPT_NO_SCROLL);
	WalkTickets(&walk, ProxyNextTicket, &pw);
	if (pw.batch)
		SPI_freetuptable(pw.batch);
	SPI_cursor_close(pw.portal);
	SPI_finish();
	return (Datum) 0;
}
