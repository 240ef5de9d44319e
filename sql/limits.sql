--
-- Nonsense is refused, not stored: amounts have a range (below 10^15,
-- 22003) and a scale (8 decimal places, 22023) on every path that takes
-- money; a stream's offsets have a range and a partition's offset cannot
-- jump ahead by more than 1,000,000,000 (a wild offset would make every
-- later bet of the partition a repeat); a beacon value is 32 to 1024 bytes;
-- a code's counters are at most 32, so that nobody can start a loop that
-- cannot be stopped; the shard side's copies of definitions refuse bad ones
-- with 22023.  Each refusal changes nothing.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

SELECT promo_draw.create_draw('Limits', '2100-01-01', opens_at => '2000-01-01', stake_per_ticket => 10,
                              milestones => '{}') AS draw \gset
SELECT promo_draw.grant_bonus(7, 100, 10) AS bonus \gset

-- amounts: far too small, far too large, too many decimals
SELECT code, message, detail FROM promo_test.error_of($$SELECT promo_draw.record_stake(1, 7, 1e-16383)$$);
SELECT code, message, detail FROM promo_test.error_of($$SELECT promo_draw.record_stakes(1, '{7,8}', '{10, 1e20}')$$);
SELECT code, message, detail FROM promo_test.error_of($$SELECT promo_draw.grant_bonus(7, 9.9e131000, 1)$$);
SELECT code, message FROM promo_test.error_of(format('SELECT promo_draw.bonus_win(%s, 9.9e131000)', :bonus));
SELECT code, message FROM promo_test.error_of(format('SELECT promo_draw.bonus_bet(%s, 0.123456789)', :bonus));
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw.create_draw('x', '2100-01-01', stake_per_ticket => 0.000000001)$$);
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw.create_draw('x', '2100-01-01', min_stake => 1e15)$$);
-- at the limits: the largest amount, eight decimals, trailing zeros
SELECT promo_draw.grant_bonus(9, 999999999999999.99999999, 1) IS NOT NULL AS granted;
SELECT promo_draw.record_stake(:draw, 7, 1234.56789012) AS tickets;
SELECT promo_draw.record_stake(:draw, 8, 10.50000000000000) AS tickets;
SELECT customer_id, stake, tickets FROM promo_draw.entry WHERE draw_id = :draw ORDER BY customer_id;
SELECT customer_id, balance FROM promo_draw.bonus ORDER BY customer_id;

-- offsets
SELECT promo_draw.record_stake(:draw, 9, 20, partition => 3, source_offset => 100) AS tickets;
SELECT code, message, detail FROM promo_test.error_of(
	format('SELECT promo_draw.record_stake(%s, 9, 20, partition => 3, source_offset => 9223372036854775807)', :draw));
SELECT code, message, detail FROM promo_test.error_of(
	format('SELECT promo_draw.record_stakes(%s, ''{9,9}'', ''{20,20}'', partition => 3, source_offsets => ''{101,1000000102}'')', :draw));
SELECT code, message FROM promo_test.error_of(
	format('SELECT promo_draw.record_stake(%s, 9, 20, partition => 3, source_offset => -1)', :draw));
-- nothing of the refused batch was applied, and the stream goes on
SELECT last_offset FROM promo_draw.partition_mark WHERE draw_id = :draw AND partition = 3;
SELECT promo_draw.record_stake(:draw, 9, 20, partition => 3, source_offset => 1000000100) AS tickets;
SELECT tickets, stake FROM promo_draw.entry WHERE draw_id = :draw AND customer_id = 9;

-- a code's counters: bounded, so the claim loop ends
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw.claim_code_place('X', 2147483647)$$);
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw.claim_code_place('X', 0)$$);

-- a beacon value: from 32 bytes (a drand or NIST value is 32 or 64)
SELECT promo_draw.draw_among('Sealed limits', '{1,2}', '[{"name": "Cap", "value": 1}]', 'a lottery',
                             beacon_due_at => now() + interval '1 hour') AS sealed \gset
SELECT code, message FROM promo_test.error_of(format('SELECT promo_draw.set_beacon(%s, ''\x01'')', :sealed));

-- the shard side answers bad definitions as the public calls do (22023),
-- not with the constraint errors of its tables
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw_shard.shard_put_draw('{"draw": {"draw_id": 99}, "secret": {"draw_id": 99}}')$$);
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw_shard.shard_put_instant_win('{}')$$);
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw_shard.shard_put_instant_win('{"instant_win_id": 5}')$$);
SELECT code, message FROM promo_test.error_of($$SELECT promo_draw_shard.shard_put_code('Z', now(), now() + interval '1 day', -5, '{}', 2)$$);
SELECT count(*) AS nothing_made FROM promo_draw.draw WHERE draw_id = 99;

DROP SCHEMA promo_test CASCADE;
