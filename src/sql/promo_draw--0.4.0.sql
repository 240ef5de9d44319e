--@ promo_draw 0.4.0, not released yet: the install script.  An object
--@ that changes in 0.4.0 gets a file of that version (a copy of its
--@ latest, then edited), included here instead of the older one and, with
--@ OR REPLACE, by promo_draw--0.3.0--0.4.0.sql.
-- promo_draw 0.4.0 install script, built by tools/sqlinclude from
-- src/sql/promo_draw--0.4.0.sql and the files it includes.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION promo_draw CASCADE" to load this file. \quit

COMMENT ON SCHEMA promo_draw IS
	'promo_draw: prize draws, stake-to-ticket rules, promotion codes, instant wins and playthrough bonuses';

-- first, so that every table below is checked against the publications
--@include udfs/publication_guard/0.4.0.sql

--@include udfs/check_amount/0.3.0.sql

--@include udfs/stake_to_next_ticket/0.3.0.sql

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
 * Hot tables (entry, partition_mark, result, outbox) have no foreign
 * keys: a foreign-key check would lock the draw row on every bet, which is
 * the hot row this design avoids; the functions keep them consistent.
 */

--@include tables/draw/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw_draw_id_seq', '');

--@include tables/draw_secret/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw_secret', '');

--@include tables/prize/0.1.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.prize', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.prize_prize_id_seq', '');

--@include tables/entry/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.entry', '');

--@include tables/partition_mark/0.1.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.partition_mark', '');

--@include tables/result/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.result', '');

--@include tables/outbox/0.3.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.outbox', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.outbox_notification_id_seq', '');
--@include udfs/notify_messages/0.4.0.sql

--@include tables/message_lease/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.message_lease', '');

--@include tables/outcome_delivery/0.3.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.outcome_delivery', '');

--@include udfs/outcome_payload/0.4.0.sql

--@include views/notification/0.4.0.sql

/*
 * Prize draws: functions.  Functions that write are SECURITY DEFINER with a
 * pinned search_path, so application roles need no rights on the tables.
 */

--@include udfs/new_seed/0.1.0.sql

--@include udfs/calling_role/0.1.0.sql

--@include udfs/create_draw/0.4.0.sql

--@include udfs/entry_ref/0.4.0.sql

--@include udfs/add_prize/0.3.0.sql

--@include udfs/prize_frozen/0.4.0.sql

--@include udfs/opt_in/0.1.0.sql

--@include udfs/award_tickets/0.1.0.sql

--@include udfs/award_tickets_batch/0.3.0.sql

--@include udfs/close_partition/0.1.0.sql

--@include udfs/run_draw/0.1.0.sql

--@include udfs/run_due_draws/0.1.0.sql

--@include udfs/cancel_draw/0.1.0.sql

--@include udfs/seal_draw/0.3.0.sql

--@include udfs/sealed_digest/0.4.0.sql

--@include udfs/prize_digest/0.4.0.sql

--@include udfs/check_seal_commit/0.4.0.sql

--@include udfs/set_beacon/0.4.0.sql

--@include udfs/take_notifications/0.4.0.sql

--@include udfs/lease_messages/0.4.0.sql

--@include udfs/run_due_draws_job/0.4.0.sql

--@include udfs/purge_draws/0.4.0.sql

--@include tables/setting/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.setting', '');

--@include udfs/set_max_playthrough/0.4.0.sql

--@include udfs/notification_delete/0.3.0.sql

--@include udfs/notification_insert/0.3.0.sql

--@include views/draw_reveal/0.4.0.sql

--@include views/entry_reveal/0.4.0.sql

--@include views/draw_summary/0.4.0.sql

--@include views/customer_result/0.1.0.sql

/*
 * A draw among chosen customers in one call, made of the public calls
 * alone, so that promo_draw and promo_draw_proxy share it.
 */
--@include udfs/draw_among/0.4.0.sql

/*
 * Verifying a draw.  verify_draw goes into promo_draw's install script and
 * into promo_draw_proxy's, which checks a sharded draw with the very same
 * SQL: the Makefile replaces each @relation@ by the table or view of
 * promo_draw on a single node, and by a function that reads it from every
 * shard on the proxy.
 */

--@include udfs/digest_text/0.3.0.sql

--@include udfs/verify_draw/0.4.0.sql

--@include udfs/draw_record_rows/0.4.0.sql
--@include udfs/draw_record/0.4.0.sql

/*
 * Stake rules (src/stake.c): bets become tickets at a stake interval.
 */

--@include udfs/record_stake/0.1.0.sql

--@include udfs/record_stakes/0.1.0.sql

--@include udfs/ticket_progress/0.4.0.sql

--@include udfs/claim_row/0.2.0.sql

--@include udfs/claim_code_place/0.2.0.sql

/*
 * Shared by promo_draw and promo_draw_proxy, whose code_report and
 * redemption_report show codes the same way.
 *
 * Reports without secrets.  A single-use code (max_redemptions = 1, as
 * create_codes makes them) is a bearer secret until it is redeemed, and
 * again after a cancellation frees it: reports never show its last 12
 * characters (the random part create_codes adds, so a batch shows as its
 * prefix).  A shared code (unlimited, or a limit above 1) is announced to
 * customers anyway and is shown whole.
 */
--@include udfs/code_label/0.3.0.sql

/*
 * Promotion codes: redeemed once per customer inside their window, with an
 * exact limit that never serializes redeemers on one row.
 *
 * A limited code's capacity is split across up to 32 code_shard rows whose
 * capacities add up to the limit.  A redeemer takes one place from a shard
 * with room, starting at a shard of its own backend and passing over shards
 * other redeemers hold (claim_code_place); only when every shard with room
 * is held does it wait, for one of them.  So the units taken never add up to more
 * than the limit, a popular code has as many hot rows as shards, and its
 * redeemers rarely meet.  The code is exhausted when no shard has room in
 * what has committed.  An unlimited code touches no shared row at all:
 * redeeming it only inserts the redemption.
 */

--@include tables/promo_code/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.promo_code', '');

--@include tables/code_shard/0.3.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_shard', '');

--@include tables/redemption/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.redemption', '');

--@include tables/redemption_history/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.redemption_history', '');

--@include udfs/random_code/0.2.0.sql

--@include udfs/normalize_code/0.2.0.sql

--@include udfs/create_code/0.2.0.sql

--@include udfs/create_codes/0.2.0.sql

--@include udfs/redeem/0.2.0.sql

--@include udfs/cancel_redemption/0.2.0.sql

--@include views/code_summary/0.2.0.sql

-- reports without secrets: code_label
--@include views/code_report/0.3.0.sql

--@include views/redemption_report/0.3.0.sql

/*
 * Instant wins: a pool of prize units (and losing units), shuffled once
 * with pg_strong_random() before the first play (by shuffle_instant_win, or
 * by the first play itself); each play claims the next unclaimed unit in
 * shuffled order, passing over units held by plays in flight (claim_row).
 * A customer plays once.  Who wins is fixed by the shuffle: the pool's
 * order is readable only by the extension owner.
 */

--@include tables/instant_win/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_win', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_win_instant_win_id_seq', '');

--@include tables/instant_prize/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_prize', '');

--@include tables/instant_play/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_play', '');

--@include udfs/random_permutation/0.2.0.sql

--@include udfs/create_instant_win/0.2.0.sql

--@include udfs/add_instant_prizes/0.2.0.sql

--@include udfs/shuffle_instant_win/0.2.0.sql

--@include udfs/instant_win/0.3.0.sql

--@include views/instant_win_summary/0.2.0.sql

/*
 * Playthrough (wagering) bonuses.  A bonus of amount A with playthrough P
 * turns into cash once A x P has been wagered.  Bets, wins and forfeits
 * are in C (src/wagering.c).  Every bet and win is an
 * event of the bonus; a bet_id seen before changes nothing, so game servers
 * may deliver at least once.  The status moves one way, from active to
 * cleared, lost, expired or forfeited.  Each change to a bonus holds its
 * row lock, so concurrent bets can neither overdraw it nor count twice.
 *
 * A bet with a bet_id stays open until its win arrives (a win of 0 settles
 * a losing bet): a bonus whose balance no longer covers a stake is lost
 * only once no bet is open, so that the win of its last bet still counts.
 */

--@include tables/bonus/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_bonus_id_seq', '');

--@include tables/bonus_event/0.2.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_event', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_event_event_id_seq', '');

--@include udfs/playthrough_required/0.2.0.sql

--@include udfs/playthrough_expected_balance/0.2.0.sql

--@include udfs/simulate_playthrough/0.2.0.sql

--@include udfs/bonus_status_now/0.2.0.sql

--@include udfs/grant_bonus/0.2.0.sql

--@include udfs/bonus_bet/0.3.0.sql

--@include udfs/bonus_win/0.3.0.sql

--@include udfs/forfeit_bonus/0.3.0.sql

--@include udfs/expire_bonuses/0.2.0.sql

--@include udfs/bonus_state/0.2.0.sql

/*
 * The shard side of a sharded deployment (doc/scaling-out.md).
 *
 * A proxy database runs promo_draw_proxy, whose functions have the names
 * and signatures of promo_draw's and reach the shards through PL/Proxy;
 * every shard runs promo_draw.  The functions below are what the proxy
 * calls besides the ordinary ones.  None is granted to PUBLIC: the role of
 * the proxy's user mapping needs EXECUTE on them (doc/scaling-out.md).
 *
 * - Definitions (draws, prizes, codes, instant wins) are created on node 0
 *   and copied to every node with the same ids, so a draw_id means the
 *   same draw everywhere.  The copy carries the draw's seed: it passes
 *   through the proxy's connection, never into a table of the proxy.
 * - Ids made on a shard for one customer (bonus_id, notification_id) are
 *   interleaved by shard_configure: node k of n hands out k + 1, k + 1 + n,
 *   ..., so an id names its node and no two nodes give the same id.
 * - A sharded draw is drawn by the proxy, which merges the tickets of all
 *   nodes (shard_draw_tickets; for a sealed draw the keys of
 *   shard_sealed_tickets, after sealing every node with the digest of all
 *   their entries: shard_sealed_entries, shard_seal_draw) and stages each
 *   node's results
 *   (shard_stage_draw) before any node publishes them (shard_publish_draw);
 *   run_draw and run_due_draws on a shard refuse with PD050.
 * - A limited code's limit is spread over the nodes; a node whose part is
 *   used up borrows room from another (shard_lend_code_room, then
 *   shard_accept_code_room), each transfer recorded on both sides under one
 *   transfer_id, so that room in transit is never lost nor counted twice.
 */

--@include tables/shard_node/0.3.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.shard_node', '');

--@include tables/staged_result/0.3.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.staged_result', '');

--@include tables/code_transfer/0.3.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_transfer', '');

--@include udfs/shard_configure/0.3.0.sql

--@include udfs/shard_node/0.3.0.sql

--@include udfs/shard_draw_definition/0.4.0.sql

--@include udfs/shard_put_draw/0.4.0.sql

--@include udfs/shard_draw_state/0.3.0.sql

--@include udfs/shard_draw_begin/0.3.0.sql

--@include udfs/shard_ineligible/0.3.0.sql

--@include udfs/shard_draw_tickets/0.4.0.sql

--@include udfs/shard_seal_begin/0.3.0.sql

--@include udfs/shard_sealed_entries/0.4.0.sql

--@include udfs/shard_seal_draw/0.3.0.sql

--@include udfs/shard_sealed_tickets/0.4.0.sql

--@include udfs/shard_stage_draw/0.4.0.sql

--@include udfs/shard_publish_draw/0.4.0.sql

--@include udfs/shard_draw_results/0.3.0.sql

--@include udfs/shard_put_code/0.4.0.sql

--@include udfs/shard_put_codes/0.3.0.sql

--@include udfs/shard_redeem/0.3.0.sql

--@include udfs/shard_lend_code_room/0.3.0.sql

--@include udfs/shard_accept_code_room/0.3.0.sql

--@include udfs/shard_code_transfers/0.3.0.sql

--@include udfs/shard_code_counts/0.3.0.sql

--@include udfs/shard_instant_win_definition/0.3.0.sql

--@include udfs/shard_put_instant_win/0.4.0.sql

--@include udfs/shard_take_notifications/0.3.0.sql

-- monitoring: reads every part, so last
--@include views/stats/0.4.0.sql

/*
 * Privileges.  PUBLIC gets nothing that writes or reads customer data: the
 * doc/security.md gives the GRANTs for an application role and a reporting role.
 * Pure functions (the aggregates, code normalization, random codes and
 * permutations, the arithmetic and simulation of bonuses, the payload of
 * a draw's outcome message, which the notification view calls) and verify_draw,
 * which reads only what its caller may read, stay open to everyone.
 */
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw FROM PUBLIC;
REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA promo_draw FROM PUBLIC;
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
	promo_draw.verify_draw(bigint),
	promo_draw.digest_text(text),
	promo_draw.normalize_code(text),
	promo_draw.code_label(text, bigint),
	promo_draw.random_code(integer),
	promo_draw.random_permutation(bigint),
	promo_draw.playthrough_required(numeric, numeric),
	promo_draw.playthrough_expected_balance(numeric, numeric, numeric),
	promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint),
	promo_draw.bonus_status_now(promo_draw.bonus),
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb, uuid),
	promo_draw.record_time(timestamptz),
	promo_draw.secret_publications()
TO PUBLIC;

-- the shard side, out of the API's schema: last, once PUBLIC lost EXECUTE
--@include schemas/promo_draw_shard/0.4.0.sql
