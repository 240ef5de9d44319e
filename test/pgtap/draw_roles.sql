-- Roles: the GRANTs of examples/roles.sql (shown in README.md) let each
-- role do its job; no role can read a secret before the draw or write a
-- table directly; an eligibility function runs as its owner.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(49);
\ir ../../examples/roles.sql
-- this test starts with every message delivered (rolled back at the end)
DELETE FROM promo_draw.notification;
DELETE FROM promo_draw.outcome_delivery;

-- the operator's own eligibility rule: a customer is eligible only when the
-- rule runs as the operator (its writes would be undone, so it cannot log)
GRANT CREATE ON SCHEMA public TO promo_operator;
SET LOCAL ROLE promo_operator;
CREATE FUNCTION public.operator_rule(customer bigint) RETURNS boolean
LANGUAGE sql AS $$ SELECT current_user = 'promo_operator' $$;
RESET ROLE;
CREATE FUNCTION public.owner_only_rule(customer bigint) RETURNS boolean
LANGUAGE sql AS $$ SELECT true $$;
REVOKE EXECUTE ON FUNCTION public.owner_only_rule(bigint) FROM PUBLIC;

-- the operator sets a draw up
SET LOCAL ROLE promo_operator;
SELECT lives_ok($$SELECT set_config('pdtest.draw',
	promo_draw.create_draw('Roles', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                       eligibility => 'public.operator_rule(bigint)')::text, true)$$,
	'the operator creates a draw');
SELECT lives_ok($$SELECT promo_draw.add_prize(current_setting('pdtest.draw')::bigint, 'Prize', 10, 2)$$,
	'the operator adds a prize');
SELECT throws_ok($$SELECT promo_draw.create_draw('x', '2100-01-01', eligibility => 'public.owner_only_rule(bigint)')$$,
	'42501', NULL, 'an eligibility function the operator may not execute is refused');
SELECT throws_ok($$SELECT promo_draw.award_tickets(current_setting('pdtest.draw')::bigint, 1, 1)$$,
	'42501', NULL, 'the operator does not take tickets');
SELECT throws_ok($$SELECT seed FROM promo_draw.draw_secret$$, '42501', NULL, 'the operator cannot read seeds');
SELECT throws_ok($$SELECT ref_key FROM promo_draw.draw_secret$$, '42501', NULL, 'the operator cannot read the keys of entry references');
-- nor reach the shard side, which could plant a draw with a seed of its
-- choosing or stage results, nor the record's header before the draw
SELECT throws_ok($$SELECT promo_draw_shard.shard_put_draw('{}')$$, '42501', NULL,
	'the operator cannot use the shard side (no USAGE on promo_draw_shard)');
SELECT throws_ok($$SELECT promo_draw_shard.shard_draw_definition(current_setting('pdtest.draw')::bigint)$$,
	'42501', NULL, 'nor read a draw''s definition, seed included, through it');
SELECT throws_ok($$SELECT promo_draw.draw_record_header(current_setting('pdtest.draw')::bigint)$$,
	'42501', NULL, 'the operator cannot call the record''s header');
SELECT throws_ok($$SELECT * FROM promo_draw.draw_record_rows(current_setting('pdtest.draw')::bigint)$$,
	'42501', NULL, 'nor the record itself, which is the reporting role''s');
RESET ROLE;
SELECT is((SELECT created_by::text FROM promo_draw.draw WHERE draw_id = current_setting('pdtest.draw')::bigint),
	'promo_operator', 'the draw records the role that created it, not the extension owner');

-- the application takes tickets and reports its partition
SET LOCAL ROLE promo_app;
SELECT lives_ok($$SELECT promo_draw.award_tickets(current_setting('pdtest.draw')::bigint, c, c)
                  FROM generate_series(1, 5) c$$, 'the application awards tickets');
SELECT lives_ok($$SELECT promo_draw.opt_in(current_setting('pdtest.draw')::bigint, 1)$$,
	'the application opts customers in');
SELECT throws_ok($$SELECT seed FROM promo_draw.draw_secret$$, '42501', NULL, 'the application cannot read seeds');
SELECT throws_ok($$SELECT ref_key FROM promo_draw.draw_secret$$, '42501', NULL, 'the application cannot read the keys of entry references');
SELECT throws_ok($$SELECT best FROM promo_draw.entry$$, '42501', NULL, 'nor best tickets');
SELECT throws_ok($$INSERT INTO promo_draw.entry (draw_id, customer_id, tickets) VALUES (1, 1, 100)$$,
	'42501', NULL, 'the application cannot write entries directly');
SELECT throws_ok($$UPDATE promo_draw.draw SET status = 'drawn'$$, '42501', NULL,
	'nor draws');
SELECT throws_ok($$DELETE FROM promo_draw.result$$, '42501', NULL, 'nor results');
SELECT throws_ok($$SELECT * FROM promo_draw.run_draw(current_setting('pdtest.draw')::bigint)$$,
	'42501', NULL, 'the application does not run draws');
SELECT throws_ok($$SELECT promo_draw.create_draw('x', '2100-01-01')$$, '42501', NULL,
	'nor create them');
SELECT is((SELECT count(*) FROM promo_draw.take_notifications(100)), 5::bigint,
	'the application reads its outbox: one milestone message per customer');
SELECT lives_ok($$SELECT promo_draw.close_partition(current_setting('pdtest.draw')::bigint, 0)$$,
	'the application reports its partition');
RESET ROLE;

-- reporting reads, but not the secrets before the draw
SET LOCAL ROLE promo_reporting;
SELECT throws_ok($$SELECT seed FROM promo_draw.draw_secret$$, '42501', NULL, 'reporting cannot read seeds');
SELECT throws_ok($$SELECT ref_key FROM promo_draw.draw_secret$$, '42501', NULL, 'reporting cannot read the keys of entry references');
SELECT throws_ok($$SELECT best FROM promo_draw.entry$$, '42501', NULL, 'nor best tickets');
SELECT is((SELECT count(*) FROM promo_draw.draw_reveal
           WHERE draw_id = current_setting('pdtest.draw')::bigint), 0::bigint,
	'no seed is revealed before the draw');
SELECT is((SELECT count(*) FROM promo_draw.entry_reveal
           WHERE draw_id = current_setting('pdtest.draw')::bigint), 0::bigint,
	'no best ticket either');
SELECT is((SELECT participants FROM promo_draw.draw_summary
           WHERE draw_id = current_setting('pdtest.draw')::bigint), 5::bigint,
	'reporting sees the live summary');
SELECT throws_ok($$SELECT promo_draw.award_tickets(1, 1, 1)$$, '42501', NULL, 'reporting writes nothing');
RESET ROLE;

-- the operator runs the draw; the rule ran as the operator
SET LOCAL ROLE promo_operator;
SELECT is((SELECT count(*) FROM promo_draw.run_draw(current_setting('pdtest.draw')::bigint)), 5::bigint,
	'the operator runs the draw');
RESET ROLE;
SELECT is((SELECT array_agg(DISTINCT outcome ORDER BY outcome) FROM promo_draw.result
           WHERE draw_id = current_setting('pdtest.draw')::bigint), ARRAY['lost', 'won'],
	'the eligibility function ran as the draw''s creator, not as the extension owner');

-- after the draw: revealed to reporting, which verifies it
SET LOCAL ROLE promo_reporting;
SELECT is((SELECT count(*) FROM promo_draw.draw_reveal
           WHERE draw_id = current_setting('pdtest.draw')::bigint), 1::bigint,
	'the seed is revealed once drawn');
SELECT is((SELECT count(*) FROM promo_draw.entry_reveal
           WHERE draw_id = current_setting('pdtest.draw')::bigint), 5::bigint,
	'and the best tickets');
SELECT is((SELECT bool_and(ok) FROM promo_draw.verify_draw(current_setting('pdtest.draw')::bigint)),
	true, 'reporting verifies the draw with its own rights');
SELECT is((SELECT count(*) FROM promo_draw.customer_result
           WHERE draw_id = current_setting('pdtest.draw')::bigint), 5::bigint,
	'reporting reads every customer''s result');
SELECT is((SELECT count(*) FROM promo_draw.notification
           WHERE draw_id = current_setting('pdtest.draw')::bigint AND kind IN ('won', 'default', 'lost')),
          (SELECT count(*) FROM promo_draw.customer_result
           WHERE draw_id = current_setting('pdtest.draw')::bigint AND outcome <> 'ineligible'),
	'reporting reads the draw''s outcome messages, one per result but ineligible ones');
SELECT throws_ok($$DELETE FROM promo_draw.notification$$, '42501', NULL,
	'reporting deletes no messages');
RESET ROLE;
SELECT count(*) AS outcome_messages FROM promo_draw.result
WHERE draw_id = current_setting('pdtest.draw')::bigint AND outcome <> 'ineligible' \gset
SET LOCAL ROLE promo_app;
SELECT is((SELECT count(*) FROM promo_draw.take_notifications(100)
           WHERE draw_id = current_setting('pdtest.draw')::bigint AND kind IN ('won', 'default', 'lost')),
          :outcome_messages::bigint,
	'the application takes the draw''s outcome messages');
RESET ROLE;

-- sealed draws: the operator seals and gives beacons; nobody else does
SET LOCAL ROLE promo_operator;
SELECT lives_ok($$SELECT set_config('pdtest.sealed',
	promo_draw.draw_among('Roles, sealed', '{1,2}', '[{"name": "Cap", "value": 1}]',
	                      beacon_source => 'a lottery',
	                      beacon_due_at => now() + interval '1 hour')::text, true)$$,
	'the operator draws among customers, sealed');
SELECT lives_ok($$SELECT promo_draw.seal_draw(current_setting('pdtest.sealed')::bigint)$$,
	'the operator seals');
SELECT throws_ok($$SELECT promo_draw.set_beacon(current_setting('pdtest.sealed')::bigint, sha256('x'))$$,
	'PD041', NULL, 'the operator may give a beacon (here refused only because the seal has not committed)');
RESET ROLE;
SET LOCAL ROLE promo_app;
SELECT throws_ok($$SELECT promo_draw.set_beacon(current_setting('pdtest.sealed')::bigint, '\x01')$$,
	'42501', NULL, 'the application gives no beacon');
SELECT throws_ok($$SELECT promo_draw.seal_draw(current_setting('pdtest.sealed')::bigint)$$,
	'42501', NULL, 'nor seals');
SELECT throws_ok($$SELECT promo_draw.draw_among('x', '{1}', '[{"name": "a", "value": 1}]', 'b')$$,
	'42501', NULL, 'nor draws among customers');
RESET ROLE;
SET LOCAL ROLE promo_reporting;
SELECT is((SELECT length(entry_digest) FROM promo_draw.draw
           WHERE draw_id = current_setting('pdtest.sealed')::bigint), 32,
	'reporting reads the entry digest, to publish it');
SELECT is((SELECT sum(tickets) FROM promo_draw.entry_reveal
           WHERE draw_id = current_setting('pdtest.sealed')::bigint), 2::numeric,
	'and the sealed ticket counts, which hold no secret');
RESET ROLE;

-- and PUBLIC, with schema access, still writes nothing
CREATE ROLE promo_nobody NOLOGIN;
GRANT USAGE ON SCHEMA promo_draw TO promo_nobody;
SET LOCAL ROLE promo_nobody;
SELECT throws_ok($$SELECT promo_draw.award_tickets(1, 1, 1)$$, '42501', NULL,
	'a role without grants cannot award tickets');
SELECT lives_ok($$SELECT promo_draw.best_ticket(gen_random_uuid())$$,
	'but may use the pure aggregates');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
