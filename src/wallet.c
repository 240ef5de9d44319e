/*-------------------------------------------------------------------------
 *
 * wallet.c
 *	  A customer's tickets in a draw: award_tickets, opt_in, and the entry
 *	  update that stake rules share.
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
#include "utils/timestamp.h"

#include "promo_draw.h"
#include "sqlexec.h"
#include "ticket.h"
#include "wallet.h"

#define AWARD_MAX_TICKETS 10000000

static SqlPlan entry_lock_plan = {
	"SELECT tickets, stake, stake_tickets, best, opted_in FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND customer_id OPERATOR(pg_catalog.=) $2 "
	"FOR UPDATE",
	2, {INT8OID, INT8OID}
};

static SqlPlan entry_insert_plan = {
	"INSERT INTO promo_draw.entry "
	"(draw_id, customer_id, tickets, stake, stake_tickets, best, opted_in) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (draw_id, customer_id) DO NOTHING",
	7, {INT8OID, INT8OID, INT8OID, NUMERICOID, INT8OID, UUIDARRAYOID, BOOLOID}
};

static SqlPlan entry_update_plan = {
	"UPDATE promo_draw.entry SET tickets = $3, stake = $4, stake_tickets = $5, "
	"best = $6, opted_in = $7 "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND customer_id OPERATOR(pg_catalog.=) $2",
	7, {INT8OID, INT8OID, INT8OID, NUMERICOID, INT8OID, UUIDARRAYOID, BOOLOID}
};

static SqlPlan milestone_plan = {
	"INSERT INTO promo_draw.notification (customer_id, draw_id, kind, payload) "
	"VALUES ($2, $1, 'milestone', "
	"pg_catalog.jsonb_build_object('milestone', $3, 'tickets', $4))",
	4, {INT8OID, INT8OID, INT4OID, INT8OID}
};

/*
 * Read and lock a customer's entry.  Returns false, with an empty entry,
 * when the customer has none yet (nothing is locked then).
 */
static bool
WalletLoad(DrawState *draw, int64 customer_id, Entry *entry)
{
	Datum		args[2] = {Int64GetDatum(draw->draw_id), Int64GetDatum(customer_id)};
	bool		isnull;

	memset(entry, 0, sizeof(Entry));
	entry->customer_id = customer_id;
	entry->best = palloc(sizeof(pg_uuid_t) * draw->max_wins);
	if (SqlRun(&entry_lock_plan, args, NULL, 1) == 0)
	{
		entry->stake = int64_to_numeric(0);
		return false;
	}

	entry->tickets = DatumGetInt64(SqlValue(0, 1, &isnull));
	entry->stake = DatumGetNumericCopy(SqlValue(0, 2, &isnull));
	entry->stake_tickets = DatumGetInt64(SqlValue(0, 3, &isnull));
	{
		ArrayType  *best = DatumGetArrayTypeP(SqlValue(0, 4, &isnull));
		int			n = ArrayGetNItems(ARR_NDIM(best), ARR_DIMS(best));

		if (n > draw->max_wins || ARR_HASNULL(best))
			elog(ERROR, "entry of customer %lld in draw %lld holds %d best tickets for a limit of %d",
				 (long long) customer_id, (long long) draw->draw_id, n, draw->max_wins);
		memcpy(entry->best, ARR_DATA_PTR(best), n * sizeof(pg_uuid_t));
		entry->nbest = n;
	}
	entry->opted_in = DatumGetBool(SqlValue(0, 5, &isnull));
	return true;
}

/*
 * Write the entry back, and one milestone message for every milestone its
 * ticket count crossed.  Returns false when a new entry lost the race to a
 * concurrent session that created it first: the caller starts again.
 */
static bool
WalletSave(DrawState *draw, Entry *entry, bool exists, int64 tickets_before)
{
	Datum		args[7];
	Datum	   *elems;
	int			processed;

	if (!entry->changed)
		return true;

	elems = palloc(sizeof(Datum) * Max(entry->nbest, 1));
	for (int i = 0; i < entry->nbest; i++)
		elems[i] = UUIDPGetDatum(&entry->best[i]);
	args[0] = Int64GetDatum(draw->draw_id);
	args[1] = Int64GetDatum(entry->customer_id);
	args[2] = Int64GetDatum(entry->tickets);
	args[3] = NumericGetDatum(entry->stake);
	args[4] = Int64GetDatum(entry->stake_tickets);
	args[5] = PointerGetDatum(construct_array(elems, entry->nbest, UUIDOID,
											  UUID_LEN, false, TYPALIGN_CHAR));
	args[6] = BoolGetDatum(entry->opted_in);

	processed = SqlRun(exists ? &entry_update_plan : &entry_insert_plan, args, NULL, 0);
	if (processed == 0)
	{
		if (exists)
			elog(ERROR, "locked entry of customer %lld in draw %lld disappeared",
				 (long long) entry->customer_id, (long long) draw->draw_id);
		return false;
	}

	for (int i = 0; i < draw->nmilestones; i++)
	{
		int32		milestone = draw->milestones[i];

		if (milestone > tickets_before && milestone <= entry->tickets)
		{
			Datum		margs[4] = {Int64GetDatum(draw->draw_id),
				Int64GetDatum(entry->customer_id), Int32GetDatum(milestone),
			Int64GetDatum(entry->tickets)};

			SqlRun(&milestone_plan, margs, NULL, 0);
		}
	}
	return true;
}

/*
 * Apply a change to a customer's entry, creating it if needed, under its row
 * lock.  Returns the customer's ticket count afterwards.
 */
int64
WalletUpdate(DrawState *draw, int64 customer_id, WalletChange change, void *arg)
{
	for (;;)
	{
		Entry		entry;
		bool		exists = WalletLoad(draw, customer_id, &entry);
		int64		before = entry.tickets;

		change(draw, &entry, arg);
		if (WalletSave(draw, &entry, exists, before))
			return entry.tickets;
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Issue up to n new tickets to an entry, numbered after its existing ones
 * and capped by max_tickets_per_customer.  Only the best stay.  Returns how
 * many were issued.
 */
int64
WalletIssue(DrawState *draw, Entry *entry, int64 n)
{
	TicketMaker maker;

	if (draw->max_tickets > 0)
		n = Min(n, draw->max_tickets - entry->tickets);
	if (n <= 0)
		return 0;

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
	if (GetCurrentTransactionStartTimestamp() < draw->opens_at)
		ereport(ERROR,
				(errcode(ERRCODE_PD_DRAW_NOT_OPEN_YET),
				 errmsg("draw %lld is not open yet", (long long) draw->draw_id),
				 errdetail("It opens at %s.", timestamptz_to_str(draw->opens_at))));
}

/* award_tickets: issue the pushed tickets. */
static void
AwardChange(DrawState *draw, Entry *entry, void *arg)
{
	WalletIssue(draw, entry, *(int64 *) arg);
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
	int64		draw_id;
	int64		customer_id;
	int64		n;
	DrawState  *draw;
	int64		total;

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_id");
	CHECK_ARG_NOT_NULL(fcinfo, 2, "n");
	draw_id = PG_GETARG_INT64(0);
	customer_id = PG_GETARG_INT64(1);
	n = PG_GETARG_INT64(2);
	if (n < 1 || n > AWARD_MAX_TICKETS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 1 and %d", AWARD_MAX_TICKETS),
				 errdetail("award_tickets() was asked for %lld tickets.", (long long) n)));

	SPI_connect();
	LockDrawIngest(draw_id);
	draw = LoadDraw(draw_id, false);
	CheckDrawTakesTickets(draw);
	CheckDrawOpenedForTickets(draw);
	total = WalletUpdate(draw, customer_id, AwardChange, &n);
	SPI_finish();

	PG_RETURN_INT64(total);
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

	CHECK_ARG_NOT_NULL(fcinfo, 0, "draw_id");
	CHECK_ARG_NOT_NULL(fcinfo, 1, "customer_id");
	draw_id = PG_GETARG_INT64(0);
	customer_id = PG_GETARG_INT64(1);

	SPI_connect();
	LockDrawIngest(draw_id);
	draw = LoadDraw(draw_id, false);
	CheckDrawTakesTickets(draw);
	WalletUpdate(draw, customer_id, OptInChange, NULL);
	SPI_finish();

	PG_RETURN_VOID();
}
