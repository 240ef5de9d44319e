--@ Released with promo_draw 0.1.0: the script this builds never changes
--@ again, nor does a file it includes (a changed object gets a file of
--@ its new version).
-- promo_draw 0.1.0 install script, as released (kept for upgrade tests and old installs).

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION promo_draw CASCADE" to load this file. \quit

COMMENT ON SCHEMA promo_draw IS
	'promo_draw: prize draws, stake-to-ticket rules, promotion codes, instant wins and playthrough bonuses';

/*
 * Aggregates that keep only the best ticket(s) of a group (src/best_ticket.c).
 * Pure functions: every role may use them.
 */

--@include aggregates/best_ticket/0.1.0.sql

--@include aggregates/best_tickets/0.1.0.sql

--@include aggregates/stake_tickets/0.1.0.sql

/*
 * Prize draws: tables.
 *
 * Hot tables (entry, partition_mark, result, notification) have no foreign
 * keys: a foreign-key check would lock the draw row on every bet, which is
 * the hot row this design avoids; the functions keep them consistent.
 */

--@include tables/draw/0.1.0.sql

--@include tables/prize/0.1.0.sql

--@include tables/entry/0.1.0.sql

--@include tables/partition_mark/0.1.0.sql

--@include tables/result/0.1.0.sql

--@include tables/notification/0.1.0.sql

SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw_draw_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.prize', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.prize_prize_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.entry', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.partition_mark', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.result', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.notification', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.notification_notification_id_seq', '');

/*
 * Prize draws: functions.  Functions that write are SECURITY DEFINER with a
 * pinned search_path, so application roles need no rights on the tables.
 */

--@include udfs/new_seed/0.1.0.sql

--@include udfs/calling_role/0.1.0.sql

--@include udfs/create_draw/0.1.0.sql

--@include udfs/add_prize/0.1.0.sql

--@include udfs/opt_in/0.1.0.sql

--@include udfs/award_tickets/0.1.0.sql

--@include udfs/close_partition/0.1.0.sql

--@include udfs/run_draw/0.1.0.sql

--@include udfs/run_due_draws/0.1.0.sql

--@include udfs/cancel_draw/0.1.0.sql

--@include udfs/take_notifications/0.1.0.sql

--@include views/draw_reveal/0.1.0.sql

--@include views/entry_reveal/0.1.0.sql

--@include views/draw_summary/0.1.0.sql

--@include views/customer_result/0.1.0.sql

--@include udfs/verify_draw/0.1.0.sql

/*
 * Stake rules (src/stake.c): bets become tickets at a stake interval.
 */

--@include udfs/record_stake/0.1.0.sql

--@include udfs/record_stakes/0.1.0.sql

--@include udfs/ticket_progress/0.1.0.sql

/*
 * Privileges.  PUBLIC gets nothing that writes or reads customer data: the
 * README gives the GRANTs for an application role and a reporting role.
 * Pure functions (the aggregates) and verify_draw, which reads only what its
 * caller may read, stay open to everyone.
 */
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.ticket_larger(uuid, uuid),
	promo_draw.best_ticket(uuid),
	promo_draw.best_tickets_trans(internal, uuid, integer),
	promo_draw.best_tickets_combine(internal, internal),
	promo_draw.best_tickets_serialize(internal),
	promo_draw.best_tickets_deserialize(bytea, internal),
	promo_draw.best_tickets_final(internal),
	promo_draw.best_tickets(uuid, integer),
	promo_draw.stake_tickets_trans(internal, numeric, numeric),
	promo_draw.stake_tickets_combine(internal, internal),
	promo_draw.stake_tickets_serialize(internal),
	promo_draw.stake_tickets_deserialize(bytea, internal),
	promo_draw.stake_tickets_final(internal),
	promo_draw.stake_tickets(numeric, numeric),
	promo_draw.calling_role(),
	promo_draw.verify_draw(bigint)
TO PUBLIC;
