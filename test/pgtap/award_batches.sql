-- award_tickets for a batch against single calls in order: random awards
-- (customers repeating, counts up to a cap, milestones crossed on the way)
-- go to one draw as single calls and to a twin draw as batches of random
-- sizes; tickets, milestone messages and tickets issued must agree, and
-- every best ticket must be the committed one.  The seed is printed; rerun
-- one with PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(5);
\ir include/seed.sql

SELECT promo_draw.create_draw('singles', '2100-01-01', opens_at => '2000-01-01', max_wins_per_customer => 2,
                              max_tickets_per_customer => 30, milestones => '{1,5,10,25}') AS single_draw \gset
SELECT promo_draw.create_draw('batches', '2100-01-01', opens_at => '2000-01-01', max_wins_per_customer => 2,
                              max_tickets_per_customer => 30, milestones => '{1,5,10,25}') AS batch_draw \gset

CREATE TEMP TABLE award AS
SELECT i, 1 + floor(random() * 60)::bigint AS customer_id, 1 + floor(random() * 8)::bigint AS n,
       0 AS batch
FROM generate_series(1, 500) i;
-- cut the stream into batches of 1 to 50 awards
DO $$
DECLARE
	pos int := 1;
	b int := 0;
	len int;
BEGIN
	WHILE pos <= 500 LOOP
		len := 1 + floor(random() * 50)::int;
		UPDATE award SET batch = b WHERE i BETWEEN pos AND pos + len - 1;
		pos := pos + len;
		b := b + 1;
	END LOOP;
END
$$;

CREATE TEMP TABLE single_issued AS
SELECT a.i, promo_draw.award_tickets(:single_draw, a.customer_id, a.n) AS total
FROM (SELECT * FROM award ORDER BY i) a;
CREATE TEMP TABLE batch_issued AS
SELECT b.batch, promo_draw.award_tickets(:batch_draw, b.customers, b.counts) AS issued
FROM (SELECT batch, array_agg(customer_id ORDER BY i) AS customers, array_agg(n ORDER BY i) AS counts
      FROM award GROUP BY batch ORDER BY batch) b;
SELECT diag(format('%s awards in %s batches to %s customers', count(*), count(DISTINCT batch),
                   count(DISTINCT customer_id)))
FROM award;

SELECT is((SELECT count(*) FROM promo_draw.entry s
           FULL JOIN (SELECT * FROM promo_draw.entry WHERE draw_id = :batch_draw) b USING (customer_id)
           WHERE s.draw_id = :single_draw AND s.tickets IS DISTINCT FROM b.tickets),
          0::bigint, 'every customer holds as many tickets as the single calls gave');
SELECT is((SELECT sum(issued) FROM batch_issued),
          (SELECT sum(tickets) FROM promo_draw.entry WHERE draw_id = :single_draw),
          'the batches report the tickets they issued');
SELECT is((SELECT count(*) FROM (
	(SELECT customer_id, payload - 'entry_ref' FROM promo_draw.notification WHERE draw_id = :single_draw
	 EXCEPT ALL
	 SELECT customer_id, payload - 'entry_ref' FROM promo_draw.notification WHERE draw_id = :batch_draw)
	UNION ALL
	(SELECT customer_id, payload - 'entry_ref' FROM promo_draw.notification WHERE draw_id = :batch_draw
	 EXCEPT ALL
	 SELECT customer_id, payload - 'entry_ref' FROM promo_draw.notification WHERE draw_id = :single_draw)) x),
	0::bigint, 'the same milestone messages, each once');
SELECT cmp_ok((SELECT count(*) FROM promo_draw.notification WHERE draw_id = :batch_draw), '>', 60::bigint,
	'milestones were crossed, more than one a customer');
-- the best two of each customer's tickets are the committed ones
SELECT is((SELECT count(*) FROM promo_draw.entry e
           WHERE e.draw_id = :batch_draw
             AND e.best IS DISTINCT FROM (
                 SELECT array_agg(t ORDER BY t DESC) FROM (
                     SELECT encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id) || int8send(j),
                                               d.seed, 'sha256'), 1, 16), 'hex')::uuid AS t
                     FROM promo_draw.draw_secret d, generate_series(1, e.tickets) j
                     WHERE d.draw_id = :batch_draw
                     ORDER BY 1 DESC LIMIT 2) best)),
          0::bigint, 'every entry keeps its committed best tickets, numbered as single calls number them');

SELECT * FROM finish();
ROLLBACK;
