--@ promo_draw_proxy 0.4.0, not released yet: the update from 0.3.0.  An
--@ object that changes in 0.4.0 gets a file of that version, included here
--@ (with OR REPLACE for a function or view changed in place) and by
--@ promo_draw_proxy--0.4.0.sql.
-- promo_draw_proxy 0.3.0 -> 0.4.0: the proxy of promo_draw 0.4.0 shards.
-- Update every shard to promo_draw 0.4.0 first, then this proxy at once:
-- the shard-side functions a draw uses changed, so a 0.3.0 proxy cannot
-- draw on 0.4.0 shards, and it calls the shard side in promo_draw, which
-- 0.4.0 moved to promo_draw_shard.
--   - draws carry the beacon's due time, the seal's commit time, the prize
--     digest and the digest version; create_draw and draw_among take
--     beacon_due_at (required for a sealed draw);
--   - entries and results carry entry_ref, the entrant's public reference;
--     ticket_progress returns it;
--   - sealed draws are sealed with digest version 2 (references, payloads,
--     lose message, due time), ordered by reference; seeded draws digest
--     their entries when they run; verify_draw checks it all;
--   - draw_record and draw_record_rows give a drawn draw's public record.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw_proxy UPDATE TO '0.4.0'" to load this file. \quit

-- Functions whose arguments or result change are dropped and created again;
-- the privileges the public ones had are kept here and given back below.
SELECT pg_catalog.set_config('promo_draw_proxy_update.' || f.key,
                             coalesce(p.proacl::text, ''), true)
FROM (VALUES ('create_draw', 'promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text)'),
             ('draw_among', 'promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text, regprocedure)'),
             ('ticket_progress', 'promo_draw.ticket_progress(bigint, bigint)')) f(key, signature)
JOIN pg_catalog.pg_proc p ON p.oid = f.signature::regprocedure;

ALTER TYPE promo_draw_proxy.draw_row
	ADD ATTRIBUTE beacon_due_at timestamptz,
	ADD ATTRIBUTE seal_committed_at timestamptz,
	ADD ATTRIBUTE prize_digest bytea,
	ADD ATTRIBUTE digest_version smallint;
--@include udfs/draw_rows/0.4.0.sql OR REPLACE
--@include udfs/draws/0.4.0.sql OR REPLACE
--@include views/draw_summary/0.4.0.sql OR REPLACE

DROP FUNCTION promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text,
	text, regprocedure);
DROP FUNCTION promo_draw_proxy.create_draw_on_0(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, text, boolean, text);
--@include udfs/create_draw_on_0/0.4.0.sql
DROP FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer,
	integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text);
--@include udfs/create_draw/0.4.0.sql
--@include ../../src/sql/udfs/draw_among/0.4.0.sql
DROP FUNCTION promo_draw.ticket_progress(bigint, bigint);
--@include udfs/ticket_progress/0.4.0.sql

DROP FUNCTION promo_draw_proxy.draw_tickets_on_all(bigint, integer, integer);
--@include udfs/draw_tickets_on_all/0.4.0.sql
DROP FUNCTION promo_draw_proxy.sealed_tickets_on_all(bigint, integer, integer);
--@include udfs/sealed_tickets_on_all/0.4.0.sql
DROP FUNCTION promo_draw_proxy.sealed_entries_on_all(bigint);
--@include udfs/sealed_entries_on_all/0.4.0.sql
DROP FUNCTION promo_draw_proxy.stage_draw_on(integer, bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[]);
--@include udfs/stage_draw_on/0.4.0.sql
DROP FUNCTION promo_draw_proxy.publish_draw_on_all(bigint, uuid, bigint[]);
--@include udfs/publish_draw_on_all/0.4.0.sql
DROP FUNCTION promo_draw_proxy.sealed_digest(bigint, bigint[], bigint[]);
--@include udfs/sealed_digest/0.4.0.sql
DROP FUNCTION promo_draw_proxy.exact_key(bytea, bytea, bigint, integer, bigint);
--@include udfs/exact_key/0.4.0.sql

-- what verify_draw reads: dropped with it, created again
DROP FUNCTION promo_draw.verify_draw(bigint);
DROP FUNCTION promo_draw_proxy.entry_reveal_of(bigint);
DROP FUNCTION promo_draw_proxy.entry_reveal_rows(bigint);
DROP FUNCTION promo_draw_proxy.result_of(bigint);
DROP FUNCTION promo_draw_proxy.result_rows(bigint);
--@include udfs/entry_reveal_rows/0.4.0.sql
--@include udfs/entry_reveal_of/0.4.0.sql
--@include udfs/result_rows/0.4.0.sql
--@include udfs/result_of/0.4.0.sql
--@include ../../src/sql/udfs/verify_draw/0.4.0.sql

-- the public record
--@include udfs/record_rows_on_all/0.4.0.sql
--@include udfs/draw_record_rows/0.4.0.sql
--@include ../../src/sql/udfs/draw_record/0.4.0.sql

-- the shards' side moved to schema promo_draw_shard: every call of it
--@include udfs/accept_code_room_on/0.4.0.sql OR REPLACE
--@include udfs/code_counts_on_all/0.4.0.sql OR REPLACE
--@include udfs/code_transfers_on_all/0.4.0.sql OR REPLACE
--@include udfs/configure_on/0.4.0.sql OR REPLACE
--@include udfs/draw_definition_on_0/0.4.0.sql OR REPLACE
--@include udfs/draw_results_on_all/0.4.0.sql OR REPLACE
--@include udfs/draw_state_on_all/0.4.0.sql OR REPLACE
--@include udfs/ineligible_on/0.4.0.sql OR REPLACE
--@include udfs/instant_win_definition_on_0/0.4.0.sql OR REPLACE
--@include udfs/lend_code_room_on/0.4.0.sql OR REPLACE
--@include udfs/put_code_on/0.4.0.sql OR REPLACE
--@include udfs/put_codes_on/0.4.0.sql OR REPLACE
--@include udfs/put_draw_on_all/0.4.0.sql OR REPLACE
--@include udfs/put_instant_win_on_all/0.4.0.sql OR REPLACE
--@include udfs/redeem_on/0.4.0.sql OR REPLACE
--@include udfs/seal_draw_on_all/0.4.0.sql OR REPLACE
--@include udfs/shard_node/0.4.0.sql OR REPLACE
--@include udfs/take_notifications_on_all/0.4.0.sql OR REPLACE

--@include udfs/check_nodes/0.4.0.sql OR REPLACE
--@include udfs/seal_draw/0.4.0.sql OR REPLACE
--@include udfs/walk_prizes/0.4.0.sql
--@include udfs/run_draw/0.4.0.sql OR REPLACE

-- new internal functions are the proxy's own; the public ones get back the
-- privileges they had
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA promo_draw_proxy FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION
	promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer, integer,
	                       boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text, timestamptz),
	promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text,
	                      regprocedure, timestamptz),
	promo_draw.ticket_progress(bigint, bigint),
	promo_draw.verify_draw(bigint),
	promo_draw.draw_record(bigint),
	promo_draw.draw_record_rows(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION promo_draw.verify_draw(bigint) TO PUBLIC;
DO LANGUAGE plpgsql $$
DECLARE
	f record;
	a record;
BEGIN
	FOR f IN
		SELECT * FROM (VALUES
			('create_draw', 'promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text, timestamptz)'),
			('draw_among', 'promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text, regprocedure, timestamptz)'),
			('ticket_progress', 'promo_draw.ticket_progress(bigint, bigint)')) v(key, signature)
	LOOP
		FOR a IN
			SELECT x.grantee, x.is_grantable
			FROM pg_catalog.aclexplode(nullif(pg_catalog.current_setting('promo_draw_proxy_update.' || f.key, true), '')::pg_catalog.aclitem[]) x
			WHERE x.privilege_type = 'EXECUTE'
			  AND x.grantee <> (SELECT p.proowner FROM pg_catalog.pg_proc p WHERE p.oid = f.signature::regprocedure)
		LOOP
			EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s%s', f.signature,
			                          CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
			                          CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
		END LOOP;
	END LOOP;
END
$$;
