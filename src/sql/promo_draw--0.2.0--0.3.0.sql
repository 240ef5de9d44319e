--@ Released with promo_draw 0.3.0: the script this builds never changes
--@ again, nor does a file it includes (a changed object gets a file of
--@ its new version).
-- promo_draw 0.2.0 -> 0.3.0: reliability fixes, one home for each rule, and
-- faster hot paths.
--
--   - a draw records its eligibility function's identity, and refuses at
--     draw time a function dropped or replaced since (PD009); create_draw
--     refuses an OID that names no function;
--   - add_prize is refused once the draw is ready (PD004);
--   - run_due_draws records a draw it failed to draw on the draw's row
--     (failed_runs, last_error, last_error_at), shown by draw_summary;
--   - code_report and redemption_report: promotion codes for reporting
--     roles, single-use codes without their random part;
--   - award_tickets for a batch of customers;
--   - bonus_bet, bonus_win and forfeit_bonus are in C: the PL/pgSQL
--     helpers settle_bonus and bonus_not_active go;
--   - amounts are checked by one function (check_amount) and the
--     stake-to-ticket rule lives in one (stake_to_next_ticket), both shared
--     with the C code;
--   - sealed draws: create_draw(..., sealed, beacon_source), seal_draw,
--     set_beacon, draw_among, new draw columns and status 'sealed', and
--     verify_draw for them.  create_draw gains two parameters, so it is
--     dropped and created again: GRANTs on it must be given again (README,
--     "Roles");
--   - the shard side of a sharded deployment (promo_draw_proxy): the
--     shard_* functions and tables, run_draw and run_due_draws refused on
--     a shard (PD050), and a code's counter may hold no room (capacity 0)
--     while its node has lent it to another.
--
-- Functions and views are changed in place with CREATE OR REPLACE, so
-- nothing that depends on them is dropped; PostgreSQL lets an extension
-- script replace only objects that already belong to the extension.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.3.0'" to load this file. \quit

-- A draw writes each outcome once: its result rows are its customers'
-- messages.  The table notification becomes promo_draw.outbox, for every
-- other message, and notification a view of both.  take_notifications
-- returns the view's rows, so it is dropped and created again: GRANTs on
-- it, and on notification, must be given again (README, "Upgrading").
-- Messages draws wrote before the update stay in the outbox.
ALTER TABLE promo_draw.notification RENAME TO outbox;
ALTER SEQUENCE promo_draw.notification_notification_id_seq RENAME TO outbox_notification_id_seq;
ALTER INDEX promo_draw.notification_pkey RENAME TO outbox_pkey;
ALTER INDEX promo_draw.notification_undelivered_idx RENAME TO outbox_undelivered_idx;
ALTER INDEX promo_draw.notification_draw_idx RENAME TO outbox_draw_idx;
COMMENT ON TABLE promo_draw.outbox IS
	'customer messages other than draw outcomes, in notification_id order; promo_draw.notification shows them with the draws'' outcome messages';

ALTER TABLE promo_draw.result
	ADD COLUMN notification_id bigint,
	ADD COLUMN delivered_at timestamptz;
COMMENT ON COLUMN promo_draw.result.notification_id IS
	'the id of the customer''s message about this result in promo_draw.notification (NULL for ineligible): the result is the message';
COMMENT ON COLUMN promo_draw.result.delivered_at IS
	'when take_notifications handed out the message about this result';

--@include tables/outcome_delivery/0.3.0.sql

SELECT pg_catalog.pg_extension_config_dump('promo_draw.outcome_delivery', '');

--@include udfs/outcome_payload/0.3.0.sql

--@include views/notification/0.3.0.sql

DROP FUNCTION promo_draw.take_notifications(integer);
--@include udfs/take_notifications/0.3.0.sql

--@include udfs/notification_delete/0.3.0.sql

--@include udfs/notification_insert/0.3.0.sql

REVOKE EXECUTE ON FUNCTION promo_draw.take_notifications(integer),
	promo_draw.notification_delete(), promo_draw.notification_insert() FROM PUBLIC;
-- the view's callers call it
REVOKE EXECUTE ON FUNCTION
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb) TO PUBLIC;

-- instant wins write their messages into the outbox
--@include udfs/instant_win/0.3.0.sql OR REPLACE


ALTER TABLE promo_draw.draw
	ADD COLUMN eligibility_identity text,
	ADD COLUMN failed_runs integer NOT NULL DEFAULT 0,
	ADD COLUMN last_error text,
	ADD COLUMN last_error_at timestamptz,
	ADD COLUMN sealed boolean NOT NULL DEFAULT false,
	ADD COLUMN beacon_source text CHECK (length(beacon_source) BETWEEN 1 AND 1000),
	ADD COLUMN entry_digest bytea CHECK (length(entry_digest) = 32),
	ADD COLUMN sealed_at timestamptz,
	ADD COLUMN beacon bytea CHECK (length(beacon) BETWEEN 1 AND 1024),
	ADD COLUMN beacon_reference text,
	ADD COLUMN beacon_at timestamptz,
	ALTER COLUMN seed DROP NOT NULL,
	ALTER COLUMN seed_hash DROP NOT NULL,
	DROP CONSTRAINT draw_status_check,
	ADD CONSTRAINT draw_status_check CHECK (status IN ('open', 'sealed', 'drawn', 'cancelled')),
	ADD CONSTRAINT draw_kind_seed_check CHECK ((seed IS NULL) = sealed AND (seed_hash IS NULL) = sealed),
	ADD CONSTRAINT draw_kind_sealed_check CHECK (sealed OR (beacon_source IS NULL AND entry_digest IS NULL AND beacon IS NULL)),
	ADD CONSTRAINT draw_seal_state_check CHECK ((entry_digest IS NULL) = (sealed_at IS NULL)
		AND (status <> 'sealed' OR entry_digest IS NOT NULL)),
	ADD CONSTRAINT draw_beacon_state_check CHECK ((beacon IS NULL) = (beacon_at IS NULL)
		AND (beacon IS NULL OR entry_digest IS NOT NULL));
COMMENT ON COLUMN promo_draw.draw.eligibility_identity IS
	'the eligibility function''s qualified name and arguments when the draw was created: a function dropped or replaced since is refused at draw time';
COMMENT ON COLUMN promo_draw.draw.failed_runs IS 'how many times run_due_draws() tried to draw it and failed';
COMMENT ON COLUMN promo_draw.draw.last_error IS 'the error of the last failed run_due_draws() attempt';
COMMENT ON COLUMN promo_draw.draw.last_error_at IS 'when the last run_due_draws() attempt failed';
COMMENT ON COLUMN promo_draw.draw.sealed IS
	'a sealed draw: no seed, only ticket counts; the order of its tickets comes from a public beacon published after the seal';
COMMENT ON COLUMN promo_draw.draw.beacon_source IS
	'the public randomness beacon a sealed draw will take its value from, named when the draw is created';
COMMENT ON COLUMN promo_draw.draw.entry_digest IS
	'sha256 of the sealed entries, prizes and rules (README, "Sealed draws"), set when the draw is sealed';
COMMENT ON COLUMN promo_draw.draw.sealed_at IS 'when the sealed draw''s entries were frozen';
COMMENT ON COLUMN promo_draw.draw.beacon IS 'the beacon value given to set_beacon(); public';
COMMENT ON COLUMN promo_draw.draw.beacon_reference IS 'where the beacon value was published (a round, a URL)';
COMMENT ON COLUMN promo_draw.draw.beacon_at IS 'when set_beacon() took the beacon value';
COMMENT ON COLUMN promo_draw.draw.seed IS
	'32 secret bytes from pg_strong_random(); every ticket is HMAC-SHA256(seed, draw || customer || n); NULL for a sealed draw';
COMMENT ON COLUMN promo_draw.draw.seed_hash IS 'sha256(seed), public from creation: the commitment to the seed; NULL for a sealed draw';
COMMENT ON COLUMN promo_draw.entry.best IS
	'the best max_wins_per_customer ticket values, best first; secret until the draw has run (see entry_reveal); empty in a sealed draw';
CREATE INDEX draw_sealed_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'sealed';

-- draws created before the update name the function their OID has now
UPDATE promo_draw.draw
SET eligibility_identity = (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::pg_catalog.regclass,
                                                         eligibility, 0)).identity
WHERE eligibility IS NOT NULL;

--@include udfs/check_amount/0.3.0.sql

--@include udfs/stake_to_next_ticket/0.3.0.sql

REVOKE EXECUTE ON FUNCTION promo_draw.check_amount(numeric, text, boolean),
	promo_draw.stake_to_next_ticket(numeric, numeric) FROM PUBLIC;

DROP FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure);
--@include udfs/create_draw/0.3.0.sql
REVOKE EXECUTE ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text) FROM PUBLIC;

--@include udfs/add_prize/0.3.0.sql OR REPLACE

--@include udfs/seal_draw/0.3.0.sql

--@include udfs/set_beacon/0.3.0.sql

--@include udfs/draw_among/0.3.0.sql
REVOKE EXECUTE ON FUNCTION promo_draw.seal_draw(bigint),
	promo_draw.set_beacon(bigint, bytea, text),
	promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text, regprocedure)
FROM PUBLIC;

--@include udfs/award_tickets_batch/0.3.0.sql
REVOKE EXECUTE ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) FROM PUBLIC;

--@include udfs/ticket_progress/0.3.0.sql OR REPLACE

--@include udfs/bonus_bet/0.3.0.sql OR REPLACE

--@include udfs/bonus_win/0.3.0.sql OR REPLACE

--@include udfs/forfeit_bonus/0.3.0.sql OR REPLACE

DROP FUNCTION promo_draw.settle_bonus(promo_draw.bonus);
DROP FUNCTION promo_draw.bonus_not_active(promo_draw.bonus);

--@include views/draw_summary/0.3.0.sql OR REPLACE

--@include views/entry_reveal/0.3.0.sql OR REPLACE

/*
 * Reports without secrets.  A single-use code (max_redemptions = 1, as
 * create_codes makes them) is a bearer secret until it is redeemed, and
 * again after a cancellation frees it: reports never show its last 12
 * characters (the random part create_codes adds, so a batch shows as its
 * prefix).  A shared code (unlimited, or a limit above 1) is announced to
 * customers anyway and is shown whole.
 */
--@include udfs/code_label/0.3.0.sql

--@include views/code_report/0.3.0.sql

--@include views/redemption_report/0.3.0.sql

REVOKE EXECUTE ON FUNCTION promo_draw.code_label(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION promo_draw.code_label(text, bigint) TO PUBLIC;

--@include udfs/digest_text/0.3.0.sql
REVOKE EXECUTE ON FUNCTION promo_draw.digest_text(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION promo_draw.digest_text(text) TO PUBLIC;

--@include udfs/verify_draw/0.3.0.sql OR REPLACE

ALTER TABLE promo_draw.code_shard
	DROP CONSTRAINT code_shard_capacity_check,
	ADD CONSTRAINT code_shard_capacity_check CHECK (capacity >= 0);

/*
 * The shard side of a sharded deployment (README, "Scaling out").
 *
 * A proxy database runs promo_draw_proxy, whose functions have the names
 * and signatures of promo_draw's and reach the shards through PL/Proxy;
 * every shard runs promo_draw.  The functions below are what the proxy
 * calls besides the ordinary ones.  None is granted to PUBLIC: the role of
 * the proxy's user mapping needs EXECUTE on them (README).
 *
 * - Definitions (draws, prizes, codes, instant wins) are created on node 0
 *   and copied to every node with the same ids, so a draw_id means the
 *   same draw everywhere.  The copy carries the draw's seed: it passes
 *   through the proxy's connection, never into a table of the proxy.
 * - Ids made on a shard for one customer (bonus_id, notification_id) are
 *   interleaved by shard_configure: node k of n hands out k + 1, k + 1 + n,
 *   ..., so an id names its node and no two nodes give the same id.
 * - A sharded draw is drawn by the proxy, which merges the tickets of all
 *   nodes (shard_draw_tickets) and stages each node's results
 *   (shard_stage_draw) before any node publishes them (shard_publish_draw);
 *   run_draw and run_due_draws on a shard refuse with PD050.
 * - A limited code's limit is spread over the nodes; a node whose part is
 *   used up borrows room from another (shard_lend_code_room, then
 *   shard_accept_code_room), each transfer recorded on both sides under one
 *   transfer_id, so that room in transit is never lost nor counted twice.
 */

--@include tables/shard_node/0.3.0.sql

--@include tables/staged_result/0.3.0.sql

--@include tables/code_transfer/0.3.0.sql

SELECT pg_catalog.pg_extension_config_dump('promo_draw.shard_node', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.staged_result', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_transfer', '');

--@include udfs/shard_configure/0.3.0.sql

--@include udfs/shard_node/0.3.0.sql

--@include udfs/shard_draw_definition/0.3.0.sql

--@include udfs/shard_put_draw/0.3.0.sql

--@include udfs/shard_draw_state/0.3.0.sql

--@include udfs/shard_draw_begin/0.3.0.sql

--@include udfs/shard_ineligible/0.3.0.sql

--@include udfs/shard_draw_tickets/0.3.0.sql

--@include udfs/shard_seal_begin/0.3.0.sql

--@include udfs/shard_sealed_entries/0.3.0.sql

--@include udfs/shard_seal_draw/0.3.0.sql

--@include udfs/shard_sealed_tickets/0.3.0.sql

--@include udfs/shard_stage_draw/0.3.0.sql

--@include udfs/shard_publish_draw/0.3.0.sql

--@include udfs/shard_draw_results/0.3.0.sql

--@include udfs/shard_put_code/0.3.0.sql

--@include udfs/shard_put_codes/0.3.0.sql

--@include udfs/shard_redeem/0.3.0.sql

--@include udfs/shard_lend_code_room/0.3.0.sql

--@include udfs/shard_accept_code_room/0.3.0.sql

--@include udfs/shard_code_transfers/0.3.0.sql

--@include udfs/shard_code_counts/0.3.0.sql

--@include udfs/shard_instant_win_definition/0.3.0.sql

--@include udfs/shard_put_instant_win/0.3.0.sql

--@include udfs/shard_take_notifications/0.3.0.sql

REVOKE EXECUTE ON FUNCTION
	promo_draw.shard_configure(integer, integer),
	promo_draw.shard_node(),
	promo_draw.shard_draw_definition(bigint),
	promo_draw.shard_put_draw(jsonb),
	promo_draw.shard_draw_state(bigint),
	promo_draw.shard_draw_begin(bigint),
	promo_draw.shard_ineligible(bigint, bigint[]),
	promo_draw.shard_draw_tickets(bigint, integer, integer),
	promo_draw.shard_seal_begin(bigint),
	promo_draw.shard_sealed_entries(bigint),
	promo_draw.shard_seal_draw(bigint, bytea),
	promo_draw.shard_sealed_tickets(bigint, integer, integer),
	promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[]),
	promo_draw.shard_publish_draw(bigint, uuid, bigint[]),
	promo_draw.shard_draw_results(bigint),
	promo_draw.shard_put_code(text, timestamptz, timestamptz, bigint, jsonb, bigint),
	promo_draw.shard_put_codes(text[], timestamptz, timestamptz, jsonb),
	promo_draw.shard_redeem(text, bigint),
	promo_draw.shard_lend_code_room(text, bigint, uuid, integer),
	promo_draw.shard_accept_code_room(text, uuid, bigint, integer),
	promo_draw.shard_code_transfers(text),
	promo_draw.shard_code_counts(),
	promo_draw.shard_instant_win_definition(bigint),
	promo_draw.shard_put_instant_win(jsonb),
	promo_draw.shard_take_notifications(integer)
FROM PUBLIC;
