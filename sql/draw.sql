--
-- Prize draws: creating draws and prizes, awarding tickets, opt-in, the
-- partition barrier, and a small draw checked by hand.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

--
-- create_draw: every setting is checked
--
SELECT * FROM error_of($$SELECT create_draw(NULL, '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_draw('x', NULL)$$);
SELECT * FROM error_of($$SELECT create_draw('', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_draw(repeat('x', 201), '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', opens_at => '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', draw_at => '2099-12-31')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', stake_per_ticket => 0)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', stake_per_ticket => 'NaN')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', stake_per_ticket => 'Infinity')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', min_stake => -1)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', max_wins_per_customer => 0)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', max_wins_per_customer => 1001)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', partitions => -1)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', partitions => 1025)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', max_tickets_per_customer => 0)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', milestones => '{1,0}')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', milestones => '{1,NULL}')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', milestones => NULL)$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', eligibility => 'abs(bigint)')$$);
SELECT * FROM error_of($$SELECT create_draw('x', '2100-01-01', eligibility => 'int8eq(bigint,bigint)')$$);
SELECT count(*) AS draws_after_errors FROM draw;

-- a draw: seed of 32 bytes committed by its published sha256, partitions
-- waiting to report, milestones sorted without repeats, draw_at = closes_at
SELECT create_draw('Spring draw', '2100-01-01', opens_at => '2000-01-01',
                   partitions => 3, milestones => '{10,1,10,5}') AS d1 \gset
SELECT name, status, draw_at = closes_at AS draw_at_is_closes_at, partitions,
       milestones, length(seed) AS seed_bytes, seed_hash = sha256(seed) AS seed_committed,
       length(ref_key) AS ref_key_bytes, ref_key <> seed AS ref_key_is_its_own,
       created_by = current_user::regrole AS created_by_me
FROM draw JOIN draw_secret USING (draw_id) WHERE draw_id = :d1;
-- the secrets are in a table of their own: the draw's row carries none
SELECT attname FROM pg_attribute
WHERE attrelid = 'promo_draw.draw'::regclass AND attnum > 0 AND NOT attisdropped
  AND attname IN ('seed', 'ref_key');
SELECT partition, last_offset, closed_at FROM partition_mark WHERE draw_id = :d1 ORDER BY 1;
-- two draws never share a seed
SELECT create_draw('Other draw', '2100-01-01') AS d_other \gset
SELECT count(DISTINCT seed) AS distinct_seeds, count(DISTINCT ref_key) AS distinct_ref_keys FROM draw_secret;

--
-- add_prize
--
SELECT * FROM error_of($$SELECT add_prize(-1, 'Car', 100)$$);
SELECT * FROM error_of($$SELECT add_prize(NULL, 'Car', 100)$$);
SELECT * FROM error_of(format($$SELECT add_prize(%s, '', 100)$$, :d1));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Car', -1)$$, :d1));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Car', 'NaN')$$, :d1));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Car', 100, 0)$$, :d1));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Car', 100, 10000001)$$, :d1));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Car', 100, 1, NULL)$$, :d1));

--
-- award_tickets and opt_in: argument errors change nothing
--
SELECT * FROM error_of($$SELECT award_tickets(NULL, 1, 1)$$);
SELECT * FROM error_of($$SELECT award_tickets(1, NULL, 1)$$);
SELECT * FROM error_of($$SELECT award_tickets(1, 1, NULL)$$);
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 1, 0)$$, :d1));
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 1, 10000001)$$, :d1));
SELECT * FROM error_of($$SELECT award_tickets(-1, 1, 1)$$);
SELECT * FROM error_of($$SELECT opt_in(-1, 1)$$);
SELECT * FROM error_of($$SELECT opt_in(NULL, 1)$$);
SELECT count(*) AS entries_after_errors FROM entry;

-- a draw that opens later takes opt-ins but no tickets yet
SELECT create_draw('Next month', '2100-02-01', opens_at => '2100-01-01') AS d_later \gset
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 1, 1)$$, :d_later));
SELECT opt_in(:d_later, 1);
SELECT customer_id, tickets, opted_in FROM entry WHERE draw_id = :d_later;

--
-- tickets: numbered after the customer's own, made by the committed formula
-- (checked here against pgcrypto), only the best kept, milestones once
--
SELECT create_draw('Tickets', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   max_wins_per_customer => 3, milestones => '{1,4,10}') AS d2 \gset
SELECT award_tickets(:d2, 7, 2) AS after_two, award_tickets(:d2, 7, 3) AS after_five,
       award_tickets(:d2, 7) AS after_six;
SELECT e.tickets, cardinality(e.best) AS kept,
       e.best = (SELECT array_agg(t.ticket ORDER BY t.ticket DESC)
                 FROM (SELECT ticket FROM tickets_of(:d2, 7) LIMIT 3) t) AS best_three_of_six
FROM entry e WHERE draw_id = :d2 AND customer_id = 7;
SELECT award_tickets(:d2, 7, 10000) AS after_many;
SELECT cardinality(best) AS kept,
       best = (SELECT array_agg(t.ticket ORDER BY t.ticket DESC)
               FROM (SELECT ticket FROM tickets_of(:d2, 7) LIMIT 3) t) AS best_three_of_many
FROM entry WHERE draw_id = :d2 AND customer_id = 7;
-- milestones 1, 4 and 10, one message each, with the count that crossed it
SELECT kind, payload - 'entry_ref' AS payload,
       payload->>'entry_ref' = entry_ref(draw_id, customer_id)::text AS names_the_entry
FROM notification WHERE draw_id = :d2 ORDER BY notification_id;
-- an entry's size does not grow with its tickets
SELECT award_tickets(:d2, 8, 6) AS customer_8;
SELECT e.customer_id, e.tickets, pg_column_size(e.*) AS row_bytes
FROM entry e WHERE draw_id = :d2 ORDER BY customer_id;

-- the cap: tickets beyond max_tickets_per_customer are not issued
SELECT create_draw('Capped', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   max_tickets_per_customer => 5, milestones => '{}') AS d3 \gset
SELECT award_tickets(:d3, 1, 3) AS three, award_tickets(:d3, 1, 3) AS capped,
       award_tickets(:d3, 1, 1) AS still_capped;

--
-- the partition barrier: ready when every partition has reported, even
-- before closes_at; reporting twice is harmless; nothing is taken after
--
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d1));
SELECT * FROM error_of(format($$SELECT close_partition(%s, 3)$$, :d1));
SELECT * FROM error_of(format($$SELECT close_partition(%s, -1)$$, :d1));
SELECT * FROM error_of(format($$SELECT close_partition(%s, NULL)$$, :d1));
SELECT * FROM error_of(format($$SELECT close_partition(%s, 0)$$, :d_other));
SELECT * FROM error_of($$SELECT close_partition(-1, 0)$$);
SELECT award_tickets(:d1, 100, 1);
SELECT close_partition(:d1, 1) AS ready_after_1, close_partition(:d1, 1) AS ready_after_1_again;
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d1));
SELECT close_partition(:d1, 0) AS ready_after_0;
SELECT award_tickets(:d1, 101, 1);
SELECT close_partition(:d1, 2) AS ready_after_2;
SELECT ready_at IS NOT NULL AS ready, closes_at > now() AS before_closes_at FROM draw WHERE draw_id = :d1;
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 100, 1)$$, :d1));
SELECT * FROM error_of(format($$SELECT opt_in(%s, 100)$$, :d1));
SELECT * FROM error_of(format($$SELECT close_partition(%s, 2)$$, :d1)) ;
-- and the prize table is final
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Late prize', 1)$$, :d1));
SELECT customer_id, tickets FROM entry WHERE draw_id = :d1 ORDER BY 1;
SELECT count(*) AS prizes FROM prize WHERE draw_id = :d1;

-- without partitions a draw is ready once closes_at has passed
SELECT award_tickets(:d_other, 1, 1);
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d_other));
SELECT close_by_time(:d_other);
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 1, 1)$$, :d_other));
SELECT * FROM error_of(format($$SELECT opt_in(%s, 1)$$, :d_other));
SELECT code, message, detail IS NOT NULL AS has_detail
FROM error_of(format($$SELECT add_prize(%s, 'Late prize', 1)$$, :d_other));


--
-- a small draw checked by hand: a known seed makes the tickets the same on
-- every run.  Customer c holds c tickets; prizes: Car x1, Phone x2.
--
SELECT create_draw('Hand-checked', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   lose_message => 'Maybe next week', milestones => '{}') AS d4 \gset
SELECT fix_seed(:d4, 'hand-checked draw');
SELECT add_prize(:d4, 'Phone', 500, 2) AS phone, add_prize(:d4, 'Car', 20000) AS car \gset
SELECT award_tickets(:d4, c, c) FROM generate_series(1, 5) c;
-- every ticket of every customer, best first: the draw must follow this
SELECT row_number() OVER (ORDER BY t.ticket DESC) AS rank, c AS customer_id, t.n, t.ticket
FROM generate_series(1, 5) c, LATERAL tickets_of(:d4, c) t ORDER BY t.ticket DESC;
-- each customer's best ticket is what the draw sees
SELECT customer_id, best FROM entry WHERE draw_id = :d4 ORDER BY best[1] DESC;
SELECT close_partition(:d4, 0);
-- by hand: the three best customers take Car, Phone, Phone; the other two
-- get the lose message at the place of their best ticket
SELECT * FROM run_draw(:d4);
SELECT customer_id, kind, payload - 'entry_ref' AS payload,
       payload->>'entry_ref' = entry_ref(draw_id, customer_id)::text AS names_the_entry
FROM notification WHERE draw_id = :d4 ORDER BY notification_id;
SELECT status, participants, tickets_total, drawn_at IS NOT NULL AS drawn_at_set
FROM draw WHERE draw_id = :d4;

-- running it again returns the stored results and writes nothing
SELECT count(*) AS results, (SELECT count(*) FROM notification) AS messages FROM result \gset before_
SELECT * FROM run_draw(:d4);
SELECT count(*) = :before_results AS no_new_results,
       (SELECT count(*) FROM notification) = :before_messages AS no_new_messages
FROM result;
-- and nothing more is accepted
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 1, 1)$$, :d4));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Late prize', 1)$$, :d4));
SELECT * FROM error_of(format($$SELECT close_partition(%s, 0)$$, :d4));
SELECT * FROM error_of(format($$SELECT cancel_draw(%s)$$, :d4));

-- closes_at is judged by the clock, not by when the transaction began: a
-- transaction that began before the draw closed takes no tickets after it
SELECT create_draw('Closing now', clock_timestamp() + interval '1 second',
                   opens_at => '2000-01-01') AS d_closing \gset
BEGIN;
SELECT award_tickets(:d_closing, 1, 1) AS before_closing;
SELECT pg_sleep_until(closes_at + interval '50 milliseconds') FROM draw WHERE draw_id = :d_closing;
SELECT now() < closes_at AS transaction_began_before_closing FROM draw WHERE draw_id = :d_closing;
SELECT code, message FROM error_of(format($$SELECT award_tickets(%s, 1, 1)$$, :d_closing));
SELECT code, message FROM error_of(format($$SELECT add_prize(%s, 'Late prize', 1)$$, :d_closing));
COMMIT;
SELECT tickets FROM entry WHERE draw_id = :d_closing;

--
-- award_tickets for a batch: the results of single calls in order, one
-- customer possibly several times; bad input anywhere changes nothing
--
SELECT create_draw('Singles', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   max_tickets_per_customer => 6, milestones => '{1,5}') AS d_single \gset
SELECT create_draw('Batch', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   max_tickets_per_customer => 6, milestones => '{1,5}') AS d_batch \gset
SELECT sum(award_tickets(:d_single, c, n)) IS NOT NULL AS single_calls
FROM unnest(ARRAY[3, 1, 3, 2, 3], ARRAY[2, 1, 4, 3, 5]) WITH ORDINALITY AS a(c, n, i);
SELECT award_tickets(:d_batch, ARRAY[3, 1, 3, 2, 3], ARRAY[2, 1, 4, 3, 5]) AS issued;
SELECT s.customer_id, s.tickets AS single_tickets, b.tickets AS batch_tickets
FROM entry s JOIN entry b ON b.customer_id = s.customer_id AND b.draw_id = :d_batch
WHERE s.draw_id = :d_single ORDER BY 1;
SELECT e.customer_id,
       e.best = (SELECT array_agg(t.ticket ORDER BY t.ticket DESC)
                 FROM (SELECT ticket FROM tickets_of(:d_batch, e.customer_id) LIMIT 1) t) AS committed_best
FROM entry e WHERE e.draw_id = :d_batch ORDER BY 1;
SELECT customer_id, payload - 'entry_ref' AS payload FROM notification WHERE draw_id = :d_batch ORDER BY notification_id;
-- the same messages as the single calls (a batch writes them customer by customer)
-- (but for the entry references: the draws are two)
SELECT (SELECT array_agg(customer_id || ':' || (payload - 'entry_ref')::text ORDER BY customer_id, notification_id)
        FROM notification WHERE draw_id = :d_single)
     = (SELECT array_agg(customer_id || ':' || (payload - 'entry_ref')::text ORDER BY customer_id, notification_id)
        FROM notification WHERE draw_id = :d_batch) AS same_messages_as_single_calls;
-- counts NULL: one ticket each; an empty batch issues nothing
SELECT award_tickets(:d_batch, ARRAY[10, 11]::bigint[]) AS one_each,
       award_tickets(:d_batch, '{}'::bigint[]) AS empty;
SELECT * FROM error_of(format($$SELECT award_tickets(%s, NULL::bigint[])$$, :d_batch));
SELECT * FROM error_of(format($$SELECT award_tickets(%s, '{1,NULL}'::bigint[])$$, :d_batch));
SELECT * FROM error_of(format($$SELECT award_tickets(%s, '{1,2}'::bigint[], '{1}'::bigint[])$$, :d_batch));
SELECT * FROM error_of(format($$SELECT award_tickets(%s, '{1,2}'::bigint[], '{1,0}'::bigint[])$$, :d_batch));
SELECT * FROM error_of(format($$SELECT award_tickets(%s, '{{1},{2}}'::bigint[])$$, :d_batch));
SELECT * FROM error_of(format($$SELECT award_tickets(%s, array_fill(1::bigint, ARRAY[1000001]))$$, :d_batch));
SELECT * FROM error_of($$SELECT award_tickets(-1, '{1}'::bigint[])$$);
SELECT close_partition(:d_batch, 0);
SELECT code, message FROM error_of(format($$SELECT award_tickets(%s, '{1}'::bigint[])$$, :d_batch));
SELECT count(*) AS entries, sum(tickets) AS tickets FROM entry WHERE draw_id = :d_batch;
