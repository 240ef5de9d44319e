/*-------------------------------------------------------------------------
 *
 * entry.c
 *	  A customer's entry in a draw (table promo_draw.entry): award_tickets,
 *	  opt_in, and the entry update that stake rules share.
 *
 * An entry keeps the ticket count and only the best max_wins_per_customer
 * ticket values, so its size does not grow with the tickets held.  New
 * tickets are numbered after the customer's existing ones and made with the
 * committed formula (ticket.c), so verify_draw can recompute every one.
 * Entries are changed under their row lock: concurrent awards for the same
 * customer queue on it and none is lost.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "promo_draw.h"
#include "outbox.h"
#include "row_access.h"
#include "ticket.h"
#include "entry.h"



/* The columns of promo_draw.entry. */
typedef enum EntryColumn
{
	EC_DRAW_ID,
	EC_CUSTOMER_ID,
	EC_TICKETS,
	EC_STAKE,
	EC_STAKE_TICKETS,
	EC_BEST,
	EC_OPTED_IN,
	EC_REQUIRED,				/* the columns above are in every version */
	EC_ENTRY_REF = EC_REQUIRED, /* 0.4.0 */
	EC_COUNT
} EntryColumn;

static const char *const entry_column_names[EC_COUNT] = {
	"draw_id", "customer_id", "tickets", "stake", "stake_tickets", "best", "opted_in",
	"entry_ref"
};
static Oid	entry_columns_relid = InvalidOid;
static AttrNumber entry_columns[EC_COUNT];

/* Set a column of the row to write. */
static inline void
EntrySet(TupleTableSlot *slot, EntryColumn col, Datum value)
{
	slot->tts_values[entry_columns[col] - 1] = value;
	slot->tts_isnull[entry_columns[col] - 1] = false;
}

/*
 * Read a customer's entry under a fresh snapshot.  Returns false, with an
 * empty entry, when the customer has none yet.  Without lock nothing is
 * locked: the write that follows fails if the entry changed meanwhile, and
 * the change is then computed again.  With lock, wait for any session
 * writing the entry (one creating it, say) and lock it.
 */
static bool
EntryLoad(RowAccess *ra, DrawState *draw, int64 customer_id, Entry *entry,
		   bool lock)
{
	Datum		key[2] = {Int64GetDatum(draw->draw_id), Int64GetDatum(customer_id)};
	ArrayType  *best;
	bool		isnull;
	int			n;

	memset(entry, 0, sizeof(Entry));
	entry->customer_id = customer_id;
	entry->best = palloc(sizeof(pg_uuid_t) * draw->max_wins);
	if (!RowFind(ra, key, lock))
	{
		entry->stake = int64_to_numeric(0);
		if (entry_columns[EC_ENTRY_REF] != InvalidAttrNumber && draw->has_ref_key)
		{
			EntryRef(draw->ref_key, draw->draw_id, customer_id, &entry->ref);
			entry->has_ref = true;
		}
		return false;
	}
	if (entry_columns[EC_ENTRY_REF] != InvalidAttrNumber)
	{
		Datum		d = RowGet(ra, entry_columns[EC_ENTRY_REF], &isnull);

		if (!isnull)
		{
			entry->ref = *DatumGetUUIDP(d);
			entry->has_ref = true;
		}
	}

	entry->tickets = DatumGetInt64(RowGet(ra, entry_columns[EC_TICKETS], &isnull));
	entry->stake = DatumGetNumericCopy(RowGet(ra, entry_columns[EC_STAKE], &isnull));
	entry->stake_tickets = DatumGetInt64(RowGet(ra, entry_columns[EC_STAKE_TICKETS], &isnull));
	entry->opted_in = DatumGetBool(RowGet(ra, entry_columns[EC_OPTED_IN], &isnull));
	best = DatumGetArrayTypeP(RowGet(ra, entry_columns[EC_BEST], &isnull));
	n = ArrayGetNItems(ARR_NDIM(best), ARR_DIMS(best));
	if (n > draw->max_wins || ARR_HASNULL(best))
		elog(ERROR, "entry of customer %lld in draw %lld holds %d best tickets for a limit of %d",
			 (long long) customer_id, (long long) draw->draw_id, n, draw->max_wins);
	memcpy(entry->best, ARR_DATA_PTR(best), n * sizeof(pg_uuid_t));
	entry->nbest = n;
	return true;
}

/*
 * Write the entry back, and one milestone message for every milestone its
 * ticket count crossed.  Returns false, having written nothing, when the
 * entry changed since it was read or a new entry lost the race to a
 * concurrent session that created it first: the caller starts again.
 */
static bool
EntrySave(Entries *entries, Entry *entry, bool exists, int64 tickets_before)
{
	RowAccess  *ra = entries->ra;
	DrawState  *draw = entries->draw;
	TupleTableSlot *next;
	Datum	   *elems;

	if (!entry->changed)
		return true;

	elems = palloc(sizeof(Datum) * Max(entry->nbest, 1));
	for (int i = 0; i < entry->nbest; i++)
		elems[i] = UUIDPGetDatum(&entry->best[i]);

	/* the invariants the table's columns document */
	if (entry->tickets < 0 || entry->stake_tickets < 0 ||
		entry->stake_tickets > entry->tickets || entry->nbest > draw->max_wins ||
		(draw->sealed ? entry->nbest != 0 : (entry->tickets > 0) != (entry->nbest > 0)))
		elog(ERROR, "entry of customer %lld in draw %lld would be inconsistent",
			 (long long) entry->customer_id, (long long) draw->draw_id);

	next = RowStart(ra, exists);
	EntrySet(next, EC_DRAW_ID, Int64GetDatum(draw->draw_id));
	EntrySet(next, EC_CUSTOMER_ID, Int64GetDatum(entry->customer_id));
	EntrySet(next, EC_TICKETS, Int64GetDatum(entry->tickets));
	EntrySet(next, EC_STAKE, NumericGetDatum(entry->stake));
	EntrySet(next, EC_STAKE_TICKETS, Int64GetDatum(entry->stake_tickets));
	EntrySet(next, EC_BEST,
			 PointerGetDatum(construct_array(elems, entry->nbest, UUIDOID, UUID_LEN,
											 false, TYPALIGN_CHAR)));
	EntrySet(next, EC_OPTED_IN, BoolGetDatum(entry->opted_in));
	if (!exists && entry->has_ref)
		EntrySet(next, EC_ENTRY_REF, UUIDPGetDatum(&entry->ref));

	if (exists ? !RowUpdate(ra) : !RowInsert(ra))
		return false;

	for (int i = 0; i < draw->nmilestones; i++)
	{
		int32		milestone = draw->milestones[i];

		if (milestone > tickets_before && milestone <= entry->tickets)
		{
			static const char *const milestone_keys[2] = {"milestone", "tickets"};
			int64		values[2];

			if (entries->outbox == NULL)
			{
				/* it lives as long as the entries, past the caller's per-row memory */
				MemoryContext old = MemoryContextSwitchTo(entries->cxt);

				entries->outbox = OutboxOpen();
				MemoryContextSwitchTo(old);
			}
			values[0] = milestone;
			values[1] = entry->tickets;
			OutboxAdd(entries->outbox, entry->customer_id, draw->draw_id, "milestone",
					  JsonbOfIntegers(milestone_keys, values, 2,
									  entry->has_ref ? "entry_ref" : NULL,
									  entry->has_ref ?
									  DatumGetCString(DirectFunctionCall1(uuid_out,
																		  UUIDPGetDatum(&entry->ref))) :
									  NULL));
		}
	}
	return true;
}

/* Open the entries of a draw for changes. */
Entries *
EntriesOpen(DrawState *draw)
{
	Entries	   *entries = palloc(sizeof(Entries));

	entries->draw = draw;
	entries->cxt = CurrentMemoryContext;
	entries->outbox = NULL;
	entries->ra = RowAccessOpen("entry", true);
	RowColumns(entries->ra, entry_column_names, EC_COUNT, EC_REQUIRED, &entry_columns_relid, entry_columns);
	return entries;
}

/* Release what EntriesOpen took. */
void
EntriesClose(Entries *entries)
{
	if (entries->outbox)
		OutboxClose(entries->outbox);
	RowAccessClose(entries->ra);
	pfree(entries);
}

/*
 * Apply a change to a customer's entry, creating it if needed.  A change
 * that meets a concurrent one is computed again on the newer entry, so none
 * is lost.  Returns the customer's ticket count afterwards.
 */
int64
EntryUpdate(Entries *entries, int64 customer_id, EntryChange change, void *arg)
{
	bool		lock = false;

	for (;;)
	{
		Entry		entry;
		bool		exists = EntryLoad(entries->ra, entries->draw, customer_id, &entry, lock);
		int64		before = entry.tickets;

		change(entries->draw, &entry, arg);
		if (EntrySave(entries, &entry, exists, before))
			return entry.tickets;

		/*
		 * A concurrent session changed the entry (its update has committed:
		 * read again) or is creating it (wait for it: read with lock).
		 */
		lock = !exists;
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Issue up to n new tickets to an entry, numbered after its existing ones
 * and capped by max_tickets_per_customer.  Only the best stay; a sealed draw
 * only counts them (no value exists for its tickets until its beacon).
 * Returns how many were issued.
 */
int64
EntryIssue(DrawState *draw, Entry *entry, int64 n)
{
	TicketMaker maker;

	if (draw->max_tickets > 0)
		n = Min(n, draw->max_tickets - entry->tickets);
	if (n <= 0)
		return 0;
	if (n > ENTRY_MAX_ISSUE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cannot issue %lld tickets at once", (long long) n),
				 errdetail("At most %d tickets are issued to a customer in one call.",
						   ENTRY_MAX_ISSUE),
				 errhint("Check the stake against stake_per_ticket, or set max_tickets_per_customer.")));
	if (draw->sealed)
	{
		entry->tickets += n;
		entry->changed = true;
		return n;
	}

	TicketMakerStart(&maker, draw->seed, draw->draw_id, entry->customer_id);
	for (int64 j = 1; j <= n; j++)
	{
		pg_uuid_t	ticket;

		TicketMake(&maker, entry->tickets + j, &ticket);
		TicketListInsert(entry->best, &entry->nbest, draw->max_wins, &ticket);
		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	TicketMakerEnd(&maker);

	entry->tickets += n;
	entry->changed = true;
	return n;
}

/* Raise an error if the draw has not opened yet. */
void
CheckDrawOpenedForTickets(DrawState *draw)
{
	if (DrawClock() < draw->opens_at)
		ereport(ERROR,
				(errcode(ERRCODE_PD_DRAW_NOT_OPEN_YET),
				 errmsg("draw %lld is not open yet", (long long) draw->draw_id),
				 errdetail("It opens at %s.", timestamptz_to_str(draw->opens_at))));
}

/* One award: tickets asked for, and how many were issued. */
typedef struct Award
{
	int64		n;
	int64		issued;
} Award;

/* award_tickets: issue the pushed tickets. */
static void
AwardChange(DrawState *draw, Entry *entry, void *arg)
{
	Award	   *award = (Award *) arg;

	award->issued = EntryIssue(draw, entry, award->n);
}

/* Raise an error unless n is a number of tickets one award may give. */
static inline void
CheckAwardCount(int64 n)
{
	if (n < 1 || n > ENTRY_MAX_ISSUE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 1 and %d", ENTRY_MAX_ISSUE),
				 errdetail("award_tickets() was asked for %lld tickets.", (long long) n)));
}

/*
 * The entries of a draw that takes tickets now, open for awards: the steps
 * award_tickets and its batch form share.  Needs an SPI connection.
 */
static Entries *
OpenForAwards(int64 draw_id)
{
	DrawState  *draw;

	draw = LockDraw(draw_id, LOCK_DRAW_INGEST);
	CheckDrawTakesTickets(draw);
	CheckDrawOpenedForTickets(draw);
	return EntriesOpen(draw);
}

/* opt_in: mark the entry opted in. */
static void
OptInChange(DrawState *draw, Entry *entry, void *arg)
{
	if (!entry->opted_in)
	{
		entry->opted_in = true;
		entry->changed = true;
	}
}

/*
 * award_tickets(draw_id, customer_id, n): give a customer n more tickets
 * (1 to 10,000,000), capped by max_tickets_per_customer.  Returns the
 * customer's ticket count.
 */
PG_FUNCTION_INFO_V1(award_tickets);
Datum
award_tickets(PG_FUNCTION_ARGS)
{
	int64		customer_id;
	Award		award = {0, 0};
	Entries    *entries;
	int64		total;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_id");
	CHECK_ARG_NOT_NULL(fcinfo, 2, "n");
	customer_id = PG_GETARG_INT64(1);
	award.n = PG_GETARG_INT64(2);
	CheckAwardCount(award.n);

	SPI_connect();
	entries = OpenForAwards(PG_GETARG_INT64(0));
	total = EntryUpdate(entries, customer_id, AwardChange, &award);
	EntriesClose(entries);
	SPI_finish();

	PG_RETURN_INT64(total);
}

/*
 * award_tickets(draw_id, customer_ids, counts): a batch of awards, counts
 * NULL meaning one ticket each, with the results of single calls in order
 * (a customer may appear more than once).  One barrier lock and one read of
 * the draw serve the batch, awards are applied customer by customer, and
 * milestone messages are written together.  Returns the tickets issued.
 * A bad count anywhere rejects the whole batch.
 */
PG_FUNCTION_INFO_V1(award_tickets_batch);
Datum
award_tickets_batch(PG_FUNCTION_ARGS)
{
	Datum	   *customers;
	Datum	   *counts = NULL;
	int64	   *customer_ids;
	int			n;
	int			ncounts;
	int		   *order;
	Entries    *entries;
	int64		issued = 0;
	MemoryContext awardcxt;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_ids");
	customers = ArrayArgument(fcinfo, 1, "customer_ids", INT8OID, &n);
	CheckBatchSize(n, "awards");
	if (!PG_ARGISNULL(2))
	{
		counts = ArrayArgument(fcinfo, 2, "counts", INT8OID, &ncounts);
		if (ncounts != n)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("the arrays of a batch must have the same length"),
					 errdetail("customer_ids has %d elements and counts %d.", n, ncounts)));
	}
	customer_ids = palloc(sizeof(int64) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		customer_ids[i] = DatumGetInt64(customers[i]);
		if (counts)
			CheckAwardCount(DatumGetInt64(counts[i]));
	}
	if (n == 0)
		PG_RETURN_INT64(0);
	order = CustomerOrder(customer_ids, n);

	SPI_connect();
	entries = OpenForAwards(PG_GETARG_INT64(0));
	awardcxt = AllocSetContextCreate(CurrentMemoryContext, "promo_draw award",
									 ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < n; i++)
	{
		int			k = order[i];
		Award		award = {counts ? DatumGetInt64(counts[k]) : 1, 0};
		MemoryContext old = MemoryContextSwitchTo(awardcxt);

		EntryUpdate(entries, customer_ids[k], AwardChange, &award);
		issued += award.issued;
		MemoryContextSwitchTo(old);
		MemoryContextReset(awardcxt);
		CHECK_FOR_INTERRUPTS();
	}
	EntriesClose(entries);
	MemoryContextDelete(awardcxt);
	SPI_finish();

	PG_RETURN_INT64(issued);
}

/*
 * opt_in(draw_id, customer_id): the customer takes part in a draw that
 * requires opt-in.  Allowed before the draw opens, refused once it is
 * ready.  Opting in twice is harmless.
 */
PG_FUNCTION_INFO_V1(opt_in);
Datum
opt_in(PG_FUNCTION_ARGS)
{
	int64		draw_id;
	int64		customer_id;
	DrawState  *draw;
	Entries	   *entries;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_id");
	draw_id = PG_GETARG_INT64(0);
	customer_id = PG_GETARG_INT64(1);

	SPI_connect();
	draw = LockDraw(draw_id, LOCK_DRAW_INGEST);
	CheckDrawTakesTickets(draw);
	entries = EntriesOpen(draw);
	EntryUpdate(entries, customer_id, OptInChange, NULL);
	EntriesClose(entries);
	SPI_finish();

	PG_RETURN_VOID();
}
