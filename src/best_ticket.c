/*-------------------------------------------------------------------------
 *
 * best_ticket.c
 *	  The aggregates that keep only what a draw needs of a group of tickets
 *	  or stakes:
 *
 *	  best_ticket(uuid)              the greatest ticket
 *	  best_tickets(uuid, k)          the k greatest distinct tickets, best first
 *	  stake_tickets(amount, per)     floor(sum(amount) / per), exact
 *
 *	  best_ticket keeps a plain uuid, so parallel plans need no serialization.
 *	  The other two keep an internal state and come with combine, serialize
 *	  and deserialize functions; deserialize checks every byte it is given.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "money.h"
#include "ticket.h"

#define BEST_TICKETS_MAX_K			1000
#define BEST_TICKETS_FIRST_CAPACITY 4
#define BEST_TICKETS_SERIAL_VERSION 1
#define BEST_TICKETS_SERIAL_HEADER	(1 + 4 + 4)

#define STAKE_TICKETS_SERIAL_VERSION 1

/* State of best_tickets(): the k best distinct tickets seen, best first. */
typedef struct BestTicketsState
{
	int32		k;				/* bound asked for by the query */
	int32		n;				/* tickets held, 1 .. k */
	int32		capacity;		/* slots allocated, grows up to k */
	pg_uuid_t  *tickets;
} BestTicketsState;

/* State of stake_tickets(): the exact sum and the stake per ticket. */
typedef struct StakeTicketsState
{
	Numeric		sum;
	Numeric		per;
} StakeTicketsState;

/* Raise an error unless k is a valid bound for best_tickets(). */
static inline void
CheckBestTicketsK(int32 k)
{
	if (k < 1 || k > BEST_TICKETS_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and %d", BEST_TICKETS_MAX_K),
				 errdetail("best_tickets() was asked for %d tickets.", k)));
}

/* Raise an error when two parts of one group ask for different bounds. */
static inline void
CheckSameK(int32 k1, int32 k2)
{
	if (k1 != k2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be the same for every row of a group"),
				 errdetail("best_tickets() was asked for %d and for %d tickets in one group.",
						   k1, k2)));
}

/*
 * ticket_larger: the better of two tickets.  Transition and combine function
 * of best_ticket(); strict, so NULL tickets are skipped.
 *
 * Inside an aggregate the first argument is the aggregate's own copy of the
 * state, so a better ticket is copied over it: returning the other pointer
 * would make the executor allocate a new copy and free the old one.
 */
PG_FUNCTION_INFO_V1(ticket_larger);
Datum
ticket_larger(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *a = PG_GETARG_UUID_P(0);
	pg_uuid_t  *b = PG_GETARG_UUID_P(1);

	if (TicketCmp(a, b) >= 0)
		PG_RETURN_UUID_P(a);
	if (AggCheckCallContext(fcinfo, NULL))
	{
		memcpy(a, b, sizeof(pg_uuid_t));
		PG_RETURN_UUID_P(a);
	}
	PG_RETURN_UUID_P(b);
}

/* Allocate an empty best_tickets() state in the aggregate's context. */
static BestTicketsState *
BestTicketsCreate(MemoryContext aggcontext, int32 k, int32 capacity)
{
	BestTicketsState *state;

	state = MemoryContextAlloc(aggcontext, sizeof(BestTicketsState));
	state->k = k;
	state->n = 0;
	state->capacity = Min(capacity, k);
	state->tickets = MemoryContextAlloc(aggcontext,
										state->capacity * sizeof(pg_uuid_t));
	return state;
}

/*
 * Offer one ticket to a best_tickets() state.  Storage grows by doubling, up
 * to k slots, so a group that holds few tickets costs little memory.
 */
static void
BestTicketsAdd(BestTicketsState *state, const pg_uuid_t *ticket)
{
	/* the common case for a long group: not better than the k held */
	if (state->n == state->k &&
		TicketCmp(ticket, &state->tickets[state->n - 1]) <= 0)
		return;

	if (state->n == state->capacity && state->capacity < state->k)
	{
		state->capacity = Min(state->capacity * 2, state->k);
		state->tickets = repalloc(state->tickets,
								  state->capacity * sizeof(pg_uuid_t));
	}
	TicketListInsert(state->tickets, &state->n, state->k, ticket);
}

/*
 * best_tickets_trans(state, ticket, k): offer a ticket to the group's state.
 * NULL tickets are skipped; k must be set, valid and the same for the group.
 */
PG_FUNCTION_INFO_V1(best_tickets_trans);
Datum
best_tickets_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BestTicketsState *state;
	int32		k;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "best_tickets_trans called in non-aggregate context");

	state = PG_ARGISNULL(0) ? NULL : (BestTicketsState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("k must not be null"),
				 errdetail("best_tickets() needs to know how many tickets to keep.")));

	k = PG_GETARG_INT32(2);
	CheckBestTicketsK(k);
	if (state == NULL)
		state = BestTicketsCreate(aggcontext, k, BEST_TICKETS_FIRST_CAPACITY);
	else
		CheckSameK(state->k, k);

	BestTicketsAdd(state, PG_GETARG_UUID_P(1));
	PG_RETURN_POINTER(state);
}

/*
 * best_tickets_combine(state1, state2): merge two partial states.  Either may
 * be NULL; the second is never modified.
 */
PG_FUNCTION_INFO_V1(best_tickets_combine);
Datum
best_tickets_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BestTicketsState *s1;
	BestTicketsState *s2;
	pg_uuid_t  *merged;
	int			capacity;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "best_tickets_combine called in non-aggregate context");

	s1 = PG_ARGISNULL(0) ? NULL : (BestTicketsState *) PG_GETARG_POINTER(0);
	s2 = PG_ARGISNULL(1) ? NULL : (BestTicketsState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
	{
		s1 = BestTicketsCreate(aggcontext, s2->k, s2->n);
		memcpy(s1->tickets, s2->tickets, s2->n * sizeof(pg_uuid_t));
		s1->n = s2->n;
		PG_RETURN_POINTER(s1);
	}

	CheckSameK(s1->k, s2->k);
	capacity = Min(s1->n + s2->n, s1->k);
	merged = MemoryContextAlloc(aggcontext, capacity * sizeof(pg_uuid_t));
	s1->n = TicketListMerge(s1->tickets, s1->n, s2->tickets, s2->n,
							s1->k, merged);
	pfree(s1->tickets);
	s1->tickets = merged;
	s1->capacity = capacity;
	PG_RETURN_POINTER(s1);
}

/*
 * best_tickets_serialize(state): version byte, k, n, then the n tickets best
 * first.
 */
PG_FUNCTION_INFO_V1(best_tickets_serialize);
Datum
best_tickets_serialize(PG_FUNCTION_ARGS)
{
	BestTicketsState *state = (BestTicketsState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "best_tickets_serialize called in non-aggregate context");

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BEST_TICKETS_SERIAL_VERSION);
	pq_sendint32(&buf, state->k);
	pq_sendint32(&buf, state->n);
	pq_sendbytes(&buf, (char *) state->tickets, state->n * sizeof(pg_uuid_t));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Report a malformed serialized state. */
static void
MalformedState(const char *aggregate, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("malformed %s state", aggregate),
			 errdetail_internal("%s", detail)));
}

/*
 * best_tickets_deserialize(bytes, internal): rebuild a state, checking the
 * version, the bound, the count, the length and the order before trusting
 * any of it.
 */
PG_FUNCTION_INFO_V1(best_tickets_deserialize);
Datum
best_tickets_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	const char *data = VARDATA_ANY(bytes);
	Size		len = VARSIZE_ANY_EXHDR(bytes);
	MemoryContext aggcontext;
	BestTicketsState *state;
	uint32		k;
	uint32		n;

	if (len < BEST_TICKETS_SERIAL_HEADER)
		MalformedState("best_tickets",
					   psprintf("The state is %zu bytes long; its header alone takes %d.",
								len, BEST_TICKETS_SERIAL_HEADER));
	if ((uint8) data[0] != BEST_TICKETS_SERIAL_VERSION)
		MalformedState("best_tickets",
					   psprintf("The state has version %d; this build reads version %d.",
								(uint8) data[0], BEST_TICKETS_SERIAL_VERSION));
	memcpy(&k, data + 1, sizeof(k));
	memcpy(&n, data + 5, sizeof(n));
	k = pg_ntoh32(k);
	n = pg_ntoh32(n);
	if (k < 1 || k > BEST_TICKETS_MAX_K)
		MalformedState("best_tickets",
					   psprintf("The state keeps %u tickets; the bound is 1 to %d.",
								k, BEST_TICKETS_MAX_K));
	if (n < 1 || n > k)
		MalformedState("best_tickets",
					   psprintf("The state holds %u tickets for a bound of %u.", n, k));
	if (len != BEST_TICKETS_SERIAL_HEADER + (Size) n * sizeof(pg_uuid_t))
		MalformedState("best_tickets",
					   psprintf("The state is %zu bytes long; its count of tickets needs %zu.",
								len,
								BEST_TICKETS_SERIAL_HEADER + (Size) n * sizeof(pg_uuid_t)));

	if (!TicketListIsOrdered((const pg_uuid_t *) (data + BEST_TICKETS_SERIAL_HEADER), n))
		MalformedState("best_tickets",
					   "The tickets are not in best-first order without repeats.");

	/* checked last, so that the checks above can be tested on their own */
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "best_tickets_deserialize called in non-aggregate context");

	state = BestTicketsCreate(aggcontext, (int32) k, (int32) n);
	memcpy(state->tickets, data + BEST_TICKETS_SERIAL_HEADER, n * sizeof(pg_uuid_t));
	state->n = (int32) n;
	PG_RETURN_POINTER(state);
}

/* best_tickets_final(state): the tickets as a uuid[], best first; NULL if none. */
PG_FUNCTION_INFO_V1(best_tickets_final);
Datum
best_tickets_final(PG_FUNCTION_ARGS)
{
	BestTicketsState *state;
	Datum	   *elems;
	ArrayType  *result;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "best_tickets_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();

	state = (BestTicketsState *) PG_GETARG_POINTER(0);
	elems = palloc(state->n * sizeof(Datum));
	for (int i = 0; i < state->n; i++)
		elems[i] = UUIDPGetDatum(&state->tickets[i]);
	result = construct_array(elems, state->n, UUIDOID, UUID_LEN, false,
							 TYPALIGN_CHAR);
	pfree(elems);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* Raise an error when one group mixes stakes per ticket. */
static inline void
CheckSamePer(Numeric per1, Numeric per2)
{
	if (MoneyCmp(per1, per2) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stake_per_ticket must be the same for every row of a group"),
				 errdetail("stake_tickets() was given %s and %s in one group.",
						   MoneyText(per1), MoneyText(per2))));
}

/* Copy a numeric into the aggregate's context. */
static Numeric
CopyNumeric(MemoryContext aggcontext, Numeric num)
{
	Size		size = VARSIZE(num);
	Numeric		copy = MemoryContextAlloc(aggcontext, size);

	memcpy(copy, num, size);
	return copy;
}

/* Add to the state's sum; the sum lives in the aggregate's context. */
static void
StakeTicketsAdd(MemoryContext aggcontext, StakeTicketsState *state, Numeric amount)
{
	Numeric		sum = numeric_add_opt_error(state->sum, amount, NULL);

	pfree(state->sum);
	state->sum = CopyNumeric(aggcontext, sum);
	pfree(sum);
}

/*
 * stake_tickets_trans(state, amount, stake_per_ticket): add one stake.  NULL
 * amounts are skipped; the stake per ticket must be set, positive and the
 * same for the group.
 */
PG_FUNCTION_INFO_V1(stake_tickets_trans);
Datum
stake_tickets_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StakeTicketsState *state;
	Numeric		amount;
	Numeric		per;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "stake_tickets_trans called in non-aggregate context");

	state = PG_ARGISNULL(0) ? NULL : (StakeTicketsState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("stake_per_ticket must not be null"),
				 errdetail("stake_tickets() needs the stake that buys one ticket.")));

	amount = PG_GETARG_NUMERIC(1);
	per = PG_GETARG_NUMERIC(2);
	CheckAmount(per, "stake_per_ticket", true);
	CheckAmount(amount, "stake amount", false);

	if (state == NULL)
	{
		state = MemoryContextAlloc(aggcontext, sizeof(StakeTicketsState));
		state->sum = CopyNumeric(aggcontext, amount);
		state->per = CopyNumeric(aggcontext, per);
	}
	else
	{
		CheckSamePer(state->per, per);
		StakeTicketsAdd(aggcontext, state, amount);
	}
	PG_RETURN_POINTER(state);
}

/*
 * stake_tickets_combine(state1, state2): add two partial sums.  Either may be
 * NULL; the second is never modified.
 */
PG_FUNCTION_INFO_V1(stake_tickets_combine);
Datum
stake_tickets_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	StakeTicketsState *s1;
	StakeTicketsState *s2;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "stake_tickets_combine called in non-aggregate context");

	s1 = PG_ARGISNULL(0) ? NULL : (StakeTicketsState *) PG_GETARG_POINTER(0);
	s2 = PG_ARGISNULL(1) ? NULL : (StakeTicketsState *) PG_GETARG_POINTER(1);

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
	{
		s1 = MemoryContextAlloc(aggcontext, sizeof(StakeTicketsState));
		s1->sum = CopyNumeric(aggcontext, s2->sum);
		s1->per = CopyNumeric(aggcontext, s2->per);
		PG_RETURN_POINTER(s1);
	}
	CheckSamePer(s1->per, s2->per);
	StakeTicketsAdd(aggcontext, s1, s2->sum);
	PG_RETURN_POINTER(s1);
}

/* Append a numeric in its binary send format, prefixed by its length. */
static void
SendNumeric(StringInfo buf, Numeric num)
{
	bytea	   *bytes = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
															NumericGetDatum(num)));

	pq_sendint32(buf, VARSIZE_ANY_EXHDR(bytes));
	pq_sendbytes(buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
}

/*
 * Read a numeric written by SendNumeric.  numeric_recv checks the digits and
 * the sign; the length is checked here so it never reads past the buffer.
 */
static Numeric
RecvNumeric(StringInfo buf)
{
	StringInfoData part;
	int32		len;
	uint16		ndigits = 0;
	Numeric		num;

	if (buf->len - buf->cursor < 4)
		MalformedState("stake_tickets", "A number's length is missing.");
	len = pq_getmsgint(buf, 4);
	if (len < 0 || len > buf->len - buf->cursor)
		MalformedState("stake_tickets",
					   psprintf("A number claims %d bytes; %d are left.",
								len, buf->len - buf->cursor));

	/* numeric_send writes ndigits and three more 16-bit fields, then digits */
	if (len >= 2)
		memcpy(&ndigits, buf->data + buf->cursor, sizeof(ndigits));
	if (len < 8 || len != 8 + 2 * (int32) pg_ntoh16(ndigits))
		MalformedState("stake_tickets",
					   psprintf("A number of %d bytes does not match its count of digits.",
								len));

	part.data = buf->data + buf->cursor;
	part.len = len;
	part.maxlen = len;
	part.cursor = 0;
	num = DatumGetNumeric(DirectFunctionCall3(numeric_recv,
											  PointerGetDatum(&part),
											  ObjectIdGetDatum(InvalidOid),
											  Int32GetDatum(-1)));
	if (part.cursor != part.len)
		MalformedState("stake_tickets", "A number has trailing bytes.");
	buf->cursor += len;
	return num;
}

/* stake_tickets_serialize(state): version byte, then the sum and the per. */
PG_FUNCTION_INFO_V1(stake_tickets_serialize);
Datum
stake_tickets_serialize(PG_FUNCTION_ARGS)
{
	StakeTicketsState *state = (StakeTicketsState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "stake_tickets_serialize called in non-aggregate context");

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STAKE_TICKETS_SERIAL_VERSION);
	SendNumeric(&buf, state->sum);
	SendNumeric(&buf, state->per);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * stake_tickets_deserialize(bytes, internal): rebuild a state, checking the
 * version, each number's length and value, and that nothing is left over.
 */
PG_FUNCTION_INFO_V1(stake_tickets_deserialize);
Datum
stake_tickets_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcontext;
	StakeTicketsState *state;
	StringInfoData buf;
	Numeric		sum;
	Numeric		per;

	buf.data = VARDATA_ANY(bytes);
	buf.len = VARSIZE_ANY_EXHDR(bytes);
	buf.maxlen = buf.len;
	buf.cursor = 0;

	if (buf.len < 1)
		MalformedState("stake_tickets", "The state is empty.");
	if ((uint8) pq_getmsgbyte(&buf) != STAKE_TICKETS_SERIAL_VERSION)
		MalformedState("stake_tickets",
					   psprintf("The state has version %d; this build reads version %d.",
								(uint8) buf.data[0], STAKE_TICKETS_SERIAL_VERSION));
	sum = RecvNumeric(&buf);
	per = RecvNumeric(&buf);
	if (buf.cursor != buf.len)
		MalformedState("stake_tickets", "The state has trailing bytes.");
	CheckAmount(sum, "stake amount", false);
	CheckAmount(per, "stake_per_ticket", true);

	/* checked last, so that the checks above can be tested on their own */
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "stake_tickets_deserialize called in non-aggregate context");

	state = MemoryContextAlloc(aggcontext, sizeof(StakeTicketsState));
	state->sum = CopyNumeric(aggcontext, sum);
	state->per = CopyNumeric(aggcontext, per);
	PG_RETURN_POINTER(state);
}

/*
 * stake_tickets_final(state): the stake-to-ticket rule (money.c) on the
 * group's sum, 0 for an empty group.
 */
PG_FUNCTION_INFO_V1(stake_tickets_final);
Datum
stake_tickets_final(PG_FUNCTION_ARGS)
{
	StakeTicketsState *state;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "stake_tickets_final called in non-aggregate context");
	if (PG_ARGISNULL(0))
		PG_RETURN_INT64(0);

	state = (StakeTicketsState *) PG_GETARG_POINTER(0);
	PG_RETURN_INT64(StakeTickets(state->sum, state->per));
}
