--
-- Sealed draws: no seed; ticket counts only; the barrier seals the entries
-- (entry_digest); set_beacon takes a public value once; run_draw orders the
-- tickets from it; verify_draw recomputes everything and sees tampering.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- errors whose detail carries a time are shown by code and message
CREATE FUNCTION promo_test.refusal(query text) RETURNS TABLE (code text, message text)
LANGUAGE sql AS $$ SELECT code, message FROM promo_test.error_of(query) $$;

--
-- create_draw: a sealed draw names its beacon, and when its value is due,
-- in advance
--
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', sealed => true)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', sealed => true, beacon_source => 'drand')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', sealed => true, beacon_source => 'drand',
                                            beacon_due_at => '2099-12-31')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', beacon_due_at => '2100-01-02')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', beacon_source => 'drand')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', sealed => true, beacon_source => '',
                                            beacon_due_at => '2100-01-02')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', sealed => NULL)$$);
SELECT count(*) AS draws FROM draw;

-- a sealed draw with two partitions, a stake rule, opt-in, a cap, two wins
SELECT create_draw('Sealed weekly', '2100-01-01', opens_at => '2000-01-01', partitions => 2,
                   stake_per_ticket => 10, requires_opt_in => true, max_tickets_per_customer => 50,
                   max_wins_per_customer => 2, milestones => '{1,10}', default_prize => '5 free spins',
                   sealed => true, beacon_source => 'drand quicknet',
                   beacon_due_at => '2100-01-02') AS d \gset
SELECT fix_ref_key(:d, 'sealed weekly');
SELECT sealed, seed IS NULL AS no_seed, seed_hash IS NULL AS no_seed_hash, status, beacon_source,
       beacon_due_at
FROM draw JOIN draw_secret USING (draw_id) WHERE draw_id = :d;
SELECT add_prize(:d, 'Car', 20000, 1) AS car, add_prize(:d, 'Phone', 800, 2) AS phone \gset

-- awards and stakes only count tickets: no ticket value exists yet
SELECT opt_in(:d, c) FROM generate_series(1, 6) c;
SELECT award_tickets(:d, 1, 3), award_tickets(:d, 2, 1), award_tickets(:d, ARRAY[3, 3, 4]::bigint[], NULL);
SELECT record_stake(:d, 5, 125, '2050-01-01', 0, 1) AS from_stake, record_stake(:d, 5, 125, '2050-01-01', 0, 1) AS replayed;
SELECT record_stakes(:d, '{6,6,1}', '{40,10,600}', partition => 1, source_offsets => '{1,2,3}') AS from_batch;
SELECT award_tickets(:d, 7, 5) AS not_opted_in;   -- counts, but 7 never opted in
SELECT customer_id, tickets, stake, stake_tickets, best, opted_in FROM entry WHERE draw_id = :d ORDER BY customer_id;
SELECT tickets, stake, stake_to_next_ticket, opted_in FROM ticket_progress(:d, 5);
SELECT customer_id, payload - 'entry_ref' AS payload FROM notification WHERE draw_id = :d AND kind = 'milestone' ORDER BY notification_id;
-- nothing can be drawn, sealed or beaconed yet
SELECT * FROM error_of(format($$SELECT run_draw(%s)$$, :d));
SELECT * FROM error_of(format($$SELECT seal_draw(%s)$$, :d));
SELECT * FROM error_of(format($$SELECT set_beacon(%s, sha256('x'))$$, :d));
-- entries stay private until the seal
SELECT count(*) AS revealed FROM entry_reveal WHERE draw_id = :d;

--
-- the last partition to report seals the draw (its NOTIFY is in the
-- isolation spec sealed_award_seal)
--
SELECT close_partition(:d, 0) AS ready;
SELECT status, entry_digest IS NULL AS no_digest FROM draw WHERE draw_id = :d;
SELECT close_partition(:d, 1) AS ready;
SELECT status, encode(entry_digest, 'hex') AS entry_digest, digest_version,
       sealed_at IS NOT NULL AS sealed_at, seal_committed_at >= sealed_at AS seal_committed_at,
       ready_at IS NOT NULL AS ready_at, prize_digest IS NOT NULL AS prize_digest
FROM draw WHERE draw_id = :d;
SELECT sealed_digest(:d) = entry_digest AS sealed_digest_is_it FROM draw WHERE draw_id = :d;
SELECT seal_draw(:d) = entry_digest AS same_digest_again FROM draw WHERE draw_id = :d;
SELECT close_partition(:d, 1) AS closing_again_is_harmless;
SELECT customer_id, tickets, opted_in FROM entry_reveal WHERE draw_id = :d ORDER BY customer_id;

-- after the seal nothing changes
SELECT * FROM refusal(format($$SELECT award_tickets(%s, 1, 1)$$, :d));
SELECT * FROM refusal(format($$SELECT award_tickets(%s, '{1,2}'::bigint[])$$, :d));
SELECT * FROM refusal(format($$SELECT record_stake(%s, 1, 100, '2050-01-01', 0, 2)$$, :d));
SELECT * FROM refusal(format($$SELECT record_stakes(%s, '{1}', '{100}', source_offsets => '{9}')$$, :d));
SELECT * FROM refusal(format($$SELECT opt_in(%s, 9)$$, :d));
SELECT * FROM refusal(format($$SELECT add_prize(%s, 'Late', 1)$$, :d));
SELECT sum(tickets) AS tickets, (SELECT count(*) FROM prize WHERE draw_id = :d) AS prizes
FROM entry WHERE draw_id = :d;

-- no draw without a beacon; set_beacon is checked and taken once
SELECT * FROM refusal(format($$SELECT run_draw(%s)$$, :d));
SELECT * FROM error_of(format($$SELECT set_beacon(%s, NULL)$$, :d));
SELECT * FROM error_of($$SELECT set_beacon(NULL, sha256('x'))$$);
SELECT * FROM error_of(format($$SELECT set_beacon(%s, '')$$, :d));
SELECT * FROM error_of(format($$SELECT set_beacon(%s, '\x0102')$$, :d));
SELECT * FROM error_of(format($$SELECT set_beacon(%s, decode(repeat('00', 1025), 'hex'))$$, :d));
SELECT * FROM error_of($$SELECT set_beacon(-1, sha256('x'))$$);
-- a value given before the beacon is due cannot be the one due
SELECT * FROM refusal(format($$SELECT set_beacon(%s, sha256('drand round 999'))$$, :d));
-- the beacon is due: sha256 of a published round, as an operator would take it
SELECT beacon_now(:d);
SELECT set_beacon(:d, sha256('drand round 1000'), 'drand quicknet round 1000');
SELECT * FROM refusal(format($$SELECT set_beacon(%s, sha256('drand round 1001'))$$, :d));
SELECT encode(beacon, 'hex') AS beacon, beacon_reference, beacon_at > sealed_at AS after_seal,
       beacon_at >= beacon_due_at AS when_due, seal_committed_at < beacon_due_at AS sealed_before_due
FROM draw WHERE draw_id = :d;
SELECT * FROM refusal(format($$SELECT cancel_draw(%s)$$, :d));

--
-- the draw: a drum without replacement, two wins at most, default prize
--
SELECT place, customer_id, prize, outcome FROM run_draw(:d);
SELECT status, participants, tickets_total FROM draw WHERE draw_id = :d;
SELECT customer_id, kind, payload - 'entry_ref' AS payload,
       payload->>'entry_ref' = entry_ref(draw_id, customer_id)::text AS names_the_entry
FROM notification
WHERE draw_id = :d AND kind <> 'milestone' ORDER BY customer_id, kind;
SELECT * FROM verify_draw(:d) WHERE check_name NOT IN ('digest', 'beacon');
SELECT check_name, ok FROM verify_draw(:d);
-- each result's ticket is its HMAC; place follows the keys computed in SQL
SELECT count(*) AS results_checked
FROM result r
JOIN draw d ON d.draw_id = r.draw_id
WHERE r.draw_id = :d
  AND EXISTS (SELECT FROM entry e, generate_series(1, least(e.tickets, 2)) j
              WHERE e.draw_id = r.draw_id AND e.customer_id = r.customer_id
                AND encode(substr(hmac(d.entry_digest || uuid_send(e.entry_ref) || int8send(j),
                                       d.beacon, 'sha256'), 1, 16), 'hex')::uuid = r.ticket);
-- running it again returns the stored results and writes nothing
SELECT count(*) AS returned_again,
       count(*) FILTER (WHERE EXISTS (SELECT FROM result s WHERE s.draw_id = :d
                                      AND (s.place, s.customer_id, s.ticket, s.outcome)
                                          = (r.place, r.customer_id, r.ticket, r.outcome)
                                      AND s.prize_id IS NOT DISTINCT FROM r.prize_id)) AS stored
FROM run_draw(:d) r;
SELECT count(*) AS results,
       (SELECT count(*) FROM notification WHERE draw_id = :d AND kind <> 'milestone') AS messages
FROM result WHERE draw_id = :d;

-- tampering after the draw shows
BEGIN;
UPDATE entry SET tickets = tickets + 1 WHERE draw_id = :d AND customer_id = 2;
SELECT check_name, ok FROM verify_draw(:d) WHERE NOT ok;
ROLLBACK;
BEGIN;
DELETE FROM entry WHERE draw_id = :d AND customer_id = 6;
SELECT check_name, ok FROM verify_draw(:d) WHERE NOT ok;
ROLLBACK;
BEGIN;
UPDATE result SET customer_id = 3 WHERE draw_id = :d AND place = 1 AND customer_id <> 3;
UPDATE result SET ticket = '00000000-0000-0000-0000-000000000000' WHERE draw_id = :d AND place = 2;
SELECT check_name, ok FROM verify_draw(:d) WHERE NOT ok;
ROLLBACK;
BEGIN;
UPDATE draw SET beacon = sha256('another round') WHERE draw_id = :d;
SELECT check_name, ok FROM verify_draw(:d) WHERE NOT ok;
ROLLBACK;
BEGIN;
ALTER TABLE prize DISABLE TRIGGER prize_frozen;
UPDATE prize SET quantity = 3 WHERE prize_id = :phone;
SELECT check_name, ok FROM verify_draw(:d) WHERE NOT ok;
ROLLBACK;
BEGIN;
ALTER TABLE prize DISABLE TRIGGER prize_frozen;
UPDATE prize SET payload = '{"sku": "keychain"}' WHERE prize_id = :phone;
SELECT check_name, ok FROM verify_draw(:d) WHERE NOT ok;
ROLLBACK;
SELECT bool_and(ok) AS untouched_draw_verifies FROM verify_draw(:d);

--
-- a draw without partitions: run_due_draws seals it once closes_at has
-- passed; draws and beacons are refused in order; cancelling
--
SELECT create_draw('Sealed by the clock', '2100-01-01', opens_at => '2000-01-01',
                   sealed => true, beacon_source => 'NIST beacon', beacon_due_at => '2100-01-02') AS c \gset
SELECT fix_ref_key(:c, 'sealed by the clock');
SELECT award_tickets(:c, ARRAY[10, 11, 11]::bigint[]);
SELECT add_prize(:c, 'Voucher', 25, 1) > 0 AS prize_added;
SELECT close_by_time(:c);
SELECT * FROM refusal(format($$SELECT run_draw(%s)$$, :c));
SELECT * FROM refusal(format($$SELECT set_beacon(%s, sha256('x'))$$, :c));
SELECT * FROM refusal(format($$SELECT award_tickets(%s, 10, 1)$$, :c));
SELECT run_due_draws() AS drawn;
SELECT status, entry_digest IS NOT NULL AS digest FROM draw WHERE draw_id = :c;
SELECT run_due_draws() AS drawn_without_beacon;
-- the beacon cannot come in the transaction that sealed
BEGIN;
SELECT create_draw('Same transaction', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   sealed => true, beacon_source => 'lottery', beacon_due_at => '2100-01-02') AS t \gset
SELECT award_tickets(:t, 1, 1), close_partition(:t, 0);
SELECT beacon_now(:t);
SELECT * FROM refusal(format($$SELECT set_beacon(%s, sha256('x'))$$, :t));
ROLLBACK;
SELECT beacon_now(:c);
SELECT set_beacon(:c, sha256('NIST pulse 42'), 'pulse 42');
SELECT run_due_draws() AS drawn;
SELECT place, customer_id, prize, outcome FROM run_draw(:c);
SELECT bool_and(ok) AS verifies FROM verify_draw(:c);

-- cancelling: allowed after the seal until the beacon is due, then
-- set_beacon is refused; once the beacon is due the outcome is fixed
SELECT draw_among('To cancel', '{1,2}', '[{"name": "Cap", "value": 5}]', beacon_source => 'lottery',
                  beacon_due_at => '2100-01-02') AS x \gset
SELECT cancel_draw(:x, 'prize withdrawn');
SELECT status FROM draw WHERE draw_id = :x;
SELECT * FROM error_of(format($$SELECT set_beacon(%s, sha256('x'))$$, :x));
SELECT draw_among('Too late to cancel', '{1,2}', '[{"name": "Cap", "value": 5}]', beacon_source => 'lottery',
                  beacon_due_at => '2100-01-02') AS x \gset
SELECT beacon_now(:x);
SELECT * FROM refusal(format($$SELECT cancel_draw(%s)$$, :x));
SELECT set_beacon(:x, sha256('lottery result'));
SELECT count(*) AS results FROM run_draw(:x);

-- tampering before the draw: the draw refuses to run
SELECT draw_among('Tampered', '{1,2,3}', '[{"name": "Cap", "value": 5}]', beacon_source => 'lottery',
                  beacon_due_at => '2100-01-02') AS y \gset
SELECT beacon_now(:y);
SELECT set_beacon(:y, sha256('lottery'));
UPDATE entry SET tickets = 100 WHERE draw_id = :y AND customer_id = 3;
SELECT * FROM refusal(format($$SELECT run_draw(%s)$$, :y));
SELECT status FROM draw WHERE draw_id = :y;

--
-- draw_among: Bonus Time among the customers a query selects
--
SELECT * FROM error_of($$SELECT draw_among('x', '{1}', '[{"name": "a", "value": 1}]', 'b')$$);
SELECT * FROM error_of($$SELECT draw_among('x', '{}', '[{"name": "a", "value": 1}]', 'b')$$);
SELECT * FROM error_of($$SELECT draw_among('x', '{1}', '[]', 'b')$$);
SELECT * FROM error_of($$SELECT draw_among('x', '{1}', '[{"name": "a"}]', 'b')$$);
SELECT * FROM error_of($$SELECT draw_among('x', '{1}', '{"name": "a", "value": 1}', 'b')$$);
SELECT * FROM error_of($$SELECT draw_among('x', '{1}', '[{"name": "a", "value": 1}]')$$);
SELECT * FROM error_of($$SELECT draw_among('x', NULL, '[{"name": "a", "value": 1}]', 'b')$$);
SELECT * FROM error_of($$SELECT draw_among('x', '{1,2}', '[{"name": "a", "value": 1}]', 'b', tickets => '{1}')$$);
SELECT draw_among('Bonus Time 21:00', ARRAY(SELECT c FROM generate_series(100, 109) c),
                  '[{"name": "50 free spins", "value": 10, "quantity": 3},
                    {"name": "Jackpot", "value": 500, "payload": {"currency": "EUR"}}]',
                  beacon_source => 'drand quicknet', beacon_due_at => '2100-01-02') AS b \gset
SELECT s.status, s.sealed, d.partitions, d.milestones, s.participants, s.tickets, s.prize_units
FROM draw_summary s JOIN draw d USING (draw_id) WHERE draw_id = :b;
SELECT name, value, quantity, payload FROM prize WHERE draw_id = :b ORDER BY value DESC;
SELECT beacon_now(:b);
SELECT set_beacon(:b, sha256('drand round 777'), 'round 777');
SELECT count(*) FILTER (WHERE outcome = 'won') AS won, count(*) FILTER (WHERE outcome = 'lost') AS lost,
       count(DISTINCT customer_id) AS customers
FROM run_draw(:b);
SELECT bool_and(ok) AS verifies FROM verify_draw(:b);
-- unsealed, it is ready at once and draws from its own seed
SELECT draw_among('Bonus Time, seeded', '{1,2,3}', '[{"name": "a", "value": 1}]', sealed => false) AS s \gset
SELECT sealed, seed IS NOT NULL AS has_seed FROM draw JOIN draw_secret USING (draw_id) WHERE draw_id = :s;
SELECT count(*) AS results FROM run_draw(:s);
SELECT bool_and(ok) AS verifies FROM verify_draw(:s);
-- an unsealed draw takes no beacon and is not sealed
SELECT * FROM error_of(format($$SELECT set_beacon(%s, sha256('x'))$$, :s));
SELECT * FROM error_of(format($$SELECT seal_draw(%s)$$, :s));

-- beacons of any length from 32 to 1024 bytes: HMAC hashes a key longer
-- than a block (64 bytes) first; verify_draw (pgcrypto) agrees with the draw
CREATE TABLE promo_test.long_beacon AS
SELECT n, draw_among('Beacon of ' || n || ' bytes', '{1,2,3,4,5}',
                     '[{"name": "a", "value": 1, "quantity": 2}]', 'b',
                     max_wins_per_customer => 2, tickets => '{1,2,3,4,5}',
                     beacon_due_at => '2100-01-02') AS draw_id
FROM (VALUES (32), (64), (65), (1024)) b(n);
SELECT count(fix_ref_key(draw_id, 'beacon ' || n)), count(beacon_now(draw_id)) FROM promo_test.long_beacon;
SELECT count(set_beacon(draw_id, decode(repeat('ab', n), 'hex'))) AS beacons FROM promo_test.long_beacon;
SELECT n AS beacon_bytes, (SELECT count(*) FROM run_draw(draw_id)) AS results
FROM promo_test.long_beacon ORDER BY n;
SELECT n AS beacon_bytes, (SELECT bool_and(ok) FROM verify_draw(draw_id)) AS verifies
FROM promo_test.long_beacon ORDER BY n;

-- eligibility and a lose message in a sealed draw: asked only of would-be
-- winners; ineligible customers get no prize and no message; verifies
CREATE FUNCTION promo_test.not_even(customer bigint) RETURNS boolean
LANGUAGE sql AS $$ SELECT customer % 2 = 1 $$;
SELECT draw_among('Sealed with a rule', ARRAY(SELECT generate_series(1, 12)::bigint),
                  '[{"name": "Spins", "value": 5, "quantity": 4}]', 'b',
                  eligibility => 'promo_test.not_even(bigint)', lose_message => 'Next week!',
                  beacon_due_at => '2100-01-02') AS e \gset
SELECT fix_ref_key(:e, 'sealed with a rule'), beacon_now(:e);
SELECT set_beacon(:e, sha256('r1'));
SELECT place, customer_id, outcome FROM run_draw(:e) ORDER BY place;
SELECT kind, count(*) FROM notification WHERE draw_id = :e GROUP BY kind ORDER BY kind;
SELECT bool_and(ok) AS verifies FROM verify_draw(:e);
