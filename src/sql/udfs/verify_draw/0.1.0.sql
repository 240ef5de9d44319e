/*
 * verify_draw: recompute a drawn draw in plain SQL with pgcrypto, from its
 * revealed seed, its entries and its prize table, independently of the C
 * code that drew it.  The body is bound when the extension is created, so
 * it needs no search_path.  The 'ineligible' decisions are taken as
 * recorded (the eligibility function answered at draw time), but each must
 * sit where the draw would have asked: at a would-be winner's first ticket
 * while prizes remained, or at the best ticket of a customer about to get
 * the default prize.
 */
CREATE FUNCTION promo_draw.verify_draw(draw_id bigint)
RETURNS TABLE (check_name text, ok boolean, detail text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH d AS (
	SELECT q.id AS draw_id, dr.status, dr.max_wins_per_customer AS m, dr.requires_opt_in,
	       dr.default_prize, dr.participants, dr.tickets_total, dr.seed_hash,
	       rv.seed
	FROM (VALUES (verify_draw.draw_id)) AS q(id)
	LEFT JOIN promo_draw.draw dr ON dr.draw_id = q.id
	LEFT JOIN promo_draw.draw_reveal rv ON rv.draw_id = q.id
),
entries AS (
	SELECT e.customer_id, e.tickets, e.best, e.opted_in
	FROM promo_draw.entry_reveal e
	WHERE e.draw_id = verify_draw.draw_id
),
recomputed AS (
	SELECT e.customer_id,
	       (array_agg(DISTINCT encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id)
	                                              || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid
	                  ORDER BY encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id)
	                                              || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid DESC)
	       )[1:d.m] AS best
	FROM d, entries e, generate_series(1, e.tickets) j
	GROUP BY e.customer_id, d.m
),
ticket_check AS (
	SELECT count(*) AS checked,
	       count(*) FILTER (WHERE e.best IS DISTINCT FROM coalesce(r.best, '{}')) AS wrong,
	       min(e.customer_id) FILTER (WHERE e.best IS DISTINCT FROM coalesce(r.best, '{}')) AS first_wrong
	FROM entries e LEFT JOIN recomputed r ON r.customer_id = e.customer_id
),
ordered AS (
	SELECT e.customer_id, b.ticket, b.rank,
	       row_number() OVER w AS place,
	       coalesce(lag(b.ticket) OVER w = b.ticket, false) AS repeat
	FROM d, entries e, unnest(e.best) WITH ORDINALITY AS b(ticket, rank)
	WHERE e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
	WINDOW w AS (ORDER BY b.ticket DESC, e.customer_id)
),
stored AS (
	SELECT r.place, r.customer_id, r.ticket, r.prize_id, r.outcome
	FROM promo_draw.result r
	WHERE r.draw_id = verify_draw.draw_id
),
ineligible AS (
	SELECT DISTINCT s.customer_id FROM stored s WHERE s.outcome = 'ineligible'
),
units AS (
	SELECT p.prize_id, row_number() OVER (ORDER BY p.value DESC, p.prize_id, u) AS k
	FROM promo_draw.prize p, generate_series(1, p.quantity) u
	WHERE p.draw_id = verify_draw.draw_id
),
candidates AS (
	SELECT o.place, o.customer_id, o.ticket, row_number() OVER (ORDER BY o.place) AS k
	FROM ordered o
	WHERE NOT o.repeat AND o.customer_id NOT IN (SELECT i.customer_id FROM ineligible i)
),
won AS (
	SELECT c.place, c.customer_id, c.ticket, u.prize_id, 'won'::text AS outcome
	FROM candidates c JOIN units u ON u.k = c.k
),
first_ticket AS (
	SELECT DISTINCT ON (o.customer_id) o.place, o.customer_id, o.ticket
	FROM ordered o
	WHERE NOT o.repeat
	ORDER BY o.customer_id, o.place
),
prize_ineligible AS (
	-- asked while prizes remained, at their first ticket that counts
	SELECT f.place, f.customer_id, f.ticket, NULL::bigint AS prize_id, 'ineligible'::text AS outcome
	FROM first_ticket f
	WHERE f.customer_id IN (SELECT i.customer_id FROM ineligible i)
	  AND (SELECT count(*) FROM won w WHERE w.place < f.place) < (SELECT count(*) FROM units)
),
consolation AS (
	-- everyone else who won nothing, at their best ticket: the default
	-- prize (for which eligibility was asked) or the lose message
	SELECT o.place, o.customer_id, o.ticket, NULL::bigint AS prize_id,
	       CASE WHEN d.default_prize IS NULL THEN 'lost'
	            WHEN o.customer_id IN (SELECT i.customer_id FROM ineligible i) THEN 'ineligible'
	            ELSE 'default' END AS outcome
	FROM d, ordered o
	WHERE o.rank = 1
	  AND o.customer_id NOT IN (SELECT w.customer_id FROM won w)
	  AND o.customer_id NOT IN (SELECT p.customer_id FROM prize_ineligible p)
),
expected AS (
	SELECT * FROM won UNION ALL SELECT * FROM prize_ineligible UNION ALL SELECT * FROM consolation
),
result_diff AS (
	SELECT count(*) AS differing, min(x.place) AS first_place
	FROM ((SELECT * FROM stored EXCEPT ALL SELECT * FROM expected)
	      UNION ALL
	      (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored)) x
),
participation AS (
	SELECT count(*) AS participants, coalesce(sum(e.tickets), 0) AS tickets
	FROM d, entries e
	WHERE e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
),
messages AS (
	SELECT n.customer_id, n.kind
	FROM promo_draw.notification n
	WHERE n.draw_id = verify_draw.draw_id AND n.kind IN ('won', 'default', 'lost')
),
message_check AS (
	SELECT (SELECT count(*) FROM stored s WHERE s.outcome <> 'ineligible') AS expected,
	       (SELECT count(*) FROM messages) AS found,
	       (SELECT count(*) FROM (
	           (SELECT s.customer_id, s.outcome FROM stored s WHERE s.outcome <> 'ineligible'
	            EXCEPT ALL
	            SELECT m.customer_id, m.kind FROM messages m)) x) AS missing
)
SELECT 'drawn', coalesce(d.status = 'drawn', false),
       CASE WHEN d.status IS NULL THEN format('There is no draw %s.', d.draw_id)
            WHEN d.status = 'drawn' THEN 'The draw has run and its seed is revealed.'
            ELSE format('The draw is %s: its seed is still secret, so nothing can be verified yet.', d.status) END
FROM d
UNION ALL
SELECT 'seed', coalesce(digest(d.seed, 'sha256') = d.seed_hash, false),
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN digest(d.seed, 'sha256') = d.seed_hash THEN 'sha256(seed) equals the seed_hash published when the draw was created.'
            ELSE 'sha256(seed) does not equal the published seed_hash.' END
FROM d
UNION ALL
SELECT 'tickets', d.seed IS NOT NULL AND t.wrong = 0,
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN t.wrong = 0 THEN format('The best tickets of all %s entries match the tickets recomputed from the seed.', t.checked)
            ELSE format('%s of %s entries hold best tickets that the seed does not give, customer %s first.',
                        t.wrong, t.checked, t.first_wrong) END
FROM d, ticket_check t
UNION ALL
SELECT 'participants', d.seed IS NOT NULL AND p.participants = d.participants AND p.tickets = d.tickets_total,
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN p.participants = d.participants AND p.tickets = d.tickets_total
            THEN format('%s participants holding %s tickets, as recorded when the draw ran.', p.participants, p.tickets)
            ELSE format('The entries now hold %s participants with %s tickets; the draw recorded %s with %s.',
                        p.participants, p.tickets, d.participants, d.tickets_total) END
FROM d, participation p
UNION ALL
SELECT 'results', d.seed IS NOT NULL AND r.differing = 0,
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN r.differing = 0 THEN format('All %s results match the assignment recomputed from the entries and the prize table.',
                                             (SELECT count(*) FROM stored))
            ELSE format('%s result rows differ from the recomputed assignment, first at place %s.',
                        r.differing, r.first_place) END
FROM d, result_diff r
UNION ALL
SELECT 'messages', d.seed IS NOT NULL AND mc.missing = 0 AND mc.found = mc.expected,
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN mc.missing = 0 AND mc.found = mc.expected
            THEN format('Every one of the %s winners and consoled customers has exactly one message.', mc.expected)
            ELSE format('There are %s messages for %s results, and %s results have no message of their own.',
                        mc.found, mc.expected, mc.missing) END
FROM d, message_check mc;
END;
COMMENT ON FUNCTION promo_draw.verify_draw(bigint) IS
	'recompute a drawn draw in plain SQL with pgcrypto: seed, tickets, participants, results and messages; ok = false names what differs';
