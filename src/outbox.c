/*-------------------------------------------------------------------------
 *
 * outbox.c
 *	  Writing customer messages into promo_draw.outbox, which
 *	  take_notifications() hands out in notification_id order.
 *
 * Milestone messages come from awards and stakes and go through here,
 * straight into the table with its indexes (bulk_insert.c), without the
 * executor start and end an INSERT statement costs per row: a message
 * takes its id from the table's identity sequence and its created_at from
 * the transaction's start, as the column defaults would give.  The rows
 * are visible to the caller's next statement once OutboxClose has run.
 *
 * A draw's outcome messages are its result rows (draw.c): they only take
 * their ids from the outbox's sequence, so that promo_draw.notification
 * shows every message in one id order.  Tables from before 0.3.0 have no
 * outbox: there promo_draw.notification is the table, and the draw writes
 * its messages into it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/async.h"
#include "utils/lsyscache.h"
#include "commands/sequence.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "bulk_insert.h"
#include "outbox.h"
#include "promo_draw.h"

/* promo_draw.outbox, column by column */
#define NOTIFICATION_COLS 7

struct Outbox
{
	BulkInsert *bulk;
	Oid			sequence;		/* of notification_id */
	TimestampTz now;
	int64		added;			/* messages written */
};

/*
 * The outbox table's name: "outbox", or "notification" on tables from
 * before 0.3.0.  Once the outbox is seen, it stays.
 */
static const char *
OutboxTable(void)
{
	static bool have_outbox = false;

	if (!have_outbox)
		have_outbox = OidIsValid(get_relname_relid("outbox",
												   get_namespace_oid(PROMO_DRAW_SCHEMA, false)));
	return have_outbox ? "outbox" : "notification";
}

/*
 * Whether draws keep their outcome messages in their result rows (from
 * 0.3.0) rather than in the outbox.
 */
bool
OutcomesInResults(void)
{
	return strcmp(OutboxTable(), "outbox") == 0;
}

/* The sequence that gives every message its notification_id. */
Oid
OutboxSequence(void)
{
	return PromoTableIdentitySequence(OutboxTable());
}

/* Open the outbox for writing messages. */
Outbox *
OutboxOpen(void)
{
	Outbox	   *outbox = palloc(sizeof(Outbox));
	outbox->bulk = BulkInsertOpen(PromoTableOid(OutboxTable()), NOTIFICATION_COLS, 0);
	outbox->sequence = OutboxSequence();
	outbox->now = GetCurrentTransactionStartTimestamp();
	outbox->added = 0;
	return outbox;
}

/*
 * Add one message for a customer; draw_id 0 means a message about no draw.
 * payload is a jsonb datum.
 */
void
OutboxAdd(Outbox *outbox, int64 customer_id, int64 draw_id, const char *kind,
		  Datum payload)
{
	Datum		values[NOTIFICATION_COLS];
	bool		nulls[NOTIFICATION_COLS] = {false};

	values[0] = Int64GetDatum(nextval_internal(outbox->sequence, false));
	values[1] = Int64GetDatum(customer_id);
	values[2] = Int64GetDatum(draw_id);
	nulls[2] = (draw_id == 0);
	values[3] = CStringGetTextDatum(kind);
	values[4] = payload;
	values[5] = TimestampTzGetDatum(outbox->now);
	nulls[6] = true;			/* delivered_at */
	BulkInsertRow(outbox->bulk, values, nulls);
	outbox->added++;
}

/*
 * Write what is buffered and close; the caller's next command sees it.
 * Listeners on channel promo_draw_messages hear of new messages once per
 * transaction (NOTIFY folds repeats).
 */
void
OutboxClose(Outbox *outbox)
{
	BulkInsertClose(outbox->bulk);
	if (outbox->added > 0)
		NotifyMessages();
	CommandCounterIncrement();
	pfree(outbox);
}

/* Tell listeners on promo_draw_messages that messages wait. */
void
NotifyMessages(void)
{
	Async_Notify(MESSAGES_CHANNEL, "");
}

/* A jsonb value from its text; for the few payloads promo_draw builds. */
Datum
JsonbFromText(const char *text)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
}

/*
 * A jsonb object of integer values, {keys[0]: values[0], ...}, and, when
 * text_key is not NULL, one text value: built without going through text
 * (a milestone message's payload).
 */
Datum
JsonbOfIntegers(const char *const *keys, const int64 *values, int n,
				const char *text_key, const char *text_value)
{
	JsonbParseState *state = NULL;
	JsonbValue *result;
	JsonbValue	key;
	JsonbValue	value;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < n; i++)
	{
		key.type = jbvString;
		key.val.string.val = (char *) keys[i];
		key.val.string.len = strlen(keys[i]);
		pushJsonbValue(&state, WJB_KEY, &key);
		value.type = jbvNumeric;
		value.val.numeric = int64_to_numeric(values[i]);
		pushJsonbValue(&state, WJB_VALUE, &value);
	}
	if (text_key)
	{
		key.type = jbvString;
		key.val.string.val = (char *) text_key;
		key.val.string.len = strlen(text_key);
		pushJsonbValue(&state, WJB_KEY, &key);
		value.type = jbvString;
		value.val.string.val = (char *) text_value;
		value.val.string.len = strlen(text_value);
		pushJsonbValue(&state, WJB_VALUE, &value);
	}
	result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(result));
}

/* A string quoted as a JSON string literal. */
char *
JsonString(const char *s)
{
	StringInfoData buf;

	initStringInfo(&buf);
	escape_json(&buf, s);
	return buf.data;
}
