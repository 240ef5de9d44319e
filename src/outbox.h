/*-------------------------------------------------------------------------
 *
 * outbox.h
 *	  Writing customer messages into promo_draw.outbox.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PROMO_DRAW_OUTBOX_H
#define PROMO_DRAW_OUTBOX_H

#include "postgres.h"

typedef struct Outbox Outbox;

/* the channel that hears, once per transaction, that messages wait */
#define MESSAGES_CHANNEL "promo_draw_messages"

extern bool OutcomesInResults(void);
extern Oid	OutboxSequence(void);
extern Outbox *OutboxOpen(void);
extern void OutboxAdd(Outbox *outbox, int64 customer_id, int64 draw_id,
					  const char *kind, Datum payload);
extern void OutboxClose(Outbox *outbox);
extern void NotifyMessages(void);
extern Datum JsonbFromText(const char *text);
extern Datum JsonbOfIntegers(const char *const *keys, const int64 *values, int n,
							 const char *text_key, const char *text_value);
extern char *JsonString(const char *s);

#endif							/* PROMO_DRAW_OUTBOX_H */
