/*-------------------------------------------------------------------------
 *
 * record.c
 *	  draw_record_rows: the public record of a drawn draw, as JSON Lines.
 *
 * The record (doc/record-format.md, format 1) is a header line, which
 * promo_draw.draw_record_header builds in SQL (rules, prizes, times,
 * digests, the revealed seed or beacon), then a line per participating
 * entry by reference (a seeded draw's with its best tickets), then a line
 * per result by place.  The entry and result lines are a million or more
 * for a large draw and hold only numbers, uuids and one of four outcomes,
 * which need no escaping: they are written here, straight from the rows,
 * as fast as COPY writes the same rows (bench/RESULTS.md "draw_record").
 *
 * Nothing secret leaves before the draw has run (PD043); a purged draw, or
 * one sealed before 0.4.0, whose digest committed to customer ids rather
 * than references, has no record either.
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
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "promo_draw.h"
#include "sqlexec.h"

/* rows read at a time */
#define RECORD_FETCH 10000

static SqlPlan record_draw_plan = {
	"SELECT status::pg_catalog.text, purged_at, record_digest, digest_version, sealed, "
	"requires_opt_in FROM promo_draw.draw WHERE draw_id OPERATOR(pg_catalog.=) $1",
	1, {INT8OID}
};

static SqlPlan record_header_plan = {
	"SELECT promo_draw.draw_record_header($1)",
	1, {INT8OID}
};

static SqlPlan record_entries_plan = {
	"SELECT entry_ref, tickets, best FROM promo_draw.entry "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 AND tickets OPERATOR(pg_catalog.>) 0 "
	"AND (opted_in OR NOT $2) ORDER BY entry_ref",
	2, {INT8OID, BOOLOID}
};

static SqlPlan record_results_plan = {
	"SELECT place, entry_ref, ticket, prize_id, outcome FROM promo_draw.result "
	"WHERE draw_id OPERATOR(pg_catalog.=) $1 ORDER BY place",
	1, {INT8OID}
};

/* Append a uuid in its text form, as uuid_out writes it. */
static void
AppendUuid(StringInfo buf, const pg_uuid_t *uuid)
{
	static const char hex[] = "0123456789abcdef";

	enlargeStringInfo(buf, 36);
	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf->data[buf->len++] = '-';
		buf->data[buf->len++] = hex[uuid->data[i] >> 4];
		buf->data[buf->len++] = hex[uuid->data[i] & 0x0F];
	}
	buf->data[buf->len] = '\0';
}

/* Append an int8 in its text form. */
static void
AppendInt8(StringInfo buf, int64 v)
{
	char		digits[MAXINT8LEN + 1];
	int			len = pg_lltoa(v, digits);

	appendBinaryStringInfo(buf, digits, len);
}

/* Add one line to the output. */
static void
PutLine(ReturnSetInfo *rsinfo, StringInfo buf)
{
	Datum		value = PointerGetDatum(cstring_to_text_with_len(buf->data, buf->len));
	bool		isnull = false;

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	pfree(DatumGetPointer(value));
}

/* Refuse a draw that has no record (PD001, PD043), as draw_record says. */
static void
CheckRecordable(int64 draw_id, bool *sealed, bool *requires_opt_in)
{
	Datum		arg = Int64GetDatum(draw_id);
	bool		isnull;
	char	   *status;
	Datum		purged_at;
	bool		purged_null;
	Datum		version;
	bool		version_null;

	if (SqlRunReadOnly(&record_draw_plan, &arg, NULL, 1) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_UNKNOWN_DRAW),
				 errmsg("draw %lld does not exist", (long long) draw_id)));
	status = TextDatumGetCString(SqlValue(0, 1, &isnull));
	purged_at = SqlValue(0, 2, &purged_null);
	version = SqlValue(0, 4, &version_null);
	*sealed = DatumGetBool(SqlValue(0, 5, &isnull));
	*requires_opt_in = DatumGetBool(SqlValue(0, 6, &isnull));

	if (strcmp(status, "drawn") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PD_NO_RECORD_YET),
				 errmsg("draw %lld has no record yet", (long long) draw_id),
				 errdetail("It is %s: its record, which reveals its tickets, is made once it has been drawn.",
						   status)));
	if (!purged_null)
	{
		Datum		digest = SqlValue(0, 3, &isnull);
		char	   *hex = isnull ? "of none" :
			text_to_cstring(DatumGetTextPP(DirectFunctionCall2(binary_encode, digest,
															   CStringGetTextDatum("hex"))));

		ereport(ERROR,
				(errcode(ERRCODE_PD_NO_RECORD_YET),
				 errmsg("draw %lld was purged", (long long) draw_id),
				 errdetail("Its entries and results were removed at %s; its record then had the sha256 %s.",
						   DatumGetCString(DirectFunctionCall1(timestamptz_out, purged_at)), hex),
				 errhint("Check the record archived before the purge against record_digest.")));
	}
	if (version_null || DatumGetInt16(version) != 2)
		ereport(ERROR,
				(errcode(ERRCODE_PD_NO_RECORD_YET),
				 errmsg("draw %lld was drawn before public records existed", (long long) draw_id),
				 errdetail("Its digest commits to customer ids, not to entry references, so it cannot be published without them."),
				 errhint("verify_draw() checks it in this database.")));
}

/*
 * Write the lines of one query's rows: fmt formats a row into buf.  Reads
 * the rows a batch at a time; memory is reset after every batch.
 */
static void
PutRows(ReturnSetInfo *rsinfo, SqlPlan *plan, Datum *args, bool sealed,
		void (*fmt) (StringInfo buf, Datum *values, bool *nulls, bool sealed))
{
	Portal		portal = SPI_cursor_open(NULL, SqlPrepare(plan), args, NULL, true);
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "promo_draw record rows",
												 ALLOCSET_DEFAULT_SIZES);
	StringInfoData buf;

	initStringInfo(&buf);
	for (;;)
	{
		MemoryContext old;

		SPI_cursor_fetch(portal, true, RECORD_FETCH);
		if (SPI_processed == 0)
			break;
		old = MemoryContextSwitchTo(rowcxt);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			Datum		values[5];
			bool		nulls[5];

			heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, nulls);
			resetStringInfo(&buf);
			fmt(&buf, values, nulls, sealed);
			PutLine(rsinfo, &buf);
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
		SPI_freetuptable(SPI_tuptable);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	pfree(buf.data);
	MemoryContextDelete(rowcxt);
}

/*
 * An entry line: {"entry" : {"ref" : "...", "tickets" : N, "best" : [...]}},
 * without "best" for a sealed draw.
 */
static void
FormatEntry(StringInfo buf, Datum *values, bool *nulls, bool sealed)
{
	appendStringInfoString(buf, "{\"entry\" : {\"ref\" : \"");
	AppendUuid(buf, DatumGetUUIDP(values[0]));
	appendStringInfoString(buf, "\", \"tickets\" : ");
	AppendInt8(buf, DatumGetInt64(values[1]));
	if (!sealed)
	{
		ArrayType  *best = DatumGetArrayTypeP(values[2]);
		int			n = ArrayGetNItems(ARR_NDIM(best), ARR_DIMS(best));
		pg_uuid_t  *list = (pg_uuid_t *) ARR_DATA_PTR(best);

		if (ARR_HASNULL(best))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("an entry's best tickets hold a null")));
		appendStringInfoString(buf, ", \"best\" : [");
		for (int i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoChar(buf, ',');
			appendStringInfoChar(buf, '"');
			AppendUuid(buf, &list[i]);
			appendStringInfoChar(buf, '"');
		}
		appendStringInfoChar(buf, ']');
	}
	appendStringInfoString(buf, "}}");
}

/*
 * A result line: {"result" : {"place" : N, "ref" : "...", "ticket" : "...",
 * "prize_id" : N or null, "outcome" : "..."}}.
 */
static void
FormatResult(StringInfo buf, Datum *values, bool *nulls, bool sealed)
{
	appendStringInfoString(buf, "{\"result\" : {\"place\" : ");
	AppendInt8(buf, DatumGetInt64(values[0]));
	appendStringInfoString(buf, ", \"ref\" : \"");
	if (nulls[1])
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("a result of a draw with a record has no entry reference")));
	AppendUuid(buf, DatumGetUUIDP(values[1]));
	appendStringInfoString(buf, "\", \"ticket\" : \"");
	AppendUuid(buf, DatumGetUUIDP(values[2]));
	appendStringInfoString(buf, "\", \"prize_id\" : ");
	if (nulls[3])
		appendStringInfoString(buf, "null");
	else
		AppendInt8(buf, DatumGetInt64(values[3]));
	appendStringInfoString(buf, ", \"outcome\" : \"");
	appendStringInfoString(buf, TextDatumGetCString(values[4]));
	appendStringInfoString(buf, "\"}}");
}

/*
 * draw_record_rows(draw_id): the public record of a drawn draw as JSON Lines
 * (a header, then its entries by reference, then its results by place), for
 * COPY; no customer id, nothing before the draw.
 */
PG_FUNCTION_INFO_V1(draw_record_rows);
Datum
draw_record_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		draw_id = PG_GETARG_INT64(0);
	Datum		args[2];
	bool		sealed;
	bool		requires_opt_in;
	bool		isnull;
	StringInfoData header;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	CheckRecordable(draw_id, &sealed, &requires_opt_in);

	args[0] = Int64GetDatum(draw_id);
	args[1] = BoolGetDatum(requires_opt_in);
	if (SqlRunReadOnly(&record_header_plan, args, NULL, 1) != 1 ||
		(SqlValue(0, 1, &isnull), isnull))
		elog(ERROR, "draw %lld has no record header", (long long) draw_id);
	initStringInfo(&header);
	appendStringInfoString(&header, TextDatumGetCString(SqlValue(0, 1, &isnull)));
	PutLine(rsinfo, &header);
	SPI_freetuptable(SPI_tuptable);

	PutRows(rsinfo, &record_entries_plan, args, sealed, FormatEntry);
	PutRows(rsinfo, &record_results_plan, args, sealed, FormatResult);
	SPI_finish();
	return (Datum) 0;
}
