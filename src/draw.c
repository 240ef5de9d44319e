/*-------------------------------------------------------------------------
 *
 * draw.c
 *	  The draw: run_draw, run_due_draws and cancel_draw.
 *
 * run_draw orders every participant's best tickets from best to worst and
 * walks them against the prize table, most valuable prize first (the walk
 * is prize_walk.c's, which a proxy's run_draw uses too):
 *
 *	  - a ticket equal to the one before it is ignored;
 *	  - a customer never wins more than max_wins_per_customer prizes;
 *	  - if the draw has an eligibility function, it is asked about a
 *		customer only when that customer would win a prize (the default
 *		prize included); an ineligible customer gets one 'ineligible' result
 *		and no message, and the prize passes to the next ticket;
 *	  - once the prizes are gone, every customer who won nothing gets one
 *		result, 'default' (the draw's default prize) or 'lost' (its lose
 *		message), at the place of their best ticket.
 *
 * The tickets go through a tuplesort, which stays within work_mem and
 * spills to disk beyond it; the memory kept per customer is only for those
 * met while prizes remain.  Results are written in bulk, in the same
 * transaction that marks the draw drawn; each result but an ineligible one
 * is also the customer's message (promo_draw.notification shows it), and
 * one NOTIFY on channel promo_draw tells listeners.  A drawn draw returns
 * its stored results and writes nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "commands/sequence.h"
#include "common/int.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplesort.h"
#include "utils/typcache.h"
#include "utils/uuid.h"

#include "bulk_insert.h"
#include "digest.h"
#include "draw.h"
#include "outbox.h"
#include "promo_draw.h"
#include "sqlexec.h"
#include "table_write.h"
#include "ticket.h"

/* run_draw's output: place, customer_id, ticket, prize_id, prize, outcome */
#define RUN_DRAW_COLS 6

/*
 * promo_draw.result, column by column: from 0.4.0 with entry_ref, from
 * 0.3.0 with notification_id and delivered_at, before with the first six
 */
#define RESULT_COLS 9
#define RESULT_COLS_0_3 8
#define RESULT_COLS_LEGACY 6

/* tickets fetched from the entries at a time */
#define ENTRY_FETCH 10000

/* What became of one draw handed to RunDraw. */
typedef enum DrawOutcome
{
	DRAW_RAN,					/* drawn now */
	DRAW_WAS_DRAWN,				/* drawn before: stored results returned */
	DRAW_BUSY,					/* another session is drawing it (nowait) */
	DRAW_NOT_READY				/* not ready (when told to skip those) */
} DrawOutcome;

/* Everything one run of a draw carries along. */
typedef struct DrawRun
{
	DrawState  *draw;
	Prize	   *prizes;
	int			nprizes;
	Tuplestorestate *out;		/* run_draw's output, or NULL */
	TupleDesc	outdesc;
	int			sort_mem;		/* kB for the ticket sort */
	BulkInsert *results;
	Oid			message_seq;	/* gives each outcome message its id */
	Outbox	   *messages;		/* tables before 0.3.0 only: see EmitResult */
	Datum		consolation_payload;	/* for messages: every default/lost one */
	int64		nmessages;		/* outcome messages among the results */
	MemoryContext rowcxt;		/* reset after every result */
	Eligibility *eligibility;	/* NULL: every customer is eligible */
	int64		participants;
	Numeric		tickets_total;
	int64		nresults;
	bool		by_ref;			/* tables of 0.4.0: entries have references */
	int			result_cols;
	Digest		entries_digest; /* a seeded draw's, as its entries are read */
	uint8		entry_digest[DRAW_DIGEST_LEN];
} DrawRun;

/* before 0.4.0: the entries in any order */
static SqlPlan entries_plan = {
	"SELECT customer_id, tickets, best, NULL::pg_catalog.uuid FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND tickets OPERATOR(pg_catalog.>) 0 "
	"AND (opted_in OR NOT $2)",
	2, {INT8OID, BOOLOID}
};

/* from 0.4.0: by reference, the order of the seeded draw's digest */
static SqlPlan entries_by_ref_plan = {
	"SELECT customer_id, tickets, best, entry_ref FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND tickets OPERATOR(pg_catalog.>) 0 "
	"AND (opted_in OR NOT $2) ORDER BY entry_ref",
	2, {INT8OID, BOOLOID}
};

static SqlPlan stored_results_plan = {
	"SELECT r.place, r.customer_id, r.ticket, r.prize_id, "
	"CASE r.outcome WHEN 'won' THEN p.name WHEN 'default' THEN d.default_prize END, "
	"r.outcome "
	"FROM promo_draw.result r "
	"JOIN promo_draw.draw d ON d.draw_id OPERATOR(pg_catalog.=) r.draw_id "
	"LEFT JOIN promo_draw.prize p ON p.prize_id OPERATOR(pg_catalog.=) r.prize_id "
	"WHERE r.draw_id OPERATOR(pg_catalog.=) $1 ORDER BY r.place",
	1, {INT8OID}
};

static SqlPlan mark_drawn_plan = {
	"UPDATE promo_draw.draw SET status = 'drawn', drawn_at = pg_catalog.now(), "
	"participants = $2, tickets_total = $3 "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 "
	"AND (status OPERATOR(pg_catalog.=) 'open' OR status OPERATOR(pg_catalog.=) 'sealed')",
	3, {INT8OID, INT8OID, NUMERICOID}
};

/* from 0.4.0: with the digests */
static SqlPlan mark_drawn_digested_plan = {
	"UPDATE promo_draw.draw SET status = 'drawn', drawn_at = pg_catalog.now(), "
	"participants = $2, tickets_total = $3, "
	"entry_digest = COALESCE(entry_digest, $4), "
	"digest_version = COALESCE(digest_version, 2) "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 "
	"AND (status OPERATOR(pg_catalog.=) 'open' OR status OPERATOR(pg_catalog.=) 'sealed')",
	4, {INT8OID, INT8OID, NUMERICOID, BYTEAOID}
};

static SqlPlan outcome_delivery_plan = {
	"INSERT INTO promo_draw.outcome_delivery (draw_id) VALUES ($1)",
	1, {INT8OID}
};

/* draws to draw, for tables from before 0.3.0 */
static SqlPlan due_draws_legacy_plan = {
	"SELECT draw_id, false FROM promo_draw.draw "
	"WHERE status OPERATOR(pg_catalog.=) 'open' "
	"AND draw_at OPERATOR(pg_catalog.<=) pg_catalog.clock_timestamp() "
	"ORDER BY draw_at, draw_id",
	0, {InvalidOid}
};

/*
 * draws to draw, and sealed draws without partitions to seal (true): those
 * are sealed as soon as closes_at has passed, so that their digest is out
 * well before draw_at
 */
static SqlPlan due_draws_plan = {
	"SELECT draw_id, status OPERATOR(pg_catalog.=) 'open' AND sealed FROM promo_draw.draw "
	"WHERE (status OPERATOR(pg_catalog.=) 'open' AND NOT sealed "
	"AND draw_at OPERATOR(pg_catalog.<=) pg_catalog.clock_timestamp()) "
	"OR (status OPERATOR(pg_catalog.=) 'open' AND sealed AND partitions OPERATOR(pg_catalog.=) 0 "
	"AND closes_at OPERATOR(pg_catalog.<=) pg_catalog.clock_timestamp()) "
	"OR (status OPERATOR(pg_catalog.=) 'sealed' AND beacon IS NOT NULL "
	"AND draw_at OPERATOR(pg_catalog.<=) pg_catalog.clock_timestamp()) "
	"ORDER BY draw_at, draw_id",
	0, {InvalidOid}
};

static SqlPlan record_failure_plan = {
	"UPDATE promo_draw.draw SET failed_runs = failed_runs OPERATOR(pg_catalog.+) 1, "
	"last_error = $2, last_error_at = pg_catalog.clock_timestamp() "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1",
	2, {INT8OID, TEXTOID}
};

static SqlPlan cancel_plan = {
	"UPDATE promo_draw.draw SET status = 'cancelled', cancelled_at = pg_catalog.now(), "
	"cancel_reason = $2 WHERE draw_id OPERATOR(pg_catalog.=) $1",
	2, {INT8OID, TEXTOID}
};

/*
 * The tuple the tickets are sorted as: ticket, the entry's reference (NULL
 * before 0.4.0), customer, rank in their list.
 */
static TupleDesc
TicketSortDesc(void)
{
	TupleDesc	desc = CreateTemplateTupleDesc(4);

	TupleDescInitEntry(desc, 1, "ticket", UUIDOID, -1, 0);
	TupleDescInitEntry(desc, 2, "ref", UUIDOID, -1, 0);
	TupleDescInitEntry(desc, 3, "customer_id", INT8OID, -1, 0);
	TupleDescInitEntry(desc, 4, "rank", INT4OID, -1, 0);
	return desc;
}

/*
 * Put every participant's best tickets into a sort, best ticket first, ties
 * (repeated values) broken by reference (from 0.4.0), then customer.
 * Counts participants and tickets, and digests a seeded draw's entries.
 */
static Tuplesortstate *
SortTickets(DrawRun *run, TupleDesc sortdesc)
{
	AttrNumber	keys[3] = {1, 2, 3};
	Oid			ops[3];
	Oid			collations[3] = {InvalidOid, InvalidOid, InvalidOid};
	bool		nulls_first[3] = {false, false, false};
	Tuplesortstate *sort;
	TupleTableSlot *slot = MakeSingleTupleTableSlot(sortdesc, &TTSOpsVirtual);
	Datum		args[2];
	Portal		portal;
	MemoryContext batchcxt = AllocSetContextCreate(CurrentMemoryContext,
												   "promo_draw draw entries",
												   ALLOCSET_DEFAULT_SIZES);

	ops[0] = lookup_type_cache(UUIDOID, TYPECACHE_GT_OPR)->gt_opr;
	ops[1] = lookup_type_cache(UUIDOID, TYPECACHE_LT_OPR)->lt_opr;
	ops[2] = lookup_type_cache(INT8OID, TYPECACHE_LT_OPR)->lt_opr;
	sort = tuplesort_begin_heap(sortdesc, 3, keys, ops, collations, nulls_first,
								run->sort_mem, NULL, TUPLESORT_NONE);

	/* read the entries under a fresh snapshot: we hold the barrier */
	args[0] = Int64GetDatum(run->draw->draw_id);
	args[1] = BoolGetDatum(run->draw->requires_opt_in);
	portal = SqlCursorLatest(run->by_ref ? &entries_by_ref_plan : &entries_plan, args, NULL);
	if (run->by_ref)
		SeededDigestStart(&run->entries_digest, run->draw->draw_id, run->draw->seed_hash,
						  run->draw->max_wins, run->draw->default_prize,
						  run->draw->lose_message,
						  OidIsValid(run->draw->eligibility) ? run->draw->eligibility_identity : NULL,
						  run->prizes, run->nprizes);

	run->tickets_total = int64_to_numeric(0);
	for (;;)
	{
		int64		batch_tickets = 0;
		MemoryContext old;

		SPI_cursor_fetch(portal, true, ENTRY_FETCH);
		if (SPI_processed == 0)
			break;
		old = MemoryContextSwitchTo(batchcxt);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			int64		customer_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
			int64		tickets = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
			ArrayType  *best = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 3, &isnull));
			Datum		ref = SPI_getbinval(tup, desc, 4, &isnull);
			int			n = ArrayGetNItems(ARR_NDIM(best), ARR_DIMS(best));
			pg_uuid_t  *list = (pg_uuid_t *) ARR_DATA_PTR(best);

			if (ARR_HASNULL(best) || n > run->draw->max_wins || n == 0 ||
				(run->by_ref && isnull))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("entry of customer %lld in draw %lld holds %d best tickets for %lld tickets",
								(long long) customer_id, (long long) run->draw->draw_id, n,
								(long long) tickets)));
			if (run->by_ref)
			{
				DigestEntry(&run->entries_digest, DatumGetUUIDP(ref), tickets, n, list);
			}
			for (int r = 0; r < n; r++)
			{
				ExecClearTuple(slot);
				memset(slot->tts_isnull, 0, 4 * sizeof(bool));
				slot->tts_values[0] = UUIDPGetDatum(&list[r]);
				slot->tts_values[1] = ref;
				slot->tts_isnull[1] = !run->by_ref;
				slot->tts_values[2] = Int64GetDatum(customer_id);
				slot->tts_values[3] = Int32GetDatum(r + 1);
				ExecStoreVirtualTuple(slot);
				tuplesort_puttupleslot(sort, slot);
			}
			run->participants++;
			if (pg_add_s64_overflow(batch_tickets, tickets, &batch_tickets))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("too many tickets in draw %lld", (long long) run->draw->draw_id)));
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(batchcxt);
		run->tickets_total = numeric_add_opt_error(run->tickets_total,
												   int64_to_numeric(batch_tickets), NULL);
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	ExecDropSingleTupleTableSlot(slot);
	MemoryContextDelete(batchcxt);
	if (run->by_ref)
		DigestFinish(&run->entries_digest, run->entry_digest);

	tuplesort_performsort(sort);
	return sort;
}

/*
 * Record one result: its row, which is also the customer's message (not for
 * ineligible customers), and a row of run_draw's output.  On tables from
 * before 0.3.0 the message is a separate row in the outbox.
 */
static void
EmitResult(DrawRun *run, int64 place, int64 customer_id, const pg_uuid_t *ref,
		   pg_uuid_t *ticket, Prize *prize, const char *outcome)
{
	MemoryContext old = MemoryContextSwitchTo(run->rowcxt);
	Datum		values[RESULT_COLS];
	bool		nulls[RESULT_COLS];
	const char *prize_name = prize ? prize->name :
	(strcmp(outcome, "default") == 0 ? run->draw->default_prize : NULL);

	/* promo_draw.result */
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(run->draw->draw_id);
	values[1] = Int64GetDatum(place);
	values[2] = Int64GetDatum(customer_id);
	values[3] = UUIDPGetDatum(ticket);
	values[4] = prize ? Int64GetDatum(prize->prize_id) : (Datum) 0;
	nulls[4] = (prize == NULL);
	values[5] = CStringGetTextDatum(outcome);
	if (run->messages || strcmp(outcome, "ineligible") == 0)
		nulls[6] = true;		/* (no such column before 0.3.0) */
	else
	{
		values[6] = Int64GetDatum(nextval_internal(run->message_seq, false));
		run->nmessages++;
	}
	nulls[7] = true;			/* delivered_at */
	values[8] = ref ? UUIDPGetDatum(ref) : (Datum) 0;	/* from 0.4.0 */
	nulls[8] = (ref == NULL);
	BulkInsertRow(run->results, values, nulls);

	/* run_draw's output row */
	if (run->out)
	{
		Datum		outvals[RUN_DRAW_COLS];
		bool		outnulls[RUN_DRAW_COLS];

		memset(outnulls, 0, sizeof(outnulls));
		outvals[0] = Int64GetDatum(place);
		outvals[1] = Int64GetDatum(customer_id);
		outvals[2] = UUIDPGetDatum(ticket);
		outvals[3] = values[4];
		outnulls[3] = nulls[4];
		outvals[4] = prize_name ? CStringGetTextDatum(prize_name) : (Datum) 0;
		outnulls[4] = (prize_name == NULL);
		outvals[5] = values[5];
		tuplestore_putvalues(run->out, run->outdesc, outvals, outnulls);
	}

	/* before 0.3.0, the customer's message: every outcome but 'ineligible' */
	if (run->messages && strcmp(outcome, "ineligible") != 0)
	{
		Datum		payload;

		if (prize)
			payload = JsonbFromText(psprintf("{\"draw\": %s, \"prize\": %s, \"prize_id\": " INT64_FORMAT
											   ", \"value\": %s, \"place\": " INT64_FORMAT ", \"payload\": %s}",
											   JsonString(run->draw->name),
											   JsonString(prize->name), prize->prize_id,
											   DatumGetCString(DirectFunctionCall1(numeric_out,
																				   NumericGetDatum(prize->value))),
											   place,
											   DatumGetCString(DirectFunctionCall1(jsonb_out,
																				   prize->payload))));
		else
			payload = run->consolation_payload;
		OutboxAdd(run->messages, customer_id, run->draw->draw_id, outcome, payload);
	}

	run->nresults++;
	MemoryContextSwitchTo(old);
	MemoryContextReset(run->rowcxt);
}

/*
 * The consolation result of a customer who won nothing: the default prize,
 * or the lose message.  The default prize is a prize, so the eligibility
 * function is asked first (a self-excluded customer must not get free
 * spins); the lose message is not, and goes to everyone.
 */
static void
EmitConsolation(DrawRun *run, int64 place, int64 customer_id, const pg_uuid_t *ref,
				pg_uuid_t *ticket)
{
	if (run->draw->default_prize == NULL)
		EmitResult(run, place, customer_id, ref, ticket, NULL, "lost");
	else if (OidIsValid(run->draw->eligibility) && !EligibilityAsk(run->eligibility, customer_id))
		EmitResult(run, place, customer_id, ref, ticket, NULL, "ineligible");
	else
		EmitResult(run, place, customer_id, ref, ticket, NULL, "default");
}

/* The tickets of a seeded draw, as SortTickets sorted them. */
typedef struct SortedTickets
{
	Tuplesortstate *sort;
	TupleTableSlot *slot;
} SortedTickets;

/* NextTicket for a seeded draw. */
static bool
NextSortedTicket(void *source, pg_uuid_t *ticket, int64 *customer_id, int32 *rank,
				 pg_uuid_t *ref)
{
	SortedTickets *st = (SortedTickets *) source;

	if (!tuplesort_gettupleslot(st->sort, true, false, st->slot, NULL))
		return false;
	slot_getsomeattrs(st->slot, 4);
	WalkTicketFromRow(st->slot->tts_values, st->slot->tts_isnull, ticket, customer_id, rank, ref);
	return true;
}

/* PrizeWalk's callbacks for a node's run: ask, record, console. */
static bool
RunEligible(void *arg, int64 customer_id)
{
	return EligibilityAsk(((DrawRun *) arg)->eligibility, customer_id);
}

static void
RunResult(void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
		  pg_uuid_t *ticket, Prize *prize, const char *outcome)
{
	EmitResult((DrawRun *) arg, place, customer_id, ref, ticket, prize, outcome);
}

static void
RunConsole(void *arg, int64 place, int64 customer_id, const pg_uuid_t *ref,
		   pg_uuid_t *ticket)
{
	EmitConsolation((DrawRun *) arg, place, customer_id, ref, ticket);
}

/*
 * Return the stored results of a drawn draw, read under a fresh snapshot:
 * the draw may have committed while this call waited for it.
 */
static void
ReturnStoredResults(DrawRun *run)
{
	Datum		arg = Int64GetDatum(run->draw->draw_id);
	Portal		portal;

	if (run->out == NULL)
		return;
	portal = SqlCursorLatest(&stored_results_plan, &arg, NULL);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, ENTRY_FETCH);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			Datum		values[RUN_DRAW_COLS];
			bool		nulls[RUN_DRAW_COLS];

			heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, nulls);
			tuplestore_putvalues(run->out, run->outdesc, values, nulls);
		}
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
}

/*
 * Draw one draw, or return its stored results if it was drawn already.
 * out, if not NULL, receives run_draw's rows.  nowait skips a draw another
 * session is drawing; skip_unready skips a draw that is not ready instead of
 * raising an error.  Needs an SPI connection.
 */
static DrawOutcome
RunDraw(int64 draw_id, bool nowait, bool skip_unready,
		Tuplestorestate *out, TupleDesc outdesc)
{
	DrawRun		run;
	TupleDesc	sortdesc = NULL;
	SortedTickets sorted = {NULL, NULL};
	SealedSort *sealed = NULL;
	PrizeWalk	walk;
	Datum		args[4];
	StringInfoData note;

	memset(&run, 0, sizeof(run));
	run.out = out;
	run.outdesc = outdesc;
	/* with output, the sort and the output share work_mem (see run_draw) */
	run.sort_mem = out ? Max(work_mem / 2, 64) : work_mem;

	/* a standby, or a read-only transaction, may read a drawn draw's results */
	if (out && (RecoveryInProgress() || XactReadOnly))
	{
		run.draw = LoadDraw(draw_id, false);
		if (run.draw->status == DRAW_DRAWN)
		{
			ReturnStoredResults(&run);
			return DRAW_WAS_DRAWN;
		}
	}
	run.draw = LockDraw(draw_id, LOCK_DRAW_RUNNER | (nowait ? LOCK_DRAW_NOWAIT : 0) |
						LOCK_DRAW_BARRIER | LOCK_DRAW_ROW);
	if (run.draw == NULL)
		return DRAW_BUSY;

	if (run.draw->status == DRAW_DRAWN)
	{
		ReturnStoredResults(&run);
		return DRAW_WAS_DRAWN;
	}
	CheckDrawNotFinished(run.draw);
	if (!DrawIsReady(run.draw))
	{
		if (skip_unready)
			return DRAW_NOT_READY;
		ReportDrawNotReady(run.draw);
	}
	if (run.draw->sealed)
	{
		if (skip_unready && run.draw->beacon == NULL)
			return DRAW_NOT_READY;
		CheckSealedDrawable(run.draw);
	}

	if (OidIsValid(run.draw->eligibility))
		run.eligibility = EligibilityPrepare(run.draw);
	run.prizes = LoadPrizes(draw_id, &run.nprizes);
	/* tables of 0.4.0: references, digests; not for draws sealed before */
	run.by_ref = run.draw->has_prize_digest_column &&
		(!run.draw->sealed || run.draw->digest_version == 2);
	run.result_cols = run.draw->has_prize_digest_column ? RESULT_COLS : RESULT_COLS_0_3;

	run.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "promo_draw draw row",
									   ALLOCSET_SMALL_SIZES);
	if (!OutcomesInResults())
	{
		if (run.draw->default_prize)
			run.consolation_payload = JsonbFromText(psprintf("{\"draw\": %s, \"prize\": %s}",
															 JsonString(run.draw->name),
															 JsonString(run.draw->default_prize)));
		else
			run.consolation_payload = JsonbFromText(psprintf("{\"draw\": %s, \"message\": %s}",
															 JsonString(run.draw->name),
															 JsonString(run.draw->lose_message)));
	}

	if (run.draw->sealed)
		sealed = SealedSortBegin(run.draw, run.prizes, run.nprizes, run.sort_mem, true, 0, 1,
								 &run.participants, &run.tickets_total);
	else
	{
		sortdesc = TicketSortDesc();
		sorted.sort = SortTickets(&run, sortdesc);
		sorted.slot = MakeSingleTupleTableSlot(sortdesc, &TTSOpsMinimalTuple);
	}

	if (OutcomesInResults())
	{
		run.results = BulkInsertOpen(PromoTableOid("result"), run.result_cols, 0);
		run.message_seq = OutboxSequence();
	}
	else
	{
		run.results = BulkInsertOpen(PromoTableOid("result"), RESULT_COLS_LEGACY, 0);
		run.messages = OutboxOpen();
	}
	memset(&walk, 0, sizeof(walk));
	walk.prizes = run.prizes;
	walk.nprizes = run.nprizes;
	walk.max_wins = run.draw->max_wins;
	walk.ask = OidIsValid(run.draw->eligibility);
	walk.by_ref = run.by_ref;
	walk.repeats = (sealed == NULL);
	walk.eligible = RunEligible;
	walk.result = RunResult;
	walk.console = RunConsole;
	walk.arg = &run;
	if (sealed)
	{
		WalkTickets(&walk, SealedSortNext, sealed);
		SealedSortEnd(sealed);
	}
	else
	{
		WalkTickets(&walk, NextSortedTicket, &sorted);
		ExecDropSingleTupleTableSlot(sorted.slot);
		tuplesort_end(sorted.sort);
	}
	/* the reverse of the order they were opened in: each has its triggers' level */
	if (run.messages)
		OutboxClose(run.messages);
	BulkInsertClose(run.results);
	if (!run.messages && run.nmessages > 0)
	{
		/* take_notifications hands the messages out from the first place */
		args[0] = Int64GetDatum(draw_id);
		SqlRun(&outcome_delivery_plan, args, NULL, 0);
	}
	CommandCounterIncrement();

	args[0] = Int64GetDatum(draw_id);
	args[1] = Int64GetDatum(run.participants);
	args[2] = NumericGetDatum(run.tickets_total);
	if (run.draw->has_prize_digest_column)
	{
		bytea	   *digest = palloc(VARHDRSZ + DRAW_DIGEST_LEN);

		/* a draw ready by the clock gets its prize digest now */
		StorePrizeDigest(run.draw);
		SET_VARSIZE(digest, VARHDRSZ + DRAW_DIGEST_LEN);
		memcpy(VARDATA(digest), run.draw->sealed ? run.draw->entry_digest : run.entry_digest,
			   DRAW_DIGEST_LEN);
		args[3] = PointerGetDatum(digest);
		if (SqlRunLatest(&mark_drawn_digested_plan, args, NULL, 0) != 1)
			elog(ERROR, "draw %lld changed while it was being drawn", (long long) draw_id);
	}
	else if (SqlRunLatest(&mark_drawn_plan, args, NULL, 0) != 1)
		elog(ERROR, "draw %lld changed while it was being drawn", (long long) draw_id);

	initStringInfo(&note);
	appendStringInfo(&note, "{\"draw_id\": " INT64_FORMAT ", \"status\": \"drawn\", "
					 "\"results\": " INT64_FORMAT "}", draw_id, run.nresults);
	Async_Notify("promo_draw", note.data);
	if (run.nresults > 0)
		NotifyMessages();
	return DRAW_RAN;
}

/*
 * run_draw(draw_id): draw a ready draw and return its results, one row per
 * winning ticket and one per customer who won nothing, by place.  Running it
 * again returns the stored results and writes nothing; two sessions running
 * it at once produce one draw.
 */
PG_FUNCTION_INFO_V1(run_draw);
Datum
run_draw(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Tuplestorestate *old_store;
	MemoryContext old;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != RUN_DRAW_COLS)
		elog(ERROR, "run_draw must be declared with %d output columns", RUN_DRAW_COLS);

	/*
	 * The output and the ticket sort are alive together: give each half of
	 * work_mem, so that a draw of any size stays within work_mem.  Both
	 * spill to disk beyond it.
	 */
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	old_store = rsinfo->setResult;
	rsinfo->setResult = tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
											  false, Max(work_mem / 2, 64));
	tuplestore_end(old_store);
	MemoryContextSwitchTo(old);

	SPI_connect();
	CheckNotShard("run_draw()");
	RunDraw(PG_GETARG_INT64(0), false, false, rsinfo->setResult, rsinfo->setDesc);
	SPI_finish();
	return (Datum) 0;
}

/*
 * A draw run_due_draws could not draw: keep the error on the draw's row
 * (failed_runs, last_error, last_error_at, from 0.3.0), where draw_summary shows it,
 * tell listeners on channel promo_draw, and warn.  The draw is tried again
 * on the next call.
 */
static void
RecordDrawFailure(int64 draw_id, ErrorData *edata)
{
	Datum		args[2] = {Int64GetDatum(draw_id), CStringGetTextDatum(edata->message)};

	/* a database still on the tables of 0.2.0 or before only warns */
	if (get_attnum(PromoTableOid("draw"), "failed_runs") != InvalidAttrNumber)
		SqlRun(&record_failure_plan, args, NULL, 0);
	Async_Notify("promo_draw",
				 psprintf("{\"draw_id\": " INT64_FORMAT ", \"status\": \"failed\", "
						  "\"sqlstate\": \"%s\"}",
						  draw_id, unpack_sql_state(edata->sqlerrcode)));
	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("draw %lld was not drawn: %s", (long long) draw_id, edata->message),
			 edata->detail ? errdetail("%s", edata->detail) : 0,
			 errhint("The error is kept in promo_draw.draw.last_error; run_due_draws() will try again on its next call.")));
}

/*
 * Seal a sealed draw without partitions whose closes_at has passed, unless
 * another session is drawing or cancelling it (it is then tried again on the
 * next call).  Needs an SPI connection.
 */
static void
SealDueDraw(int64 draw_id)
{
	DrawState  *draw;
	uint8		digest[DRAW_DIGEST_LEN];

	draw = LockDraw(draw_id, LOCK_DRAW_RUNNER | LOCK_DRAW_NOWAIT | LOCK_DRAW_BARRIER);
	if (draw == NULL)
		return;
	if (draw->status == DRAW_OPEN && draw->sealed && DrawIsReady(draw))
		SealDraw(draw, digest);
}

/*
 * run_due_draws(): draw every ready draw whose draw_at has passed, for
 * pg_cron to call every minute, and seal every sealed draw without
 * partitions whose closes_at has passed.  A draw another session is drawing
 * is skipped, and so is one that is not ready yet or, sealed, has no beacon
 * yet.  Each draw runs in a
 * subtransaction with an SPI connection of its own: one that fails (say,
 * its eligibility function raises an error) is recorded on its row and does
 * not stop the others, and no draw's memory outlives it (SPI returns to its
 * connection's memory after every query, so a connection shared by the
 * draws would keep each draw's allocations to the end of the call).
 * Returns how many draws this call drew.
 */
PG_FUNCTION_INFO_V1(run_due_draws);
Datum
run_due_draws(PG_FUNCTION_ARGS)
{
	ResourceOwner owner = CurrentResourceOwner;
	int64	   *ids;
	bool	   *to_seal;
	int			nids;
	volatile int32 drawn = 0;
	MemoryContext loopcxt;

	RequireWritable();
	SPI_connect();
	CheckNotShard("run_due_draws()");
	nids = SqlRun(get_attnum(PromoTableOid("draw"), "sealed") != InvalidAttrNumber ?
				  &due_draws_plan : &due_draws_legacy_plan, NULL, NULL, 0);
	ids = palloc(sizeof(int64) * Max(nids, 1));
	to_seal = palloc(sizeof(bool) * Max(nids, 1));
	for (int i = 0; i < nids; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SqlValue(i, 1, &isnull));
		to_seal[i] = DatumGetBool(SqlValue(i, 2, &isnull));
	}
	SPI_freetuptable(SPI_tuptable);
	loopcxt = CurrentMemoryContext;

	for (int i = 0; i < nids; i++)
	{
		ErrorData  *edata = NULL;

		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(loopcxt);
		PG_TRY();
		{
			SPI_connect();
			if (to_seal[i])
				SealDueDraw(ids[i]);
			else if (RunDraw(ids[i], true, true, NULL, NULL) == DRAW_RAN)
				drawn++;
			SPI_finish();
			ReleaseCurrentSubTransaction();
			CurrentResourceOwner = owner;
		}
		PG_CATCH();
		{
			/* the abort also ends the draw's SPI connection, and frees its memory */
			MemoryContextSwitchTo(loopcxt);
			edata = CopyErrorData();
			FlushErrorState();
			RollbackAndReleaseCurrentSubTransaction();
			CurrentResourceOwner = owner;
		}
		PG_END_TRY();
		MemoryContextSwitchTo(loopcxt);
		if (edata)
		{
			RecordDrawFailure(ids[i], edata);
			FreeErrorData(edata);
		}
		CHECK_FOR_INTERRUPTS();
	}

	SPI_finish();
	PG_RETURN_INT32(drawn);
}

/*
 * cancel_draw(draw_id, reason): cancel a draw that has not been drawn.  It
 * takes no more tickets and will never be drawn; its seed stays secret.  A
 * sealed draw can be cancelled until its beacon is due (or, sealed before
 * 0.4.0, set), not after: its outcome is then known, and a cancellation
 * would let the operator throw away an outcome it dislikes.  A draw whose
 * seal came too late can only be cancelled.  Cancelling twice is harmless.
 */
PG_FUNCTION_INFO_V1(cancel_draw);
Datum
cancel_draw(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	DrawState  *draw;
	Datum		args[2];
	char		nulls[2] = {' ', ' '};

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	draw_id = PG_GETARG_INT64(0);

	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_RUNNER | LOCK_DRAW_BARRIER | LOCK_DRAW_ROW);
	if (draw->status == DRAW_DRAWN)
		CheckDrawNotFinished(draw);
	if (draw->status == DRAW_SEALED && draw->has_beacon_due &&
		GetCurrentTimestamp() >= draw->beacon_due_at)
		ereport(ERROR,
				(errcode(ERRCODE_PD_BEACON),
				 errmsg("draw %lld cannot be cancelled: its beacon is due", (long long) draw_id),
				 errdetail("Its outcome is fixed by its sealed entries and the beacon value due at %s (%s); it must be drawn.",
						   timestamptz_to_str(draw->beacon_due_at), draw->beacon_source),
				 errhint("set_beacon() takes that value; run_draw() draws it.")));
	if (draw->beacon != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PD_BEACON),
				 errmsg("draw %lld cannot be cancelled: its beacon is set", (long long) draw_id),
				 errdetail("Its outcome is fixed by its sealed entries and the value of its beacon (%s); it must be drawn.",
						   draw->beacon_source),
				 errhint("run_draw() draws it.")));
	if (draw->status == DRAW_OPEN || draw->status == DRAW_SEALED)
	{
		args[0] = Int64GetDatum(draw_id);
		args[1] = PG_ARGISNULL(1) ? (Datum) 0 : PG_GETARG_DATUM(1);
		nulls[1] = PG_ARGISNULL(1) ? 'n' : ' ';
		SqlRun(&cancel_plan, args, nulls, 0);
		Async_Notify("promo_draw",
					 psprintf("{\"draw_id\": " INT64_FORMAT ", \"status\": \"cancelled\"}",
							  draw_id));
	}
	SPI_finish();
	PG_RETURN_VOID();
}
