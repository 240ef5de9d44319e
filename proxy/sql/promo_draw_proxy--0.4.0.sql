--@ promo_draw_proxy 0.4.0, not released yet: the install script.  An
--@ object that changes in 0.4.0 gets a file of that version (a copy of its
--@ latest, then edited), included here instead of the older one and, with
--@ OR REPLACE, by promo_draw_proxy--0.3.0--0.4.0.sql.
-- promo_draw_proxy 0.4.0 install script, built by tools/sqlinclude from
-- proxy/sql/promo_draw_proxy--0.4.0.sql and the files it includes.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION promo_draw_proxy CASCADE" to load this file. \quit

/*
 * promo_draw_proxy: the proxy database of a sharded deployment.
 *
 * The application calls the functions and reads the reports of promo_draw
 * here, under the same names, signatures and results; they run on the
 * shards, which run promo_draw, through PL/Proxy's cluster
 * promo_draw_shards (a SQL/MED server, doc/scaling-out.md):
 *
 * - a call about one customer goes to the node of hashint8(customer_id),
 *   by PL/Proxy's own RUN ON;
 * - a call about a bonus goes to the node its bonus_id names (ids are
 *   interleaved by node, promo_draw.shard_configure);
 * - definitions (draws, prizes, codes, instant wins) are made on node 0 and
 *   copied to every node with the same ids;
 * - run_draw merges every node's tickets and gives each node its
 *   customers' results; a limited code's room is spread over the nodes,
 *   which lend it to each other (borrow_code_room);
 * - reports are unions over the nodes.
 *
 * Internal functions live in schema promo_draw_proxy.  Nothing is stored
 * here: the proxy holds no data of its own, so it can be recreated, or
 * several proxies can serve one cluster.
 */
CREATE SCHEMA promo_draw_proxy;
COMMENT ON SCHEMA promo_draw_proxy IS 'promo_draw_proxy''s routing functions: not for applications';
COMMENT ON SCHEMA promo_draw IS
	'promo_draw on a sharded deployment: the functions and reports of promo_draw, run on the shards of promo_draw_shards';

--@include udfs/nodes/0.3.0.sql

--@include udfs/modular/0.3.0.sql

--@include udfs/node_of_nodes/0.3.0.sql

--@include udfs/node_of/0.3.0.sql

--@include udfs/node_of_bonus/0.3.0.sql

--@include types/draw_row/0.4.0.sql

/*
 * The PL/Proxy functions: each runs one statement on one node (RUN ON a
 * node number or a customer's hash) or on all of them (RUN ON ALL, in
 * parallel).  A node that does not answer fails the call with PL/Proxy's
 * error, naming the node's connection string.
 */

--@include udfs/shard_node/0.4.0.sql

--@include udfs/configure_on/0.4.0.sql

-- definitions: made on node 0, copied everywhere

--@include udfs/create_draw_on_0/0.4.0.sql

--@include udfs/add_prize_on_0/0.3.0.sql

--@include udfs/draw_definition_on_0/0.4.0.sql

--@include udfs/put_draw_on_all/0.4.0.sql

--@include udfs/cancel_draw_on_all/0.3.0.sql

--@include udfs/close_partition_on_all/0.3.0.sql

-- customer-keyed calls, on the customer's node

--@include udfs/opt_in/0.3.0.sql

--@include udfs/award_tickets/0.3.0.sql

--@include udfs/award_tickets_on/0.3.0.sql

--@include udfs/record_stake/0.3.0.sql

--@include udfs/record_stakes_on/0.3.0.sql

--@include udfs/ticket_progress/0.4.0.sql

-- the sharded draw (run_draw, below)

--@include udfs/draw_state_on_all/0.4.0.sql

--@include udfs/draw_tickets_on_all/0.4.0.sql

--@include udfs/ineligible_on/0.4.0.sql

--@include udfs/stage_draw_on/0.4.0.sql

--@include udfs/publish_draw_on_all/0.4.0.sql

--@include udfs/draw_results_on_all/0.4.0.sql

--@include udfs/due_draws_on_0/0.3.0.sql

-- sealed draws

--@include udfs/sealed_entries_on_all/0.4.0.sql

--@include udfs/seal_draw_on_all/0.4.0.sql

--@include udfs/set_beacon_on/0.3.0.sql

--@include udfs/sealed_tickets_on_all/0.4.0.sql

-- what the reports and verify_draw read, from every node (NULL: every draw)

--@include udfs/draw_rows/0.4.0.sql

--@include udfs/prize_rows/0.3.0.sql

--@include udfs/draw_reveal_rows/0.3.0.sql

--@include udfs/entry_reveal_rows/0.4.0.sql

--@include udfs/result_rows/0.4.0.sql

--@include udfs/notification_rows/0.3.0.sql

--@include udfs/summary_rows/0.3.0.sql

--@include udfs/customer_result_rows/0.3.0.sql

-- promotion codes (redeem, borrow_code_room)

--@include udfs/put_code_on/0.4.0.sql

--@include udfs/create_codes_on_0/0.3.0.sql

--@include udfs/put_codes_on/0.4.0.sql

--@include udfs/redeem_on/0.4.0.sql

--@include udfs/cancel_redemption/0.3.0.sql

--@include udfs/lend_code_room_on/0.4.0.sql

--@include udfs/accept_code_room_on/0.4.0.sql

--@include udfs/code_transfers_on_all/0.4.0.sql

--@include udfs/code_counts_on_all/0.4.0.sql

--@include udfs/redemption_report_rows/0.3.0.sql

--@include udfs/redemption_rows/0.3.0.sql

-- instant wins, bonuses and messages

--@include udfs/create_instant_win_on_0/0.3.0.sql

--@include udfs/instant_win_definition_on_0/0.4.0.sql

--@include udfs/put_instant_win_on_all/0.4.0.sql

--@include udfs/add_instant_prizes_on/0.3.0.sql

--@include udfs/shuffle_instant_win_on_all/0.3.0.sql

--@include udfs/instant_win/0.3.0.sql

--@include udfs/grant_bonus/0.3.0.sql

--@include udfs/bonus_bet/0.3.0.sql

--@include udfs/bonus_win/0.3.0.sql

--@include udfs/forfeit_bonus/0.3.0.sql

--@include udfs/bonus_state/0.3.0.sql

--@include udfs/expire_bonuses_on_all/0.3.0.sql

--@include udfs/take_notifications_on_all/0.4.0.sql

/*
 * Prize draws on a sharded deployment.
 */

--@include udfs/check_nodes/0.4.0.sql

--@include udfs/setup/0.3.0.sql

--@include udfs/copy_draw/0.3.0.sql

--@include udfs/create_draw/0.4.0.sql

--@include udfs/add_prize/0.3.0.sql

--@include udfs/award_tickets_batch/0.3.0.sql

--@include udfs/record_stakes/0.3.0.sql

--@include udfs/close_partition/0.3.0.sql

--@include udfs/cancel_draw/0.3.0.sql

--@include udfs/walk_prizes/0.4.0.sql
--@include udfs/run_draw/0.4.0.sql

--@include udfs/run_due_draws/0.3.0.sql

--@include udfs/draws/0.4.0.sql

--@include udfs/draw_of/0.3.0.sql

--@include udfs/draw_reveal_of/0.3.0.sql

--@include udfs/entry_reveal_of/0.4.0.sql

--@include udfs/prize_of/0.3.0.sql

--@include udfs/result_of/0.4.0.sql

--@include udfs/notification_of/0.3.0.sql

--@include views/draw_summary/0.4.0.sql

--@include views/customer_result/0.3.0.sql

/*
 * Verifying a draw.  verify_draw goes into promo_draw's install script and
 * into promo_draw_proxy's, which checks a sharded draw with the very same
 * SQL: the Makefile replaces each @relation@ by the table or view of
 * promo_draw on a single node, and by a function that reads it from every
 * shard on the proxy.
 */

--@include ../../src/sql/udfs/digest_text/0.3.0.sql

--@include ../../src/sql/udfs/verify_draw/0.4.0.sql

/*
 * The public record of a sharded draw: every node's lines, merged as one
 * node holding every entry would give them.
 */

--@include udfs/record_rows_on_all/0.4.0.sql

--@include udfs/draw_record_rows/0.4.0.sql

--@include ../../src/sql/udfs/draw_record/0.4.0.sql

/*
 * Sealed draws on a sharded deployment.
 *
 * The seal covers every node's entries: the proxy reads each node's
 * participants once the draw is ready, computes the entry digest exactly as
 * one node holding them all would (doc/record-format.md), and seals every
 * node with it.  The beacon goes to every node.  run_draw merges the
 * nodes' keys (run_draw); each node computes its customers' keys
 * from the beacon and the common digest, so the order is the single
 * node's.
 */

--@include udfs/sealed_digest/0.4.0.sql

--@include udfs/exact_key/0.4.0.sql

--@include udfs/seal_draw/0.4.0.sql

--@include udfs/set_beacon/0.3.0.sql

/*
 * A draw among chosen customers in one call, made of the public calls
 * alone, so that promo_draw and promo_draw_proxy share it.
 */
--@include ../../src/sql/udfs/draw_among/0.4.0.sql

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
--@include ../../src/sql/udfs/code_label/0.3.0.sql

/*
 * Promotion codes on a sharded deployment.
 *
 * A code exists on every node.  A limited code's limit is spread over the
 * nodes (each node's part spread over its counters as on a single node),
 * and a customer redeems on their own node.  When that node's part is used
 * up, the proxy borrows room for it from another node:
 *
 *   1. the lender gives at most half of its free room (at least one place)
 *      and records the transfer (direction 'out', a new transfer_id), in
 *      one transaction of its own;
 *   2. the borrower takes the room in and records the same transfer_id
 *      ('in'), once: a transfer_id taken in twice adds nothing.
 *
 * Room is thus only ever moved, never made: the nodes' capacities add up
 * to the limit at all times, less whatever is between steps 1 and 2.  A
 * redeemer that finds no room first completes every transfer still between
 * the two steps (a proxy may have stopped there), then asks every other
 * node, and refuses (PD014) only when no node has free room.  A node that
 * is down cannot lend: its room waits for it, and a redeemer who would
 * need it is refused with PL/Proxy's error for that node.
 */

--@include views/redemption/0.3.0.sql

--@include udfs/create_code/0.3.0.sql

--@include udfs/create_codes/0.3.0.sql

--@include udfs/settle_code_transfers/0.3.0.sql

--@include udfs/borrow_code_room/0.3.0.sql

--@include udfs/redeem/0.3.0.sql

--@include views/code_summary/0.3.0.sql

--@include udfs/code_report_rows/0.3.0.sql

--@include views/code_report/0.3.0.sql

--@include views/redemption_report/0.3.0.sql

/*
 * Instant wins, bonuses and customer messages on a sharded deployment.
 *
 * An instant win exists on every node with the same id, and its pool is
 * split between the nodes: add_instant_prizes gives each node its share of
 * the units (node 0 the first of any remainder), and each node shuffles
 * its part.  A customer plays on their own node, against that node's part.
 * Bonuses live on their customer's node; a bonus_id names its node.
 */

--@include udfs/create_instant_win/0.3.0.sql

--@include udfs/add_instant_prizes/0.3.0.sql

--@include udfs/shuffle_instant_win/0.3.0.sql

--@include udfs/expire_bonuses/0.3.0.sql

--@include views/notification/0.3.0.sql

--@include udfs/take_notifications/0.3.0.sql

/*
 * Privileges, as in promo_draw: PUBLIC gets verify_draw, digest_text and code_label;
 * doc/scaling-out.md gives the GRANTs for application and reporting roles.
 */
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw_proxy FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.verify_draw(bigint),
	promo_draw.digest_text(text),
	promo_draw.code_label(text, bigint)
TO PUBLIC;
