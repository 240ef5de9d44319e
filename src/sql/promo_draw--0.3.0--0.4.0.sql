--@ promo_draw 0.4.0, not released yet: the update from 0.3.0.  An object
--@ that changes in 0.4.0 gets a file of that version, included here (with
--@ OR REPLACE for a function, view or aggregate changed in place) and by
--@ promo_draw--0.4.0.sql; a table changes here with ALTER TABLE and in its
--@ new file with CREATE TABLE.
-- promo_draw 0.3.0 -> 0.4.0: trust.
--
--   - a draw's secrets (its seed, and the key of its entry references) move
--     into promo_draw.draw_secret, so that nothing that copies
--     promo_draw.draw carries them; draw_reveal reads the seed there;
--   - every entry gets its public reference (entry_ref), which stands for
--     the customer in the draw's public record; results, messages and
--     ticket_progress carry it;
--   - a sealed draw names when its beacon is due (beacon_due_at), and its
--     seal must commit before then (a deferred trigger; seal_committed_at);
--     set_beacon refuses a value before it is due, and values shorter than
--     32 bytes;
--   - once a draw is ready its prize rows cannot change (a trigger), and
--     every draw keeps a digest of its rules and prizes (prize_digest);
--     draws sealed from now on use digest version 2 (entry references,
--     payloads, lose message, beacon due time), and seeded draws digest
--     their entries when they run; verify_draw checks all of it;
--   - create_draw and draw_among gain beacon_due_at, and ticket_progress
--     returns entry_ref: they are dropped and created again with the
--     privileges they had.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.4.0'" to load this file. \quit

-- Functions whose arguments or result change are dropped and created again;
-- the privileges they had are kept here and given back below.
SELECT pg_catalog.set_config('promo_draw_update.' || f.key,
                             coalesce(p.proacl::text, ''), true)
FROM (VALUES ('create_draw', 'promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text)'),
             ('draw_among', 'promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text, regprocedure)'),
             ('ticket_progress', 'promo_draw.ticket_progress(bigint, bigint)')) f(key, signature)
JOIN pg_catalog.pg_proc p ON p.oid = f.signature::regprocedure;

-- no publication may stream a secret: first, so that the update stops here
-- while one would
--@include udfs/publication_guard/0.4.0.sql

-- the secrets, in a table of their own; a reference key for every draw
--@include tables/draw_secret/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw_secret', '');
INSERT INTO promo_draw.draw_secret (draw_id, seed, ref_key)
SELECT d.draw_id, d.seed, promo_draw.new_seed() FROM promo_draw.draw d;
--@include views/draw_reveal/0.4.0.sql OR REPLACE

-- the draw: no seed; a beacon due time, the seal's commit, the digests
ALTER TABLE promo_draw.draw
	DROP CONSTRAINT draw_kind_seed_check,
	DROP CONSTRAINT draw_kind_sealed_check,
	DROP CONSTRAINT draw_seal_state_check,
	DROP COLUMN seed,
	ADD COLUMN beacon_due_at timestamptz,
	ADD COLUMN seal_committed_at timestamptz,
	ADD COLUMN prize_digest bytea CHECK (length(prize_digest) = 32),
	ADD COLUMN digest_version smallint CHECK (digest_version IN (1, 2)),
	ADD COLUMN purged_at timestamptz,
	ADD COLUMN record_digest bytea CHECK (length(record_digest) = 32);
COMMENT ON COLUMN promo_draw.draw.purged_at IS
	'when purge_draws removed the draw''s entries, results and messages; its rules, prizes and digests stay';
COMMENT ON COLUMN promo_draw.draw.record_digest IS
	'sha256 of the draw''s public record (draw_record(draw_id)::text) as it was when purged: the archived record must give it';
-- draws sealed before 0.4.0 have digest version 1 and commit to no due time
UPDATE promo_draw.draw SET digest_version = 1 WHERE entry_digest IS NOT NULL;
ALTER TABLE promo_draw.draw
	ADD CONSTRAINT draw_kind_seed_check CHECK ((seed_hash IS NULL) = sealed),
	ADD CONSTRAINT draw_kind_sealed_check CHECK (sealed OR (beacon_source IS NULL AND beacon IS NULL
		AND beacon_due_at IS NULL AND sealed_at IS NULL AND seal_committed_at IS NULL)),
	ADD CONSTRAINT draw_seal_state_check CHECK (NOT sealed OR ((entry_digest IS NULL) = (sealed_at IS NULL)
		AND (status <> 'sealed' OR entry_digest IS NOT NULL))),
	ADD CONSTRAINT draw_seeded_digest_check CHECK (sealed OR entry_digest IS NULL OR status = 'drawn'),
	ADD CONSTRAINT draw_digest_kind_check CHECK ((entry_digest IS NULL) = (digest_version IS NULL)),
	ADD CONSTRAINT draw_beacon_due_check CHECK (beacon_due_at > closes_at);
COMMENT ON TABLE promo_draw.draw IS
	'one row per prize draw; its secrets (seed, reference key) are in draw_secret, and the seed is revealed in draw_reveal once drawn';
COMMENT ON COLUMN promo_draw.draw.sealed_at IS 'when the sealed draw''s entries were frozen (the start of the sealing transaction)';
COMMENT ON COLUMN promo_draw.draw.entry_digest IS
	'sha256 of the entries, prizes and rules: a sealed draw''s when it is sealed, a seeded draw''s (from 0.4.0) when it is drawn (doc/record-format.md)';
COMMENT ON COLUMN promo_draw.draw.beacon_due_at IS
	'a sealed draw''s: when the beacon value that orders its tickets is published; the seal must commit before it';
COMMENT ON COLUMN promo_draw.draw.seal_committed_at IS
	'when the seal committed (the clock at its commit, which was refused at or after beacon_due_at)';
COMMENT ON COLUMN promo_draw.draw.prize_digest IS
	'sha256 of the rules and the prize table (payloads included), set when the draw became ready or, at the latest, when it ran';
COMMENT ON COLUMN promo_draw.draw.digest_version IS
	'the serialisation of entry_digest: 1 (sealed before 0.4.0, by customer id) or 2 (by entry reference)';

-- entry references, for every entry (drawn draws too, so that their
-- records can be made), and the results' copies of them
ALTER TABLE promo_draw.entry ADD COLUMN entry_ref uuid;
UPDATE promo_draw.entry e
SET entry_ref = encode(substr(hmac(int8send(e.draw_id) || int8send(e.customer_id), s.ref_key, 'sha256'),
                              1, 16), 'hex')::uuid
FROM promo_draw.draw_secret s
WHERE s.draw_id = e.draw_id;
ALTER TABLE promo_draw.entry ALTER COLUMN entry_ref SET NOT NULL;
COMMENT ON COLUMN promo_draw.entry.entry_ref IS
	'the entry''s public reference: the first 16 bytes of HMAC-SHA256(draw_secret.ref_key, draw || customer); it stands for the customer in the draw''s public record';
ALTER TABLE promo_draw.result ADD COLUMN entry_ref uuid;
UPDATE promo_draw.result r SET entry_ref = e.entry_ref
FROM promo_draw.entry e
WHERE e.draw_id = r.draw_id AND e.customer_id = r.customer_id;
COMMENT ON COLUMN promo_draw.result.entry_ref IS
	'the entry reference of the customer (NULL for results of draws drawn before 0.4.0 whose entries are gone)';
-- a shard's staged results are result rows too
ALTER TABLE promo_draw.staged_result ADD COLUMN entry_ref uuid;

-- outcome messages name the entry
--@include udfs/outcome_payload/0.4.0.sql
--@include views/notification/0.4.0.sql OR REPLACE
-- consumers that hold no transaction: leases; one NOTIFY per transaction
--@include tables/message_lease/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.message_lease', '');
--@include udfs/notify_messages/0.4.0.sql
--@include udfs/take_notifications/0.4.0.sql OR REPLACE
--@include udfs/lease_messages/0.4.0.sql
--@include udfs/run_due_draws_job/0.4.0.sql
--@include udfs/purge_draws/0.4.0.sql
--@include tables/setting/0.4.0.sql
SELECT pg_catalog.pg_extension_config_dump('promo_draw.setting', '');
--@include udfs/set_max_playthrough/0.4.0.sql
-- the shard side answers bad definitions with 22023, not constraint errors
--@include udfs/shard_put_code/0.4.0.sql OR REPLACE
--@include udfs/shard_put_instant_win/0.4.0.sql OR REPLACE
--@include views/stats/0.4.0.sql
DROP FUNCTION promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb);

--@include views/entry_reveal/0.4.0.sql OR REPLACE
--@include views/draw_summary/0.4.0.sql OR REPLACE

DROP FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer,
	integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text);
--@include udfs/create_draw/0.4.0.sql
--@include udfs/entry_ref/0.4.0.sql
DROP FUNCTION promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text,
	text, regprocedure);
--@include udfs/draw_among/0.4.0.sql
DROP FUNCTION promo_draw.ticket_progress(bigint, bigint);
--@include udfs/ticket_progress/0.4.0.sql

--@include udfs/prize_frozen/0.4.0.sql
--@include udfs/sealed_digest/0.4.0.sql
--@include udfs/check_seal_commit/0.4.0.sql
--@include udfs/set_beacon/0.4.0.sql OR REPLACE
--@include udfs/verify_draw/0.4.0.sql OR REPLACE
--@include udfs/draw_record_rows/0.4.0.sql
--@include udfs/draw_record/0.4.0.sql
--@include udfs/shard_draw_definition/0.4.0.sql OR REPLACE
--@include udfs/shard_put_draw/0.4.0.sql OR REPLACE
--@include udfs/prize_digest/0.4.0.sql

-- the shard side of a sharded draw carries entry references and digests:
-- the functions whose results or arguments change are dropped and created
-- again (a proxy of 0.3.0 cannot draw on shards of 0.4.0: update the proxy
-- right after the shards)
DROP FUNCTION promo_draw.shard_draw_tickets(bigint, integer, integer);
--@include udfs/shard_draw_tickets/0.4.0.sql
DROP FUNCTION promo_draw.shard_sealed_entries(bigint);
--@include udfs/shard_sealed_entries/0.4.0.sql
DROP FUNCTION promo_draw.shard_sealed_tickets(bigint, integer, integer);
--@include udfs/shard_sealed_tickets/0.4.0.sql
DROP FUNCTION promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[]);
--@include udfs/shard_stage_draw/0.4.0.sql
DROP FUNCTION promo_draw.shard_publish_draw(bigint, uuid, bigint[]);
--@include udfs/shard_publish_draw/0.4.0.sql

-- privileges: the new functions as a fresh install has them, and the ones
-- dropped and created again with those they had
REVOKE EXECUTE ON FUNCTION
	promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer, integer,
		boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text, timestamptz),
	promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text,
		regprocedure, timestamptz),
	promo_draw.ticket_progress(bigint, bigint),
	promo_draw.entry_ref(bigint, bigint),
	promo_draw.prize_frozen(),
	promo_draw.sealed_digest(bigint),
	promo_draw.check_seal_commit(),
	promo_draw.draw_record(bigint),
	promo_draw.draw_record_rows(bigint),
	promo_draw.draw_record_header(bigint),
	promo_draw.prize_digest(bigint),
	promo_draw.shard_draw_tickets(bigint, integer, integer),
	promo_draw.shard_sealed_entries(bigint),
	promo_draw.shard_sealed_tickets(bigint, integer, integer),
	promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[], uuid[]),
	promo_draw.shard_publish_draw(bigint, uuid, bigint[], bytea),
	promo_draw.publication_guard(),
	promo_draw.notify_messages(),
	promo_draw.lease_messages(integer, interval, text[], bigint, text),
	promo_draw.ack_messages(bigint[]),
	promo_draw.draw_failures_since(timestamptz),
	promo_draw.purge_draws(interval),
	promo_draw.purge_messages(interval),
	promo_draw.set_max_playthrough(numeric)
FROM PUBLIC;
REVOKE EXECUTE ON PROCEDURE promo_draw.run_due_draws_job() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb, uuid),
	promo_draw.record_time(timestamptz),
	promo_draw.secret_publications()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb, uuid),
	promo_draw.record_time(timestamptz),
	promo_draw.secret_publications()
TO PUBLIC;
DO $$
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
			FROM pg_catalog.aclexplode(nullif(pg_catalog.current_setting('promo_draw_update.' || f.key, true), '')::pg_catalog.aclitem[]) x
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

-- the shard side leaves the API's schema.  A role that may call a shard
-- function (a proxy's, doc/scaling-out.md) keeps calling it: it gets USAGE
-- on the new schema.  Update the proxy right after the shards: a proxy of
-- 0.3.0 calls promo_draw.shard_*, which is gone.
--@include schemas/promo_draw_shard/0.4.0.sql
DO $$
DECLARE
	r regrole;
BEGIN
	FOR r IN
		SELECT DISTINCT x.grantee::regrole
		FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) x
		WHERE p.pronamespace = 'promo_draw_shard'::regnamespace
		  AND x.privilege_type = 'EXECUTE' AND x.grantee <> 0 AND x.grantee <> p.proowner
	LOOP
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA promo_draw_shard TO %s', r);
	END LOOP;
END
$$;
