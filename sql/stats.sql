--
-- promo_draw.stats, what a monitoring scraper reads: each figure follows
-- what happens (messages waiting and leased, draws due, failed and waiting
-- for partitions, partition offsets, a shared code's use, active bonuses),
-- and no single-use code shows.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

CREATE VIEW promo_test.figures AS
SELECT metric, subject, round(value::numeric, 2) AS value FROM promo_draw.stats
WHERE metric <> 'oldest_message_age_seconds' AND metric <> 'partition_age_seconds'
ORDER BY metric, subject;

SELECT * FROM promo_test.figures;

-- a draw with milestones and two partitions, one of which reports
SELECT promo_draw.create_draw('Weekly', '2100-01-01', opens_at => '2000-01-01', partitions => 2,
                              stake_per_ticket => 10, milestones => '{1}') AS draw \gset
SELECT promo_draw.record_stakes(:draw, '{1,2,3}', '{10,20,30}', partition => 0, source_offsets => '{7,8,9}');
SELECT promo_draw.record_stake(:draw, 4, 10, partition => 1, source_offset => 41);
SELECT promo_draw.close_partition(:draw, 1);
-- a shared code with a limit, used 3 of 4 times, and single-use codes
SELECT promo_draw.create_code('SPRING', now() - interval '1 hour', now() + interval '1 day', 4);
SELECT count(promo_draw.redeem('spring', c)) FROM generate_series(1, 3) c;
SELECT count(*) FROM promo_draw.create_codes('VIP', 3, now() - interval '1 hour', now() + interval '1 day');
SELECT promo_draw.grant_bonus(c, 10, 5) IS NOT NULL FROM generate_series(1, 2) c;
SELECT * FROM promo_test.figures;

-- two messages leased, one acknowledged; the draw's time passes: it is due
-- and waits for partition 0; its eligibility fails a scheduled run
SELECT count(*) FROM promo_draw.lease_messages(2, '1 minute');
SELECT promo_draw.ack_messages('{1}');
CREATE FUNCTION promo_test.broken(bigint) RETURNS boolean LANGUAGE sql STABLE RETURN 1 / 0 = 1;
SELECT promo_draw.create_draw('Broken', '2100-01-01', opens_at => '2000-01-01',
                              eligibility => 'promo_test.broken(bigint)') AS broken \gset
SELECT promo_draw.add_prize(:broken, 'P', 1, 1);
SELECT promo_draw.award_tickets(:broken, 9, 1);
SELECT promo_test.close_by_time(:draw), promo_test.close_by_time(:broken);
SET client_min_messages = error;
SELECT promo_draw.run_due_draws();
RESET client_min_messages;
SELECT * FROM promo_test.figures;
SELECT metric, value >= 0 AS known FROM promo_draw.stats WHERE metric = 'oldest_message_age_seconds';

DROP SCHEMA promo_test CASCADE;
