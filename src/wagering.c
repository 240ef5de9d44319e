/*-------------------------------------------------------------------------
 *
 * wagering.c
 *	  Bets and wins on playthrough bonuses: bonus_bet and bonus_win, the
 *	  one-way status change they settle, and forfeit_bonus.
 *
 * Every bet and win is an event of the bonus, applied under the bonus's
 * row lock, so that concurrent bets can neither overdraw it nor count
 * twice.  A bet_id seen before changes nothing (game servers deliver at
 * least once); the unique index on (bonus_id, kind, bet_id) is asked under
 * that lock.  A bet with a bet_id stays open until its win arrives (a win
 * of 0 settles a losing bet), so that a bonus whose balance no longer
 * covers a stake is lost only once no bet is open.  After each event:
 *
 *	  - an active bonus whose wagering reached amount x playthrough is
 *		cleared, and a bonus_cleared message goes to the outbox;
 *	  - an active bonus with no open bet and a balance of 0, or below its
 *		min_stake, is lost;
 *	  - an active bonus past expires_at counts as expired.
 *
 * Money is numeric throughout: a balance is never rounded.  The rows are
 * read and written by primary key without SPI (row_access.c), the events
 * and messages written straight into their tables (bulk_insert.c,
 * outbox.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "bulk_insert.h"
#include "money.h"
#include "outbox.h"
#include "promo_draw.h"
#include "row_access.h"

/* promo_draw.bonus_event, column by column */
#define BONUS_EVENT_COLS 11

/* Longest bet_id, as the bonus_event table checks it. */
#define BET_ID_MAX_LENGTH 200

/* The columns of promo_draw.bonus that wagering reads or writes. */
typedef enum BonusColumn
{
	BC_CUSTOMER_ID,
	BC_REQUIRED,
	BC_MIN_STAKE,
	BC_BALANCE,
	BC_WAGERED,
	BC_OPEN_BETS,
	BC_STATUS,
	BC_EXPIRES_AT,
	BC_ENDED_AT,
	BC_FORFEIT_REASON,
	BC_COUNT
} BonusColumn;

static const char *const bonus_column_names[BC_COUNT] = {
	"customer_id", "required", "min_stake", "balance", "wagered", "open_bets",
	"status", "expires_at", "ended_at", "forfeit_reason"
};
static Oid	bonus_columns_relid = InvalidOid;
static AttrNumber bonus_columns[BC_COUNT];

/* A bonus as read under its row lock, and as it will be written. */
typedef struct Bonus
{
	int64		bonus_id;
	int64		customer_id;
	Numeric		required;
	Numeric		min_stake;
	Numeric		balance;
	Numeric		wagered;
	int64		open_bets;
	char	   *status;			/* as stored */
	bool		has_expiry;
	TimestampTz expires_at;
	bool		has_ended;
	TimestampTz ended_at;
} Bonus;

/* A column of the bonus row found. */
static inline Datum
BonusValue(RowAccess *ra, BonusColumn col, bool *isnull)
{
	return RowGet(ra, bonus_columns[col], isnull);
}

/*
 * Find a bonus and lock its row for the change; PD030 if it does not
 * exist.
 */
static void
LockBonus(RowAccess *ra, int64 bonus_id, Bonus *b)
{
	Datum		key = Int64GetDatum(bonus_id);
	bool		isnull;
	Datum		d;

	RowColumns(ra, bonus_column_names, BC_COUNT, BC_COUNT, &bonus_columns_relid, bonus_columns);
	if (!RowFind(ra, &key, true))
		ereport(ERROR,
				(errcode(ERRCODE_PD_UNKNOWN_BONUS),
				 errmsg("bonus %lld does not exist", (long long) bonus_id)));

	b->bonus_id = bonus_id;
	b->customer_id = DatumGetInt64(BonusValue(ra, BC_CUSTOMER_ID, &isnull));
	b->required = DatumGetNumericCopy(BonusValue(ra, BC_REQUIRED, &isnull));
	b->min_stake = DatumGetNumericCopy(BonusValue(ra, BC_MIN_STAKE, &isnull));
	b->balance = DatumGetNumericCopy(BonusValue(ra, BC_BALANCE, &isnull));
	b->wagered = DatumGetNumericCopy(BonusValue(ra, BC_WAGERED, &isnull));
	b->open_bets = DatumGetInt64(BonusValue(ra, BC_OPEN_BETS, &isnull));
	b->status = TextDatumGetCString(BonusValue(ra, BC_STATUS, &isnull));
	d = BonusValue(ra, BC_EXPIRES_AT, &isnull);
	b->has_expiry = !isnull;
	b->expires_at = isnull ? 0 : DatumGetTimestampTz(d);
	d = BonusValue(ra, BC_ENDED_AT, &isnull);
	b->has_ended = !isnull;
	b->ended_at = isnull ? 0 : DatumGetTimestampTz(d);
}

/*
 * The status of a bonus now, as bonus_status_now() says it: an active bonus
 * past its expiry has expired.  Judged at the transaction's start, as now().
 */
static const char *
BonusStatusNow(Bonus *b)
{
	if (strcmp(b->status, "active") == 0 && b->has_expiry &&
		b->expires_at <= GetCurrentTransactionStartTimestamp())
		return "expired";
	return b->status;
}

/*
 * Raise PD031 for a bonus that is not active, saying what it is since when
 * (in the session's DateStyle, as the message always did).
 */
static void
BonusNotActive(Bonus *b)
{
	TimestampTz since = b->has_ended ? b->ended_at : b->expires_at;

	ereport(ERROR,
			(errcode(ERRCODE_PD_BONUS_NOT_ACTIVE),
			 errmsg("bonus %lld is not active", (long long) b->bonus_id),
			 errdetail("It is %s since %s.", BonusStatusNow(b),
					   DatumGetCString(DirectFunctionCall1(timestamptz_out,
														   TimestampTzGetDatum(since))))));
}

/* Was an event of this kind and bet_id applied to the bonus already? */
static bool
EventSeen(int64 bonus_id, const char *kind, text *bet_id)
{
	Datum		key[3] = {Int64GetDatum(bonus_id), CStringGetTextDatum(kind),
	PointerGetDatum(bet_id)};

	return RowExistsInIndex("bonus_event_bonus_id_kind_bet_id_key", key, 3);
}

/*
 * Write the bonus after a bet or win, clearing it (with a bonus_cleared
 * message) or losing it, and record the event with the state after it.
 * stake and contribution are NULL for a win, amount NULL for a bet.
 */
static void
SettleBonus(RowAccess *ra, Bonus *b, const char *kind, text *bet_id,
			Numeric stake, Numeric contribution, Numeric amount)
{
	const char *status = BonusStatusNow(b);
	bool		ends = false;
	TupleTableSlot *next;
	BulkInsert *events;
	Datum		values[BONUS_EVENT_COLS];
	bool		nulls[BONUS_EVENT_COLS] = {false};

	if (strcmp(status, "active") == 0 && MoneyCmp(b->wagered, b->required) >= 0)
	{
		Outbox	   *outbox = OutboxOpen();

		status = "cleared";
		ends = true;
		OutboxAdd(outbox, b->customer_id, 0, "bonus_cleared",
				  JsonbFromText(psprintf("{\"bonus_id\": " INT64_FORMAT ", \"balance\": %s}",
										 b->bonus_id, MoneyText(b->balance))));
		OutboxClose(outbox);
	}
	else if (strcmp(status, "active") == 0 && b->open_bets == 0 &&
			 (MoneySign(b->balance) == 0 || MoneyCmp(b->balance, b->min_stake) < 0))
	{
		status = "lost";
		ends = true;
	}

	next = RowStart(ra, true);
	next->tts_values[bonus_columns[BC_BALANCE] - 1] = NumericGetDatum(b->balance);
	next->tts_values[bonus_columns[BC_WAGERED] - 1] = NumericGetDatum(b->wagered);
	next->tts_values[bonus_columns[BC_OPEN_BETS] - 1] = Int64GetDatum(b->open_bets);
	if (ends)
	{
		/* only an active bonus ends: its stored status is active */
		next->tts_values[bonus_columns[BC_STATUS] - 1] = CStringGetTextDatum(status);
		next->tts_values[bonus_columns[BC_ENDED_AT] - 1] =
			TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		next->tts_isnull[bonus_columns[BC_ENDED_AT] - 1] = false;
	}
	if (!RowUpdate(ra))
		elog(ERROR, "bonus %lld changed while it was locked", (long long) b->bonus_id);

	values[0] = Int64GetDatum(nextval_internal(PromoTableIdentitySequence("bonus_event"), false));
	values[1] = Int64GetDatum(b->bonus_id);
	values[2] = CStringGetTextDatum(kind);
	values[3] = PointerGetDatum(bet_id);
	nulls[3] = (bet_id == NULL);
	values[4] = NumericGetDatum(stake);
	nulls[4] = (stake == NULL);
	values[5] = NumericGetDatum(contribution);
	nulls[5] = (contribution == NULL);
	values[6] = NumericGetDatum(amount);
	nulls[6] = (amount == NULL);
	values[7] = NumericGetDatum(b->balance);
	values[8] = NumericGetDatum(b->wagered);
	values[9] = CStringGetTextDatum(status);
	values[10] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	/* the event references the bonus, whose row we hold locked */
	events = BulkInsertOpen(PromoTableOid("bonus_event"), BONUS_EVENT_COLS,
							BULK_REFERENCES_LOCKED);
	BulkInsertRow(events, values, nulls);
	BulkInsertClose(events);
	CommandCounterIncrement();
}

/*
 * bonus_bet(bonus_id, stake, contribution, bet_id): a bet on an active
 * bonus: balance -= stake, wagered += stake x contribution.  A bet_id seen
 * before changes nothing.
 */
PG_FUNCTION_INFO_V1(bonus_bet);
Datum
bonus_bet(PG_FUNCTION_ARGS)
{
	int64		bonus_id;
	Numeric		stake;
	Numeric		contribution;
	text	   *bet_id = PG_ARGISNULL(3) ? NULL : PG_GETARG_TEXT_PP(3);
	RowAccess  *ra;
	Bonus		b;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bonus_id, stake and contribution must not be null")));
	bonus_id = PG_GETARG_INT64(0);
	stake = PG_GETARG_NUMERIC(1);
	contribution = PG_GETARG_NUMERIC(2);
	CheckAmount(stake, "stake", true);
	if (!(MoneyIsFinite(contribution) && MoneySign(contribution) > 0 &&
		  MoneyCmp(contribution, NumericOf(1)) <= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("contribution must be above 0 and at most 1"),
				 errdetail("The contribution given was %s.", MoneyText(contribution)),
				 errhint("It is the share of the stake that counts towards the wagering: 1 for slots, 0.1 for table games, say.")));
	if (bet_id && (VARSIZE_ANY_EXHDR(bet_id) == 0 ||
				   DatumGetInt32(DirectFunctionCall1(textlen, PointerGetDatum(bet_id))) > BET_ID_MAX_LENGTH))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a bet_id must be 1 to %d characters long", BET_ID_MAX_LENGTH)));

	ra = RowAccessOpen("bonus", true);
	LockBonus(ra, bonus_id, &b);
	/* at-least-once delivery: a bet seen before changes nothing */
	if (bet_id && EventSeen(bonus_id, "bet", bet_id))
	{
		RowAccessClose(ra);
		PG_RETURN_VOID();
	}
	if (strcmp(BonusStatusNow(&b), "active") != 0)
		BonusNotActive(&b);
	if (MoneyCmp(stake, b.min_stake) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_STAKE_BELOW_MINIMUM),
				 errmsg("the stake is below the smallest stake bonus %lld accepts", (long long) bonus_id),
				 errdetail("The stake is %s; the smallest accepted is %s.",
						   MoneyText(stake), MoneyText(b.min_stake))));
	if (MoneyCmp(stake, b.balance) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_STAKE_ABOVE_BALANCE),
				 errmsg("the stake is more than the balance of bonus %lld", (long long) bonus_id),
				 errdetail("The stake is %s; the balance is %s.",
						   MoneyText(stake), MoneyText(b.balance))));

	b.balance = NumericSub(b.balance, stake);
	b.wagered = numeric_add_opt_error(b.wagered, NumericMul(stake, contribution), NULL);
	if (bet_id)
		b.open_bets++;
	SettleBonus(ra, &b, "bet", bet_id, stake, contribution, NULL);
	RowAccessClose(ra);
	PG_RETURN_VOID();
}

/*
 * bonus_win(bonus_id, amount, bet_id): a win credited to a bonus (0 settles
 * a losing bet).  The win of a bet this bonus took counts whatever the
 * bonus's status is now (the bet may have cleared it), once; a win without
 * a bet_id needs an active bonus.
 */
PG_FUNCTION_INFO_V1(bonus_win);
Datum
bonus_win(PG_FUNCTION_ARGS)
{
	int64		bonus_id;
	Numeric		amount;
	text	   *bet_id = PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2);
	RowAccess  *ra;
	Bonus		b;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bonus_id and amount must not be null")));
	bonus_id = PG_GETARG_INT64(0);
	amount = PG_GETARG_NUMERIC(1);
	CheckAmount(amount, "amount", false);

	ra = RowAccessOpen("bonus", true);
	LockBonus(ra, bonus_id, &b);
	if (bet_id == NULL)
	{
		if (strcmp(BonusStatusNow(&b), "active") != 0)
			BonusNotActive(&b);
	}
	else
	{
		if (EventSeen(bonus_id, "win", bet_id))
		{
			RowAccessClose(ra);
			PG_RETURN_VOID();
		}
		if (!EventSeen(bonus_id, "bet", bet_id))
			ereport(ERROR,
					(errcode(ERRCODE_PD_UNKNOWN_BET),
					 errmsg("bonus %lld has no bet %s", (long long) bonus_id,
							quote_literal_cstr(text_to_cstring(bet_id))),
					 errhint("A win with a bet_id must follow the bet with the same bet_id on the same bonus.")));
		b.open_bets--;
	}

	b.balance = numeric_add_opt_error(b.balance, amount, NULL);
	SettleBonus(ra, &b, "win", bet_id, NULL, NULL, amount);
	RowAccessClose(ra);
	PG_RETURN_VOID();
}

/* Longest forfeit reason. */
#define REASON_MAX_LENGTH 500

/*
 * forfeit_bonus(bonus_id, reason): the operator ends an active bonus, with
 * a reason; its balance is not paid out.
 */
PG_FUNCTION_INFO_V1(forfeit_bonus);
Datum
forfeit_bonus(PG_FUNCTION_ARGS)
{
	text	   *reason;
	int32		length;
	RowAccess  *ra;
	Bonus		b;
	TupleTableSlot *next;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bonus_id and reason must not be null")));
	reason = PG_GETARG_TEXT_PP(1);
	length = DatumGetInt32(DirectFunctionCall1(textlen, PointerGetDatum(reason)));
	if (length < 1 || length > REASON_MAX_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a reason must be 1 to %d characters long", REASON_MAX_LENGTH)));

	ra = RowAccessOpen("bonus", true);
	LockBonus(ra, PG_GETARG_INT64(0), &b);
	if (strcmp(BonusStatusNow(&b), "active") != 0)
		BonusNotActive(&b);
	next = RowStart(ra, true);
	next->tts_values[bonus_columns[BC_STATUS] - 1] = CStringGetTextDatum("forfeited");
	next->tts_values[bonus_columns[BC_FORFEIT_REASON] - 1] = PointerGetDatum(reason);
	next->tts_isnull[bonus_columns[BC_FORFEIT_REASON] - 1] = false;
	next->tts_values[bonus_columns[BC_ENDED_AT] - 1] =
		TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	next->tts_isnull[bonus_columns[BC_ENDED_AT] - 1] = false;
	if (!RowUpdate(ra))
		elog(ERROR, "bonus %lld changed while it was locked", (long long) b.bonus_id);
	RowAccessClose(ra);
	PG_RETURN_VOID();
}
