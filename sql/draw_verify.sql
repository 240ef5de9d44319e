--
-- verify_draw: a drawn draw verifies from its revealed seed in plain SQL;
-- before the draw nothing is revealed; every kind of tampering with results,
-- entries, prizes or messages makes a check fail with a useful detail.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

SELECT create_draw('Verified', '2100-01-01', opens_at => '2000-01-01', partitions => 2,
                   max_wins_per_customer => 2, milestones => '{}') AS d \gset
SELECT fix_seed(:d, 'verified draw');
SELECT add_prize(:d, 'Car', 20000, 1), add_prize(:d, 'Phone', 500, 5), add_prize(:d, 'Mug', 5, 20);
SELECT count(award_tickets(:d, c, 1 + c % 7)) FROM generate_series(1, 200) c;

-- before the draw: the seed and the best tickets are secret
SELECT count(*) AS revealed_seeds FROM draw_reveal WHERE draw_id = :d;
SELECT count(*) AS revealed_entries FROM entry_reveal WHERE draw_id = :d;
SELECT * FROM verify_draw(:d);
SELECT * FROM verify_draw(-1);

SELECT close_partition(:d, 0), close_partition(:d, 1);
SELECT count(*) AS results FROM run_draw(:d);

-- after the draw: revealed, and every check passes
SELECT count(*) AS revealed_seeds, bool_and(sha256(seed) = seed_hash) AS seed_matches
FROM draw_reveal WHERE draw_id = :d;
SELECT count(*) AS revealed_entries FROM entry_reveal WHERE draw_id = :d;
SELECT * FROM verify_draw(:d);

-- Tampering, each undone afterwards.  The only checks shown are the ones
-- that fail.
CREATE FUNCTION pg_temp.failing(d bigint) RETURNS TABLE (check_name text, detail text)
LANGUAGE sql AS $$ SELECT check_name, detail FROM promo_draw.verify_draw(d) WHERE NOT ok $$;

-- a winner's prize swapped for a better one
BEGIN;
UPDATE result SET prize_id = (SELECT prize_id FROM prize WHERE draw_id = :d AND name = 'Car')
WHERE draw_id = :d AND place = (SELECT min(place) FROM result WHERE draw_id = :d AND outcome = 'won'
                                AND prize_id <> (SELECT prize_id FROM prize WHERE draw_id = :d AND name = 'Car'));
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a loser turned into a winner
BEGIN;
UPDATE result SET outcome = 'won', prize_id = (SELECT min(prize_id) FROM prize WHERE draw_id = :d)
WHERE draw_id = :d AND place = (SELECT max(place) FROM result WHERE draw_id = :d);
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a result deleted
BEGIN;
DELETE FROM result WHERE draw_id = :d AND place = (SELECT max(place) FROM result WHERE draw_id = :d);
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a customer marked ineligible after the fact (the draw never asked)
BEGIN;
UPDATE result SET outcome = 'ineligible'
WHERE draw_id = :d AND place = (SELECT max(place) FROM result WHERE draw_id = :d);
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a best ticket replaced by a better value
BEGIN;
UPDATE entry SET best[1] = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
WHERE draw_id = :d AND customer_id = 17;
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a ticket count raised, even where the best tickets stay the same
BEGIN;
UPDATE entry SET tickets = tickets + 1 WHERE draw_id = :d AND customer_id = 17;
SELECT check_name FROM pg_temp.failing(:d) WHERE check_name = 'participants';
ROLLBACK;

-- an entry added after the draw
BEGIN;
INSERT INTO entry (draw_id, customer_id, tickets, best, entry_ref)
SELECT :d, 9999, 1, ARRAY[encode(substr(hmac(int8send(:d::bigint) || int8send(9999::bigint)
                                                  || int8send(1::bigint), seed, 'sha256'), 1, 16), 'hex')::uuid],
       entry_ref(:d, 9999)
FROM draw_secret WHERE draw_id = :d;
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- the prize table is final once the draw is ready: the first prize cannot
-- become a keychain, nor lose value, nor disappear, even for the owner
SELECT * FROM error_of(format($$UPDATE promo_draw.prize SET name = 'Keychain', payload = '{"sku": "keychain"}'
                                WHERE draw_id = %s AND name = 'Car'$$, :d));
SELECT * FROM error_of(format($$UPDATE promo_draw.prize SET value = 600 WHERE draw_id = %s AND name = 'Car'$$, :d));
SELECT * FROM error_of(format($$DELETE FROM promo_draw.prize WHERE draw_id = %s AND name = 'Mug'$$, :d));
SELECT * FROM error_of('TRUNCATE promo_draw.prize CASCADE');
-- and a change made with the trigger disabled (a superuser can) is caught:
-- a swap that keeps the order of value passes every other check, but not
-- the prize digest stored when the draw became ready
BEGIN;
ALTER TABLE prize DISABLE TRIGGER prize_frozen;
UPDATE prize SET name = 'Keychain', payload = '{"sku": "keychain"}' WHERE draw_id = :d AND name = 'Car';
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;
BEGIN;
ALTER TABLE prize DISABLE TRIGGER prize_frozen;
UPDATE prize SET value = 600 WHERE draw_id = :d AND name = 'Car';
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;
BEGIN;
ALTER TABLE prize DISABLE TRIGGER prize_frozen;
UPDATE prize SET quantity = quantity + 1 WHERE draw_id = :d AND name = 'Phone';
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;
-- a prize added behind add_prize's back (INSERT stays open, for pg_restore)
BEGIN;
INSERT INTO prize (draw_id, name, value, quantity) VALUES (:d, 'Extra', 1, 1);
SELECT check_name FROM pg_temp.failing(:d);
ROLLBACK;

-- DELETE on notification passes a draw's outcome messages by: they are its results
BEGIN;
DELETE FROM notification WHERE draw_id = :d AND kind = 'won';
SELECT count(*) AS won_messages FROM notification WHERE draw_id = :d AND kind = 'won';
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a message lost: a result that no longer names its message
BEGIN;
UPDATE result SET notification_id = NULL
WHERE draw_id = :d AND place = (SELECT min(place) FROM result WHERE draw_id = :d AND outcome = 'won');
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- a message given twice: two results naming one message
BEGIN;
UPDATE result SET notification_id = (SELECT min(notification_id) FROM result WHERE draw_id = :d)
WHERE draw_id = :d AND place = (SELECT max(place) FROM result WHERE draw_id = :d);
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- the seed swapped
BEGIN;
UPDATE draw_secret SET seed = sha256('another seed') WHERE draw_id = :d;
SELECT * FROM pg_temp.failing(:d);
ROLLBACK;

-- untouched, it still verifies
SELECT count(*) AS failing_checks FROM pg_temp.failing(:d);

-- a draw larger than one batch of the bulk writers (1,000 rows): results
-- and messages go out in several batches, and the whole draw verifies
SELECT create_draw('Large', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   default_prize => 'Free spins', milestones => '{}') AS d_large \gset
SELECT count(award_tickets(:d_large, c, 1 + c % 3)) FROM generate_series(1, 2500) c;
SELECT add_prize(:d_large, 'Prize', 10, 5);
SELECT close_partition(:d_large, 0);
SELECT outcome, count(*) FROM run_draw(:d_large) GROUP BY 1 ORDER BY 1;
SELECT count(*) AS messages FROM notification WHERE draw_id = :d_large;
SELECT check_name, ok FROM verify_draw(:d_large);
