--
-- Stake rules: bets become tickets at a stake interval, exactly once, with
-- milestone messages, live progress and a batch form.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- stakes of 10 buy a ticket; bets count from 2000 to 2100 and from 1.00
SELECT create_draw('Stakes', '2100-01-01', opens_at => '2000-01-01', partitions => 2,
                   stake_per_ticket => 10, min_stake => 1.00, milestones => '{1,3}') AS d \gset
SELECT fix_seed(:d, 'stake draw');

--
-- bad input raises an error and changes nothing
--
SELECT * FROM error_of($$SELECT record_stake(NULL, 1, 5)$$);
SELECT * FROM error_of(format($$SELECT record_stake(%s, NULL, 5)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, NULL)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, NULL)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, partition => NULL)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 0)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, -5)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 'NaN')$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 'Infinity')$$, :d));
SELECT * FROM error_of($$SELECT record_stake(-1, 1, 5)$$);
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, partition => 2)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, partition => -1)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, '{1,2}', '{5}')$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, '{1,2}', '{5,5}', ats => '{2050-01-01}')$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, '{1,2}', '{5,5}', source_offsets => '{1,2,3}')$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, '{1,NULL}', '{5,5}')$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, '{1,2}', '{5,-5}')$$, :d));
-- a batch is at most 1,000,000 bets
SELECT * FROM error_of(format($$SELECT record_stakes(%s, array_fill(1::bigint, ARRAY[1000001]),
                                                     array_fill(5::numeric, ARRAY[1000001]))$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, '{{1,2}}', '{{5,5}}')$$, :d));
SELECT * FROM error_of(format($$SELECT record_stakes(%s, NULL, '{5}')$$, :d));
SELECT count(*) AS entries, (SELECT count(*) FROM partition_mark WHERE last_offset IS NOT NULL) AS offsets
FROM entry WHERE draw_id = :d;

-- a draw without a stake rule takes no stakes
SELECT create_draw('Pushed only', '2100-01-01', opens_at => '2000-01-01') AS pushed \gset
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5)$$, :pushed));

--
-- tickets at every stake_per_ticket, exactly
--
SELECT record_stake(:d, 1, 7) AS first, record_stake(:d, 1, 7) AS second,
       record_stake(:d, 1, 25) AS third;
SELECT tickets, stake, stake_to_next_ticket, opted_in,
       entry_ref = (SELECT e.entry_ref FROM entry e WHERE e.draw_id = :d AND e.customer_id = 1) AS entry_ref_is_the_entrys
FROM ticket_progress(:d, 1);
-- thirty bets of 0.1 against a stake per ticket of 0.3 give exactly ten
SELECT create_draw('Exact', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 0.3, milestones => '{}') AS exact \gset
SELECT sum(record_stake(:exact, 1, 0.1)) AS tickets FROM generate_series(1, 30);
SELECT tickets, stake, stake_tickets FROM entry WHERE draw_id = :exact;

--
-- the window [opens_at, closes_at) and the minimum stake: bets outside
-- count for nothing, without an error
--
SELECT record_stake(:d, 2, 50, at => '1999-12-31 23:59:59') AS before_open,
       record_stake(:d, 2, 50, at => '2100-01-01') AS at_close,
       record_stake(:d, 2, 50, at => '2099-12-31 23:59:59') AS just_before_close,
       record_stake(:d, 2, 0.99) AS below_minimum;
SELECT tickets, stake FROM entry WHERE draw_id = :d AND customer_id = 2;

--
-- exactly once: a (partition, source_offset) at or below the partition's
-- last applied offset changes nothing; partitions are independent; no
-- offset, no deduplication
--
SELECT record_stake(:d, 3, 10, partition => 0, source_offset => 100) AS new_offset,
       record_stake(:d, 3, 10, partition => 0, source_offset => 100) AS same_offset,
       record_stake(:d, 3, 10, partition => 0, source_offset => 99) AS lower_offset,
       record_stake(:d, 3, 10, partition => 1, source_offset => 99) AS other_partition,
       record_stake(:d, 3, 10, partition => 0) AS no_offset,
       record_stake(:d, 3, 10, partition => 0) AS no_offset_again;
SELECT tickets, stake FROM entry WHERE draw_id = :d AND customer_id = 3;
SELECT partition, last_offset FROM partition_mark WHERE draw_id = :d ORDER BY 1;
-- a bet that does not count still moves the offset: its replay is a repeat
SELECT record_stake(:d, 3, 0.5, partition => 0, source_offset => 101) AS below_minimum,
       record_stake(:d, 3, 50, partition => 0, source_offset => 101) AS replayed_offset;
SELECT last_offset FROM partition_mark WHERE draw_id = :d AND partition = 0;

--
-- milestones: one message each, never repeated by a re-delivered bet
--
SELECT customer_id, payload - 'entry_ref' AS payload,
       payload->>'entry_ref' = entry_ref(draw_id, customer_id)::text AS names_the_entry
FROM notification
WHERE draw_id = :d AND kind = 'milestone' ORDER BY notification_id;

--
-- the cap: tickets stop at max_tickets_per_customer, stake adds up past it
--
SELECT create_draw('Capped stakes', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 10, max_tickets_per_customer => 3,
                   milestones => '{}') AS capped \gset
SELECT record_stake(:capped, 1, 25) AS two, record_stake(:capped, 1, 25) AS one_more,
       record_stake(:capped, 1, 25) AS none;
SELECT tickets, stake, stake_to_next_ticket, opted_in FROM ticket_progress(:capped, 1);
-- pushed tickets count against the cap too
SELECT award_tickets(:capped, 2, 2) AS pushed, record_stake(:capped, 2, 100) AS from_stake;
SELECT tickets, stake_tickets FROM entry WHERE draw_id = :capped AND customer_id = 2;

-- a bet that would issue an absurd number of tickets is refused
SELECT * FROM error_of(format($$SELECT record_stake(%s, 9, 1e12)$$, :exact));

--
-- writes that are rolled back, in full or to a savepoint, leave nothing
-- behind: the next bet builds on what was committed
--
SELECT create_draw('Rollbacks', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 10, milestones => '{}') AS rb \gset
SELECT record_stake(:rb, 1, 6, source_offset => 1);
BEGIN;
SELECT record_stake(:rb, 1, 6, source_offset => 2) AS rolled_back;
ROLLBACK;
SELECT record_stake(:rb, 1, 6, source_offset => 2) AS same_bet_again;
BEGIN;
SAVEPOINT s;
SELECT record_stake(:rb, 1, 30, source_offset => 3) AS to_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT record_stake(:rb, 1, 3, source_offset => 3) AS after_savepoint;
COMMIT;
SELECT tickets, stake, (SELECT last_offset FROM partition_mark WHERE draw_id = :rb) AS last_offset
FROM entry WHERE draw_id = :rb AND customer_id = 1;
-- many bets of one partition in one transaction
SELECT sum(record_stake(:rb, 2, 1, source_offset => 100 + i)) AS tickets FROM generate_series(1, 1000) i;
SELECT tickets, stake, (SELECT last_offset FROM partition_mark WHERE draw_id = :rb) AS last_offset
FROM entry WHERE draw_id = :rb AND customer_id = 2;

--
-- ticket_progress: a customer with no activity, a draw without a stake rule
--
-- (a customer without an entry is told the reference their entry will have)
SELECT tickets, stake, stake_to_next_ticket, opted_in, entry_ref = entry_ref(:d, 999) AS entry_ref_to_come
FROM ticket_progress(:d, 999);
SELECT tickets, stake, stake_to_next_ticket, opted_in FROM ticket_progress(:pushed, 1);
SELECT * FROM error_of($$SELECT * FROM ticket_progress(-1, 1)$$);
SELECT * FROM error_of($$SELECT * FROM ticket_progress(NULL, 1)$$);

--
-- the batch form gives what single calls in order give: the same stream,
-- once bet by bet and once as one batch, into two draws
--
SELECT create_draw('Singles', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 2.5, milestones => '{1,5}') AS singles \gset
SELECT create_draw('Batch', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 2.5, milestones => '{1,5}') AS batch \gset
CREATE TEMP TABLE stream AS
SELECT i AS n, 1 + (i * 7) % 13 AS customer_id, round(((i * 37) % 500) / 100.0 + 0.01, 2) AS amount,
       -- offsets mostly rise, with repeats and stragglers
       CASE WHEN i % 11 = 0 THEN i - 5 ELSE i END AS source_offset
FROM generate_series(1, 400) i;
SELECT sum(record_stake(:singles, customer_id, amount, source_offset => source_offset)) AS singles
FROM (SELECT * FROM stream ORDER BY n) s;
SELECT record_stakes(:batch, array_agg(customer_id ORDER BY n), array_agg(amount ORDER BY n),
                     source_offsets => array_agg(source_offset ORDER BY n)) AS batch
FROM stream;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE s.tickets = b.tickets AND s.stake = b.stake
                        AND s.stake_tickets = b.stake_tickets) AS same
FROM entry s JOIN entry b ON b.customer_id = s.customer_id
WHERE s.draw_id = :singles AND b.draw_id = :batch;
SELECT (SELECT count(*) FROM notification WHERE draw_id = :singles) AS single_messages,
       (SELECT count(*) FROM notification WHERE draw_id = :batch) AS batch_messages,
       (SELECT last_offset FROM partition_mark WHERE draw_id = :singles AND partition = 0) AS single_offset,
       (SELECT last_offset FROM partition_mark WHERE draw_id = :batch AND partition = 0) AS batch_offset;
-- replaying the whole batch changes nothing
SELECT record_stakes(:batch, array_agg(customer_id ORDER BY n), array_agg(amount ORDER BY n),
                     source_offsets => array_agg(source_offset ORDER BY n)) AS replayed
FROM stream;
SELECT sum(tickets) AS tickets, sum(stake) AS stake FROM entry WHERE draw_id = :batch;
SELECT record_stakes(:batch, '{}', '{}') AS empty_batch;

--
-- stake tickets are real tickets: numbered after pushed ones, made by the
-- committed formula, verified after the draw
--
SELECT create_draw('Mixed', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 1, max_wins_per_customer => 2, milestones => '{}') AS mixed \gset
SELECT fix_seed(:mixed, 'mixed tickets');
SELECT award_tickets(:mixed, c, c) FROM generate_series(1, 5) c;
SELECT record_stakes(:mixed, '{1,2,3,4,5,1}', '{3,1.5,2,0.5,4,1}');
SELECT customer_id, tickets, stake_tickets,
       best = (SELECT array_agg(t.ticket ORDER BY t.ticket DESC)
               FROM (SELECT ticket FROM tickets_of(:mixed, customer_id) LIMIT 2) t) AS best_from_formula
FROM entry WHERE draw_id = :mixed ORDER BY customer_id;
SELECT add_prize(:mixed, 'Prize', 10, 3);
SELECT close_partition(:mixed, 0);
SELECT count(*) AS results FROM run_draw(:mixed);
SELECT bool_and(ok) AS verifies FROM verify_draw(:mixed);

--
-- closing: bets from a closed partition are refused, other partitions
-- still count until every partition has reported; after the draw nothing
--
SELECT close_partition(:d, 0);
SELECT code, message FROM error_of(format($$SELECT record_stake(%s, 1, 5, partition => 0)$$, :d));
SELECT code, message FROM error_of(format($$SELECT record_stakes(%s, '{1}', '{5}', partition => 0)$$, :d));
SELECT record_stake(:d, 1, 5, partition => 1) AS partition_1_still_open;
SELECT close_partition(:d, 1);
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, partition => 1)$$, :d));
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, partition => 1)$$, :mixed));
-- without partitions, every bet is refused once closes_at has passed, even
-- one whose own time is inside the window
SELECT create_draw('Timed', '2100-01-01', opens_at => '2000-01-01', stake_per_ticket => 1) AS timed \gset
SELECT close_by_time(:timed);
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5, at => '2000-01-01 12:00')$$, :timed));
SELECT cancel_draw(:pushed);
SELECT * FROM error_of(format($$SELECT record_stake(%s, 1, 5)$$, :pushed));

--
-- a table's CHECK constraints hold on every write, including one added
-- or dropped after this session has written the table
--
SELECT create_draw('Checked', '2100-01-01', opens_at => '2000-01-01',
                   stake_per_ticket => 10) AS checked \gset
BEGIN;
SELECT record_stake(:checked, 1, 5, source_offset => 1) AS first_bet;
ALTER TABLE partition_mark ADD CONSTRAINT test_offset_not_7 CHECK (last_offset <> 7) NOT VALID;
SELECT code, message FROM error_of(format($$SELECT record_stake(%s, 1, 5, source_offset => 7)$$, :checked));
SELECT record_stake(:checked, 1, 5, source_offset => 8) AS next_bet;
ALTER TABLE partition_mark DROP CONSTRAINT test_offset_not_7;
SELECT record_stake(:checked, 1, 5, source_offset => 9) AS after_drop;
SELECT last_offset FROM partition_mark WHERE draw_id = :checked;
ROLLBACK;
