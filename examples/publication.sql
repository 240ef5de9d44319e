-- The publication of promo_draw's tables for change data capture (logical
-- replication, Debezium, any pgoutput consumer): everything a consumer
-- needs, and no secret.  Logical decoding sends whole rows whatever the
-- column privileges say, so the secrets stay out by table and by column
-- list; promo_draw refuses (PD044) any publication that would carry them.
--
--   not published: draw_secret (seeds, reference keys), entry.best (the
--   best tickets, which name the winners of a seeded draw before it runs),
--   promo_code, code_shard, code_transfer, redemption and
--   redemption_history (single-use codes are bearer secrets: read
--   code_report and redemption_report instead), instant_prize (the order
--   of an instant win's pool is the outcome of the plays to come),
--   staged_result (a sharded draw's results before they are published).
--
-- Run it as a role that may create publications (the owner of the tables,
-- or a superuser), on the database that holds promo_draw.
CREATE PUBLICATION promo_draw_cdc FOR TABLE
	promo_draw.draw,
	promo_draw.prize,
	promo_draw.entry (draw_id, customer_id, tickets, stake, stake_tickets, opted_in, entry_ref),
	promo_draw.partition_mark,
	promo_draw.result,
	promo_draw.outbox,
	promo_draw.instant_win,
	promo_draw.instant_play,
	promo_draw.bonus,
	promo_draw.bonus_event;
