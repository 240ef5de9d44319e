-- The main job: a short promotion run end to end with what exists so far.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
\echo '== promo_draw demo: keeping only each customer''s best tickets'
CREATE TEMP TABLE ticket AS
SELECT 1 + (i % 5000) AS customer_id, gen_random_uuid() AS ticket, round((random() * 20)::numeric, 2) AS stake
FROM generate_series(1, 50000) i;
SELECT count(*) AS tickets, count(DISTINCT customer_id) AS customers FROM ticket;
\echo 'best ticket and best 3 tickets of the first five customers:'
SELECT customer_id, promo_draw.best_ticket(ticket) AS best,
       cardinality(promo_draw.best_tickets(ticket, 3)) AS kept,
       promo_draw.stake_tickets(stake, 25) AS tickets_from_stake
FROM ticket WHERE customer_id <= 5 GROUP BY 1 ORDER BY 1;
